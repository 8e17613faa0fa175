"""Pages of the attestation schedule: who sees and who edits, building, editing, deleting, exports, and a
fixed number of queries."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from imo.attestation.models import ConformityAttestation, ScheduleEntry
from imo.attestation.schedule.documents import SCHEDULE_CODE, sample_context
from imo.core.documents.registry import get_kind
from imo.core.documents.rendering import render_docx_with
from imo.core.navigation import menu_for
from imo.reference.services import academic_year_ensure
from imo.staff.tests.factories import make_educator

D = dt.date
URL = "/attestation/schedule/"


@pytest.fixture
def year(db):
    return academic_year_ensure(on=dt.date.today())


@pytest.fixture
def entries(district, year):
    a = make_educator(municipality=district.municipality, school=district.school_a, last_name="Алиева")
    b = make_educator(municipality=district.municipality, school=district.school_b, last_name="Бисултанова")
    first = year.starts_on.replace(day=1)
    line_a = ScheduleEntry.objects.create(
        academic_year=year, educator=a, organization=district.school_a, kind="conformity", planned_month=first
    )
    line_b = ScheduleEntry.objects.create(
        academic_year=year,
        educator=b,
        organization=district.school_b,
        kind="highest",
        planned_month=first.replace(month=12),
        note="по заявлению",
    )
    return line_a, line_b


def test_url_names():
    assert reverse("attestation:schedule") == URL
    assert reverse("attestation:schedule_build") == URL + "build/"
    assert reverse("attestation:schedule_add") == URL + "add/"
    assert reverse("attestation:schedule_edit", args=[5]) == URL + "5/"
    assert reverse("attestation:schedule_delete", args=[5]) == URL + "5/delete/"
    assert reverse("attestation:schedule_export") == URL + "export/"
    assert reverse("attestation:schedule_docx") == URL + "docx/"


@pytest.mark.parametrize("key", ["head", "methodist", "secretary", "observer", "admin", "school_admin_a"])
def test_roles_that_see_the_schedule(client, district, entries, key):
    client.force_login(district.user(key))
    assert client.get(URL).status_code == 200
    assert client.get(URL + "export/").status_code == 200
    assert client.get(URL + "docx/").status_code == 200


@pytest.mark.parametrize("key", ["teacher_a", "no_role"])
def test_teacher_and_no_role_get_403(client, district, entries, key):
    client.force_login(district.user(key))
    line_a, _ = entries
    for url in (URL, URL + "export/", URL + "docx/", URL + "add/", URL + f"{line_a.pk}/"):
        assert client.get(url).status_code == 403
    assert client.post(URL + "build/").status_code == 403


def test_anonymous_is_sent_to_login(client, district):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_navigation_item(district):
    assert any(
        link.label == "График аттестации"
        for group in menu_for(district.user("observer"))
        for link in group.links
    )
    assert not any(
        link.label == "График аттестации"
        for group in menu_for(district.user("teacher_a"))
        for link in group.links
    )


def test_office_sees_the_district_school_admin_only_own(client, district, entries):
    client.force_login(district.user("head"))
    body = client.get(URL).content.decode()
    assert "Алиева" in body and "Бисултанова" in body and "По организациям и месяцам" in body
    body = client.get(URL, {"org": district.school_b.pk}).content.decode()
    assert "Алиева" not in body and "Бисултанова" in body
    body = client.get(URL, {"kind": "conformity"}).content.decode()
    assert "Алиева" in body and "Бисултанова" not in body
    month = entries[1].planned_month.strftime("%Y-%m")
    body = client.get(URL, {"month": month}).content.decode()
    assert "Алиева" not in body and "Бисултанова" in body
    client.force_login(district.user("school_admin_a"))
    body = client.get(URL, {"org": district.school_b.pk}).content.decode()  # another school: ignored
    assert "Алиева" in body and "Бисултанова" not in body


def test_observer_sees_but_cannot_edit(client, district, entries):
    line_a, _ = entries
    client.force_login(district.user("observer"))
    body = client.get(URL).content.decode()
    assert "Алиева" in body and "Изменить" not in body and "Составить график" not in body
    assert client.get(URL + f"{line_a.pk}/").status_code == 403
    assert client.post(URL + f"{line_a.pk}/delete/").status_code == 403
    assert client.post(URL + "build/", {"year": line_a.academic_year_id}).status_code == 403
    assert client.get(URL + "add/").status_code == 403
    assert ScheduleEntry.objects.count() == 2


def test_school_admin_of_another_school_gets_404(client, district, entries):
    line_a, _ = entries
    client.force_login(district.user("school_admin_b"))
    assert client.get(URL + f"{line_a.pk}/").status_code == 404
    assert client.post(URL + f"{line_a.pk}/delete/").status_code == 404
    assert ScheduleEntry.objects.filter(pk=line_a.pk).exists()


def test_methodist_edits_a_lines_month(client, district, entries):
    line_a, _ = entries
    client.force_login(district.user("methodist"))
    page = client.get(URL).content.decode()
    assert reverse("attestation:schedule_edit", args=[line_a.pk]) in page
    new_month = line_a.planned_month.replace(month=3, year=line_a.planned_month.year + 1)
    response = client.post(
        URL + f"{line_a.pk}/",
        {"kind": "conformity", "planned_month": new_month.strftime("%Y-%m"), "note": "перенесено"},
    )
    assert response.status_code == 302
    line_a.refresh_from_db()
    assert line_a.planned_month == new_month and line_a.note == "перенесено"
    assert line_a.educator.last_name == "Алиева"  # the educator of a line does not change


def test_school_admin_edits_own_school_line(client, district, entries):
    line_a, _ = entries
    client.force_login(district.user("school_admin_a"))
    response = client.post(
        URL + f"{line_a.pk}/", {"kind": "first", "planned_month": line_a.planned_month.strftime("%Y-%m")}
    )
    assert response.status_code == 302
    line_a.refresh_from_db()
    assert line_a.kind == "first"


def test_month_outside_the_year_is_refused(client, district, entries):
    line_a, _ = entries
    client.force_login(district.user("methodist"))
    outside = line_a.planned_month.replace(year=line_a.planned_month.year + 2).strftime("%Y-%m")
    response = client.post(URL + f"{line_a.pk}/", {"kind": "conformity", "planned_month": outside})
    assert response.status_code == 200
    assert "Выберите месяц этого учебного года." in response.content.decode()


def test_add_a_line_and_the_duplicate_message(client, district, entries, year):
    line_a, _ = entries
    client.force_login(district.user("methodist"))
    form = client.get(URL + "add/", {"year": year.pk}).content.decode()
    assert "Алиева" in form and "Бисултанова" in form
    data = {
        "educator": line_a.educator_id,
        "kind": "highest",
        "planned_month": year.starts_on.strftime("%Y-%m"),
    }
    assert client.post(URL + f"add/?year={year.pk}", data).status_code == 302
    added = ScheduleEntry.objects.get(educator=line_a.educator, kind="highest")
    assert added.organization == district.school_a
    response = client.post(URL + f"add/?year={year.pk}", {**data, "kind": "conformity"})
    assert response.status_code == 200
    assert "уже есть в графике на этот учебный год" in response.content.decode()


def test_school_admin_cannot_add_another_schools_educator(client, district, entries, year):
    _, line_b = entries
    client.force_login(district.user("school_admin_a"))
    data = {
        "educator": line_b.educator_id,
        "kind": "first",
        "planned_month": year.starts_on.strftime("%Y-%m"),
    }
    response = client.post(URL + f"add/?year={year.pk}", data)
    assert response.status_code == 200 and "Выберите педагога из списка." in response.content.decode()
    assert ScheduleEntry.objects.count() == 2


def test_delete_asks_then_deletes(client, district, entries):
    line_a, _ = entries
    client.force_login(district.user("head"))
    page = client.get(URL + f"{line_a.pk}/delete/")
    assert page.status_code == 200 and "Удалить строку графика аттестации?" in page.content.decode()
    assert ScheduleEntry.objects.filter(pk=line_a.pk).exists()
    assert client.post(URL + f"{line_a.pk}/delete/").status_code == 302
    assert not ScheduleEntry.objects.filter(pk=line_a.pk).exists()


def _due_people(district):
    due_a = make_educator(municipality=district.municipality, school=district.school_a, last_name="Должна")
    due_b = make_educator(municipality=district.municipality, school=district.school_b, last_name="Тоже")
    ConformityAttestation.objects.create(educator=due_a, date=D(2019, 5, 1))
    ConformityAttestation.objects.create(educator=due_b, date=D(2019, 5, 1))
    return due_a, due_b


def test_methodist_builds_for_the_district_or_a_school(client, district, year):
    _due_people(district)
    client.force_login(district.user("methodist"))
    assert client.get(URL + "build/").status_code == 405
    response = client.post(URL + "build/", {"year": year.pk, "org": district.school_a.pk}, follow=True)
    assert list(ScheduleEntry.objects.values_list("educator__last_name", flat=True)) == ["Должна"]
    assert "добавлено 1 строка" in response.content.decode()
    response = client.post(URL + "build/", {"year": year.pk}, follow=True)
    assert ScheduleEntry.objects.count() == 2
    body = response.content.decode()
    assert "добавлено 1 строка" in body and "оставлены как есть: 1 строка" in body


def test_school_admin_builds_only_own_school(client, district, year):
    _due_people(district)
    client.force_login(district.user("school_admin_a"))
    assert client.post(URL + "build/", {"year": year.pk, "org": district.school_b.pk}).status_code == 404
    assert client.post(URL + "build/", {"year": year.pk}).status_code == 302
    assert list(ScheduleEntry.objects.values_list("educator__last_name", flat=True)) == ["Должна"]


def test_excel_export_has_the_rows(client, district, entries):
    client.force_login(district.user("head"))
    response = client.get(URL + "export/", {"kind": "highest"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Месяц", "ФИО", "Должность", "Организация", "Вид аттестации")
    assert len(rows) == 2
    assert rows[1][1].startswith("Бисултанова") and rows[1][3] == "СОШ с. Бельты"
    assert rows[1][4] == "на высшую категорию" and rows[1][5] == "по заявлению"


def _docx_text(content):
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    return text, cells


def test_docx_of_the_district(client, district, entries, year):
    district.municipality.director = "Магомадов И. А."
    district.municipality.save()
    client.force_login(district.user("methodist"))
    response = client.get(URL + "docx/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessing")
    text, cells = _docx_text(response.content)
    assert f"аттестации педагогических работников на {year.name} учебный год" in text
    assert "УТВЕРЖДАЮ" in text and "Курчалоевский муниципальный район" in text and "Магомадов И. А." in text
    assert cells[0] == ["№ п/п", "ФИО", "Должность", "Организация", "Вид аттестации", "Месяц"]
    assert len(cells) == 3
    assert cells[1][0] == "1" and cells[1][1].startswith("Алиева") and cells[1][3] == "СОШ № 1 г. Курчалой"
    assert cells[2][1].startswith("Бисултанова") and cells[2][4] == "на высшую категорию"


def test_docx_of_a_school_has_no_organisation_column(client, district, entries):
    client.force_login(district.user("school_admin_a"))
    text, cells = _docx_text(client.get(URL + "docx/").content)
    assert "МБОУ «СОШ № 1 г. Курчалой»" in text and "Директор" in text
    assert cells[0] == ["№ п/п", "ФИО", "Должность", "Вид аттестации", "Месяц"]
    assert len(cells) == 2 and cells[1][1].startswith("Алиева") and cells[1][2] == "Учитель"


def test_document_kind_is_registered_and_the_sample_renders():
    kind = get_kind(SCHEDULE_CODE)
    assert kind.has_docx
    context = {**sample_context("docx"), "document_number": "", "document_date": "01.09.2026"}
    context |= {"document_title": kind.title, "issued_by_name": "", "issued_by_short_name": ""}
    text, cells = _docx_text(render_docx_with(kind, None, context))
    assert "Абдулаева Малика Руслановна" in str(cells) and "2026/2027" in text


def test_page_runs_a_fixed_number_of_queries(client, district, year):
    def count():
        client.force_login(district.user("head"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    def add(n, school):
        for _ in range(n):
            educator = make_educator(municipality=district.municipality, school=school)
            ScheduleEntry.objects.create(
                academic_year=year,
                educator=educator,
                organization=school,
                kind="conformity",
                planned_month=year.starts_on,
            )

    add(1, district.school_a)
    add(1, district.school_b)
    count()  # warm the per-process caches (content types, settings) first
    small = count()
    add(20, district.school_a)
    add(10, district.school_b)
    assert count() == small <= 12


def test_permission_rules(district, entries):
    line_a, line_b = entries
    change, view = "attestation.change_schedule", "attestation.view_schedule"
    methodist, observer = district.user("methodist"), district.user("observer")
    admin_a, teacher = district.user("school_admin_a"), district.user("teacher_a")
    assert methodist.has_perm(change, line_a) and methodist.has_perm(change, district.municipality)
    assert observer.has_perm(view) and not observer.has_perm(change) and not observer.has_perm(change, line_a)
    assert admin_a.has_perm(change, line_a) and admin_a.has_perm(change, district.school_a)
    assert not admin_a.has_perm(change, line_b) and not admin_a.has_perm(change, district.municipality)
    assert not teacher.has_perm(view) and not teacher.has_perm(change, line_a)
