"""Analytics figures on the tiny data set of analytics_fixtures (2 schools, 2 subjects, 2 years)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from imo.olympiads.analytics import selectors as sel
from imo.olympiads.analytics.selectors import Filters
from imo.olympiads.models import Stage
from imo.olympiads.tests.analytics_fixtures import make_olympiad

pytestmark = pytest.mark.django_db


def _read(user, **filters):
    scope = sel.analytics_scope(user=user)
    years = [y for y in sel.years_available(scope=scope) if y.start_year in (2024, 2025)][::-1]
    f = Filters(years=tuple(y.start_year for y in years), **filters)
    return sel.analytics_read(
        scope=scope, filters=f, years=years, schools=sel.schools_in(scope=scope), subjects=sel.subjects_all()
    )


def test_schools_per_year_with_shares(district):
    make_olympiad(district)
    a = _read(district.user("methodist"))
    assert [y.name for y in a.years] == ["2024/2025", "2025/2026"]
    rows = {r.label: r for r in a.schools}
    school_a = rows["СОШ № 1 г. Курчалой"]
    last = school_a.cells[1]
    assert (last.students, last.participations, last.winners, last.prize_winners) == (2, 3, 1, 1)
    assert last.enrolled == 20
    assert last.share == Decimal("10.0")
    assert last.awarded_share == Decimal("66.7")
    first = school_a.cells[0]
    assert (first.students, first.participations, first.winners, first.share) == (1, 1, 1, Decimal("12.5"))
    school_b = rows["СОШ с. Бельты"].cells[1]
    assert (school_b.students, school_b.participations, school_b.prize_winners) == (2, 2, 1)
    assert school_b.enrolled is None and school_b.share is None  # no enrolment entered → «—»
    assert school_b.awarded_share == Decimal("50.0")
    total = a.totals.cells[1]
    assert (total.students, total.participations, total.winners, total.prize_winners) == (4, 5, 1, 2)
    assert total.enrolled == 20
    assert a.district is None


def test_subjects_and_filters(district):
    data = make_olympiad(district)
    a = _read(district.user("head"))
    subjects = {r.label: r.cells[1] for r in a.subjects}
    assert subjects["Математика"].participations == 3  # the absent student is not counted
    assert subjects["Физика"].participations == 2
    assert subjects["Математика"].winners == 1
    assert [r.label for r in a.subjects] == ["Математика", "Физика"]

    math = _read(district.user("head"), subject_id=data.math.pk)
    assert [r.label for r in math.subjects] == ["Математика"]
    assert math.totals.cells[1].participations == 3

    school_b = _read(district.user("head"), school_id=district.school_b.pk)
    assert [r.label for r in school_b.schools] == ["СОШ с. Бельты"]
    assert school_b.totals.cells[1].participations == 2

    municipal = _read(district.user("head"), level=Stage.Level.MUNICIPAL)
    cell = municipal.totals.cells[1]
    assert (cell.participations, cell.prize_winners, cell.share) == (1, 1, Decimal("5.0"))
    assert municipal.totals.cells[0].participations == 0


def test_teachers_whose_students_won(district):
    data = make_olympiad(district)
    a = _read(district.user("observer"))
    rows = [
        (r.name.split()[0], r.subject, [(c.students, c.winners, c.prize_winners) for c in r.cells])
        for r in a.teachers
    ]
    assert ("Учителева", "Математика", [(1, 1, 0), (2, 1, 0)]) in rows
    assert ("Учителева", "Физика", [(0, 0, 0), (1, 0, 1)]) in rows
    assert ("Бельтоева", "Математика", [(0, 0, 0), (1, 0, 1)]) in rows
    assert all(r[0] != "Пустова" for r in rows)  # no winners or prize-winners: not listed
    all_rows = sel.teacher_rows(
        scope=sel.analytics_scope(user=district.user("head")),
        filters=Filters(years=(2025,)),
        years=[2025],
        subject_names={data.physics.pk: "Физика"},
        only_awarded=False,
    )
    assert any(r.name.startswith("Пустова") for r in all_rows)


def test_school_admin_sees_own_school_and_the_district_total(district):
    make_olympiad(district)
    a = _read(district.user("school_admin_b"))
    assert [r.label for r in a.schools] == ["СОШ с. Бельты"]
    assert a.totals.cells[1].participations == 2
    assert a.district is not None
    assert a.district.cells[1].participations == 5
    assert {r.name.split()[0] for r in a.teachers} == {"Бельтоева"}


def test_percent_rounding():
    assert sel.percent(1, 3) == Decimal("33.3")
    assert sel.percent(2, 3) == Decimal("66.7")
    assert sel.percent(1, 0) is None


def test_packed_teacher_rows_give_back_the_rows_and_pickle_as_tuples():
    import pickle

    from imo.olympiads.analytics.selectors import PackedTeacherRows, TeacherCell, TeacherRow

    rows = [
        TeacherRow(7, "Бельтоева Роза", "Математика", (TeacherCell(3, 1, 1), TeacherCell())),
        TeacherRow(9, "Алиев Ахмед", "Физика", (TeacherCell(), TeacherCell(2, 0, 2))),
    ]
    packed = PackedTeacherRows(rows)
    assert len(packed) == 2 and list(packed) == rows
    assert packed[1] == rows[1] and packed[0:1] == rows[:1] and packed[-1].awarded == 2
    kept = pickle.loads(pickle.dumps(packed))
    assert list(kept) == rows
    # What is kept holds no TeacherRow or TeacherCell: those cost ~10x as much to unpickle.
    data = pickle.dumps(packed)
    assert data.count(b"TeacherRow") == 1 and b"TeacherCell" not in data  # the one in PackedTeacherRows
    assert not PackedTeacherRows()
