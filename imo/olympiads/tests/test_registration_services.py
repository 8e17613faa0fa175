"""Registration rules, withdrawal and the municipal stage's proposed list (olympiads.md 3, 11)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from imo.olympiads.models import Participation, Stage, StageSubject
from imo.olympiads.registration import services
from imo.olympiads.tests.registration_fixtures import make_olympiad, make_student, year
from imo.staff.tests.factories import make_educator

pytestmark = pytest.mark.django_db


@pytest.fixture
def olympiad(district):
    return make_olympiad(district)


def _student(district, olympiad, last="Алиев", grade=8, school=None, **kw):
    return make_student(
        school or district.school_a, olympiad.season.academic_year, last, "Ахмед", grade=grade, **kw
    )


def test_register_with_teacher_and_higher_grade(district, olympiad):
    student = _student(district, olympiad)
    teacher = make_educator(municipality=district.municipality, school=district.school_a)
    participation = services.participation_register(
        stage_subject=olympiad.school_math, student=student, grade=9, teachers=[teacher], by=None
    )
    assert participation.grade == 9
    assert participation.confirmed is True
    assert participation.source == Participation.Source.REGISTERED
    assert list(participation.teachers.all()) == [teacher]


@pytest.mark.parametrize(
    ("grade", "message"),
    [
        (7, "более младший класс"),
        (12, "не входит в классы"),
        (None, "Укажите класс"),
    ],
)
def test_bad_grade_saves_nothing(district, olympiad, grade, message):
    student = _student(district, olympiad)
    with pytest.raises(ValidationError) as error:
        services.participation_register(
            stage_subject=olympiad.school_math, student=student, grade=grade, teachers=[], by=None
        )
    assert message in " ".join(error.value.messages)
    assert not Participation.objects.exists()


def test_grade_outside_municipal_grades(district, olympiad):
    student = _student(district, olympiad, grade=5)
    with pytest.raises(ValidationError, match="7–11"):
        services.participation_register(
            stage_subject=olympiad.municipal_math, student=student, grade=6, teachers=[], by=None
        )


def test_twice_refused(district, olympiad):
    student = _student(district, olympiad)
    services.participation_register(
        stage_subject=olympiad.school_math, student=student, grade=8, teachers=[], by=None
    )
    with pytest.raises(ValidationError, match="уже зарегистрирован"):
        services.participation_register(
            stage_subject=olympiad.school_math, student=student, grade=9, teachers=[], by=None
        )
    assert Participation.objects.count() == 1


def test_after_codes_issued_refused(district, olympiad):
    student = _student(district, olympiad)
    participation = services.participation_register(
        stage_subject=olympiad.school_math, student=student, grade=8, teachers=[], by=None
    )
    StageSubject.objects.filter(pk=olympiad.school_math.pk).update(codes_issued_at=timezone.now())
    other = _student(district, olympiad, last="Бараев")
    with pytest.raises(ValidationError, match="шифры уже выданы"):
        services.participation_register(
            stage_subject=olympiad.school_math, student=other, grade=8, teachers=[], by=None
        )
    with pytest.raises(ValidationError, match="шифры уже выданы"):
        services.participation_withdraw(participation=participation, by=None)
    assert Participation.objects.count() == 1


def test_withdraw_before_codes(district, olympiad):
    student = _student(district, olympiad)
    participation = services.participation_register(
        stage_subject=olympiad.school_math, student=student, grade=8, teachers=[], by=None
    )
    services.participation_withdraw(participation=participation, by=None)
    assert not Participation.objects.exists()


def test_teacher_of_another_school_refused(district, olympiad):
    student = _student(district, olympiad)
    stranger = make_educator(municipality=district.municipality, school=district.school_b)
    with pytest.raises(ValidationError, match="педагога школы"):
        services.participation_register(
            stage_subject=olympiad.school_math, student=student, grade=8, teachers=[stranger], by=None
        )
    assert not Participation.objects.exists()


def test_student_of_another_year_refused(district, olympiad):
    student = make_student(district.school_a, year(2025), "Алиев", "Ахмед", grade=8)
    with pytest.raises(ValidationError, match="другого учебного года"):
        services.participation_register(
            stage_subject=olympiad.school_math, student=student, grade=8, teachers=[], by=None
        )


def test_municipal_stage_keeps_school_stage_grade(district, olympiad):
    student = _student(district, olympiad, grade=8)
    services.participation_register(
        stage_subject=olympiad.school_math, student=student, grade=10, teachers=[], by=None
    )
    # default: the grade performed at the school stage
    kept = services.participation_register(
        stage_subject=olympiad.municipal_math, student=student, grade=None, teachers=[], by=None
    )
    assert kept.grade == 10
    kept.delete()
    with pytest.raises(ValidationError, match="сохраняет его"):
        services.participation_register(
            stage_subject=olympiad.municipal_math, student=student, grade=8, teachers=[], by=None
        )


# --- proposals ---------------------------------------------------------------------------------------


def _scored(district, olympiad, last, score, grade=8, enrolled=8):
    student = _student(district, olympiad, last=last, grade=enrolled)
    participation = services.participation_register(
        stage_subject=olympiad.school_math, student=student, grade=grade, teachers=[], by=None
    )
    participation.score = Decimal(score)
    participation.save()
    return student


def test_threshold_boundary_and_grade_kept(district, olympiad):
    equal = _scored(district, olympiad, "Равнова", "30")
    below = _scored(district, olympiad, "Нижнева", "29.5")
    higher = _scored(district, olympiad, "Выше", "41", grade=10, enrolled=8)
    proposals = services.municipal_proposals(stage=olympiad.municipal_stage)
    by_student = {p.student.pk: p for p in proposals}
    assert equal.pk in by_student
    assert below.pk not in by_student
    assert by_student[equal.pk].reason == "балл 30 ≥ проходного 30"
    assert by_student[higher.pk].grade == 10  # grade performed above grade enrolled is kept


def test_last_year_winners_proposed(district, olympiad):
    previous = make_olympiad(district, start_year=2025)
    birth = dt.date(2011, 5, 1)
    old_winner = make_student(district.school_b, year(2025), "Прошлов", "Иса", grade=9, birth_date=birth)
    old_prize = make_student(district.school_a, year(2025), "Призов", "Иса", grade=10)
    old_plain = make_student(district.school_a, year(2025), "Простов", "Иса", grade=9)
    for student, status in (
        (old_winner, Participation.Status.WINNER),
        (old_prize, Participation.Status.PRIZE_WINNER),
        (old_plain, Participation.Status.PARTICIPANT),
    ):
        Participation.objects.create(
            stage_subject=previous.municipal_math, student=student, grade=student.grade, status=status
        )
    this_year = olympiad.season.academic_year
    winner_now = make_student(district.school_b, this_year, "Прошлов", "Иса", grade=10, birth_date=birth)
    prize_now = make_student(district.school_a, this_year, "Призов", "Иса", grade=11, previous=old_prize)
    make_student(district.school_a, this_year, "Простов", "Иса", grade=10, previous=old_plain)
    proposals = {p.student.pk: p for p in services.municipal_proposals(stage=olympiad.municipal_stage)}
    assert set(proposals) == {winner_now.pk, prize_now.pk}
    assert proposals[winner_now.pk].reason == "победитель муниципального этапа прошлого года"
    assert proposals[prize_now.pk].reason == "призёр муниципального этапа прошлого года"
    assert proposals[prize_now.pk].grade == 11  # 10 + 1, capped at 11


def test_proposals_create_is_idempotent_and_unconfirmed(district, olympiad):
    teacher = make_educator(municipality=district.municipality, school=district.school_a)
    student = _scored(district, olympiad, "Равнова", "35")
    Participation.objects.filter(student=student).get().teachers.set([teacher])
    already = _scored(district, olympiad, "Уже", "40")
    services.participation_register(
        stage_subject=olympiad.municipal_math, student=already, grade=None, teachers=[], by=None
    )
    assert services.proposals_create(stage=olympiad.municipal_stage, by=None) == 1
    assert services.proposals_create(stage=olympiad.municipal_stage, by=None) == 0
    proposed = Participation.objects.get(stage_subject=olympiad.municipal_math, student=student)
    assert proposed.source == Participation.Source.PROPOSED
    assert proposed.confirmed is False
    assert list(proposed.teachers.all()) == [teacher]
    services.proposal_confirm(participation=proposed, by=None)
    proposed.refresh_from_db()
    assert proposed.confirmed is True


def test_no_proposals_for_school_stage(district, olympiad):
    _scored(district, olympiad, "Равнова", "35")
    assert services.municipal_proposals(stage=olympiad.school_stage) == []
    assert olympiad.school_stage.level == Stage.Level.SCHOOL
