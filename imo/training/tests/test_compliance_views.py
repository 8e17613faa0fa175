"""The compliance page, its charts and export: who may open them, what they show."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from imo.core.navigation import menu_for
from imo.staff.tests.factories import make_educator
from imo.training.tests.compliance_fixtures import add_course

URL = "/training/compliance/"
EXPORT = URL + "export/"
CHARTS = URL + "charts/"
ON = "2026-11-25"


@pytest.fixture
def people(district):
    a = make_educator(municipality=district.municipality, school=district.school_a, last_name="Алиева")
    b = make_educator(municipality=district.municipality, school=district.school_b, last_name="Бисултанова")
    add_course(b, dt.date(2024, 3, 1))  # due 01.03.2027: this academic year
    return a, b


def sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()


def test_url_names():
    assert reverse("training:compliance") == URL
    assert reverse("training:compliance_export") == EXPORT
    assert reverse("training:compliance_charts") == CHARTS


@pytest.mark.parametrize("key", ["head", "methodist", "secretary", "observer", "admin", "school_admin_a"])
def test_roles_that_see_the_page(client, district, people, key):
    client.force_login(district.user(key))
    for url in (URL, EXPORT, CHARTS):
        assert client.get(url).status_code == 200
    labels = [link.label for group in menu_for(district.user(key)) for link in group.links]
    assert "Повышение квалификации: трёхлетний срок" in labels


@pytest.mark.parametrize("key", ["teacher_a", "no_role"])
def test_teacher_and_no_role_get_403(client, district, key):
    client.force_login(district.user(key))
    for url in (URL, EXPORT, CHARTS):
        assert client.get(url).status_code == 403
    labels = [link.label for group in menu_for(district.user(key)) for link in group.links]
    assert "Повышение квалификации: трёхлетний срок" not in labels


def test_anonymous_is_sent_to_login(client, district):
    for url in (URL, EXPORT, CHARTS):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_tabs_and_school_filter(client, district, people):
    client.force_login(district.user("methodist"))
    body = client.get(URL, {"on": ON}).content.decode()
    assert "Алиева" in body and "Бисултанова" not in body and "нет сведений о курсах" in body
    body = client.get(URL, {"on": ON, "tab": "due_this_year"}).content.decode()
    assert "Алиева" not in body and "Бисултанова" in body and "01.03.2027" in body
    body = client.get(URL, {"on": ON, "org": district.school_b.pk}).content.decode()
    assert "Алиева" not in body and "Никого нет" in body
    body = client.get(URL, {"on": ON, "tab": "coverage"}).content.decode()
    assert district.school_a.short_name in body and "100,0" in body
    for tab in ("forecast", "coverage", "nonsense"):
        for sort in ("name", "-due", "-coverage", "bad"):
            assert client.get(URL, {"on": ON, "tab": tab, "sort": sort, "page": "7"}).status_code == 200


def test_bad_date_is_a_message_not_an_error(client, district, people):
    client.force_login(district.user("head"))
    body = client.get(URL, {"on": "32.13.2026"}).content.decode()
    assert "Введите дату в виде дд.мм.гггг" in body


def test_school_admin_sees_only_own_school(client, district, people):
    client.force_login(district.user("school_admin_a"))
    body = client.get(URL, {"on": ON, "org": district.school_b.pk}).content.decode()  # ignored
    assert "Алиева" in body and "Бисултанова" not in body
    rows = sheet(client.get(EXPORT, {"on": ON, "tab": "coverage", "org": district.school_b.pk}))
    assert [row[0] for row in rows[1:]] == [district.school_a.short_name]
    rows = sheet(client.get(EXPORT, {"on": ON, "tab": "due_this_year"}))
    assert len(rows) == 1


def test_excel_of_a_list(client, district, people):
    client.force_login(district.user("head"))
    rows = sheet(client.get(EXPORT, {"on": ON}))
    assert rows[0] == [
        "ФИО",
        "Организация",
        "Должность",
        "Начало педагогического стажа",
        "Последний засчитываемый курс окончен",
        "Срок следующего курса",
        "Примечание",
    ]
    assert len(rows) == 2 and str(rows[1][0]).startswith("Алиева")
    assert rows[1][1] == district.school_a.short_name and rows[1][-1] == "нет сведений о курсах"
    rows = sheet(client.get(EXPORT, {"on": ON, "tab": "due_this_year"}))
    assert len(rows) == 2 and str(rows[1][0]).startswith("Бисултанова")
    assert rows[1][4] == dt.date(2024, 3, 1) and rows[1][5] == dt.date(2027, 3, 1)


def test_excel_of_the_coverage(client, district, people):
    client.force_login(district.user("head"))
    rows = sheet(client.get(EXPORT, {"on": ON, "tab": "coverage"}))
    assert rows[0][:4] == ["Организация", "Работают", "Выполняют требование", "Охват, %"]
    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert by_name[district.school_a.short_name][:4] == [1, 0, 0, 1]
    assert by_name[district.school_b.short_name][:4] == [1, 1, 100, 0]
    assert [row[0] for row in rows[1:]] == [district.school_a.short_name, district.school_b.short_name]


def test_charts(client, district, people):
    client.force_login(district.user("head"))
    body = client.get(CHARTS, {"on": ON}).content.decode()
    assert "<svg" in body and "Охват повышением квалификации по организациям" in body
    assert "Педагоги по сроку повышения квалификации" in body


def _queries(client, params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, params).status_code == 200
    return len(ctx.captured_queries)


def test_fixed_number_of_queries(client, district):
    client.force_login(district.user("head"))
    make_educator(municipality=district.municipality, school=district.school_a)
    _queries(client, {"on": ON})  # warm-up: the first request reads what later ones find cached
    counts = {}
    for tab in ("overdue", "coverage"):
        counts[tab] = _queries(client, {"on": ON, "tab": tab})
    for n in range(12):
        educator = make_educator(
            municipality=district.municipality, school=[district.school_a, district.school_b][n % 2]
        )
        add_course(educator, dt.date(2022, 1, 1) + dt.timedelta(days=30 * n))
    for tab in ("overdue", "coverage"):
        assert _queries(client, {"on": ON, "tab": tab}) == counts[tab]


def test_subject_and_position_filters_and_sorting(client, district):
    from imo.staff.models import Employment

    maths = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        subjects=("Математика",),
        last_name="Бекова",
    )
    make_educator(
        municipality=district.municipality,
        school=district.school_a,
        position="Педагог-психолог",
        last_name="Авторханова",
    )
    employment = Employment.objects.get(educator=maths)
    subject_id = employment.subjects.get().pk
    client.force_login(district.user("observer"))
    body = client.get(URL, {"on": ON, "subject": subject_id}).content.decode()
    assert "Бекова" in body and "Авторханова" not in body
    body = client.get(URL, {"on": ON, "position": employment.position_id}).content.decode()
    assert "Бекова" in body and "Авторханова" not in body
    body = client.get(URL, {"on": ON, "subject": "999999"}).content.decode()  # not a choice: ignored
    assert "Бекова" in body and "Авторханова" in body
    body = client.get(URL, {"on": ON, "sort": "-name"}).content.decode()
    assert body.index("Бекова") < body.index("Авторханова")
    body = client.get(URL, {"on": ON, "sort": "name"}).content.decode()
    assert body.index("Авторханова") < body.index("Бекова")
    assert 'aria-sort="ascending"' in body
