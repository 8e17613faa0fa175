"""The analytics page, its charts, Excel export and DOCX report: roles, filters, fixed query count."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imo.olympiads.models import Participation, Student
from imo.olympiads.tests.analytics_fixtures import make_olympiad

pytestmark = pytest.mark.django_db
PAGE = "olympiads:analytics"


def _get(client, user, name=PAGE, query=""):
    client.force_login(user)
    return client.get(f"{reverse(name)}{query}")


@pytest.mark.parametrize("key", ["head", "methodist", "secretary", "observer", "admin"])
def test_office_opens_the_page(client, district, key):
    make_olympiad(district)
    response = _get(client, district.user(key))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="h3 mb-3">Олимпиады: аналитика</h1>' in html
    assert "СОШ № 1 г. Курчалой" in html and "СОШ с. Бельты" in html
    assert "2024/2025" in html and "2025/2026" in html
    assert "Учителева Анна" in html
    assert "Пустова" not in html


@pytest.mark.parametrize("key", ["teacher_a", "no_role"])
def test_teachers_and_others_are_refused(client, district, key):
    make_olympiad(district)
    for name in (
        PAGE,
        "olympiads:analytics_charts",
        "olympiads:analytics_export",
        "olympiads:analytics_report",
    ):
        assert _get(client, district.user(key), name).status_code == 403


def test_anonymous_goes_to_login(client, district):
    response = client.get(reverse(PAGE))
    assert response.status_code == 302 and "login" in response["Location"]


def test_school_admin_sees_own_school_and_district_totals(client, district):
    make_olympiad(district)
    response = _get(client, district.user("school_admin_b"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "СОШ с. Бельты" in html
    assert "СОШ № 1 г. Курчалой" not in html
    assert "Учителева" not in html
    assert "Район в целом" in html
    assert 'id="analytics-report"' not in html
    # another school asked for in the query is ignored
    html = _get(
        client, district.user("school_admin_b"), query=f"?school={district.school_a.pk}"
    ).content.decode()
    assert "СОШ № 1 г. Курчалой" not in html
    assert _get(client, district.user("school_admin_b"), "olympiads:analytics_report").status_code == 403


def test_filters_stage_year_subject(client, district):
    data = make_olympiad(district)
    user = district.user("methodist")
    html = _get(client, user, query="?stage=municipal&year=2025").content.decode()
    assert "2024/2025" not in html.split('id="analytics-schools"')[1].split("</table>")[0]
    assert "муниципальный этап" in html
    html = _get(client, user, query=f"?year=2025&subject={data.physics.pk}").content.decode()
    subjects = html.split('id="analytics-subjects"')[1].split("</table>")[0]
    assert "Физика" in subjects and "Математика" not in subjects


def test_enrolment_missing_shows_a_dash(client, district):
    make_olympiad(district)
    html = _get(client, district.user("head"), query="?year=2025").content.decode()
    rows = html.split('id="analytics-schools"')[1].split("</tbody>")[0]
    school_b = rows.split("СОШ с. Бельты")[1].split("</tr>")[0]
    assert "—" in school_b
    school_a = rows.split("СОШ № 1 г. Курчалой")[1].split("</tr>")[0]
    assert "10,0" in school_a or "10.0" in school_a


def test_sort_by_awards(client, district):
    make_olympiad(district)
    html = _get(client, district.user("head"), query="?year=2025&sort=-awarded_share").content.decode()
    body = html.split('id="analytics-schools"')[1].split("</tbody>")[0]
    assert body.index("СОШ № 1 г. Курчалой") < body.index("СОШ с. Бельты")
    html = _get(client, district.user("head"), query="?year=2025&sort=awarded_share").content.decode()
    body = html.split('id="analytics-schools"')[1].split("</tbody>")[0]
    assert body.index("СОШ с. Бельты") < body.index("СОШ № 1 г. Курчалой")


def test_excel_export_has_one_sheet_per_table(client, district):
    import openpyxl

    make_olympiad(district)
    response = _get(client, district.user("observer"), "olympiads:analytics_export", "?year=2024&year=2025")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Школы", "Предметы", "Педагоги"]
    schools = book["Школы"]
    assert schools.cell(3, 2).value == "2024/2025: участников, чел."
    rows = {r[0]: r for r in schools.iter_rows(min_row=4, values_only=True)}
    school_b = rows["СОШ с. Бельты"]
    # 2025/2026 block starts at column 8: students, participations, share, winners, prize-winners, share
    assert school_b[7:13] == (2, 2, "—", 0, 1, 50.0)
    teachers = list(book["Педагоги"].iter_rows(min_row=4, values_only=True))
    assert any(r[0].startswith("Учителева") and r[1] == "Физика" for r in teachers)


def test_charts_load(client, district):
    make_olympiad(district)
    response = _get(client, district.user("head"), "olympiads:analytics_charts")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "Участники и награды по годам" in html
    assert "Школы с наибольшим числом победителей и призёров" in html
    html = _get(client, district.user("school_admin_a"), "olympiads:analytics_charts").content.decode()
    assert "моя школа и район" in html


def test_docx_report_renders(client, district):
    from docx import Document

    make_olympiad(district)
    response = _get(client, district.user("head"), "olympiads:analytics_report", "?year=2025")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2025/2026" in text
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "СОШ № 1 г. Курчалой" in cells and "Итого по этапу" in cells
    assert any(c.startswith("Учителева") for c in cells)
    assert "2024/2025" in cells  # the comparison with last year
    assert document.inline_shapes  # the chart


def _add_students(district, data, count: int) -> None:
    stage_subject = data.subjects["2025-school-physics"]
    for n in range(count):
        student = Student.objects.create(
            academic_year=data.years[2025],
            school=district.school_b,
            last_name=f"Новый{n}",
            first_name="Ян",
            grade=9,
        )
        participation = Participation.objects.create(
            stage_subject=stage_subject, student=student, grade=9, status=Participation.Status.PRIZE_WINNER
        )
        participation.teachers.set([data.teachers["idle"]])


def test_fixed_number_of_queries(client, district):
    data = make_olympiad(district)
    user = district.user("methodist")
    client.force_login(user)
    url = reverse(PAGE) + "?year=2024&year=2025"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _add_students(district, data, 6)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)
    assert "Новый" not in large.captured_queries[-1]["sql"]


def test_navigation_item(district):
    from imo.core.navigation import menu_for

    def labels(user):
        return [link.label for group in menu_for(user) for link in group.links]

    assert "Олимпиады: аналитика" in labels(district.user("observer"))
    assert "Олимпиады: аналитика" in labels(district.user("school_admin_a"))
    assert "Олимпиады: аналитика" not in labels(district.user("teacher_a"))


def test_scope_labels(district):
    from imo.olympiads.analytics.selectors import analytics_scope

    assert analytics_scope(user=district.user("head")).label == "Курчалоевский район"
    school = analytics_scope(user=district.user("school_admin_a"))
    assert school.label == "СОШ № 1 г. Курчалой" and school.school_only
    assert school.district_paths == (district.municipality.path,)


def _main(response) -> str:
    page = response.content.decode()
    return page[page.index("<main") :]


def _body_drawn(response) -> bool:
    return "olympiads/analytics/_body.html" in [template.name for template in response.templates]


def test_the_page_content_is_kept_until_the_results_change(client, district, monkeypatch):
    from imo.core import pagecache

    data = make_olympiad(district)
    head = district.user("head")
    pagecache.forget_own_writes()  # as a request after the setup's transaction would
    first = _get(client, head)
    again = _get(client, head)
    assert _body_drawn(first) and not _body_drawn(again)
    assert _main(again) == _main(first)  # the page around it holds a new form token each time
    # Another page of the tables, another user's scope, another permission: drawn for them.
    assert _body_drawn(_get(client, head, query="?sort=-awarded"))
    school_page = _get(client, district.user("school_admin_b"))
    assert _body_drawn(school_page) and "СОШ № 1 г. Курчалой" not in school_page.content.decode()

    _add_students(district, data, 1)
    # Once the change commits (here by hand: a test's transaction never commits) the figures and the
    # content are drawn afresh.
    pagecache.forget_own_writes()
    monkeypatch.setattr(pagecache, "_in_transaction", lambda: False)
    pagecache.bump("olympiads")
    later = _get(client, head)
    assert _body_drawn(later) and _main(later) != _main(first)
