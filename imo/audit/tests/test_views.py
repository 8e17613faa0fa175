import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imo.accounts.models import User
from imo.orgs.models import Membership, Organization, Role
from imo.orgs.services import membership_add, organization_close, organization_update, user_set_active
from imo.orgs.tests.factories import make_district, make_organization

MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.fixture
def district(db):
    return make_district()


def _login(client, user):
    client.force_login(user)
    return client


def _content(response):
    return response.content.decode()


def _rows(response):
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def _ct(model):
    return ContentType.objects.get_for_model(model)


# --- Access ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["head", "admin"])
def test_head_and_admin_see_the_log(client, district, key):
    client = _login(client, district.user(key))
    assert client.get(reverse("audit:log")).status_code == 200
    assert client.get(reverse("audit:export")).status_code == 200
    entry = LogEntry.objects.first()
    assert client.get(reverse("audit:detail", args=[entry.pk])).status_code == 200


def test_superuser_sees_the_log(client, district):
    root = User.objects.create_superuser("root", "root@example.ru", "x")
    assert _login(client, root).get(reverse("audit:log")).status_code == 200


@pytest.mark.parametrize(
    "key", ["methodist", "secretary", "observer", "school_admin_a", "teacher_a", "no_role"]
)
def test_other_roles_get_403(client, district, key):
    client = _login(client, district.user(key))
    entry = LogEntry.objects.first()
    assert client.get(reverse("audit:log")).status_code == 403
    assert client.get(reverse("audit:export")).status_code == 403
    assert client.get(reverse("audit:detail", args=[entry.pk])).status_code == 403


def test_anonymous_is_sent_to_login(client, district):
    for url in (reverse("audit:log"), reverse("audit:export")):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_menu_shows_the_log_only_to_those_who_may_open_it(client, district):
    url = reverse("audit:log")
    assert f'href="{url}"' in _content(_login(client, district.user("head")).get(reverse("audit:log")))
    client.logout()
    assert f'href="{url}"' not in _content(
        _login(client, district.user("methodist")).get(reverse("orgs:list"))
    )


def test_unknown_entry_is_404(client, district):
    assert (
        _login(client, district.user("head")).get(reverse("audit:detail", args=[999999])).status_code == 404
    )


# --- What the page shows ---------------------------------------------------------------------------


def test_update_shows_field_labels_and_old_to_new_values(client, district):
    head = district.user("head")
    with set_actor(head):
        organization_update(organization=district.school_a, data={"director": "Идрисов М. А."}, by=head)
        organization_close(organization=district.school_b, closed_on=dt.date(2025, 9, 1))
    content = _content(_login(client, head).get(reverse("audit:log")))
    assert "Изменение" in content and "Создание" in content
    assert "Руководитель:" in content and "Идрисов М. А." in content
    # Choice labels and dates in Russian form, not stored codes.
    assert "Статус:" in content and "Действует" in content and "Закрыта" in content
    assert "01.09.2025" in content
    assert head.short_name in content


def test_membership_shows_the_organisation_and_role_by_name(client, district):
    head = district.user("head")
    with set_actor(head):
        membership_add(user=district.user("no_role"), organization=district.school_b, role=Role.TEACHER)
    response = _login(client, head).get(reverse("audit:log"), {"model": "orgs.membership", "action": "0"})
    content = _content(response)
    assert "Организация:" in content and "СОШ с. Бельты" in content
    assert "Роль:" in content and "Педагог" in content
    assert f"Пользователь:</span> {district.user('no_role')}" in content


def test_entry_page_shows_actor_address_and_changes(client, district):
    head = district.user("head")
    with set_actor(head, remote_addr="10.0.0.7"):
        organization_update(organization=district.school_a, data={"phone": "8 (8712) 22-33-44"}, by=head)
    entry = LogEntry.objects.filter(content_type=_ct(Organization), action=LogEntry.Action.UPDATE).first()
    content = _content(_login(client, head).get(reverse("audit:detail", args=[entry.pk])))
    assert "10.0.0.7" in content
    assert "Телефон" in content and "8 (8712) 22-33-44" in content
    assert head.full_name in content
    assert district.school_a.get_absolute_url() in content
    assert "object=" in content  # the link to this object's whole history


def test_deleted_related_object_and_deleted_actor_read_clearly(client, district):
    helper = User.objects.create_user("helper", "helper@example.ru", "x", last_name="Временный")
    membership = Membership.objects.create(
        user=district.user("no_role"), organization=district.school_a, role="teacher"
    )
    with set_actor(helper):
        membership.delete()
    helper.delete()
    content = _content(_login(client, district.user("head")).get(reverse("audit:log"), {"action": "2"}))
    assert "helper@example.ru (учётная запись удалена)" in content
    assert "Удаление" in content


def test_htmx_request_gets_only_the_results(client, district):
    response = _login(client, district.user("head")).get(reverse("audit:log"), headers={"HX-Request": "true"})
    content = _content(response)
    assert 'id="results"' in content
    assert "<html" not in content


def test_changes_are_not_shown_for_derived_fields(client, district):
    head = district.user("head")
    with set_actor(head):
        organization_update(organization=district.school_a, data={"short_name": "СОШ № 1"}, by=head)
    content = _content(
        _login(client, head).get(reverse("audit:log"), {"model": "orgs.organization", "action": "1"})
    )
    assert "Краткое наименование:" in content
    assert "search_text" not in content and "Путь в дереве" not in content


def test_creation_lists_values_without_reverse_relations_or_ids(client, district):
    content = _content(
        _login(client, district.user("head")).get(
            reverse("audit:log"), {"model": "orgs.organization", "action": "0", "q": "Бельты"}
        )
    )
    assert "Значения полей:" in content
    assert "Полное наименование:</span> МБОУ «СОШ с. Бельты»" in content
    assert "Вышестоящая организация:</span> Курчалоевский район" in content
    assert "memberships" not in content and "children" not in content and "ID:" not in content


# --- Filters --------------------------------------------------------------------------------------


@pytest.fixture
def changes(district):
    """Updates by different people on different days, on top of the creations made by make_district()."""
    head, admin = district.user("head"), district.user("admin")
    with set_actor(head):
        organization_update(organization=district.school_a, data={"phone": "111"}, by=head)
    with set_actor(admin):
        user_set_active(user=district.user("teacher_a"), active=False, by=admin)
    org_entry = LogEntry.objects.filter(content_type=_ct(Organization), action=LogEntry.Action.UPDATE).latest(
        "pk"
    )
    user_entry = LogEntry.objects.filter(content_type=_ct(User), action=LogEntry.Action.UPDATE).latest("pk")
    # Everything else (what make_district() created and updated) happened earlier, without an actor.
    LogEntry.objects.exclude(pk__in=[org_entry.pk, user_entry.pk]).update(actor=None)
    # 10.03.2025 00:30 in Moscow is 09.03.2025 21:30 UTC: the day is the Moscow one.
    LogEntry.objects.filter(pk=org_entry.pk).update(timestamp=dt.datetime(2025, 3, 10, 0, 30, tzinfo=MOSCOW))
    LogEntry.objects.filter(pk=user_entry.pk).update(
        timestamp=dt.datetime(2025, 3, 12, 23, 50, tzinfo=MOSCOW)
    )
    LogEntry.objects.exclude(pk__in=[org_entry.pk, user_entry.pk]).update(
        timestamp=dt.datetime(2025, 1, 1, 12, 0, tzinfo=MOSCOW)
    )
    return {"org": org_entry, "user": user_entry}


def _found(client, **params):
    response = client.get(reverse("audit:log"), params)
    assert response.status_code == 200
    table = response.context["table"]
    return {row.object.entry.pk for row in table.rows}, table.page.paginator.count


def _pks(response):
    return [row.object.entry.pk for row in response.context["table"].rows]


def test_filter_by_user(client, district, changes):
    client = _login(client, district.user("head"))
    found, count = _found(client, actor=district.user("admin").pk)
    assert found == {changes["user"].pk} and count == 1
    found, _ = _found(client, actor=district.user("head").pk)
    assert found == {changes["org"].pk}


def test_user_filter_lists_people_who_made_changes(client, district, changes):
    form = _login(client, district.user("head")).get(reverse("audit:log")).context["table"].form
    choices = {value: label for value, label in form.fields["actor"].choices if value}
    assert set(choices) == {district.user("head").pk, district.user("admin").pk}
    # Both are «Магомадов А. Р.» in the factories: the login tells them apart.
    assert choices[district.user("head").pk] == "Магомадов А. Р. (head_user)"


def test_filter_by_model(client, district, changes):
    client = _login(client, district.user("head"))
    found, _ = _found(client, model="accounts.user", action="1", date_from="2025-03-01")
    assert found == {changes["user"].pk}
    found, count = _found(client, model="orgs.organization")
    assert changes["org"].pk in found and changes["user"].pk not in found
    assert count == Organization.objects.count() + 1  # every creation and the one update
    content = _content(client.get(reverse("audit:log")))
    for label in ("Организации", "Пользователи", "Роли пользователей"):
        assert f">{label}</option>" in content


def test_filter_by_action(client, district, changes):
    client = _login(client, district.user("head"))
    found, count = _found(client, action="1", date_from="2025-03-01")
    assert found == {changes["org"].pk, changes["user"].pk} and count == 2
    found, _ = _found(client, action="0", date_from="2025-03-01")
    assert found == set()


def test_filter_by_date_uses_moscow_days_inclusively(client, district, changes):
    client = _login(client, district.user("head"))
    assert _found(client, date_from="2025-03-10", date_to="2025-03-10")[0] == {changes["org"].pk}
    assert _found(client, date_from="2025-03-12", date_to="2025-03-12")[0] == {changes["user"].pk}
    assert _found(client, date_from="2025-03-10", date_to="2025-03-12")[0] == {
        changes["org"].pk,
        changes["user"].pk,
    }
    assert _found(client, date_from="2025-03-11", date_to="2025-03-11")[0] == set()
    assert _found(client, date_to="2025-03-09")[1] == LogEntry.objects.count() - 2


def test_reversed_dates_are_reported_and_the_rest_still_applies(client, district, changes):
    client = _login(client, district.user("head"))
    response = client.get(reverse("audit:log"), {"date_from": "2025-03-12", "date_to": "2025-03-10"})
    assert "раньше даты" in _content(response)
    assert {r.object.entry.pk for r in response.context["table"].rows} == {changes["user"].pk}


def test_object_history_link_filters_one_object(client, district, changes):
    client = _login(client, district.user("head"))
    found, count = _found(client, model="orgs.organization", object=str(district.school_a.pk))
    assert changes["org"].pk in found and count == 2  # created, then changed


def test_text_search_folds_case_and_yo_on_this_database(client, district):
    head = district.user("head")
    make_organization(
        parent=district.municipality, name="МБДОУ «Детский сад «Ёлочка»»", short_name="Д/с «Ёлочка»"
    )
    make_organization(
        parent=district.municipality, name="МБДОУ «Детский сад «Солнышко»»", short_name="ДС Solnyshko"
    )
    client = _login(client, head)
    for query in ("ёлочка", "ЕЛОЧКА", "д/с «ёл"):
        assert _found(client, q=query)[1] == 1, query
    assert _found(client, q="SOLNYSHKO")[1] == 1
    assert _found(client, q="курчалой", model="orgs.organization")[1] == 1  # «СОШ № 1 г. Курчалой»
    assert _found(client, q="бельты сош", model="orgs.organization")[1] == 1  # every word, in any order
    assert _found(client, q="несуществующее")[1] == 0


def test_text_search_treats_wildcards_literally(client, district):
    make_organization(parent=district.municipality, name="Школа 100% успеха", short_name="Школа 100%")
    client = _login(client, district.user("head"))
    assert _found(client, q="100%", model="orgs.organization")[1] == 1
    for query in ("%", "_", "*", "?", "[", "]"):
        assert _found(client, q=f"сош{query}")[1] == 0, query


def test_sql_folding_matches_python_fold():
    from imo.audit.selectors import _FOLD_FROM, _FOLD_TO
    from imo.core.text import fold

    assert len(_FOLD_FROM) == len(_FOLD_TO)
    for upper, lower in zip(_FOLD_FROM, _FOLD_TO, strict=True):
        assert fold(upper) == lower, upper


def test_glob_pattern_for_sqlite():
    from imo.audit.selectors import glob_pattern

    assert glob_pattern("еж") == "*[еЁЕё][жЖ]*"
    assert glob_pattern("a*1") == "*[aA][*]1*"


def test_sort_oldest_first(client, district, changes):
    client = _login(client, district.user("head"))
    response = client.get(reverse("audit:log"), {"sort": "time", "date_from": "2025-03-01"})
    assert _pks(response) == [changes["org"].pk, changes["user"].pk]
    response = client.get(reverse("audit:log"), {"date_from": "2025-03-01"})
    assert _pks(response) == [changes["user"].pk, changes["org"].pk]


# --- Excel ------------------------------------------------------------------------------------------


def test_export_has_exactly_the_filtered_rows(client, district, changes):
    response = _login(client, district.user("head")).get(
        reverse("audit:export"), {"action": "1", "date_from": "2025-03-01"}
    )
    assert response.status_code == 200
    sheet = _rows(response)
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("Дата и время", "Пользователь", "IP-адрес", "Действие", "Тип объекта", "Объект")
    assert len(rows) == 3
    newest, oldest = rows[1], rows[2]
    assert newest[0] == dt.datetime(2025, 3, 12, 23, 50)  # Moscow wall-clock time
    assert newest[3] == "Изменение" and newest[4] == "Пользователь"
    assert "Активный: да → нет" in newest[6]
    assert oldest[5] == district.school_a.short_name and "Телефон: — → 111" in oldest[6]
    assert district.user("head").full_name in oldest[1]


def test_export_without_filters_has_every_entry(client, district, changes):
    rows = list(
        _rows(_login(client, district.user("head")).get(reverse("audit:export"))).iter_rows(values_only=True)
    )
    assert len(rows) == LogEntry.objects.count() + 1


# --- Queries -----------------------------------------------------------------------------------------


def _make_updates(district, count):
    head = district.user("head")
    with set_actor(head):
        for n in range(count):
            organization_update(
                organization=district.school_a, data={"phone": f"8 900 000-00-{n:02d}"}, by=head
            )
            membership_add(user=district.user("no_role"), organization=district.school_a, role=Role.TEACHER)
            Membership.objects.filter(user=district.user("no_role")).delete()


def _queries(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("audit:log"), {"per_page": 100, **params})
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_entries(client, district):
    client = _login(client, district.user("head"))
    _make_updates(district, 5)
    client.get(reverse("audit:log"))  # warm the content-type cache
    few = _queries(client)
    _make_updates(district, 45)
    many = _queries(client)
    assert LogEntry.objects.count() > 100
    assert few == many


# --- The data table (imo/audit/tables.py) ---------------------------------------------------------------


def test_htmx_results_carry_no_filter_bar_and_the_canonical_address(client, district, changes):
    response = _login(client, district.user("head")).get(
        reverse("audit:log"), {"action": "1", "q": "", "per_page": "25"}, headers={"HX-Request": "true"}
    )
    content = _content(response)
    assert content.lstrip().startswith('<div id="results"') and 'id="results-filters"' not in content
    assert response["HX-Push-Url"] == reverse("audit:log") + "?action=1"


def test_sort_by_action(client, district, changes):
    client = _login(client, district.user("head"))
    response = client.get(reverse("audit:log"), {"sort": "action", "per_page": 100})
    labels = [row.object.action_label for row in response.context["table"].rows]
    assert labels == sorted(labels, key=["Изменение", "Создание", "Удаление"].index)
    assert labels[0] == "Изменение" and "Создание" in labels


def test_object_history_offers_the_whole_log(client, district, changes):
    client = _login(client, district.user("head"))
    params = {"model": "orgs.organization", "object": str(district.school_a.pk), "action": "1"}
    response = client.get(reverse("audit:log"), params)
    content = _content(response)
    assert "Показана история одного объекта." in content
    assert f'href="{reverse("audit:log")}?action=1">Показать весь журнал' in content
    assert f'name="object" value="{district.school_a.pk}"' in content  # kept while other filters change
    assert _pks(response) == [changes["org"].pk]
    rows = list(_rows(client.get(reverse("audit:export"), params)).iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][5] == district.school_a.short_name
    assert "Показана история" not in _content(client.get(reverse("audit:log"), {"object": "1"}))


def test_export_takes_the_chosen_columns_and_order(client, district, changes):
    client = _login(client, district.user("head"))
    params = {"cols": ["object", "action"], "sort": "time", "date_from": "2025-03-01"}
    html = _content(client.get(reverse("audit:log"), params))
    thead = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert "Объект" in thead and "Изменения" not in thead and "Пользователь" not in thead
    rows = list(_rows(client.get(reverse("audit:export"), params)).iter_rows(values_only=True))
    assert rows[0] == ("Дата и время", "Действие", "Объект")
    assert [row[2] for row in rows[1:]] == [district.school_a.short_name, str(district.user("teacher_a"))]


def test_bad_filter_values_are_reported_not_an_error(client, district, changes):
    client = _login(client, district.user("head"))
    response = client.get(reverse("audit:log"), {"model": "no.such", "action": "9", "date_from": "вчера"})
    content = _content(response)
    assert response.status_code == 200 and "Не все условия применены" in content
    assert "«Тип объекта»" in content and "«Действие»" in content
    assert _found(client, model="no.such")[1] == LogEntry.objects.count()


def test_export_runs_a_fixed_number_of_queries(client, district):
    client = _login(client, district.user("head"))
    _make_updates(district, 3)
    client.get(reverse("audit:export"))  # warm the content-type cache

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("audit:export")).status_code == 200
        return len(queries)

    few = count()
    _make_updates(district, 30)
    assert count() == few
