"""Every write to the course catalogue and to the rule numbers (TrainingSettings).

Each function validates first and saves nothing when input is bad, raising ValidationError with Russian
messages keyed by form field. The folded keys (`Provider.name_key`, `Programme.title_key`) are set here,
so search and duplicate checks work the same on SQLite and PostgreSQL. Rows in use are deactivated, never
deleted: deleting one that a programme, a course record or a plan refers to is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError, RestrictedError

from imo.core.identifiers import digits_only
from imo.core.text import collapse_spaces, fold
from imo.reference.models import Subject
from imo.training.catalogue.selectors import programme_in_use, provider_in_use, topic_in_use
from imo.training.counting import hours_message, minimum_hours
from imo.training.models import (
    CourseRecord,
    Programme,
    Provider,
    ProviderKind,
    Topic,
    TrainingSettings,
)

PROVIDER_IN_USE = (
    "Организация указана в программах, записях о курсах или плане: удалить её нельзя, можно только "
    "отключить (в прежних записях она сохранится)."
)
PROGRAMME_IN_USE = (
    "Программа указана в записях о курсах, плане или ИОМ: удалить её нельзя, можно только отключить "
    "(в прежних записях она сохранится)."
)
TOPIC_IN_USE = "Тема указана у программ или курсов: удалить её нельзя. Её можно переименовать."
DUPLICATE_INN = "Организация с таким ИНН уже есть в справочнике: «{name}»."
DUPLICATE_PROVIDER = "Организация «{name}» уже есть в справочнике."
DUPLICATE_PROGRAMME = "У этой организации уже есть программа «{title}» ({hours} ч)."
INACTIVE_PROVIDER = "Организация «{name}» отключена: выберите действующую организацию."


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _clean(instance: Any, exclude: Iterable[str] = ()) -> dict[str, list[str]]:
    """The model's own field checks (required, lengths, choices, validators such as the ИНН checksum)."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return {name: list(messages) for name, messages in error.message_dict.items()}
    return {}


# --- providers ---------------------------------------------------------------------------------------


def _save_provider(provider: Provider) -> Provider:
    provider.name = collapse_spaces(provider.name or "")
    provider.short_name = collapse_spaces(provider.short_name or "")
    provider.inn = digits_only(provider.inn)
    provider.name_key = fold(provider.name)
    errors = _clean(provider)
    if provider.inn and "inn" not in errors:
        twin = Provider.objects.filter(inn=provider.inn).exclude(pk=provider.pk).first()
        if twin is not None:
            errors.setdefault("inn", []).append(DUPLICATE_INN.format(name=twin.name))
    if provider.name_key and "name" not in errors:
        # Two rows of one name are one organisation typed twice, unless both have (different) ИНН:
        # branches, namesakes in other regions.
        twins = Provider.objects.filter(name_key=provider.name_key).exclude(pk=provider.pk)
        if provider.inn:
            twins = twins.filter(inn="")
        twin = twins.first()
        if twin is not None:
            errors.setdefault("name", []).append(DUPLICATE_PROVIDER.format(name=twin.name))
    _raise(errors)
    try:
        with transaction.atomic():
            provider.save()
    except IntegrityError as error:  # a twin saved in the meantime
        raise ValidationError({"inn": [DUPLICATE_INN.format(name=provider.inn)]}) from error
    return provider


@transaction.atomic
def provider_create(
    *, name: str, kind: str, short_name: str = "", inn: str = "", by: Any | None = None
) -> Provider:
    """A new provider. ИНН is optional, checked by its checksum and unique when given."""
    return _save_provider(Provider(name=name, short_name=short_name, inn=inn, kind=kind))


@transaction.atomic
def provider_update(
    *, provider: Provider, name: str, kind: str, short_name: str = "", inn: str = "", by: Any | None = None
) -> Provider:
    """Change a provider. Course records keep the provider type they were judged by (they copy it when
    written), so changing the type here does not change whether past courses count."""
    provider.name, provider.short_name, provider.inn, provider.kind = name, short_name, inn, kind
    return _save_provider(provider)


@transaction.atomic
def provider_deactivate(*, provider: Provider, by: Any | None = None) -> Provider:
    """Stop offering the provider (and its programmes) in forms; records that name it keep it."""
    if not provider.is_active:
        raise ValidationError("Организация уже отключена.")
    provider.is_active = False
    provider.save(update_fields=["is_active", "updated_at"])
    return provider


@transaction.atomic
def provider_activate(*, provider: Provider, by: Any | None = None) -> Provider:
    if provider.is_active:
        raise ValidationError("Организация уже используется.")
    provider.is_active = True
    provider.save(update_fields=["is_active", "updated_at"])
    return provider


def provider_delete(*, provider: Provider, by: Any | None = None) -> None:
    """Delete a provider nothing refers to; one in use is refused with the advice to deactivate it.
    A reference added in the meantime (PROTECT) rolls the delete back with the same message."""
    if provider_in_use(provider):
        raise ValidationError(PROVIDER_IN_USE, code="in_use")
    try:
        with transaction.atomic():
            provider.delete()
    except (ProtectedError, RestrictedError, IntegrityError) as error:
        raise ValidationError(PROVIDER_IN_USE, code="in_use") from error


# --- programmes --------------------------------------------------------------------------------------


def _save_programme(
    programme: Programme,
    *,
    provider_changed: bool,
    topics: Iterable[Topic] | None,
    subjects: Iterable[Subject] | None,
) -> Programme:
    programme.title = collapse_spaces(programme.title or "")
    programme.title_key = fold(programme.title)
    errors = _clean(programme)
    provider = programme.provider if programme.provider_id else None
    if provider is not None and provider_changed and not provider.is_active:
        errors.setdefault("provider", []).append(INACTIVE_PROVIDER.format(name=provider))
    if programme.hours is not None and "hours" not in errors and "kind" not in errors:
        settings = TrainingSettings.current()
        if programme.hours < minimum_hours(programme.kind, settings):
            errors.setdefault("hours", []).append(hours_message(programme.kind, settings))
    if provider is not None and programme.title_key and not errors:
        twin = (
            Programme.objects.filter(
                provider=provider, title_key=programme.title_key, kind=programme.kind, hours=programme.hours
            )
            .exclude(pk=programme.pk)
            .first()
        )
        if twin is not None:
            errors.setdefault("title", []).append(
                DUPLICATE_PROGRAMME.format(title=twin.title, hours=twin.hours)
            )
    _raise(errors)
    programme.save()
    if topics is not None:
        programme.topics.set(list(topics))
    if subjects is not None:
        programme.subjects.set(list(subjects))
    return programme


@transaction.atomic
def programme_create(
    *,
    title: str,
    provider: Provider | None,
    kind: str,
    hours: int | None,
    form: str = "",
    topics: Iterable[Topic] = (),
    subjects: Iterable[Subject] = (),
    by: Any | None = None,
) -> Programme:
    """A new programme. Its volume is at least the minimum of its kind (TrainingSettings: 16 hours for a
    refresher course, 250 for retraining, приказ Минобрнауки России № 266); the provider must be active."""
    programme = Programme(title=title, kind=kind, form=form)
    programme.hours = hours  # type: ignore[assignment]  # None: full_clean reports the empty field
    if provider is not None:
        programme.provider = provider
    return _save_programme(programme, provider_changed=True, topics=topics, subjects=subjects)


@transaction.atomic
def programme_update(
    *,
    programme: Programme,
    title: str,
    provider: Provider | None,
    kind: str,
    hours: int | None,
    form: str = "",
    topics: Iterable[Topic] | None = None,
    subjects: Iterable[Subject] | None = None,
    by: Any | None = None,
) -> Programme:
    """Change a programme (topics and subjects are replaced when given). Course records copied the title,
    kind and hours when written, so past records keep them."""
    provider_changed = provider is None or provider.pk != programme.provider_id
    programme.title, programme.kind, programme.form = title, kind, form
    programme.hours = hours  # type: ignore[assignment]  # None: full_clean reports the empty field
    if provider is not None:
        programme.provider = provider
    return _save_programme(programme, provider_changed=provider_changed, topics=topics, subjects=subjects)


@transaction.atomic
def programme_deactivate(*, programme: Programme, by: Any | None = None) -> Programme:
    if not programme.is_active:
        raise ValidationError("Программа уже отключена.")
    programme.is_active = False
    programme.save(update_fields=["is_active", "updated_at"])
    return programme


@transaction.atomic
def programme_activate(*, programme: Programme, by: Any | None = None) -> Programme:
    if programme.is_active:
        raise ValidationError("Программа уже используется.")
    programme.is_active = True
    programme.save(update_fields=["is_active", "updated_at"])
    return programme


def programme_delete(*, programme: Programme, by: Any | None = None) -> None:
    """Delete a programme nothing refers to (its links would otherwise be silently emptied)."""
    if programme_in_use(programme):
        raise ValidationError(PROGRAMME_IN_USE, code="in_use")
    try:
        with transaction.atomic():
            programme.delete()
    except (ProtectedError, RestrictedError, IntegrityError) as error:
        raise ValidationError(PROGRAMME_IN_USE, code="in_use") from error


# --- topics ------------------------------------------------------------------------------------------


TOPIC_MAX_LENGTH = 200


def _check_topic_name(name: str, exclude: int | None) -> str:
    name = collapse_spaces(name or "")
    if not name:
        raise ValidationError({"name": ["Введите название темы."]})
    if len(name) > TOPIC_MAX_LENGTH:
        raise ValidationError({"name": ["Название темы слишком длинное: не более 200 символов."]})
    key = fold(name)
    others = Topic.objects.exclude(pk=exclude) if exclude is not None else Topic.objects.all()
    for existing in others.values_list("name", flat=True):
        if fold(existing) == key:
            raise ValidationError({"name": [f"Тема «{existing}» уже есть в списке."]})
    return name


@transaction.atomic
def topic_create(*, name: str, by: Any | None = None) -> Topic:
    """A new topic at the end of the list."""
    name = _check_topic_name(name, None)
    last = Topic.objects.aggregate(last=Max("order"))["last"] or 0
    return Topic.objects.create(name=name, order=last + 1)


@transaction.atomic
def topic_rename(*, topic: Topic, name: str, by: Any | None = None) -> Topic:
    """Rename a topic: programmes and courses tagged with it show the new name."""
    topic.name = _check_topic_name(name, topic.pk)
    topic.save(update_fields=["name", "updated_at"])
    return topic


@transaction.atomic
def topic_move(*, topic: Topic, offset: int, by: Any | None = None) -> Topic:
    """Move a topic up (offset −1) or down (+1) the list; the orders are renumbered 1…n."""
    topics = list(Topic.objects.select_for_update().order_by("order", "name", "pk"))
    index = next(i for i, item in enumerate(topics) if item.pk == topic.pk)
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(topics):
        raise ValidationError("Тема уже в начале списка." if offset < 0 else "Тема уже в конце списка.")
    topics[index], topics[target] = topics[target], topics[index]
    changed = []
    for order, item in enumerate(topics, start=1):
        if item.order != order:
            item.order = order
            changed.append(item)
    Topic.objects.bulk_update(changed, ["order"])
    return next(item for item in topics if item.pk == topic.pk)


def topic_delete(*, topic: Topic, by: Any | None = None) -> None:
    """Delete a topic no programme or course is tagged with."""
    if topic_in_use(topic):
        raise ValidationError(TOPIC_IN_USE, code="in_use")
    with transaction.atomic():
        topic.delete()


# --- settings ----------------------------------------------------------------------------------------

MAX_RULE_YEARS = 10
MAX_SCAN_MB = 50


@transaction.atomic
def training_settings_update(
    *,
    rule_years: int,
    refresher_min_hours: int,
    retraining_min_hours: int,
    other_providers_count_until: dt.date,
    scan_max_mb: int,
    by: Any | None = None,
) -> TrainingSettings:
    """Save the rule numbers (the one row, pk=1). A new cut-off date for "other" providers re-judges the
    stored `CourseRecord.counts` of their confirmed courses at once (two UPDATE statements), so the
    compliance page follows the new rule."""
    errors: dict[str, list[str]] = {}
    if not 1 <= rule_years <= MAX_RULE_YEARS:
        errors["rule_years"] = [f"Укажите срок от 1 до {MAX_RULE_YEARS} лет."]
    if refresher_min_hours < 1:
        errors["refresher_min_hours"] = ["Укажите не менее 1 часа."]
    if retraining_min_hours < 1:
        errors["retraining_min_hours"] = ["Укажите не менее 1 часа."]
    elif retraining_min_hours < refresher_min_hours:
        errors["retraining_min_hours"] = [
            "Объём переподготовки не может быть меньше объёма повышения квалификации."
        ]
    if not 1 <= scan_max_mb <= MAX_SCAN_MB:
        errors["scan_max_mb"] = [f"Укажите размер от 1 до {MAX_SCAN_MB} МБ."]
    _raise(errors)
    settings = TrainingSettings.objects.select_for_update().filter(pk=1).first() or TrainingSettings(pk=1)
    cut_off_changed = settings.other_providers_count_until != other_providers_count_until
    settings.rule_years = rule_years
    settings.refresher_min_hours = refresher_min_hours
    settings.retraining_min_hours = retraining_min_hours
    settings.other_providers_count_until = other_providers_count_until
    settings.scan_max_mb = scan_max_mb
    settings.full_clean()
    settings.save()
    if cut_off_changed:
        rejudge_other_providers(settings=settings)
    return settings


def rejudge_other_providers(*, settings: TrainingSettings) -> int:
    """Set `counts` of confirmed courses of "other" providers from the cut-off date (the SQL form of
    imo.training.counting.counts_for_rule for that provider type); returns how many rows changed."""
    others = CourseRecord.objects.filter(
        status=CourseRecord.Status.CONFIRMED, provider_kind=ProviderKind.OTHER
    )
    until = settings.other_providers_count_until
    changed = others.filter(ends_on__lte=until, counts=False).update(counts=True)
    changed += others.filter(ends_on__gt=until, counts=True).update(counts=False)
    return changed
