"""The «Аттестация» block of the home pages: the due lists' totals for the user's scope with links to the
due page's tabs, the top schools for the office, a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from imo.attestation import due, services
from imo.attestation.applications import services as application_services
from imo.orgs.tests.factories import make_district
from imo.portal.selectors import attestation_home
from imo.staff.tests.factories import make_educator

LONG_AGO = dt.date(2010, 9, 1)  # in the position long enough for conformity attestation


@pytest.fixture
def district(db):
    return make_district()


def _person(district, school, name, **kw):
    return make_educator(
        municipality=district.municipality, school=school, last_name=name, starts_on=LONG_AGO, **kw
    )


def _expiring(district, school, name):
    """A highest category of the old order whose five years end within three months of today."""
    educator = _person(district, school, name)
    today = timezone.localdate()
    services.category_save(
        educator=educator,
        kind="highest",
        awarded_on=dt.date(2021, 1, 1),
        valid_until=today + dt.timedelta(days=30),
    )
    return educator


def _lapsed(district, school, name):
    educator = _person(district, school, name)
    services.category_save(educator=educator, kind="first", awarded_on=dt.date(2018, 1, 1), default_term=True)
    return educator


@pytest.fixture
def people(district):
    a, b = district.school_a, district.school_b
    return {
        "a_conformity": [_person(district, a, f"Соответствова{n}") for n in range(3)],
        "b_conformity": [_person(district, b, "Бельтинская")],
        "a_expiring": [_expiring(district, a, "Истекающая")],
        "b_lapsed": [_lapsed(district, b, "Истёкшая"), _lapsed(district, b, "Прошедшая")],
    }


def _home(user, **kw):
    home = attestation_home(user=user, **kw)
    assert home is not None
    return home


def _page(client, user):
    client.force_login(user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_totals_match_the_due_page_counts(district, people):
    user = district.user("methodist")
    home = _home(user)
    values = {card.label: card.value for card in home.cards}
    counts = due.list_counts(user=user, on=timezone.localdate(), months=3)
    assert values["Аттестация на соответствие в этом учебном году"] == counts["conformity"]
    assert values["Срок категории истекает в ближайшие 3 месяца"] == counts["expiring"] == 1
    assert values["Срок категории истёк"] == counts["lapsed"] == 2
    assert values["Могут претендовать на высшую категорию"] == counts["highest"]
    assert values["Могут претендовать на «педагог-методист»"] == counts["methodist"] == 1


def test_the_office_sees_the_cards_and_the_schools(client, district, people):
    page = _page(client, district.user("head"))
    assert 'id="home-attestation"' in page and "Аттестация" in page
    due_url = reverse("attestation:due")
    assert f"{due_url}?list=conformity" in page
    assert f"{due_url}?list=expiring&amp;months=3" in page
    assert f"{due_url}?list=lapsed" in page
    assert 'id="attestation-schools"' in page
    assert f"{due_url}?org={district.school_a.pk}&amp;list=conformity" in page
    assert f"{due_url}?org={district.school_b.pk}&amp;list=lapsed" in page


def test_the_schools_are_ranked_and_cut(district, people):
    home = _home(district.user("head"))
    # B: one due for conformity and two whose category lapsed (due for conformity as well: no category
    # in force) — 5; A: three due for conformity and one expiring (who holds a category) — 4.
    assert [s.organization_id for s in home.schools] == [district.school_b.pk, district.school_a.pk]
    b, a = home.schools
    assert (a.counts["conformity"], a.counts["expiring"], a.counts["lapsed"]) == (3, 1, 0)
    assert (b.counts["conformity"], b.counts["expiring"], b.counts["lapsed"]) == (3, 0, 2)
    assert (a.total, b.total) == (4, 5)
    assert [s.organization_id for s in _home(district.user("head"), top=1).schools] == [district.school_b.pk]


def test_the_school_admin_sees_their_school_only(client, district, people):
    home = _home(district.user("school_admin_b"))
    values = {card.label: card.value for card in home.cards}
    assert values["Срок категории истёк"] == 2
    assert values["Аттестация на соответствие в этом учебном году"] == 3
    assert values["Срок категории истекает в ближайшие 3 месяца"] == 0
    assert home.schools == []  # one school: no table
    page = _page(client, district.user("school_admin_b"))
    assert 'id="home-attestation"' in page and 'id="attestation-schools"' not in page
    assert "Истекающая" not in page


def test_the_observer_sees_the_block_a_teacher_does_not(client, district, people):
    assert 'id="home-attestation"' in _page(client, district.user("observer"))
    assert attestation_home(user=district.user("teacher_a")) is None
    assert 'id="home-attestation"' not in _page(client, district.user("teacher_a"))


def _add(district, n, start):
    for i in range(start, start + n):
        school = district.school_a if i % 2 else district.school_b
        if i % 3 == 0:
            _expiring(district, school, f"Ещё{i}")
        elif i % 3 == 1:
            _lapsed(district, school, f"Ещё{i}")
        else:
            _person(district, school, f"Ещё{i}")


@pytest.mark.parametrize("key", ["head", "school_admin_a"])
def test_the_home_page_runs_a_fixed_number_of_queries(
    client, district, people, key, django_assert_max_num_queries
):
    client.force_login(district.user(key))
    client.get(reverse("portal:home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portal:home"))
    _add(district, 12, 0)
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse("portal:home")).content.decode()
    assert 'id="home-attestation"' in page


def test_the_block_itself_is_one_statement(district, people, django_assert_max_num_queries):
    user = district.user("head")
    attestation_home(user=user)  # reads the memberships once (kept on the user)
    # The statement, plus a savepoint pair in a test and «SET LOCAL jit = off» on PostgreSQL; then the
    # applications' cards: the office's settings, the counts per status and the overdue count.
    with django_assert_max_num_queries(4 + 3):
        attestation_home(user=user)


def _application(district, educator, *, submit: bool):
    application = application_services.application_start(
        educator=educator, kind="first", by=district.user("methodist")
    )
    if submit:
        application_services.application_submit(application=application, by=district.user("methodist"))
    return application


def test_the_office_sees_the_applications_waiting(client, district, people):
    _application(district, people["a_conformity"][0], submit=True)
    _application(district, people["b_conformity"][0], submit=True)
    _application(district, people["a_conformity"][1], submit=False)  # a draft waits for nobody in the office
    home = attestation_home(user=district.user("head"))
    assert home is not None
    cards = {card.label: card for card in home.application_cards}
    checking = cards["Заявления на проверке в ИМО"]
    assert checking.value == 2
    assert checking.url == reverse("attestation:applications") + "?status=submitted"
    assert cards["Просрочен шаг заявления"].value == 0
    # The school admin counts their school's only.
    home = attestation_home(user=district.user("school_admin_a"))
    assert home is not None
    cards = {card.label: card for card in home.application_cards}
    assert cards["Заявления на проверке в ИМО"].value == 1


def test_a_teacher_sees_their_own_attestation(client, district):
    teacher = district.user("teacher_a")
    own = make_educator(municipality=district.municipality, school=district.school_a, last_name="Собственная")
    own.user = teacher
    own.save()
    services.category_save(educator=own, kind="first", awarded_on=dt.date(2024, 3, 1), default_term=True)
    other = _person(district, district.school_a, "Чужая")
    _application(district, other, submit=True)
    mine = _application(district, own, submit=True)
    page = _page(client, teacher)
    assert 'id="my-attestation"' in page
    assert "первая — с 01.03.2024, без срока окончания" in page
    assert reverse("attestation:application", args=[mine.pk]) in page
    assert "Чужая" not in page
    assert reverse("attestation:application_start") + f"?educator={own.pk}" in page
