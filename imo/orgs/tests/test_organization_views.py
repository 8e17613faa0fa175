import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imo.orgs.models import Organization
from imo.orgs.tests.factories import make_district, make_organization


@pytest.fixture
def district(db):
    return make_district()


def _login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("key", ["head", "methodist", "secretary", "observer", "admin", "school_admin_a"])
def test_roles_that_see_the_list(client, district, key):
    response = _login(client, district.user(key)).get(reverse("orgs:list"))
    assert response.status_code == 200


@pytest.mark.parametrize("key", ["teacher_a", "no_role"])
def test_roles_without_the_list_get_403(client, district, key):
    assert _login(client, district.user(key)).get(reverse("orgs:list")).status_code == 403


def test_anonymous_is_sent_to_login(client, district):
    response = client.get(reverse("orgs:list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_school_admin_sees_only_their_school_in_the_list(client, district):
    response = _login(client, district.user("school_admin_a")).get(reverse("orgs:list"))
    content = response.content.decode()
    assert district.school_a.short_name in content
    assert district.school_b.short_name not in content


def test_school_admin_gets_404_for_another_schools_pages(client, district):
    client = _login(client, district.user("school_admin_a"))
    for name in ("orgs:detail", "orgs:edit"):
        response = client.get(reverse(name, args=[district.school_b.pk]))
        assert response.status_code == 404
        assert district.school_b.name not in response.content.decode()


def test_school_admin_edits_contacts_of_their_school_only(client, district):
    client = _login(client, district.user("school_admin_a"))
    url = reverse("orgs:edit", args=[district.school_a.pk])
    response = client.post(
        url,
        {
            "name": district.school_a.name,
            "short_name": district.school_a.short_name,
            "phone": "+7 (928) 000-00-00",
            "kind": "other",
        },
    )
    assert response.status_code == 302
    district.school_a.refresh_from_db()
    assert district.school_a.phone == "+7 (928) 000-00-00"
    assert district.school_a.kind == Organization.Kind.SCHOOL  # not a field the school admin may change


def test_observer_reads_but_cannot_edit(client, district):
    client = _login(client, district.user("observer"))
    assert client.get(reverse("orgs:detail", args=[district.school_a.pk])).status_code == 200
    assert client.get(reverse("orgs:edit", args=[district.school_a.pk])).status_code == 403
    assert client.get(reverse("orgs:create")).status_code == 403


def test_methodist_creates_an_organisation(client, district):
    client = _login(client, district.user("methodist"))
    response = client.post(
        reverse("orgs:create"),
        {
            "parent": district.municipality.pk,
            "kind": "kindergarten",
            "name": "МБДОУ «Детский сад № 2»",
            "short_name": "Детский сад № 2",
            "settlement": "г. Курчалой",
            "inn": "7707083893",
        },
    )
    assert response.status_code == 302
    created = Organization.objects.get(short_name="Детский сад № 2")
    assert created.path.startswith(district.municipality.path)


def test_create_shows_russian_errors_and_saves_nothing(client, district):
    client = _login(client, district.user("methodist"))
    before = Organization.objects.count()
    response = client.post(
        reverse("orgs:create"),
        {
            "parent": district.municipality.pk,
            "kind": "school",
            "name": "",
            "short_name": "X",
            "inn": "123",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Обязательное поле" in content and "ИНН организации должен состоять из 10 цифр" in content
    assert Organization.objects.count() == before


def test_close_and_reopen(client, district):
    client = _login(client, district.user("head"))
    response = client.post(reverse("orgs:close", args=[district.school_b.pk]), {"closed_on": "31.08.2026"})
    assert response.status_code == 302
    district.school_b.refresh_from_db()
    assert district.school_b.is_closed
    listing = client.get(reverse("orgs:list"), HTTP_HX_REQUEST="true").content.decode()
    assert district.school_b.short_name not in listing
    closed = client.get(reverse("orgs:list"), {"status": "closed"}).content.decode()
    assert district.school_b.short_name in closed
    client.post(reverse("orgs:reopen", args=[district.school_b.pk]))
    district.school_b.refresh_from_db()
    assert not district.school_b.is_closed


def test_school_admin_cannot_close(client, district):
    client = _login(client, district.user("school_admin_a"))
    response = client.post(reverse("orgs:close", args=[district.school_a.pk]), {"closed_on": "31.08.2026"})
    assert response.status_code == 403


def test_search_ignores_case_and_yo(client, district):
    make_organization(parent=district.municipality, short_name="Детский сад «Ёлочка»", kind="kindergarten")
    client = _login(client, district.user("head"))
    content = client.get(reverse("orgs:list"), {"q": "ЕЛОЧКА"}).content.decode()
    assert "Ёлочка" in content and district.school_a.short_name not in content


def test_htmx_request_gets_only_the_results(client, district):
    client = _login(client, district.user("head"))
    response = client.get(reverse("orgs:list"), HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert 'id="results"' in content and "<html" not in content


def test_export_holds_exactly_the_filtered_rows(client, district):
    make_organization(parent=district.municipality, short_name="Детский сад № 7", kind="kindergarten")
    client = _login(client, district.user("head"))
    response = client.get(reverse("orgs:export"), {"kind": "kindergarten"})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Краткое наименование"
    assert [row[0] for row in rows[1:]] == ["Детский сад № 7"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref


def test_school_admin_export_holds_only_their_school(client, district):
    client = _login(client, district.user("school_admin_a"))
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("orgs:export")).content))
    names = [row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert names == [district.school_a.short_name]


def _count_list_queries(client, user):
    client.force_login(user)
    client.get(reverse("orgs:list"))  # warm the session
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("orgs:list"), {"per_page": 100})
    assert response.status_code == 200
    return len(context)


def test_list_runs_the_same_number_of_queries_with_40_and_500_organisations(client, district):
    for _ in range(38):
        make_organization(parent=district.municipality)
    with_40 = _count_list_queries(client, district.user("head"))
    for _ in range(460):
        make_organization(parent=district.municipality)
    with_500 = _count_list_queries(client, district.user("head"))
    assert with_40 == with_500
