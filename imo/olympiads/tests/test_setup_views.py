"""Pages of the olympiad's settings: allowed for the office, read-only for school admins, denied otherwise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from imo.olympiads.models import GradeSetting, JuryMember, OlympiadSubject, Season, Stage, StageSubject
from imo.olympiads.setup import services
from imo.olympiads.tests.setup_fixtures import make_season, make_stage, make_stage_subject, year
from imo.orgs.models import Organization
from imo.orgs.tests.factories import make_organization
from imo.staff.tests.factories import make_educator

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(district):
    return make_stage_subject(make_stage(make_season(district.municipality)), "Математика")


def _client(client, user):
    client.force_login(user)
    return client


def test_methodist_creates_a_season(client, district):
    academic_year = year(2026)
    c = _client(client, district.user("methodist"))
    assert c.get(reverse("olympiads:season_create")).status_code == 200
    response = c.post(
        reverse("olympiads:season_create"),
        {"municipality": district.municipality.pk, "academic_year": academic_year.pk, "title": ""},
    )
    season = Season.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "olympiads:season_detail", args=[season.pk]
    )
    assert season.municipality == district.municipality
    again = c.post(
        reverse("olympiads:season_create"),
        {"municipality": district.municipality.pk, "academic_year": academic_year.pk},
    )
    assert again.status_code == 200 and "уже заведена" in again.content.decode()
    assert Season.objects.count() == 1


def test_season_list_filters_by_year_and_exports(client, district):
    make_season(district.municipality, 2025)
    make_season(district.municipality, 2026)
    c = _client(client, district.user("methodist"))
    page = c.get(reverse("olympiads:season_list"), {"year": year(2025).pk}).content.decode()
    assert "школьников 2025/2026" in page and "школьников 2026/2027" not in page
    export = c.get(reverse("olympiads:season_export"))
    assert export.status_code == 200
    sheet = load_workbook(BytesIO(export.content)).active
    assert sheet.cell(1, 1).value == "Учебный год" and sheet.max_row == 3


def test_stage_late_date_warns_and_saves(client, district):
    season = make_season(district.municipality)
    c = _client(client, district.user("methodist"))
    data = {
        "level": "school",
        "starts_on": "2026-10-01",
        "ends_on": "2026-11-10",
        "total_share": "45",
        "winners_share": "5",
        "min_award_share": "50",
        "rounding": "down",
        "quota_basis": "grade",
    }
    response = c.post(reverse("olympiads:stage_create", args=[season.pk]), data, follow=True)
    assert Stage.objects.filter(season=season, ends_on=dt.date(2026, 11, 10)).exists()
    assert "не позднее 01.11.2026" in response.content.decode()


def test_stage_bad_quota_shows_the_message(client, district):
    season = make_season(district.municipality)
    c = _client(client, district.user("methodist"))
    data = {
        "level": "school",
        "starts_on": "2026-10-01",
        "ends_on": "2026-10-20",
        "total_share": "10",
        "winners_share": "20",
        "min_award_share": "50",
        "rounding": "down",
        "quota_basis": "grade",
    }
    response = c.post(reverse("olympiads:stage_create", args=[season.pk]), data)
    assert response.status_code == 200
    assert "Доля победителей не может быть больше доли победителей и призёров." in response.content.decode()
    assert not Stage.objects.exists()


def test_add_all_subjects_and_edit_one(client, district):
    stage = make_stage(make_season(district.municipality))
    c = _client(client, district.user("methodist"))
    c.post(reverse("olympiads:stage_add_all_subjects", args=[stage.pk]))
    assert (
        StageSubject.objects.filter(stage=stage).count()
        == OlympiadSubject.objects.filter(is_active=True).count()
    )
    item = StageSubject.objects.get(stage=stage, subject__name="Математика")
    bad = c.post(reverse("olympiads:stage_subject_edit", args=[item.pk]), {"min_grade": 3, "max_grade": 11})
    assert bad.status_code == 200 and "4–11 классов" in bad.content.decode()
    ok = c.post(
        reverse("olympiads:stage_subject_edit", args=[item.pk]),
        {"min_grade": 4, "max_grade": 9, "held_on": "2026-10-05", "venue": "СОШ № 1", "winners_share": "8"},
    )
    assert ok.status_code == 302
    item.refresh_from_db()
    assert (item.max_grade, item.winners_share, item.online) == (9, Decimal("8"), False)


def test_grade_grid_and_jury(client, district, item):
    c = _client(client, district.user("methodist"))
    assert c.get(reverse("olympiads:stage_subject_grades", args=[item.pk])).status_code == 200
    response = c.post(
        reverse("olympiads:stage_subject_grades", args=[item.pk]),
        {"tasks_5": "10, 10, 15", "threshold_5": "20", "max_6": "40"},
    )
    assert response.status_code == 302
    assert GradeSetting.objects.get(stage_subject=item, grade=5).max_score == Decimal("35")
    bad = c.post(reverse("olympiads:stage_subject_grades", args=[item.pk]), {"tasks_5": "10, пять"})
    assert "не число" in bad.content.decode()

    chair = make_educator(municipality=district.municipality, school=district.school_a)
    other = make_educator(municipality=district.municipality, school=district.school_b)
    add = reverse("olympiads:stage_subject_member_add", args=[item.pk, "jury"])
    c.post(add, {"educator": chair.pk, "is_chair": "on"})
    c.post(add, {"educator": other.pk})
    assert set(JuryMember.objects.values_list("educator", "is_chair")) == {
        (chair.pk, True),
        (other.pk, False),
    }
    # removing the chair while others remain is refused
    c.post(reverse("olympiads:stage_subject_member_remove", args=[item.pk, "jury", chair.pk]))
    assert JuryMember.objects.count() == 2
    c.post(reverse("olympiads:stage_subject_member_chair", args=[item.pk, "jury", other.pk]))
    assert JuryMember.objects.get(is_chair=True).educator == other
    page = c.get(reverse("olympiads:stage_subject_detail", args=[item.pk])).content.decode()
    assert "председатель" in page

    export = c.get(reverse("olympiads:season_stage_subjects_export", args=[item.stage.season_id]))
    sheet = load_workbook(BytesIO(export.content)).active
    headers = [cell.value for cell in sheet[1]]
    row = dict(zip(headers, [cell.value for cell in sheet[2]], strict=True))
    assert row["Предмет"] == "Математика" and "5 кл.: 35" in row["Максимальный балл"]
    assert row["Председатель жюри"] == str(other)


def test_copy_page(client, district, item):
    year(2027)
    c = _client(client, district.user("head"))
    response = c.post(
        reverse("olympiads:season_copy", args=[item.stage.season_id]), {"academic_year": year(2027).pk}
    )
    copy = Season.objects.get(academic_year__start_year=2027)
    assert response.url == reverse("olympiads:season_detail", args=[copy.pk])
    assert StageSubject.objects.filter(stage__season=copy).count() == 1


def test_school_admin_reads_but_cannot_edit(client, district, item):
    c = _client(client, district.user("school_admin_a"))
    assert c.get(reverse("olympiads:season_list")).status_code == 200
    assert c.get(reverse("olympiads:season_detail", args=[item.stage.season_id])).status_code == 200
    page = c.get(reverse("olympiads:stage_subject_detail", args=[item.pk]))
    assert page.status_code == 200 and "Задать баллы" not in page.content.decode()
    assert c.get(reverse("olympiads:stage_subject_edit", args=[item.pk])).status_code == 403
    assert c.post(reverse("olympiads:stage_add_all_subjects", args=[item.stage_id])).status_code == 403
    assert c.get(reverse("olympiads:season_create")).status_code == 403


def test_teacher_and_no_role_are_refused(client, district, item):
    for key in ("teacher_a", "no_role"):
        c = _client(client, district.user(key))
        assert c.get(reverse("olympiads:season_list")).status_code == 403
        assert c.get(reverse("olympiads:stage_subject_detail", args=[item.pk])).status_code == 403


def test_observer_reads_only(client, district, item):
    c = _client(client, district.user("observer"))
    assert c.get(reverse("olympiads:stage_subject_detail", args=[item.pk])).status_code == 200
    assert c.get(reverse("olympiads:stage_subject_grades", args=[item.pk])).status_code == 403


def test_other_municipality_is_not_found(client, district):
    other = make_organization(
        parent=district.region, kind=Organization.Kind.MUNICIPALITY, name="Другой район"
    )
    foreign = make_stage_subject(make_stage(make_season(other)))
    c = _client(client, district.user("methodist"))
    assert c.get(reverse("olympiads:season_detail", args=[foreign.stage.season_id])).status_code == 404
    assert c.get(reverse("olympiads:stage_subject_detail", args=[foreign.pk])).status_code == 404
    assert c.get(reverse("olympiads:stage_subject_edit", args=[foreign.pk])).status_code == 404
    assert "Другой район" not in c.get(reverse("olympiads:season_list")).content.decode()
    school_admin = _client(client, district.user("school_admin_a"))
    assert school_admin.get(reverse("olympiads:stage_subject_detail", args=[foreign.pk])).status_code == 404


def test_anonymous_goes_to_login(client, item):
    for url in (
        reverse("olympiads:season_list"),
        reverse("olympiads:stage_subject_detail", args=[item.pk]),
        reverse("olympiads:olympiad_subjects"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.url


def test_olympiad_subjects_page(client, district):
    c = _client(client, district.user("methodist"))
    page = c.get(reverse("olympiads:olympiad_subjects"), {"q": "матем"}).content.decode()
    assert "Математика" in page and "История" not in page
    history = OlympiadSubject.objects.get(name="История")
    response = c.post(
        reverse("olympiads:olympiad_subject_edit", args=[history.pk]),
        {"name": "История", "short_name": "Ист.", "min_grade_school": 6, "order": 5, "is_active": "on"},
    )
    assert response.status_code == 302
    history.refresh_from_db()
    assert (history.short_name, history.min_grade_school) == ("Ист.", 6)
    assert c.get(reverse("olympiads:olympiad_subject_export")).status_code == 200
    school_admin = _client(client, district.user("school_admin_a"))
    assert school_admin.get(reverse("olympiads:olympiad_subject_edit", args=[history.pk])).status_code == 403


def test_selectors_scope(district, item):
    from imo.olympiads.setup.selectors import seasons_visible_to, stage_subject_get_for

    assert list(seasons_visible_to(user=district.user("school_admin_b"))) == [item.stage.season]
    assert not seasons_visible_to(user=district.user("teacher_a")).exists()
    assert (
        stage_subject_get_for(user=district.user("methodist"), pk=item.pk, permission="olympiads.manage")
        == item
    )


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_season_page_reads_a_fixed_number_of_queries(client, district, item):
    c = _client(client, district.user("methodist"))
    url = reverse("olympiads:season_detail", args=[item.stage.season_id])
    _queries(c, url)  # the first request of the session reads more (session, caches)
    few = _queries(c, url)
    services.stage_subjects_add_all(stage=item.stage)
    member = make_educator(municipality=district.municipality, school=district.school_a)
    for stage_subject in StageSubject.objects.all():
        services.jury_set(stage_subject=stage_subject, members=[(member, True)])
        services.grade_settings_save(
            stage_subject=stage_subject, rows=[services.GradeRow(grade=9, max_score=Decimal(50))]
        )
    assert _queries(c, url) == few


def test_committee_and_removing_a_subject(client, district, item):
    c = _client(client, district.user("secretary"))
    response = c.post(
        reverse("olympiads:committee_add", args=[item.stage_id]),
        {"full_name": "Иванов Иван Иванович", "role": "председатель оргкомитета"},
    )
    assert response.status_code == 302
    assert "Иванов Иван Иванович" in c.get(response.url).content.decode()
    empty = c.post(reverse("olympiads:committee_add", args=[item.stage_id]), {"role": "член"})
    assert "Выберите педагога или впишите ФИО." in empty.content.decode()
    c.post(reverse("olympiads:stage_subject_delete", args=[item.pk]))
    assert not StageSubject.objects.filter(pk=item.pk).exists()
