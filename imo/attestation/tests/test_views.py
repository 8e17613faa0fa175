import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from imo.attestation.models import QualificationCategory
from imo.staff.tests.factories import make_educator

URL = "/attestation/due/"


@pytest.fixture
def people(district):
    a = make_educator(municipality=district.municipality, school=district.school_a, last_name="Алиева")
    b = make_educator(municipality=district.municipality, school=district.school_b, last_name="Бисултанова")
    return a, b


def test_url_names():
    assert reverse("attestation:due") == URL
    assert reverse("attestation:due_export") == URL + "export/"


@pytest.mark.parametrize("key", ["head", "methodist", "secretary", "observer", "admin", "school_admin_a"])
def test_roles_that_see_the_page(client, district, people, key):
    client.force_login(district.user(key))
    assert client.get(URL).status_code == 200
    assert client.get(URL + "export/").status_code == 200


@pytest.mark.parametrize("key", ["teacher_a", "no_role"])
def test_teacher_and_no_role_get_403(client, district, key):
    client.force_login(district.user(key))
    assert client.get(URL).status_code == 403
    assert client.get(URL + "export/").status_code == 403


def test_anonymous_is_sent_to_login(client, district):
    for url in (URL, URL + "export/"):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_office_sees_both_schools_school_admin_only_own(client, district, people):
    client.force_login(district.user("head"))
    body = client.get(URL).content.decode()
    assert "Алиева" in body and "Бисултанова" in body
    body = client.get(URL, {"org": district.school_b.pk}).content.decode()
    assert "Алиева" not in body and "Бисултанова" in body
    client.force_login(district.user("school_admin_a"))
    body = client.get(URL, {"org": district.school_b.pk}).content.decode()  # another school: ignored
    assert "Алиева" in body and "Бисултанова" not in body


def test_every_list_opens(client, district, people):
    client.force_login(district.user("head"))
    for key in ("conformity", "expiring", "highest", "methodist", "mentor", "lapsed", "nonsense"):
        assert client.get(URL, {"list": key, "months": "3", "on": "2026-11-25"}).status_code == 200


def test_excel_export(client, district, people):
    a, _ = people
    QualificationCategory.objects.create(
        educator=a, kind="first", awarded_on=dt.date(2022, 1, 10), valid_until=dt.date(2027, 1, 10)
    )
    client.force_login(district.user("head"))
    response = client.get(URL + "export/", {"list": "expiring", "months": "3", "on": "2026-11-25"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "ФИО" and "Категория" in rows[0]
    assert len(rows) == 2 and str(rows[1][0]).startswith("Алиева") and "первая" in rows[1]


def test_fixed_number_of_queries(client, district):
    client.force_login(district.user("head"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"on": "2026-11-25"}).status_code == 200
        # The session middleware may write the session now and then: not the page's queries.
        return sum(
            1
            for q in queries.captured_queries
            if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
        )

    for _ in range(2):
        make_educator(municipality=district.municipality, school=district.school_a)
    few = count()
    for _ in range(6):
        make_educator(municipality=district.municipality, school=district.school_b)
    assert count() == few
