"""Services of the olympiad's settings: quotas, grade ranges, grade grid, the one-chair rule, the copy."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from imo.olympiads.models import (
    AppealMember,
    CommitteeMember,
    GradeSetting,
    JuryMember,
    Season,
    Stage,
    StageSubject,
    Student,
)
from imo.olympiads.setup import services
from imo.olympiads.tests.setup_fixtures import make_season, make_stage, make_stage_subject, subject, year
from imo.staff.tests.factories import make_educator

pytestmark = pytest.mark.django_db

D = Decimal


# --- quotas -----------------------------------------------------------------------------------------


def test_quota_clean_accepts_the_typical_settings():
    services.quota_clean(total_share=D("45"), winners_share=D("5"), min_award_share=D("50"))
    services.quota_clean(total_share=D("8"), winners_share=D("8"), min_award_share=D("0"))


def test_quota_clean_refuses_more_winners_than_winners_and_prize_winners():
    with pytest.raises(ValidationError) as caught:
        services.quota_clean(total_share=D("10"), winners_share=D("12"), min_award_share=D("50"))
    assert caught.value.message_dict == {
        "winners_share": ["Доля победителей не может быть больше доли победителей и призёров."]
    }


@pytest.mark.parametrize("field", ["total_share", "winners_share", "min_award_share"])
@pytest.mark.parametrize("value", ["100.01", "-1"])
def test_quota_clean_refuses_shares_outside_0_100(field, value):
    values: dict[str, Any] = {
        "total_share": D("45"),
        "winners_share": D("5"),
        "min_award_share": D("50"),
        field: D(value),
    }
    with pytest.raises(ValidationError) as caught:
        services.quota_clean(**values)
    assert "от 0 до 100" in caught.value.message_dict[field][0]


def test_quota_clean_refuses_unknown_rounding():
    with pytest.raises(ValidationError) as caught:
        services.quota_clean(total_share=D("45"), winners_share=D("5"), min_award_share=D("50"), rounding="x")
    assert "rounding" in caught.value.message_dict


def test_stage_with_bad_quota_is_not_saved(district):
    season = make_season(district.municipality)
    with pytest.raises(ValidationError) as caught:
        make_stage(season, total_share=D("5"), winners_share=D("10"))
    assert "winners_share" in caught.value.message_dict
    assert not Stage.objects.exists()


def test_stage_subject_override_checked_against_the_stage(district):
    stage = make_stage(make_season(district.municipality), total_share=D("45"), winners_share=D("5"))
    # the stage allows 45 %; an override of winners 50 % is more than the stage's total
    with pytest.raises(ValidationError) as caught:
        make_stage_subject(stage, winners_share=D("50"))
    assert caught.value.message_dict["winners_share"] == [services.MSG_WINNERS_OVER_TOTAL]
    assert not StageSubject.objects.exists()
    item = make_stage_subject(stage, winners_share=D("8"))
    assert services.effective_quota(item)["winners_share"] == D("8")
    assert services.effective_quota(item)["total_share"] == D("45")


def test_late_stage_warns_but_saves(district):
    season = make_season(district.municipality)
    stage = services.stage_save(
        season=season, level=Stage.Level.SCHOOL, starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 11, 5)
    )
    warnings = services.stage_warnings(
        level=stage.level, ends_on=stage.ends_on, academic_year=season.academic_year
    )
    assert len(warnings) == 1 and "01.11.2026" in warnings[0]
    on_time = services.stage_warnings(
        level=Stage.Level.MUNICIPAL, ends_on=dt.date(2026, 12, 25), academic_year=season.academic_year
    )
    assert on_time == []
    late = services.stage_warnings(
        level=Stage.Level.MUNICIPAL, ends_on=dt.date(2026, 12, 26), academic_year=season.academic_year
    )
    assert "25.12.2026" in late[0]


def test_one_season_per_year(district):
    make_season(district.municipality)
    with pytest.raises(ValidationError) as caught:
        make_season(district.municipality)
    assert "уже заведена" in caught.value.message_dict["academic_year"][0]


# --- grades -----------------------------------------------------------------------------------------


def test_default_grades_per_stage_and_subject(district):
    season = make_season(district.municipality)
    school = make_stage(season)
    municipal = make_stage(season, Stage.Level.MUNICIPAL)
    maths = make_stage_subject(school, "Математика")
    physics = make_stage_subject(school, "Физика")
    history = make_stage_subject(school, "История")
    assert (maths.min_grade, maths.max_grade, maths.online) == (4, 11, True)
    assert (physics.min_grade, physics.max_grade) == (7, 11)
    assert (history.min_grade, history.online) == (5, False)
    maths_municipal = make_stage_subject(municipal, "Математика")
    assert (maths_municipal.min_grade, maths_municipal.max_grade, maths_municipal.online) == (7, 11, False)


@pytest.mark.parametrize(
    ("level", "name", "low", "high", "field"),
    [
        (Stage.Level.SCHOOL, "История", 4, 11, "min_grade"),
        (Stage.Level.SCHOOL, "Математика", 3, 11, "min_grade"),
        (Stage.Level.MUNICIPAL, "Математика", 6, 11, "min_grade"),
        (Stage.Level.MUNICIPAL, "Математика", 7, 12, "max_grade"),
        (Stage.Level.SCHOOL, "История", 9, 8, "max_grade"),
    ],
)
def test_grade_range_checked_against_the_stage(district, level, name, low, high, field):
    stage = make_stage(make_season(district.municipality), level)
    with pytest.raises(ValidationError) as caught:
        make_stage_subject(stage, name, min_grade=low, max_grade=high)
    assert field in caught.value.message_dict
    assert not StageSubject.objects.exists()


def test_grade_range_within_bounds_accepted(district):
    stage = make_stage(make_season(district.municipality))
    item = make_stage_subject(stage, "Математика", min_grade=4, max_grade=6)
    assert (item.min_grade, item.max_grade) == (4, 6)


def test_add_all_subjects(district):
    stage = make_stage(make_season(district.municipality))
    make_stage_subject(stage, "Математика")
    added = services.stage_subjects_add_all(stage=stage)
    assert added == 23
    assert services.stage_subjects_add_all(stage=stage) == 0
    assert StageSubject.objects.get(stage=stage, subject__name="Русский язык").min_grade == 4


def test_grade_grid_sums_tasks_and_checks_thresholds(district):
    item = make_stage_subject(make_stage(make_season(district.municipality)), "Математика")
    services.grade_settings_save(
        stage_subject=item,
        rows=[
            services.GradeRow(grade=5, task_max=services.task_max_parse("10, 10, 15"), threshold=D("20")),
            services.GradeRow(grade=6, max_score=D("40")),
        ],
    )
    five = GradeSetting.objects.get(stage_subject=item, grade=5)
    assert (five.max_score, five.task_max, five.threshold) == (D("35"), [10, 10, 15], D("20"))
    assert GradeSetting.objects.get(stage_subject=item, grade=6).max_score == D("40")
    with pytest.raises(ValidationError) as caught:
        services.grade_settings_save(
            stage_subject=item,
            rows=[
                services.GradeRow(grade=6, max_score=D("50")),
                services.GradeRow(grade=7, max_score=D("30"), threshold=D("31")),
            ],
        )
    assert "7 класс" in caught.value.messages[0]
    assert GradeSetting.objects.get(stage_subject=item, grade=6).max_score == D("40")  # nothing saved
    with pytest.raises(ValidationError):
        services.grade_settings_save(stage_subject=item, rows=[services.GradeRow(grade=3, max_score=D("10"))])
    services.grade_settings_save(stage_subject=item, rows=[services.GradeRow(grade=6)])
    assert not GradeSetting.objects.filter(stage_subject=item, grade=6).exists()


def test_task_max_parse():
    assert services.task_max_parse("10, 10, 15") == [D("10"), D("10"), D("15")]
    assert services.task_max_parse("2,5; 3") == [D("2.5"), D("3")]
    assert services.task_max_json([D("2.5"), D("3")]) == ["2.5", 3]
    assert services.task_max_text(["2.5", 3]) == "2,5; 3"
    with pytest.raises(ValidationError, match="не число"):
        services.task_max_parse("10, десять")
    with pytest.raises(ValidationError):
        services.task_max_parse("10, 0")


def test_threshold_only_at_the_school_stage(district):
    item = make_stage_subject(make_stage(make_season(district.municipality), Stage.Level.MUNICIPAL))
    with pytest.raises(ValidationError, match="только на школьном"):
        services.grade_settings_save(
            stage_subject=item, rows=[services.GradeRow(grade=7, max_score=D("30"), threshold=D("10"))]
        )


# --- jury -------------------------------------------------------------------------------------------


def test_jury_needs_exactly_one_chair(district):
    item = make_stage_subject(make_stage(make_season(district.municipality)))
    first = make_educator(municipality=district.municipality, school=district.school_a)
    second = make_educator(municipality=district.municipality, school=district.school_b)
    with pytest.raises(ValidationError, match="ровно один председатель"):
        services.jury_set(stage_subject=item, members=[(first, False), (second, False)])
    with pytest.raises(ValidationError, match="может быть только один"):
        services.jury_set(stage_subject=item, members=[(first, True), (second, True)])
    assert not JuryMember.objects.exists()
    services.jury_set(stage_subject=item, members=[(first, True), (second, False)])
    services.jury_set(stage_subject=item, members=[(first, False), (second, True)])  # the chair moves
    assert list(JuryMember.objects.filter(is_chair=True).values_list("educator", flat=True)) == [second.pk]
    assert JuryMember.objects.count() == 2
    services.jury_set(stage_subject=item, members=[])
    assert not JuryMember.objects.exists()
    services.appeal_commission_set(stage_subject=item, members=[(first, True)])
    assert AppealMember.objects.get().is_chair


def test_committee_member_educator_or_name(district):
    stage = make_stage(make_season(district.municipality))
    with pytest.raises(ValidationError):
        services.committee_member_add(stage=stage)
    services.committee_member_add(
        stage=stage, full_name="Иванов Иван Иванович", role="председатель оргкомитета"
    )
    assert CommitteeMember.objects.get().full_name == "Иванов Иван Иванович"


# --- copy -------------------------------------------------------------------------------------------


def test_season_copy_copies_settings_and_nothing_else(district):
    season = make_season(district.municipality, 2026)
    school = make_stage(season, total_share=D("40"), winners_share=D("8"))
    make_stage(season, Stage.Level.MUNICIPAL)
    chair = make_educator(municipality=district.municipality, school=district.school_a)
    member = make_educator(municipality=district.municipality, school=district.school_b)
    item = make_stage_subject(school, held_on=dt.date(2026, 10, 2), venue="СОШ № 1", total_share=D("30"))
    services.grade_settings_save(
        stage_subject=item, rows=[services.GradeRow(grade=5, task_max=[D("10"), D("15")], threshold=D("12"))]
    )
    services.jury_set(stage_subject=item, members=[(chair, True), (member, False)])
    services.appeal_commission_set(stage_subject=item, members=[(member, True)])
    services.committee_member_add(stage=school, educator=chair, role="председатель")
    item.published_at = item.ranked_at = dt.datetime(2026, 10, 20, tzinfo=dt.UTC)
    item.save()
    student = Student.objects.create(
        academic_year=season.academic_year,
        school=district.school_a,
        last_name="Ильясов",
        first_name="Ислам",
        grade=5,
    )
    item.participations.create(student=student, grade=5)

    copy = services.season_copy(season=season, academic_year=year(2027))

    assert copy.municipality == district.municipality and copy.academic_year.start_year == 2027
    stages = {stage.level: stage for stage in copy.stages.all()}
    assert set(stages) == {"school", "municipal"}
    new_school = stages["school"]
    assert (new_school.starts_on, new_school.ends_on) == (dt.date(2027, 9, 20), dt.date(2027, 10, 25))
    assert (new_school.total_share, new_school.winners_share) == (D("40"), D("8"))
    new_item = new_school.subjects.get()
    assert (new_item.held_on, new_item.venue, new_item.total_share) == (
        dt.date(2027, 10, 2),
        "СОШ № 1",
        D("30"),
    )
    assert new_item.published_at is None and new_item.ranked_at is None
    setting = new_item.grade_settings.get()
    assert (setting.grade, setting.max_score, setting.task_max, setting.threshold) == (
        5,
        D("25"),
        [10, 15],
        D("12"),
    )
    assert set(new_item.jury.values_list("educator", "is_chair")) == {(chair.pk, True), (member.pk, False)}
    assert list(new_item.appeal_commission.values_list("educator", "is_chair")) == [(member.pk, True)]
    assert list(new_school.committee.values_list("educator", "role")) == [(chair.pk, "председатель")]
    assert not new_item.participations.exists()
    assert Student.objects.count() == 1
    # the original is untouched
    assert item.participations.count() == 1 and season.stages.count() == 2
    with pytest.raises(ValidationError):
        services.season_copy(season=season, academic_year=year(2027))
    assert Season.objects.count() == 2


def test_olympiad_subject_save_checks_name_and_grade():
    with pytest.raises(ValidationError):
        services.olympiad_subject_save(data={"name": "математика"})
    with pytest.raises(ValidationError):
        services.olympiad_subject_save(subject=subject("История"), data={"min_grade_school": 12})
    saved = services.olympiad_subject_save(subject=subject("История"), data={"short_name": "Ист."})
    assert saved.short_name == "Ист."
