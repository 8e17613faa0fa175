"""The catalogue's services and selectors: ИНН checks, duplicates, minimum hours, folded keys and search,
deactivate-not-delete, topics' order, the settings and the re-judging of "other" providers' courses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from imo.staff.tests.factories import make_educator
from imo.training.catalogue import selectors, services
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
OTHER_INN = "7736207543"


def provider(name: str = "Институт развития образования", **kwargs: object) -> Provider:
    values: dict[str, object] = {"kind": ProviderKind.STATE, **kwargs}
    return services.provider_create(name=name, **values)  # type: ignore[arg-type]


def programme(title: str = "Обновлённые ФГОС", **kwargs: object) -> Programme:
    values: dict[str, object] = {"kind": CourseKind.REFRESHER, "hours": 36, **kwargs}
    if "provider" not in values:
        values["provider"] = provider(f"Организация для «{title}»")
    return services.programme_create(title=title, **values)  # type: ignore[arg-type]


def errors_of(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


# --- providers ---------------------------------------------------------------------------------------


def test_provider_keeps_folded_name_and_bare_inn(db):
    created = provider("  Ёлкинский   ИНСТИТУТ ", inn="7707 083 893", short_name=" ЁИ ")
    created.refresh_from_db()
    assert created.name == "Ёлкинский ИНСТИТУТ"
    assert created.name_key == "елкинский институт"
    assert created.inn == GOOD_INN and created.short_name == "ЁИ"
    services.provider_update(provider=created, name="Новый Ёж", kind=ProviderKind.SIRIUS)
    created.refresh_from_db()
    assert created.name_key == "новый еж" and created.kind == ProviderKind.SIRIUS and created.inn == ""


def test_inn_with_bad_checksum_is_refused(db):
    with pytest.raises(ValidationError) as error:
        provider(inn="7707083894")
    assert "контрольное число" in errors_of(error)["inn"][0]
    assert not Provider.objects.exists()


def test_inn_of_wrong_length_is_refused(db):
    with pytest.raises(ValidationError) as error:
        provider(inn="12345")
    assert "10 цифр" in errors_of(error)["inn"][0]


def test_duplicate_inn_is_refused(db):
    provider("Первый институт", inn=GOOD_INN)
    with pytest.raises(ValidationError) as error:
        provider("Второй институт", inn="7707-083-893")
    assert "уже есть" in errors_of(error)["inn"][0] and "Первый институт" in errors_of(error)["inn"][0]
    assert Provider.objects.count() == 1


def test_editing_a_provider_keeps_its_own_inn(db):
    created = provider(inn=GOOD_INN)
    services.provider_update(provider=created, name="Другое имя", kind=ProviderKind.STATE, inn=GOOD_INN)
    assert Provider.objects.get().name == "Другое имя"


def test_same_name_without_inn_is_a_duplicate_but_different_inns_may_share_it(db):
    provider("Центр «Перспектива»")
    with pytest.raises(ValidationError) as error:
        provider("центр  «перспектива»")
    assert "уже есть" in errors_of(error)["name"][0]
    provider("Центр «Успех»", inn=GOOD_INN)
    provider("Центр «Успех»", inn=OTHER_INN)
    assert Provider.objects.filter(name_key="центр «успех»").count() == 2


def test_provider_needs_name_and_known_kind(db):
    with pytest.raises(ValidationError) as error:
        services.provider_create(name=" ", kind="nonsense")
    assert set(errors_of(error)) == {"name", "kind"}


def test_provider_in_use_is_deactivated_not_deleted(db, district):
    used = provider()
    programme(provider=used)
    with pytest.raises(ValidationError) as error:
        services.provider_delete(provider=used)
    assert "можно только отключить" in error.value.messages[0]
    services.provider_deactivate(provider=used)
    used.refresh_from_db()
    assert not used.is_active
    with pytest.raises(ValidationError):
        services.provider_deactivate(provider=used)
    services.provider_activate(provider=used)
    assert Provider.objects.get(pk=used.pk).is_active


def test_provider_named_by_a_course_record_is_not_deleted(db, district):
    used = provider()
    educator = make_educator(municipality=district.municipality, school=district.school_a)
    CourseRecord.objects.create(
        educator=educator,
        title="Курс",
        provider=used,
        provider_kind=used.kind,
        hours=16,
        starts_on=dt.date(2025, 1, 10),
        ends_on=dt.date(2025, 1, 20),
    )
    with pytest.raises(ValidationError):
        services.provider_delete(provider=used)
    assert Provider.objects.filter(pk=used.pk).exists()


def test_unused_provider_is_deleted(db):
    unused = provider()
    services.provider_delete(provider=unused)
    assert not Provider.objects.exists()


def test_provider_list_counts_programmes_and_records(db, district):
    used = provider()
    programme("Первая", provider=used)
    programme("Вторая", provider=used)
    provider("Пустая организация")
    rows = {
        row.name: [getattr(row, "programme_count"), getattr(row, "record_count")]  # noqa: B009
        for row in selectors.provider_rows()
    }
    assert rows["Институт развития образования"] == [2, 0]
    assert rows["Пустая организация"] == [0, 0]


def test_provider_find_by_inn_or_folded_name(db):
    created = provider("Институт «Ёлочка»", inn=GOOD_INN, short_name="ИЁ")
    assert selectors.provider_find(inn="7707 083 893") == created
    assert selectors.provider_find(name="институт  «елочка»") == created
    assert selectors.provider_find(name="иё") == created
    assert selectors.provider_find(name="Нет такой") is None


# --- programmes --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "too_few", "enough", "number"),
    [(CourseKind.REFRESHER, 15, 16, "16"), (CourseKind.RETRAINING, 249, 250, "250")],
)
def test_hours_below_the_minimum_of_the_kind_are_refused(db, kind, too_few, enough, number):
    owner = provider()
    with pytest.raises(ValidationError) as error:
        programme(provider=owner, kind=kind, hours=too_few)
    message = errors_of(error)["hours"][0]
    assert f"не менее {number} часов" in message and "№ 266" in message
    assert not Programme.objects.exists()
    assert programme(provider=owner, kind=kind, hours=enough).hours == enough


def test_minimum_hours_follow_the_settings(db):
    services.training_settings_update(
        rule_years=3,
        refresher_min_hours=24,
        retraining_min_hours=300,
        other_providers_count_until=dt.date(2025, 8, 31),
        scan_max_mb=10,
    )
    with pytest.raises(ValidationError) as error:
        programme(hours=20)
    assert "не менее 24 часов" in errors_of(error)["hours"][0]


def test_programme_keeps_folded_title_and_tags(db):
    topic = Topic.objects.order_by("order").first()
    created = programme("  Цифровая   ГРАМОТНОСТЬ учителя ", topics=[topic])
    created.refresh_from_db()
    assert created.title == "Цифровая ГРАМОТНОСТЬ учителя"
    assert created.title_key == "цифровая грамотность учителя"
    assert list(created.topics.all()) == [topic]
    services.programme_update(
        programme=created,
        title="Ёмкие уроки",
        provider=created.provider,
        kind=CourseKind.REFRESHER,
        hours=18,
        topics=[],
    )
    created.refresh_from_db()
    assert created.title_key == "емкие уроки" and created.hours == 18 and not created.topics.exists()


def test_programme_needs_an_active_provider(db):
    owner = provider()
    services.provider_deactivate(provider=owner)
    with pytest.raises(ValidationError) as error:
        programme(provider=owner)
    assert "отключена" in errors_of(error)["provider"][0]
    with pytest.raises(ValidationError) as error:
        services.programme_create(title="Без организации", provider=None, kind=CourseKind.REFRESHER, hours=20)
    assert "provider" in errors_of(error)


def test_existing_programme_of_a_deactivated_provider_can_still_be_edited(db):
    created = programme()
    services.provider_deactivate(provider=created.provider)
    services.programme_update(
        programme=created, title="Новое название", provider=created.provider, kind=created.kind, hours=40
    )
    assert Programme.objects.get().title == "Новое название"


def test_duplicate_programme_of_one_provider_is_refused(db):
    owner = provider()
    programme("Наставничество в школе", provider=owner)
    with pytest.raises(ValidationError) as error:
        programme("НАСТАВНИЧЕСТВО в  школе", provider=owner)
    assert "уже есть программа" in errors_of(error)["title"][0]
    programme("Наставничество в школе", provider=owner, hours=72)  # another volume: another programme


def test_programme_in_use_is_deactivated_not_deleted(db, district):
    used = programme()
    educator = make_educator(municipality=district.municipality, school=district.school_a)
    CourseRecord.objects.create(
        educator=educator,
        programme=used,
        title=used.title,
        provider_kind=ProviderKind.STATE,
        hours=36,
        starts_on=dt.date(2025, 1, 10),
        ends_on=dt.date(2025, 1, 20),
    )
    with pytest.raises(ValidationError) as error:
        services.programme_delete(programme=used)
    assert "можно только отключить" in error.value.messages[0]
    services.programme_deactivate(programme=used)
    assert not Programme.objects.get().is_active
    unused = programme("Другая")
    services.programme_delete(programme=unused)
    assert not Programme.objects.filter(pk=unused.pk).exists()


def test_programme_search_folds_case_and_yo(db):
    owner = provider()
    wanted = programme("Ёмкие задачи по физике", provider=owner)
    programme("Литература", provider=owner)
    hidden = programme("Ёмкие задачи по химии", provider=owner)
    services.programme_deactivate(programme=hidden)
    assert selectors.programme_search(q="ЕМКИЕ физике") == [wanted]
    assert selectors.programme_search(q="емкие") == [wanted]
    assert selectors.programme_search(q="емкие", keep=hidden.pk) == [hidden, wanted]
    assert selectors.programme_search(q="", limit=1) == [wanted]


def test_programme_search_hides_programmes_of_deactivated_providers(db):
    created = programme("Физика")
    services.provider_deactivate(provider=created.provider)
    assert selectors.programme_search(q="физика") == []


# --- topics ------------------------------------------------------------------------------------------


def test_topics_add_rename_move_delete(db):
    first, second = list(Topic.objects.order_by("order", "name"))[:2]
    added = services.topic_create(name="  Школьные   медиа ")
    assert added.name == "Школьные медиа" and Topic.objects.order_by("order").last() == added
    with pytest.raises(ValidationError) as error:
        services.topic_create(name="школьные МЕДИА")
    assert "уже есть" in errors_of(error)["name"][0]
    services.topic_rename(topic=added, name="Школьные СМИ")
    assert Topic.objects.get(pk=added.pk).name == "Школьные СМИ"
    services.topic_move(topic=second, offset=-1)
    assert list(Topic.objects.order_by("order"))[:2] == [second, first]
    with pytest.raises(ValidationError):
        services.topic_move(topic=Topic.objects.get(pk=second.pk), offset=-1)
    services.topic_delete(topic=added)
    assert not Topic.objects.filter(pk=added.pk).exists()


def test_topic_in_use_is_not_deleted(db):
    topic = Topic.objects.first()
    assert topic is not None
    programme(topics=[topic])
    with pytest.raises(ValidationError) as error:
        services.topic_delete(topic=topic)
    assert "удалить её нельзя" in error.value.messages[0]
    assert Topic.objects.filter(pk=topic.pk).exists()


# --- settings ----------------------------------------------------------------------------------------


def _settings(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "rule_years": 3,
        "refresher_min_hours": 16,
        "retraining_min_hours": 250,
        "other_providers_count_until": dt.date(2025, 8, 31),
        "scan_max_mb": 10,
    }
    return {**values, **changes}


def test_settings_are_saved_as_the_one_row(db):
    services.training_settings_update(**_settings(rule_years=5, scan_max_mb=20))  # type: ignore[arg-type]
    saved = TrainingSettings.current()
    assert (saved.pk, saved.rule_years, saved.scan_max_mb) == (1, 5, 20)
    assert TrainingSettings.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rule_years": 0}, "rule_years"),
        ({"rule_years": 11}, "rule_years"),
        ({"refresher_min_hours": 0}, "refresher_min_hours"),
        ({"retraining_min_hours": 10}, "retraining_min_hours"),
        ({"scan_max_mb": 0}, "scan_max_mb"),
        ({"scan_max_mb": 500}, "scan_max_mb"),
    ],
)
def test_bad_settings_are_refused(db, changes, field):
    with pytest.raises(ValidationError) as error:
        services.training_settings_update(**_settings(**changes))  # type: ignore[arg-type]
    assert field in errors_of(error)
    assert not TrainingSettings.objects.exists()


def test_new_cut_off_rejudges_other_providers_courses(db, district):
    educator = make_educator(municipality=district.municipality, school=district.school_a)

    def record(kind: str, ends_on: dt.date, counts: bool) -> CourseRecord:
        return CourseRecord.objects.create(
            educator=educator,
            title="Курс",
            provider_kind=kind,
            hours=16,
            starts_on=ends_on - dt.timedelta(days=5),
            ends_on=ends_on,
            counts=counts,
        )

    late_other = record(ProviderKind.OTHER, dt.date(2025, 10, 1), False)
    early_other = record(ProviderKind.OTHER, dt.date(2025, 6, 1), True)
    late_state = record(ProviderKind.STATE, dt.date(2025, 10, 1), True)
    services.training_settings_update(**_settings(other_providers_count_until=dt.date(2025, 12, 31)))  # type: ignore[arg-type]
    assert CourseRecord.objects.get(pk=late_other.pk).counts is True
    services.training_settings_update(**_settings(other_providers_count_until=dt.date(2025, 5, 31)))  # type: ignore[arg-type]
    assert CourseRecord.objects.get(pk=late_other.pk).counts is False
    assert CourseRecord.objects.get(pk=early_other.pk).counts is False
    assert CourseRecord.objects.get(pk=late_state.pk).counts is True
