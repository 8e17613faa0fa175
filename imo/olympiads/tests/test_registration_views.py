"""Registration pages: the school admin registers and withdraws, roles (other school 404, teacher 403,
observer read-only), the list with its Excel, the municipal proposals page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from imo.olympiads.models import Participation
from imo.olympiads.registration import services
from imo.olympiads.tests.registration_fixtures import make_olympiad, make_student
from imo.staff.tests.factories import make_educator

pytestmark = pytest.mark.django_db

URL = reverse("olympiads:registration")


@pytest.fixture
def olympiad(district):
    return make_olympiad(district)


def _student(district, olympiad, last, grade=8, school=None):
    return make_student(
        school or district.school_a, olympiad.season.academic_year, last, "Ахмед", grade=grade
    )


def _page(olympiad, stage_subject=None, school=None):
    stage_subject = stage_subject or olympiad.school_math
    query = f"?stage={stage_subject.stage_id}&subject={stage_subject.pk}"
    return URL + query + (f"&school={school.pk}" if school else "")


def test_school_admin_registers_two_with_teacher(client, district, olympiad):
    first = _student(district, olympiad, "Алиев")
    second = _student(district, olympiad, "Бараев", grade=7)
    _student(district, olympiad, "Чужой", school=district.school_b)
    teacher = make_educator(
        municipality=district.municipality, school=district.school_a, last_name="Учителева"
    )
    client.force_login(district.user("school_admin_a"))
    page = client.get(_page(olympiad))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Алиев" in text and "Чужой" not in text and "Учителева" in text
    response = client.post(
        _page(olympiad),
        {
            "stage": olympiad.school_stage.pk,
            "subject": olympiad.school_math.pk,
            "student": [first.pk, second.pk],
            f"grade_{first.pk}": "9",
            f"grade_{second.pk}": "7",
            "teachers": [teacher.pk],
        },
    )
    assert response.status_code == 302
    rows = {p.student_id: p for p in Participation.objects.all()}
    assert rows[first.pk].grade == 9 and rows[second.pk].grade == 7
    assert list(rows[first.pk].teachers.all()) == [teacher]


def test_one_bad_row_saves_nothing(client, district, olympiad):
    first = _student(district, olympiad, "Алиев")
    second = _student(district, olympiad, "Бараев", grade=9)
    client.force_login(district.user("school_admin_a"))
    response = client.post(
        _page(olympiad),
        {
            "stage": olympiad.school_stage.pk,
            "subject": olympiad.school_math.pk,
            "student": [first.pk, second.pk],
            f"grade_{first.pk}": "8",
            f"grade_{second.pk}": "8",
        },
    )
    assert response.status_code == 200
    assert "более младший класс" in response.content.decode()
    assert not Participation.objects.exists()


def test_other_school_student_is_404(client, district, olympiad):
    stranger = _student(district, olympiad, "Чужой", school=district.school_b)
    client.force_login(district.user("school_admin_a"))
    response = client.post(
        _page(olympiad),
        {"stage": olympiad.school_stage.pk, "subject": olympiad.school_math.pk, "student": [stranger.pk]},
    )
    assert response.status_code == 404
    assert client.get(_page(olympiad, school=district.school_b)).status_code == 404
    assert not Participation.objects.exists()


def test_withdraw_own_and_not_others(client, district, olympiad):
    own = services.participation_register(
        stage_subject=olympiad.school_math,
        student=_student(district, olympiad, "Алиев"),
        grade=8,
        teachers=[],
        by=None,
    )
    other = services.participation_register(
        stage_subject=olympiad.school_math,
        student=_student(district, olympiad, "Чужой", school=district.school_b),
        grade=8,
        teachers=[],
        by=None,
    )
    client.force_login(district.user("school_admin_a"))
    assert client.post(reverse("olympiads:registration_withdraw", args=[other.pk])).status_code == 404
    assert client.post(reverse("olympiads:registration_withdraw", args=[own.pk])).status_code == 302
    assert list(Participation.objects.values_list("pk", flat=True)) == [other.pk]


@pytest.mark.parametrize("key", ["teacher_a", "observer", "no_role"])
def test_register_denied(client, district, olympiad, key):
    client.force_login(district.user(key))
    assert client.get(URL).status_code == 403


def test_office_registers_for_any_school(client, district, olympiad):
    _student(district, olympiad, "Бельтоев", school=district.school_b)
    client.force_login(district.user("methodist"))
    page = client.get(_page(olympiad, school=district.school_b))
    assert page.status_code == 200 and "Бельтоев" in page.content.decode()


def test_list_scoped_and_exported(client, district, olympiad):
    for last, school in (("Алиев", district.school_a), ("Чужой", district.school_b)):
        services.participation_register(
            stage_subject=olympiad.school_math,
            student=_student(district, olympiad, last, school=school),
            grade=8,
            teachers=[],
            by=None,
        )
    client.force_login(district.user("school_admin_a"))
    text = client.get(reverse("olympiads:participations")).content.decode()
    assert "Алиев" in text and "Чужой" not in text
    client.force_login(district.user("observer"))
    text = client.get(reverse("olympiads:participations") + "?sort=-student").content.decode()
    assert "Алиев" in text and "Чужой" in text
    export = client.get(reverse("olympiads:participations_export"))
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(district.user("teacher_a"))
    assert client.get(reverse("olympiads:participations")).status_code == 403


def _above_threshold(district, olympiad):
    student = _student(district, olympiad, "Сильнов")
    participation = services.participation_register(
        stage_subject=olympiad.school_math, student=student, grade=8, teachers=[], by=None
    )
    participation.score = Decimal("34")
    participation.save()
    return student


def test_office_proposes_and_confirms(client, district, olympiad):
    student = _above_threshold(district, olympiad)
    client.force_login(district.user("methodist"))
    page = client.get(reverse("olympiads:proposals"))
    assert "балл 34 ≥ проходного 30" in page.content.decode()
    client.post(reverse("olympiads:proposals"), {"stage": olympiad.municipal_stage.pk, "action": "create"})
    proposed = Participation.objects.get(stage_subject=olympiad.municipal_math, student=student)
    assert proposed.confirmed is False
    client.post(
        reverse("olympiads:proposals"), {"stage": olympiad.municipal_stage.pk, "action": "confirm_all"}
    )
    proposed.refresh_from_db()
    assert proposed.confirmed is True


def test_observer_reads_proposals_but_cannot_act(client, district, olympiad):
    _above_threshold(district, olympiad)
    client.force_login(district.user("observer"))
    page = client.get(reverse("olympiads:proposals"))
    assert page.status_code == 200
    assert "Добавить предложенных" not in page.content.decode()
    response = client.post(
        reverse("olympiads:proposals"), {"stage": olympiad.municipal_stage.pk, "action": "create"}
    )
    assert response.status_code == 403
    assert not Participation.objects.filter(stage_subject=olympiad.municipal_math).exists()
    client.force_login(district.user("school_admin_a"))
    assert client.get(reverse("olympiads:proposals")).status_code == 403


def _register_many(district, olympiad, count, start=0):
    teacher = make_educator(municipality=district.municipality, school=district.school_a)
    for n in range(start, start + count):
        student = _student(district, olympiad, f"Ученик{n:02d}")
        services.participation_register(
            stage_subject=olympiad.school_math, student=student, grade=8, teachers=[teacher], by=None
        )


def test_pages_read_a_fixed_number_of_queries(client, district, olympiad, django_assert_max_num_queries):
    _register_many(district, olympiad, 2)
    client.force_login(district.user("school_admin_a"))
    urls = [reverse("olympiads:participations"), _page(olympiad)]
    counts = []
    for url in urls:
        with django_assert_max_num_queries(60) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    _register_many(district, olympiad, 6, start=10)
    for url, before in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(before):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("value", ["²", "٣²¹"])
def test_non_ascii_digits_in_ids_are_ignored_not_a_500(client, district, olympiad, value):
    # Found by tests/fuzz: str.isdigit() is true for "²", and int("²") raised ValueError (a 500).
    student = _student(district, olympiad, "Алиев")
    client.force_login(district.user("school_admin_a"))
    response = client.post(
        _page(olympiad),
        {
            "stage": olympiad.school_stage.pk,
            "subject": olympiad.school_math.pk,
            "student": [value],
            f"grade_{student.pk}": value,
        },
    )
    assert response.status_code == 200
    assert "Отметьте обучающихся" in response.content.decode()
    assert not Participation.objects.exists()
