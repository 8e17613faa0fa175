"""The data table component, on the user model (imo.core may not import the domain apps)."""

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import parse_qs

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import format_html
from django_htmx.middleware import HtmxDetails

from imo.core.tables import (
    ChoiceFilter,
    Column,
    DateRangeFilter,
    MultiChoiceFilter,
    SearchFilter,
    Table,
    label_order,
    russian,
)
from imo.core.tables.columns import excel_value, plain_text, resolve
from imo.core.text import search_text

User = get_user_model()
STATES = [("1", "Активные"), ("0", "Отключённые")]
LOGINS = [("a", "Ярцев"), ("b", "Абаев"), ("c", "Ёжиков")]


class PeopleTable(Table):
    columns = [
        Column(
            "name",
            "Фамилия",
            field="last_name",
            sort=russian,
            hideable=False,
            link=lambda person: f"/people/{person.pk}/",
        ),
        Column("first_name", "Имя", sort=russian),
        Column("login", "Логин", field="username", sort=label_order(LOGINS)),
        Column("joined", "Дата регистрации", field="date_joined", sort=True, width=18),
        Column("active", "Активен", field="is_active", visible=False),
        Column("email", "Почта", visible=False, export_label="Электронная почта", width=30),
    ]
    filters = [
        SearchFilter("q", "Поиск", fields=["search_text"]),
        ChoiceFilter(
            "active",
            "Состояние",
            choices=STATES,
            default="1",
            method=lambda people, value: people.filter(is_active=value == "1"),
        ),
        MultiChoiceFilter("login", "Логин", field="username", choices=LOGINS),
        ChoiceFilter(
            "initial", "Буква", field="last_name__startswith", choices="initial_choices", min_choices=2
        ),
        DateRangeFilter("joined", "Зарегистрирован", field="date_joined"),
    ]
    default_sort = "name"
    noun = "человек,человека,человек"
    sheet_name = "Люди"
    export_filename = "люди"

    def initial_choices(self):
        return [("А", "А"), ("Я", "Я")]


def _person(username, last_name, first_name="Иван", *, active=True, joined=None, email=""):
    person = User.objects.create(
        username=username,
        last_name=last_name,
        first_name=first_name,
        is_active=active,
        email=email,
        search_text=search_text(last_name, first_name, username),
    )
    if joined:
        User.objects.filter(pk=person.pk).update(date_joined=joined)
    return person


def _aware(year, month, day, hour=12):
    return timezone.make_aware(dt.datetime(year, month, day, hour))


@pytest.fixture
def people(db):
    return [
        _person("a", "Ярцев", joined=_aware(2025, 9, 1)),
        _person("b", "Абаев", joined=_aware(2025, 9, 15)),
        _person("c", "Ёжиков", "Фёдор", joined=_aware(2025, 10, 1), email="ezh@example.ru"),
        _person("d", "Егоров", active=False, joined=_aware(2025, 10, 2)),
    ]


def _table(rf, data=None, *, htmx=False, table_class=PeopleTable):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    request = rf.get("/people/", data or {}, **headers)
    request.user = AnonymousUser()
    request.htmx = HtmxDetails(request)
    return table_class(request, queryset=User.objects.all())


def _names(table):
    return [row.object.last_name for row in table.rows]


# --- columns ------------------------------------------------------------------------------------


def test_cells_read_paths_and_choice_labels():
    row = SimpleNamespace(
        parent=SimpleNamespace(short_name="Район"), kind="school", get_kind_display=lambda: "Школа"
    )
    assert resolve(row, "parent.short_name") == resolve(row, "parent__short_name") == "Район"
    assert resolve(row, "kind") == "Школа"
    assert resolve(SimpleNamespace(parent=None), "parent.short_name") is None


def test_cells_read_in_russian_formats():
    assert plain_text(dt.date(2026, 3, 5)) == "05.03.2026"
    assert plain_text(True) == "да" and plain_text(False) == "нет"
    assert plain_text(None) == ""
    assert plain_text(Decimal("1.5")) == "1,5"
    moment = dt.datetime(2026, 3, 5, 21, 30, tzinfo=dt.UTC)
    assert plain_text(moment) == timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")


def test_cells_are_escaped_and_linked():
    column = Column("name", "Имя", link=lambda row: "/x/?a=1&b=2")
    html = column.html(SimpleNamespace(name="<b>Ахмед</b>"))
    assert html == '<a href="/x/?a=1&amp;b=2" hx-boost="false">&lt;b&gt;Ахмед&lt;/b&gt;</a>'
    badge = Column("state", "Состояние", display=lambda row: format_html("<span>{}</span>", "Закрыта"))
    assert badge.html(SimpleNamespace()) == "<span>Закрыта</span>"
    assert badge.excel(SimpleNamespace()) == "Закрыта"  # the text, not the markup


def test_excel_values_keep_types_and_local_time():
    assert excel_value(dt.date(2026, 3, 5)) == dt.date(2026, 3, 5)
    moment = dt.datetime(2026, 3, 5, 21, 30, tzinfo=dt.UTC)
    local = excel_value(moment)
    assert local.tzinfo is None and local == timezone.localtime(moment).replace(tzinfo=None)
    assert excel_value(Decimal("2.5")) == 2.5
    assert excel_value(SimpleNamespace(__str__=lambda self: "x")).startswith("namespace")
    assert Column("inn", "ИНН").excel_width == 12
    assert Column("x", "Очень длинный заголовок столбца").excel_width == 35


# --- filters ------------------------------------------------------------------------------------


def test_default_choice_applies_until_all_is_chosen(rf, people):
    assert _names(_table(rf)) == ["Абаев", "Ёжиков", "Ярцев"]  # active only, Ё beside Е
    assert _names(_table(rf, {"active": "all"})) == ["Абаев", "Егоров", "Ёжиков", "Ярцев"]
    assert _names(_table(rf, {"active": "0"})) == ["Егоров"]
    assert _names(_table(rf, {"active": ""})) == ["Абаев", "Ёжиков", "Ярцев"]  # an empty value = default


def test_search_folds_case_and_yo(rf, people):
    assert _names(_table(rf, {"q": "ЕЖИКОВ"})) == ["Ёжиков"]
    assert _names(_table(rf, {"q": "  федор   ежиков "})) == ["Ёжиков"]
    assert _names(_table(rf, {"q": "нет такого"})) == []


def test_multi_choice_takes_several_values(rf, people):
    assert _names(_table(rf, {"login": ["a", "c"]})) == ["Ёжиков", "Ярцев"]
    table = _table(rf, {"login": ["a", "c"]})
    assert table.controls[2].summary == "Ярцев, Ёжиков"
    assert _table(rf).controls[2].summary == "Все"


def test_date_range_is_inclusive_and_reads_iso_and_russian_dates(rf, people):
    assert _names(_table(rf, {"joined_from": "2025-09-15", "joined_to": "2025-10-01"})) == ["Абаев", "Ёжиков"]
    table = _table(rf, {"joined_from": "15.09.2025", "joined_to": "1.10.25"})
    assert _names(table) == ["Абаев", "Ёжиков"]
    # The date inputs get ISO dates back (the only form `<input type=date>` shows), and so do links.
    assert table.form["joined_from"].value() == "2025-09-15"
    assert "joined_from=2025-09-15" in table.query() and "joined_to=2025-10-01" in table.query()
    assert _names(_table(rf, {"joined_to": "2025-09-01"})) == ["Ярцев"]


def test_bad_filter_values_are_reported_in_russian_and_left_out(rf, people):
    table = _table(rf, {"joined_from": "32.13.2025", "login": ["zzz"], "q": "ярцев"})
    assert _names(table) == ["Ярцев"]  # the search still applies
    errors = " ".join(table.errors)
    assert "«Зарегистрирован с» — Введите дату в формате дд.мм.гггг." in errors
    assert "«Логин»" in errors
    backwards = _table(rf, {"joined_from": "2025-10-01", "joined_to": "2025-09-01"})
    assert "Дата «по» не может быть раньше даты «с»." in " ".join(backwards.errors)
    assert _names(backwards) == ["Ёжиков"]  # the wrong end is left out, the start applies


def test_filter_hidden_below_min_choices_and_choices_from_a_method(rf, people):
    table = _table(rf, {"initial": "Я"})
    names = [control.filter.name for control in table.controls]
    assert names == ["q", "active", "login", "initial", "joined"]
    assert _names(table) == ["Ярцев"]

    class FewChoices(PeopleTable):
        def initial_choices(self):
            return [("А", "А")]

    table = _table(rf, {"initial": "А"}, table_class=FewChoices)
    assert "initial" not in [control.filter.name for control in table.controls]
    assert len(table.rows) == 3


# --- sorting, pages, columns ---------------------------------------------------------------------


def test_sorting_by_column_both_ways(rf, people):
    assert _names(_table(rf, {"sort": "-name"})) == ["Ярцев", "Ёжиков", "Абаев"]
    # label_order: by the Russian label of the value (Абаев, Ёжиков, Ярцев), not by the code (a, b, c).
    assert [row.object.username for row in _table(rf, {"sort": "login"}).rows] == ["b", "c", "a"]
    assert _names(_table(rf, {"sort": "-joined"})) == ["Ёжиков", "Абаев", "Ярцев"]
    assert _names(_table(rf, {"sort": "email"})) == ["Абаев", "Ёжиков", "Ярцев"]  # not sortable: default
    assert _table(rf, {"sort": "nonsense"}).sort == "name"
    assert _table(rf, {"sort": "--joined"}).sort == "-joined"


def test_headers_announce_the_order_and_link_to_the_other_direction(rf, people):
    headers = {header.column.name: header for header in _table(rf, {"sort": "joined"}).headers}
    assert headers["joined"].sorted == "ascending" and "sort=-joined" in headers["joined"].url
    assert headers["name"].sorted == "" and "sort" not in headers["name"].url  # the default is left out
    headers = {header.column.name: header for header in _table(rf, {"sort": "-joined"}).headers}
    assert headers["joined"].sorted == "descending" and "sort=joined" in headers["joined"].url


def test_pages_and_page_sizes(rf, db):
    for number in range(60):
        _person(f"user{number:02}", f"Фамилия{number:02}")
    table = _table(rf)
    assert len(table.rows) == 25 and table.page.paginator.num_pages == 3
    table = _table(rf, {"per_page": "50", "page": "2"})
    assert len(table.rows) == 10 and table.page.number == 2
    assert parse_qs(table.query_string) == {"per_page": ["50"]}  # the pagination adds the page
    assert _table(rf, {"per_page": "7"}).per_page == 25  # only 25, 50, 100
    assert _table(rf, {"page": "99"}).page.number == 3
    sizes = _table(rf, {"per_page": "100"}).page_sizes
    assert [(size, current) for size, _, current in sizes] == [(25, False), (50, False), (100, True)]


def test_column_choice(rf, people):
    default = _table(rf)
    assert [column.name for column in default.visible_columns] == ["name", "first_name", "login", "joined"]
    chosen = _table(rf, {"cols": ["email", "unknown"]})
    assert [column.name for column in chosen.visible_columns] == ["name", "email"]  # the name always stays
    assert len(chosen.rows[0].cells) == 2
    assert chosen.query() == "cols=name&cols=email"
    every = _table(rf, {"cols": "all"})
    assert len(every.visible_columns) == len(PeopleTable.columns)
    assert every.query() == "cols=all" == _table(rf, {"cols": [c.name for c in PeopleTable.columns]}).query()
    assert default.all_columns_url == "/people/?cols=all" and every.default_columns_url == "/people/"
    assert default.columns_summary == "4 из 6"


def test_the_query_reproduces_the_view_and_leaves_defaults_out(rf, people):
    table = _table(
        rf,
        {"q": "ёжиков", "active": "all", "login": ["c"], "sort": "-joined", "per_page": "50", "status": "x"},
    )
    params = parse_qs(table.query())
    assert params == {
        "q": ["ёжиков"],
        "active": ["all"],
        "login": ["c"],
        "sort": ["-joined"],
        "per_page": ["50"],
    }
    again = _table(rf, params)
    assert _names(again) == _names(table) == ["Ёжиков"]
    assert _table(rf, {"q": "", "active": "1", "sort": "name", "per_page": "25"}).query() == ""
    assert table.reset_url == "/people/?sort=-joined&per_page=50"
    assert table.state_inputs == [("sort", "-joined"), ("per_page", "50")]
    assert table.is_filtered and not _table(rf).is_filtered


# --- rendering ----------------------------------------------------------------------------------


def test_full_render_has_the_filter_bar_and_htmx_gets_only_the_results(rf, people):
    page = _table(rf, {"login": ["a"]}).render("components/table.html")
    html = page.content.decode()
    assert '<form id="results-filters"' in html and 'id="results"' in html
    assert "hx-swap-oob" not in html and "HX-Request" in page["Vary"]
    assert 'aria-sort="ascending"' in html and "Найдено: 1 человек" in html

    response = _table(rf, {"login": ["a", "c"], "q": ""}, htmx=True).render("components/table.html")
    html = response.content.decode()
    assert "<form" not in html and 'id="results"' in html
    assert response["HX-Push-Url"] == "/people/?login=a&login=c"  # the canonical link goes to the address
    assert 'id="results-filter-login-summary" hx-swap-oob="true">Ярцев, Ёжиков<' in html
    assert "/people/" in html and "Ярцев" in html and "Абаев" not in html


def test_empty_results_say_what_to_do(rf, db):
    html = _table(rf).render("components/table.html").content.decode()
    assert PeopleTable.empty_text in html
    html = _table(rf, {"q": "кто-то"}).render("components/table.html").content.decode()
    assert PeopleTable.empty_filtered_text in html


def test_bad_input_never_fails_the_page(rf, people):
    data = {"page": "x", "per_page": "x", "sort": "--", "cols": "", "joined_from": "2025-02-30"}
    data["active"] = "?"
    response = _table(rf, data).render("components/table.html")
    assert response.status_code == 200 and "Не все условия применены" in response.content.decode()


# --- export -------------------------------------------------------------------------------------


def _sheet(response):
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_export_has_exactly_the_filtered_sorted_rows_and_visible_columns(rf, people):
    response = _table(rf, {"active": "all", "sort": "-name", "cols": ["joined", "email"]}).export_response()
    assert "attachment" in response["Content-Disposition"]
    sheet = _sheet(response)
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Фамилия", "Дата регистрации", "Электронная почта")
    assert [row[0] for row in rows[1:]] == ["Ярцев", "Ёжиков", "Егоров", "Абаев"]
    assert isinstance(rows[1][1], dt.datetime)  # dates stay dates
    assert rows[1][1] == dt.datetime(2025, 9, 1, 12, 0)  # the local time, as on the page
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:C5"
    assert sheet.column_dimensions["C"].width > 29
    assert sheet.title == "Люди"


def test_export_ignores_the_page(rf, db):
    for number in range(30):
        _person(f"user{number:02}", f"Фамилия{number:02}")
    rows = list(_sheet(_table(rf, {"page": "2"}).export_response()).iter_rows(values_only=True))
    assert len(rows) == 31


def test_a_page_runs_the_same_number_of_queries_whatever_the_rows(rf, db):
    def count():
        with CaptureQueriesContext(connection) as queries:
            _table(rf, {"per_page": "100", "q": "фамилия"}).render("components/table.html")
        return len(queries)

    for number in range(5):
        _person(f"a{number}", f"Фамилия{number}")
    few = count()
    for number in range(150):
        _person(f"b{number}", f"Фамилия{number}")
    assert count() == few


def _markup(html):
    """Markup compared without the line breaks and indentation the widget templates put between tags."""
    import re

    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize(
    "data",
    [{}, {"kind": "b"}, {"kind": "<x>"}, {"kind": "g2"}],
)
def test_select_html_writes_what_the_widget_templates_write(data):
    from django import forms

    from imo.core.tables.table import select_html

    class KindForm(forms.Form):
        kind = forms.ChoiceField(
            required=False,
            choices=[
                ("", "Все"),
                ("b", "Второй & «кавычки»"),
                ("<x>", "<b>не тег</b>"),
                ("Группа", [("g1", "Первый в группе"), ("g2", "Второй в группе")]),
            ],
            widget=forms.Select(attrs={"class": "form-select", "data-x": True}),
        )

    field = KindForm(data)["kind"]
    assert _markup(select_html(field)) == _markup(field)


def test_checkbox_options_write_what_the_widget_templates_write():
    from django import forms

    from imo.core.tables.table import checkbox_options

    class PickForm(forms.Form):
        pick = forms.MultipleChoiceField(
            required=False,
            choices=[("1", "Один & два"), ("2", "<i>три</i>")],
            widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        )

    field = PickForm({"pick": ["2"]})["pick"]
    expected = (
        "".join(
            f'<div class="form-check">{_markup(option.tag())}'
            f'<label class="form-check-label" for="{option.id_for_label}">{option.choice_label}</label></div>'
            for option in field.subwidgets
        )
        .replace("<i>", "&lt;i&gt;")
        .replace("</i>", "&lt;/i&gt;")
        .replace("& два", "&amp; два")
    )
    assert _markup(checkbox_options(field)) == expected
