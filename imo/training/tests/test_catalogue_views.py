"""The catalogue's pages: who may read and who may change, the forms' Russian errors, search folded for case
and ё, the Excel files, the programme picker and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from imo.core.navigation import menu_for
from imo.reference.models import Subject
from imo.staff.tests.factories import make_educator
from imo.training.catalogue import services
from imo.training.models import (
    CourseKind,
    CourseRecord,
    Programme,
    Provider,
    ProviderKind,
    Topic,
    TrainingSettings,
)

GOOD_INN = "7707083893"
READERS = ["head", "methodist", "secretary", "observer", "admin", "school_admin_a", "teacher_a"]
EDITORS = ["head", "methodist", "secretary", "admin"]
NOT_EDITORS = ["observer", "school_admin_a", "teacher_a"]


@pytest.fixture
def catalogue(db):
    iro = services.provider_create(
        name="Институт развития образования Чеченской Республики",
        short_name="ИРО ЧР",
        inn=GOOD_INN,
        kind=ProviderKind.STATE,
    )
    other = services.provider_create(name="ООО «Учёба онлайн»", kind=ProviderKind.OTHER)
    topic = Topic.objects.order_by("order").first()
    assert topic is not None
    fgos = services.programme_create(
        title="Обновлённые ФГОС: ёмкий курс",
        provider=iro,
        kind=CourseKind.REFRESHER,
        hours=36,
        form="distance",
        topics=[topic],
    )
    retraining = services.programme_create(
        title="Педагог дополнительного образования", provider=other, kind=CourseKind.RETRAINING, hours=260
    )
    return {"iro": iro, "other": other, "fgos": fgos, "retraining": retraining, "topic": topic}


def rows(response) -> list[list[Any]]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()


def test_url_names():
    assert reverse("training:providers") == "/training/catalogue/"
    assert reverse("training:programmes") == "/training/catalogue/programmes/"
    assert reverse("training:programme_options") == "/training/catalogue/programmes/options/"
    assert reverse("training:topics") == "/training/catalogue/topics/"
    assert reverse("training:settings") == "/training/catalogue/settings/"


# --- access ------------------------------------------------------------------------------------------

LIST_URLS = [
    "training:providers",
    "training:providers_export",
    "training:programmes",
    "training:programmes_export",
    "training:programme_options",
    "training:topics",
    "training:topics_export",
]
EDIT_URLS = ["training:provider_create", "training:programme_create", "training:topic_create"]


@pytest.mark.parametrize("key", READERS)
def test_readers_open_the_lists(client, district, catalogue, key):
    client.force_login(district.user(key))
    for name in LIST_URLS:
        assert client.get(reverse(name)).status_code == 200, name


def test_user_without_a_role_gets_403(client, district, catalogue):
    client.force_login(district.user("no_role"))
    for name in LIST_URLS + EDIT_URLS:
        assert client.get(reverse(name)).status_code == 403, name


def test_anonymous_is_sent_to_login(client, district, catalogue):
    for name in [*LIST_URLS, *EDIT_URLS, "training:settings"]:
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], name


@pytest.mark.parametrize("key", NOT_EDITORS)
def test_readers_cannot_change_anything(client, district, catalogue, key):
    client.force_login(district.user(key))
    iro, fgos = catalogue["iro"], catalogue["fgos"]
    for name in EDIT_URLS:
        assert client.get(reverse(name)).status_code == 403, name
    assert client.post(reverse("training:provider_create"), {"name": "X", "kind": "state"}).status_code == 403
    for name in ("provider_edit", "provider_deactivate", "provider_delete"):
        assert client.post(reverse(f"training:{name}", args=[iro.pk]), {"name": "Y"}).status_code == 403
    for name in ("programme_edit", "programme_deactivate", "programme_delete"):
        assert client.post(reverse(f"training:{name}", args=[fgos.pk])).status_code == 403
    topic = catalogue["topic"]
    assert client.post(reverse("training:topic_delete", args=[topic.pk])).status_code == 403
    assert client.post(reverse("training:topic_move", args=[topic.pk, "down"])).status_code == 403
    assert client.get(reverse("training:settings")).status_code == 403
    assert Provider.objects.filter(pk=iro.pk, is_active=True).exists()
    assert Provider.objects.count() == 2 and Topic.objects.filter(pk=topic.pk).exists()
    body = client.get(reverse("training:providers")).content.decode()
    assert "Добавить организацию" not in body and "Отключить" not in body


@pytest.mark.parametrize("key", EDITORS)
def test_editors_see_the_buttons_and_settings(client, district, catalogue, key):
    client.force_login(district.user(key))
    body = client.get(reverse("training:providers")).content.decode()
    assert "Добавить организацию" in body and "Отключить" in body and reverse("training:settings") in body
    assert client.get(reverse("training:settings")).status_code == 200
    for name in EDIT_URLS:
        assert client.get(reverse(name)).status_code == 200, name


def test_menu_entry_for_readers_only(district):
    labels = [link.label for group in menu_for(district.user("teacher_a")) for link in group.links]
    assert "Курсы: организации и программы" in labels
    labels = [link.label for group in menu_for(district.user("no_role")) for link in group.links]
    assert "Курсы: организации и программы" not in labels


# --- providers ---------------------------------------------------------------------------------------


def test_methodist_adds_a_provider(client, district):
    client.force_login(district.user("methodist"))
    response = client.post(
        reverse("training:provider_create"),
        {"name": "Центр «Ёлка»", "short_name": "", "inn": "7707 083 893", "kind": ProviderKind.MUNICIPAL},
    )
    assert response.status_code == 302
    provider = Provider.objects.get()
    assert (provider.inn, provider.name_key, provider.kind) == (GOOD_INN, "центр «елка»", "municipal")


def test_bad_inn_shows_a_russian_error_and_saves_nothing(client, district):
    client.force_login(district.user("methodist"))
    response = client.post(
        reverse("training:provider_create"), {"name": "Центр", "inn": "7707083894", "kind": "state"}
    )
    assert response.status_code == 200
    assert "не сходится контрольное число" in response.content.decode()
    assert not Provider.objects.exists()


def test_duplicate_inn_shows_a_russian_error(client, district, catalogue):
    client.force_login(district.user("methodist"))
    response = client.post(
        reverse("training:provider_create"), {"name": "Другое имя", "inn": GOOD_INN, "kind": "state"}
    )
    assert "Организация с таким ИНН уже есть" in response.content.decode()
    assert Provider.objects.count() == 2


def test_methodist_edits_a_provider(client, district, catalogue):
    iro = catalogue["iro"]
    client.force_login(district.user("methodist"))
    page = client.get(reverse("training:provider_edit", args=[iro.pk])).content.decode()
    assert "Программ: 1" in page and GOOD_INN in page
    response = client.post(
        reverse("training:provider_edit", args=[iro.pk]),
        {"name": "ИРО Чеченской Республики", "short_name": "ИРО", "inn": GOOD_INN, "kind": "state"},
    )
    assert response.status_code == 302
    iro.refresh_from_db()
    assert iro.name_key == "иро чеченской республики"


def test_search_folds_case_and_yo_and_finds_inn(client, district, catalogue):
    client.force_login(district.user("teacher_a"))
    body = client.get(reverse("training:providers"), {"q": "учеба ОНЛАЙН"}).content.decode()
    assert "ООО «Учёба онлайн»" in body and "Институт развития" not in body
    body = client.get(reverse("training:providers"), {"q": "708389"}).content.decode()
    assert "Институт развития" in body and "Учёба онлайн" not in body


def test_filter_by_kind(client, district, catalogue):
    client.force_login(district.user("observer"))
    body = client.get(reverse("training:providers"), {"kind": "other"}).content.decode()
    assert "Учёба онлайн" in body and "Институт развития" not in body


def test_provider_in_use_is_deactivated_and_delete_is_refused(client, district, catalogue):
    iro = catalogue["iro"]
    client.force_login(district.user("methodist"))
    response = client.post(reverse("training:provider_delete", args=[iro.pk]), follow=True)
    assert "можно только отключить" in response.content.decode()
    assert Provider.objects.filter(pk=iro.pk).exists()
    client.post(reverse("training:provider_deactivate", args=[iro.pk]))
    iro.refresh_from_db()
    assert not iro.is_active
    body = client.get(reverse("training:providers")).content.decode()
    assert "Институт развития" not in body  # the list opens with the active ones
    body = client.get(reverse("training:providers"), {"state": "inactive"}).content.decode()
    assert "Институт развития" in body and "Включить" in body


def test_unused_provider_is_deleted(client, district):
    unused = services.provider_create(name="Пустая", kind=ProviderKind.STATE)
    client.force_login(district.user("methodist"))
    client.post(reverse("training:provider_delete", args=[unused.pk]))
    assert not Provider.objects.exists()


def test_delete_by_get_changes_nothing(client, district):
    unused = services.provider_create(name="Пустая", kind=ProviderKind.STATE)
    client.force_login(district.user("methodist"))
    assert client.get(reverse("training:provider_delete", args=[unused.pk])).status_code == 302
    assert Provider.objects.exists()


def test_providers_excel(client, district, catalogue):
    educator = make_educator(municipality=district.municipality, school=district.school_a)
    CourseRecord.objects.create(
        educator=educator,
        title="Курс",
        provider=catalogue["iro"],
        provider_kind=ProviderKind.STATE,
        hours=36,
        starts_on=dt.date(2025, 1, 10),
        ends_on=dt.date(2025, 1, 20),
    )
    client.force_login(district.user("observer"))
    table = rows(client.get(reverse("training:providers_export")))
    assert table[0] == [
        "Наименование",
        "Краткое наименование",
        "ИНН",
        "Тип организации",
        "Программ",
        "Курсов педагогов",
        "Состояние",
    ]
    assert table[1] == [
        "Институт развития образования Чеченской Республики",
        "ИРО ЧР",
        GOOD_INN,
        "государственная организация",
        1,
        1,
        "используется",
    ]
    assert table[2][0] == "ООО «Учёба онлайн»" and table[2][3] == "иная организация"
    assert len(table) == 3
    filtered = rows(client.get(reverse("training:providers_export"), {"q": "ёлка"}))
    assert len(filtered) == 1  # the header only


def test_provider_list_runs_a_fixed_number_of_queries(client, district, catalogue):
    client.force_login(district.user("methodist"))
    url = reverse("training:providers")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(15):
        provider = services.provider_create(name=f"Организация {n}", kind=ProviderKind.STATE)
        services.programme_create(title=f"Программа {n}", provider=provider, kind="refresher", hours=20)
    with CaptureQueriesContext(connection) as many:
        assert "Организация 14" in client.get(url).content.decode()
    assert len(many) == len(few)


# --- programmes --------------------------------------------------------------------------------------


def programme_post(provider: Provider, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Функциональная грамотность",
        "provider": provider.pk,
        "kind": CourseKind.REFRESHER,
        "hours": "24",
        "form": "mixed",
        "topics": [],
        "subjects": [],
    }
    data.update(changes)
    return data


def test_methodist_adds_a_programme(client, district, catalogue):
    subject = Subject.objects.get_or_create(name="Физика", defaults={"search_text": "физика"})[0]
    topic = catalogue["topic"]
    client.force_login(district.user("methodist"))
    response = client.post(
        reverse("training:programme_create"),
        programme_post(catalogue["iro"], topics=[topic.pk], subjects=[subject.pk]),
    )
    assert response.status_code == 302
    created = Programme.objects.get(title="Функциональная грамотность")
    assert created.title_key == "функциональная грамотность" and created.form == "mixed"
    assert list(created.topics.all()) == [topic] and list(created.subjects.all()) == [subject]


@pytest.mark.parametrize(
    ("kind", "hours", "number"), [("refresher", "15", "16"), ("retraining", "200", "250")]
)
def test_hours_below_the_minimum_show_the_rule(client, district, catalogue, kind, hours, number):
    client.force_login(district.user("methodist"))
    response = client.post(
        reverse("training:programme_create"), programme_post(catalogue["iro"], kind=kind, hours=hours)
    )
    body = response.content.decode()
    assert response.status_code == 200 and f"не менее {number} часов" in body
    assert not Programme.objects.filter(title="Функциональная грамотность").exists()


def test_inactive_provider_is_not_offered_for_a_new_programme(client, district, catalogue):
    services.provider_deactivate(provider=catalogue["other"])
    client.force_login(district.user("methodist"))
    body = client.get(reverse("training:programme_create")).content.decode()
    assert "Учёба онлайн" not in body and "ИРО ЧР" in body
    response = client.post(reverse("training:programme_create"), programme_post(catalogue["other"]))
    assert response.status_code == 200
    assert not Programme.objects.filter(title="Функциональная грамотность").exists()


def test_methodist_edits_a_programme(client, district, catalogue):
    fgos = catalogue["fgos"]
    client.force_login(district.user("methodist"))
    assert client.get(reverse("training:programme_edit", args=[fgos.pk])).status_code == 200
    response = client.post(
        reverse("training:programme_edit", args=[fgos.pk]),
        programme_post(catalogue["iro"], title="ФГОС-2025", hours="72"),
    )
    assert response.status_code == 302
    fgos.refresh_from_db()
    assert (fgos.title, fgos.hours, fgos.topics.count()) == ("ФГОС-2025", 72, 0)


def test_programme_list_filters_and_search(client, district, catalogue):
    client.force_login(district.user("school_admin_a"))
    url = reverse("training:programmes")
    body = client.get(url, {"q": "ОБНОВЛЕННЫЕ емкий"}).content.decode()
    assert "Обновлённые ФГОС" in body and "Педагог дополнительного" not in body
    body = client.get(url, {"kind": "retraining"}).content.decode()
    assert "Педагог дополнительного" in body and "Обновлённые ФГОС" not in body
    body = client.get(url, {"provider": catalogue["iro"].pk}).content.decode()
    assert "Обновлённые ФГОС" in body and "Педагог дополнительного" not in body
    body = client.get(url, {"topic": catalogue["topic"].pk}).content.decode()
    assert "Обновлённые ФГОС" in body and "Педагог дополнительного" not in body
    body = client.get(url, {"form": "distance"}).content.decode()
    assert "Обновлённые ФГОС" in body and "Педагог дополнительного" not in body


def test_programmes_excel(client, district, catalogue):
    client.force_login(district.user("teacher_a"))
    table = rows(client.get(reverse("training:programmes_export"), {"sort": "-hours"}))
    assert table[0][:6] == ["Наименование программы", "Организация", "Вид", "Часов", "Форма обучения", "Темы"]
    assert table[1][:5] == [
        "Педагог дополнительного образования",
        "ООО «Учёба онлайн»",
        "профессиональная переподготовка",
        260,
        "",
    ]
    assert table[2][0] == "Обновлённые ФГОС: ёмкий курс" and table[2][5] == catalogue["topic"].name
    assert len(table) == 3


def test_programme_list_runs_a_fixed_number_of_queries(client, district, catalogue):
    client.force_login(district.user("methodist"))
    url = reverse("training:programmes")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    topics = list(Topic.objects.all()[:3])
    for n in range(15):
        services.programme_create(
            title=f"Программа {n}", provider=catalogue["iro"], kind="refresher", hours=20, topics=topics
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_programme_in_use_is_deactivated(client, district, catalogue):
    fgos = catalogue["fgos"]
    educator = make_educator(municipality=district.municipality, school=district.school_a)
    CourseRecord.objects.create(
        educator=educator,
        programme=fgos,
        title=fgos.title,
        provider_kind=ProviderKind.STATE,
        hours=36,
        starts_on=dt.date(2025, 1, 10),
        ends_on=dt.date(2025, 1, 20),
    )
    client.force_login(district.user("head"))
    response = client.post(reverse("training:programme_delete", args=[fgos.pk]), follow=True)
    assert "можно только отключить" in response.content.decode()
    client.post(reverse("training:programme_deactivate", args=[fgos.pk]))
    assert not Programme.objects.get(pk=fgos.pk).is_active
    client.post(reverse("training:programme_activate", args=[fgos.pk]))
    assert Programme.objects.get(pk=fgos.pk).is_active


# --- the programme picker ----------------------------------------------------------------------------


def test_programme_options_search_folded_title(client, district, catalogue):
    client.force_login(district.user("teacher_a"))
    url = reverse("training:programme_options")
    body = client.get(url, {"q": "ЕМКИЙ"}).content.decode()
    fgos = catalogue["fgos"]
    assert f'<option value="{fgos.pk}"' in body and 'data-hours="36"' in body
    assert "Педагог дополнительного" not in body and "<select" not in body
    body = client.get(url, {"q": "нет такой программы"}).content.decode()
    assert "Программ не найдено" in body
    body = client.get(url, {"kind": "retraining", "blank": "1"}).content.decode()
    assert body.strip().startswith('<option value="">') and "Педагог дополнительного" in body
    assert "Обновлённые" not in body


def test_programme_options_keep_the_selected_one(client, district, catalogue):
    fgos = catalogue["fgos"]
    services.programme_deactivate(programme=fgos)
    client.force_login(district.user("methodist"))
    body = client.get(
        reverse("training:programme_options"), {"q": "педагог", "selected": fgos.pk}
    ).content.decode()
    assert f'<option value="{fgos.pk}"' in body and " selected>" in body and "Педагог дополнительного" in body


def test_programme_options_limit(client, district, catalogue):
    for n in range(25):
        services.programme_create(
            title=f"Курс {n:02d}", provider=catalogue["iro"], kind="refresher", hours=20
        )
    client.force_login(district.user("methodist"))
    body = client.get(reverse("training:programme_options"), {"q": "курс"}).content.decode()
    assert body.count("<option") == 20


# --- topics ------------------------------------------------------------------------------------------


def test_methodist_adds_renames_moves_and_deletes_a_topic(client, district):
    client.force_login(district.user("methodist"))
    assert client.post(reverse("training:topic_create"), {"name": "Школьные медиа"}).status_code == 302
    topic = Topic.objects.get(name="Школьные медиа")
    response = client.post(reverse("training:topic_create"), {"name": "ШКОЛЬНЫЕ медиа"})
    assert "уже есть в списке" in response.content.decode()
    client.post(reverse("training:topic_edit", args=[topic.pk]), {"name": "Школьные СМИ"})
    assert Topic.objects.get(pk=topic.pk).name == "Школьные СМИ"
    last_but_one = list(Topic.objects.order_by("order"))[-2]
    client.post(reverse("training:topic_move", args=[topic.pk, "up"]))
    assert list(Topic.objects.order_by("order"))[-1] == last_but_one
    client.post(reverse("training:topic_delete", args=[topic.pk]))
    assert not Topic.objects.filter(pk=topic.pk).exists()


def test_topic_in_use_is_not_deleted(client, district, catalogue):
    topic = catalogue["topic"]
    client.force_login(district.user("methodist"))
    response = client.post(reverse("training:topic_delete", args=[topic.pk]), follow=True)
    assert "удалить её нельзя" in response.content.decode()
    assert Topic.objects.filter(pk=topic.pk).exists()


def test_topics_excel(client, district, catalogue):
    client.force_login(district.user("observer"))
    table = rows(client.get(reverse("training:topics_export")))
    assert table[0] == ["№", "Тема", "Программ", "Курсов педагогов"]
    assert table[1][1] == catalogue["topic"].name and table[1][2] == 1
    assert len(table) == Topic.objects.count() + 1


# --- settings ----------------------------------------------------------------------------------------


def settings_post(**changes: object) -> dict[str, object]:
    return {
        "rule_years": "3",
        "refresher_min_hours": "16",
        "retraining_min_hours": "250",
        "other_providers_count_until": "2025-08-31",
        "scan_max_mb": "10",
        **changes,
    }


def test_settings_page_explains_the_numbers(client, district):
    client.force_login(district.user("methodist"))
    body = client.get(reverse("training:settings")).content.decode()
    assert "273-ФЗ" in body and "№ 266" in body and "Сколково" in body
    assert "значения по умолчанию" in body


def test_methodist_saves_settings(client, district):
    client.force_login(district.user("methodist"))
    response = client.post(reverse("training:settings"), settings_post(rule_years="4", scan_max_mb="15"))
    assert response.status_code == 302
    saved = TrainingSettings.current()
    assert (saved.rule_years, saved.scan_max_mb) == (4, 15)


def test_bad_settings_show_errors_and_save_nothing(client, district):
    client.force_login(district.user("methodist"))
    response = client.post(reverse("training:settings"), settings_post(retraining_min_hours="8"))
    assert response.status_code == 200
    assert "не может быть меньше" in response.content.decode()
    assert not TrainingSettings.objects.exists()


@pytest.mark.parametrize("key", ["observer", "school_admin_a", "teacher_a"])
def test_settings_denied(client, district, key):
    client.force_login(district.user(key))
    assert client.post(reverse("training:settings"), settings_post(rule_years="5")).status_code == 403
    assert not TrainingSettings.objects.exists()


def test_topic_arrows_only_where_a_move_is_possible(client, district):
    first, *_, last = list(Topic.objects.order_by("order", "name"))
    client.force_login(district.user("methodist"))
    body = client.get(reverse("training:topics")).content.decode()
    assert f"Ниже: «{first.name}»" in body and f"Выше: «{first.name}»" not in body
    assert f"Выше: «{last.name}»" in body and f"Ниже: «{last.name}»" not in body
    body = client.get(reverse("training:topics"), {"sort": "name"}).content.decode()
    assert "Выше:" not in body and "Ниже:" not in body


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("training:providers", ["name", "short_name", "inn", "kind", "programmes", "records", "state"]),
        ("training:programmes", ["title", "provider", "kind", "hours", "form", "records", "state"]),
        ("training:topics", ["order", "name", "programmes", "records"]),
    ],
)
def test_every_column_sorts_both_ways(client, district, catalogue, name, keys):
    client.force_login(district.user("observer"))
    for key in keys:
        for sort in (key, f"-{key}"):
            response = client.get(reverse(name), {"sort": sort, "state": "all"})
            assert response.status_code == 200, sort
            assert (
                f'aria-sort="{"descending" if sort.startswith("-") else "ascending"}"'
                in response.content.decode()
            )


def test_programme_sort_by_hours_orders_rows(client, district, catalogue):
    client.force_login(district.user("observer"))
    body = client.get(reverse("training:programmes"), {"sort": "-hours"}).content.decode()
    assert body.index("Педагог дополнительного") < body.index("Обновлённые ФГОС")
    body = client.get(reverse("training:programmes"), {"sort": "hours"}).content.decode()
    assert body.index("Обновлённые ФГОС") < body.index("Педагог дополнительного")


def test_htmx_request_gets_only_the_results(client, district, catalogue):
    client.force_login(district.user("observer"))
    response = client.get(reverse("training:programmes"), {"q": "фгос"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Обновлённые ФГОС" in body and "<html" not in body
    assert "q=" in response["HX-Push-Url"]


def test_programmes_of_a_disabled_provider_are_found_from_its_row(client, district, catalogue):
    iro = catalogue["iro"]
    services.provider_deactivate(provider=iro)
    services.programme_deactivate(programme=catalogue["fgos"])
    client.force_login(district.user("observer"))
    body = client.get(reverse("training:providers"), {"state": "inactive"}).content.decode()
    link = f"{reverse('training:programmes')}?provider={iro.pk}&amp;state=all"
    assert link in body
    body = client.get(reverse("training:programmes"), {"provider": iro.pk, "state": "all"}).content.decode()
    assert "Не все условия применены" not in body and "(отключена)" in body
    assert "Обновлённые ФГОС" in body and "Педагог дополнительного" not in body
