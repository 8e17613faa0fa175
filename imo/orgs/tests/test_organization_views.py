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


# --- the data table (imo.core.tables) on the organisations list -----------------------------------


def _listed(client, params=None, **headers):
    response = client.get(reverse("orgs:list"), params or {}, **headers)
    assert response.status_code == 200
    return response


def _row_names(response):
    import re

    body = response.content.decode().split("<tbody>", 1)[-1]
    return re.findall(r'hx-boost="false">([^<]+)</a></td>', body)


def test_home_page_links_and_old_parameters_keep_working(client, district):
    make_organization(parent=district.municipality, short_name="Детский сад № 1", kind="kindergarten")
    client = _login(client, district.user("head"))
    assert _row_names(_listed(client, {"kind": "kindergarten"})) == ["Детский сад № 1"]
    assert _row_names(_listed(client, {"settlement": "с. Бельты"})) == ["СОШ с. Бельты"]
    assert _row_names(_listed(client, {"sort": "-settlement"}))[0] == "СОШ с. Бельты"
    assert set(_row_names(_listed(client, {"q": "", "kind": "", "status": ""}))) == {
        "Детский сад № 1",
        "СОШ № 1 г. Курчалой",
        "СОШ с. Бельты",
    }


def test_several_kinds_at_once(client, district):
    make_organization(parent=district.municipality, short_name="Детский сад № 1", kind="kindergarten")
    make_organization(parent=district.municipality, short_name="Дом творчества", kind="additional_education")
    client = _login(client, district.user("head"))
    names = _row_names(_listed(client, {"kind": ["kindergarten", "additional_education"]}))
    assert names == ["Детский сад № 1", "Дом творчества"]


def test_names_sort_in_russian_order_with_yo_beside_ye(client, district):
    for name in ("Ёлочка", "Елань", "Жемчужина", "Ясли № 2"):
        make_organization(parent=district.municipality, short_name=name, kind="kindergarten")
    client = _login(client, district.user("head"))
    names = _row_names(_listed(client, {"kind": "kindergarten"}))
    assert names == ["Елань", "Ёлочка", "Жемчужина", "Ясли № 2"]
    assert _row_names(_listed(client, {"kind": "kindergarten", "sort": "-name"}))[0] == "Ясли № 2"


def test_kind_sorts_by_its_russian_label(client, district):
    make_organization(parent=district.municipality, short_name="Я-сад", kind="kindergarten")
    make_organization(parent=district.municipality, short_name="А-центр", kind="additional_education")
    client = _login(client, district.user("head"))
    # Детский сад < Организация дополнительного образования < Школа (the codes would sort otherwise).
    assert _row_names(_listed(client, {"sort": "kind"}))[:2] == ["Я-сад", "А-центр"]


def test_date_range_on_the_date_added(client, district):
    import datetime as dt

    from django.utils import timezone

    old = make_organization(parent=district.municipality, short_name="Старая школа")
    Organization.objects.filter(pk=old.pk).update(created_at=timezone.make_aware(dt.datetime(2020, 5, 1)))
    client = _login(client, district.user("head"))
    assert _row_names(_listed(client, {"created_at_to": "31.12.2020"})) == ["Старая школа"]
    assert "Старая школа" not in _row_names(_listed(client, {"created_at_from": "2021-01-01"}))
    response = _listed(client, {"created_at_from": "не дата"})
    assert "Введите дату в формате дд.мм.гггг." in response.content.decode()


def test_page_size_and_pages(client, district):
    for number in range(30):
        make_organization(parent=district.municipality, short_name=f"Школа {number:02}")
    client = _login(client, district.user("head"))
    assert len(_row_names(_listed(client))) == 25
    assert len(_row_names(_listed(client, {"page": "2"}))) == 7
    assert len(_row_names(_listed(client, {"per_page": "50"}))) == 32


def test_columns_chosen_by_the_user_are_shown_and_exported(client, district):
    client = _login(client, district.user("head"))
    html = _listed(client, {"cols": ["inn", "settlement"]}).content.decode()
    thead = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert "ИНН" in thead and "Населённый пункт" in thead and "Руководитель" not in thead
    assert "Наименование" in thead  # the name column is always there
    assert "/organizations/export/?cols=name&amp;cols=settlement&amp;cols=inn" in html
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("orgs:export"), {"cols": ["inn", "settlement"]}).content)
    ).active
    assert next(sheet.iter_rows(values_only=True)) == ("Краткое наименование", "Населённый пункт", "ИНН")


def test_export_of_all_columns_matches_the_organisations_file(client, district):
    from imo.orgs.exports import ORGANIZATION_COLUMNS

    client.force_login(district.user("head"))
    client.post(reverse("orgs:close", args=[district.school_b.pk]), {"closed_on": "31.08.2026"})
    response = client.get(reverse("orgs:export"), {"cols": "all", "status": "closed"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    headers = [column.header for column in ORGANIZATION_COLUMNS]
    assert list(rows[0][: len(headers)]) == headers and rows[0][-1] == "Добавлена"
    closed = dict(zip(rows[0], rows[1], strict=True))
    assert closed["Краткое наименование"] == "СОШ с. Бельты" and closed["Статус"] == "Закрыта"
    assert closed["Муниципалитет"] == "Курчалоевский район" and closed["Тип"] == "Школа"
    assert closed["Дата закрытия"].date().isoformat() == "2026-08-31"  # a real date, not text


def test_export_link_carries_filters_order_and_columns(client, district):
    client = _login(client, district.user("head"))
    html = _listed(client, {"q": "сош", "kind": "school", "sort": "-name", "page": "1"}).content.decode()
    assert 'href="/organizations/export/?q=%D1%81%D0%BE%D1%88&amp;kind=school&amp;sort=-name"' in html


def test_htmx_address_shows_the_canonical_link(client, district):
    client = _login(client, district.user("head"))
    response = _listed(
        client,
        {"q": " сош ", "kind": "school", "settlement": "", "status": "active", "per_page": "25"},
        HTTP_HX_REQUEST="true",
    )
    assert response["HX-Push-Url"] == "/organizations/?q=%D1%81%D0%BE%D1%88&kind=school"
    assert "HX-Request" in response["Vary"]


def test_municipality_filter_and_column_appear_with_several_municipalities(client, district):
    client = _login(client, district.user("head"))
    html = _listed(client).content.decode()
    assert 'name="municipality"' not in html
    other = make_organization(
        parent=district.region, kind=Organization.Kind.MUNICIPALITY, short_name="Шалинский район"
    )
    school = make_organization(parent=other, short_name="СОШ № 1 г. Шали")
    admin = district.user("admin")
    admin.memberships.update(organization=district.region)
    client.force_login(admin)
    html = _listed(client).content.decode()
    assert 'name="municipality"' in html
    assert ">Муниципалитет<" in html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert _row_names(_listed(client, {"municipality": other.pk})) == [school.short_name]


def test_school_admin_cannot_filter_their_way_into_another_school(client, district):
    client = _login(client, district.user("school_admin_a"))
    params = {"status": "all", "settlement": "с. Бельты", "q": "бельты", "cols": "all"}
    assert _row_names(_listed(client, params)) == []
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("orgs:export"), params).content))
    assert list(workbook.active.iter_rows(min_row=2, values_only=True)) == []


def test_bad_parameters_give_a_russian_hint_not_an_error(client, district):
    client = _login(client, district.user("head"))
    response = _listed(
        client, {"kind": "region", "status": "x", "sort": "zzz", "per_page": "9", "page": "-1", "cols": "?"}
    )
    html = response.content.decode()
    assert "Не все условия применены" in html and "«Тип»" in html
    assert set(_row_names(response)) == {"СОШ № 1 г. Курчалой", "СОШ с. Бельты"}


def _bar_drawn(response) -> bool:
    return "components/table_filters.html" in [template.name for template in response.templates]


def test_the_filter_bar_is_kept_until_the_organisations_change(client, district, monkeypatch):
    from imo.core import pagecache

    client = _login(client, district.user("head"))
    pagecache.forget_own_writes()  # as a request after the setup's transaction would
    first, again = _listed(client), _listed(client)
    assert _bar_drawn(first) and not _bar_drawn(again)
    assert 'value="с. Новая Жизнь"' not in again.content.decode()
    make_organization(
        parent=district.municipality, short_name="СОШ с. Новая Жизнь", settlement="с. Новая Жизнь"
    )
    # Once the change commits (here by hand: a test's transaction never commits) the bar offers the new
    # settlement.
    pagecache.forget_own_writes()
    monkeypatch.setattr(pagecache, "_in_transaction", lambda: False)
    pagecache.bump("orgs")
    later = _listed(client)
    assert _bar_drawn(later) and 'value="с. Новая Жизнь"' in later.content.decode()


def test_the_filter_options_are_kept_per_user_until_organisations_change(client, district, monkeypatch):
    from imo.core import pagecache

    make_organization(parent=district.municipality, short_name="Школа в Ахкинчу", settlement="с. Ахкинчу")
    client.force_login(district.user("head"))
    pagecache.forget_own_writes()  # as a request after the setup's transaction would
    client.get(reverse("orgs:list"))
    with CaptureQueriesContext(connection) as again:
        response = client.get(reverse("orgs:list"))
    assert 'value="с. Ахкинчу"' in response.content.decode()  # an option of the settlement filter
    assert not [q for q in again.captured_queries if "DISTINCT" in q["sql"] and "settlement" in q["sql"]]
    # A new settlement: once the change commits, the options show it.
    make_organization(parent=district.municipality, short_name="Школа в Бачи-Юрте", settlement="с. Бачи-Юрт")
    pagecache.forget_own_writes()
    monkeypatch.setattr(pagecache, "_in_transaction", lambda: False)
    pagecache.bump("orgs")
    assert 'value="с. Бачи-Юрт"' in client.get(reverse("orgs:list")).content.decode()
