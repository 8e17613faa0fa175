"""The reference lists as data tables (imo/reference/tables.py): filters, sorting, htmx, Excel."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from imo.reference.models import AcademicYear, Grade, Position, Subject
from imo.reference.services import academic_year_create, item_archive, item_create

pytestmark = pytest.mark.django_db

SUBJECTS = reverse("reference:item_list", args=["subjects"])
POSITIONS = reverse("reference:item_list", args=["positions"])


@pytest.fixture
def methodist(client, district):
    client.force_login(district.user("methodist"))
    return client


@pytest.fixture
def few_subjects():
    Subject.objects.all().delete()
    for name in ("Яблоневодство", "Ель", "Ёж", "Жук", "ель обыкновенная"):
        item_create(model=Subject, data={"name": name})


def _first_cells(response):
    assert response.status_code == 200
    body = response.content.decode().split("<tbody>", 1)[-1].split("</tbody>", 1)[0]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<tr><td>(.*?)</td>", body, re.S)]


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


# --- Subjects and positions -----------------------------------------------------------------------------


def test_names_sort_in_russian_order_with_yo_beside_ye(methodist, few_subjects):
    assert _first_cells(methodist.get(SUBJECTS)) == ["Ёж", "Ель", "ель обыкновенная", "Жук", "Яблоневодство"]
    assert _first_cells(methodist.get(SUBJECTS, {"sort": "-name"}))[0] == "Яблоневодство"


def test_search_folds_case_and_yo(methodist, few_subjects):
    assert _first_cells(methodist.get(SUBJECTS, {"q": "ЕЖ"})) == ["Ёж"]
    assert _first_cells(methodist.get(SUBJECTS, {"q": "ель обык"})) == ["ель обыкновенная"]
    content = methodist.get(SUBJECTS, {"q": "нет такого"}).content.decode()
    assert "ничего не найдено" in content


def test_state_filter_active_by_default_archived_or_all(methodist, few_subjects):
    item_archive(item=Subject.objects.get(name="Жук"))
    assert "Жук" not in _first_cells(methodist.get(SUBJECTS))
    assert _first_cells(methodist.get(SUBJECTS, {"status": "archived"})) == ["Жук"]
    assert len(_first_cells(methodist.get(SUBJECTS, {"status": "all"}))) == 5


def test_positions_sort_by_order_then_name(methodist):
    cells = _first_cells(methodist.get(POSITIONS, {"sort": "order", "per_page": 100}))
    expected = sorted(Position.objects.filter(is_archived=False), key=lambda p: p.order)[0].name
    assert cells[0] == expected == "Учитель"


def test_subjects_filter_by_olympiad(methodist):
    item_create(model=Subject, data={"name": "Черчение"})
    olympiad = _first_cells(methodist.get(SUBJECTS, {"olympiad": "1", "per_page": 100}))
    others = _first_cells(methodist.get(SUBJECTS, {"olympiad": "0", "per_page": 100}))
    assert "Физика" in olympiad and "Черчение" not in olympiad
    assert "Черчение" in others and "Физика" not in others


def test_positions_have_no_olympiad_filter(methodist):
    assert 'name="olympiad"' not in methodist.get(POSITIONS).content.decode()


def test_htmx_gets_the_results_and_the_canonical_address(methodist):
    response = methodist.get(SUBJECTS, {"q": " язык ", "status": "active"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="results"') and "<html" not in content
    assert 'id="results-filters"' not in content
    assert "Русский язык" in content and "Физика" not in content
    assert response["HX-Push-Url"] == f"{SUBJECTS}?q=%D1%8F%D0%B7%D1%8B%D0%BA"


def test_export_holds_exactly_the_filtered_rows_in_the_chosen_order(methodist, few_subjects):
    item_archive(item=Subject.objects.get(name="Ель"))
    rows = _sheet(
        methodist.get(reverse("reference:item_export", args=["subjects"]), {"q": "ЕЛ", "status": "all"})
    )
    assert rows[0] == ("Наименование", "Предмет ВсОШ", "Порядок", "Состояние")
    assert [row[0] for row in rows[1:]] == ["Ель", "ель обыкновенная"]
    assert rows[1][3] == "В архиве" and rows[2][3] == "Действует"
    assert rows[1][1] == "нет"
    rows = _sheet(methodist.get(reverse("reference:item_export", args=["subjects"]), {"sort": "-name"}))
    assert [row[0] for row in rows[1:]] == ["Яблоневодство", "Жук", "ель обыкновенная", "Ёж"]


def test_export_takes_the_chosen_columns(methodist):
    html = methodist.get(SUBJECTS, {"cols": ["status"], "q": "физика"}).content.decode()
    thead = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert "Состояние" in thead and "Порядок" not in thead and "Действия" in thead
    query = "q=%D1%84%D0%B8%D0%B7%D0%B8%D0%BA%D0%B0&amp;cols=name&amp;cols=status"
    assert f'href="/reference/subjects/export/?{query}' in html
    rows = _sheet(
        methodist.get(
            reverse("reference:item_export", args=["subjects"]), {"cols": ["status"], "q": "физика"}
        )
    )
    assert rows == [("Наименование", "Состояние"), ("Физика", "Действует")]


def test_position_export(methodist):
    rows = _sheet(methodist.get(reverse("reference:item_export", args=["positions"]), {"q": "логопед"}))
    assert rows[0] == ("Наименование", "Порядок", "Состояние")
    assert [row[0] for row in rows[1:]] == ["Учитель-логопед"]


def test_bad_parameters_give_a_russian_hint_not_an_error(methodist):
    response = methodist.get(SUBJECTS, {"status": "x", "sort": "zzz", "per_page": "7"})
    content = response.content.decode()
    assert "Не все условия применены" in content and "«Состояние»" in content
    assert len(_first_cells(response)) == 25


def test_the_observer_has_no_row_buttons(client, district):
    client.force_login(district.user("observer"))
    html = client.get(SUBJECTS).content.decode()
    assert "Действия" not in html and "/archive/" not in html


# --- Grades and academic years --------------------------------------------------------------------------


def test_grades_sort_filter_and_export(methodist):
    item_archive(item=Grade.objects.get(number=11))
    url = reverse("reference:grade_list")
    assert _first_cells(methodist.get(url))[:2] == ["1 класс", "2 класс"]
    assert _first_cells(methodist.get(url, {"sort": "-number"}))[0] == "10 класс"
    assert _first_cells(methodist.get(url, {"status": "archived"})) == ["11 класс"]
    rows = _sheet(methodist.get(reverse("reference:grade_export"), {"status": "all", "sort": "-number"}))
    assert rows[0] == ("Класс", "Состояние")
    assert rows[1] == (11, "В архиве") and len(rows) == 12


def test_academic_years_latest_first_and_sortable(methodist):
    for year in (2019, 2021, 2020):
        academic_year_create(start_year=year)
    url = reverse("reference:academic_year_list")
    assert _first_cells(methodist.get(url)) == ["2021/2022", "2020/2021", "2019/2020"]
    assert _first_cells(methodist.get(url, {"sort": "start_year"})) == ["2019/2020", "2020/2021", "2021/2022"]


def test_academic_year_export_holds_the_filtered_rows(methodist):
    for year in (2019, 2020, 2021):
        academic_year_create(start_year=year)
    item_archive(item=AcademicYear.objects.get(start_year=2019))
    rows = _sheet(methodist.get(reverse("reference:academic_year_export")))
    assert rows[0] == ("Учебный год", "Начало", "Окончание", "Состояние")
    assert [row[0] for row in rows[1:]] == ["2021/2022", "2020/2021"]
    rows = _sheet(methodist.get(reverse("reference:academic_year_export"), {"status": "archived"}))
    assert [row[0] for row in rows[1:]] == ["2019/2020"]
    assert rows[1][1].date().isoformat() == "2019-09-01"


def test_the_current_year_cannot_be_archived_from_the_list(methodist):
    from imo.reference.selectors import current_academic_year_start

    current = academic_year_create(start_year=current_academic_year_start())
    past = academic_year_create(start_year=current.start_year - 3)
    html = methodist.get(reverse("reference:academic_year_list")).content.decode()
    assert reverse("reference:academic_year_archive", args=[past.pk]) in html
    assert reverse("reference:academic_year_archive", args=[current.pk]) not in html
    assert reverse("reference:academic_year_delete", args=[current.pk]) not in html
