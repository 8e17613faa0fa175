"""The «Повышение квалификации» block of the office's and school admins' home pages and the teacher's
«Моё повышение квалификации»: the three-year rule's figures of the user's scope, what waits for the user,
a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from imo.orgs.tests.factories import make_district
from imo.portal.selectors import training_home
from imo.staff.tests.factories import make_educator
from imo.training.models import CourseRecord
from imo.training.tests.compliance_fixtures import add_course

LONG_AGO = dt.date(2010, 9, 1)


@pytest.fixture
def district(db):
    return make_district()


def _person(district, school, name):
    return make_educator(
        municipality=district.municipality,
        school=school,
        last_name=name,
        starts_on=LONG_AGO,
        teaching_experience_start=LONG_AGO,
    )


def _fill(district):
    today = timezone.localdate()
    recent = today - dt.timedelta(days=100)
    long_ago = today - dt.timedelta(days=5 * 365)
    add_course(_person(district, district.school_a, "Свежая"), recent)
    add_course(_person(district, district.school_a, "Давняя"), long_ago)
    _person(district, district.school_b, "Безкурсова")  # nothing known: overdue
    pending = _person(district, district.school_a, "Ждущая")
    add_course(pending, recent, status=CourseRecord.Status.PENDING)


def _cards(user):
    home = training_home(user=user)
    assert home is not None
    return {card.label: card for card in home.cards}


def test_the_office_sees_the_district_figures(district):
    _fill(district)
    cards = _cards(district.user("head"))
    overdue = cards["Без курсов повышения квалификации более 3 лет"]
    assert overdue.value == 3  # «Давняя», «Безкурсова», and «Ждущая» (a pending course does not count)
    assert overdue.url == reverse("training:compliance") + "?tab=overdue"
    assert cards["Курсы ждут подтверждения"].value == 1
    coverage = next(card for label, card in cards.items() if label.startswith("Охват"))
    assert coverage.value == 25  # 1 of 4 working


def test_the_school_admin_counts_their_school_only(district):
    _fill(district)
    cards = _cards(district.user("school_admin_a"))
    assert cards["Без курсов повышения квалификации более 3 лет"].value == 2
    assert cards["Курсы ждут подтверждения"].value == 1
    assert _cards(district.user("school_admin_b"))["Курсы ждут подтверждения"].value == 0


def test_a_teacher_and_no_role_get_no_block(client, district):
    assert training_home(user=district.user("teacher_a")) is None
    assert training_home(user=district.user("no_role")) is None


def test_the_home_pages_show_the_block(client, district):
    _fill(district)
    for key in ("head", "observer", "school_admin_a"):
        client.force_login(district.user(key))
        page = client.get(reverse("portal:home")).content.decode()
        assert 'id="home-training"' in page, key


@pytest.mark.parametrize("key", ["head", "school_admin_a"])
def test_the_home_page_runs_a_fixed_number_of_queries(client, district, key, django_assert_max_num_queries):
    _fill(district)
    client.force_login(district.user(key))
    client.get(reverse("portal:home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portal:home"))
    for number in range(6):
        add_course(_person(district, district.school_a, f"Новая{number}"), timezone.localdate())
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("portal:home"))


def test_a_teacher_sees_their_own_training(client, district):
    teacher = district.user("teacher_a")
    own = _person(district, district.school_a, "Собственная")
    own.user = teacher
    own.save()
    ended = timezone.localdate() - dt.timedelta(days=400)
    add_course(own, ended)
    add_course(own, timezone.localdate(), status=CourseRecord.Status.PENDING)
    client.force_login(teacher)
    page = client.get(reverse("portal:home")).content.decode()
    assert 'id="my-training"' in page
    assert f"Последний засчитываемый курс окончен {ended:%d.%m.%Y}" in page
    assert "Курсов ждут подтверждения школой: 1." in page
    assert reverse("staff:detail", args=[own.pk]) in page
