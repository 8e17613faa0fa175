"""Every write to educators' records: the person, education, awards, employments, consents.

Changes go to the audit log through django-auditlog's signals (bulk writes of the import log themselves,
see imo.core.imports.audit).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from imo.core.conflicts import ensure_unchanged
from imo.core.identifiers import digits_only
from imo.core.text import collapse_spaces, fold, search_text
from imo.orgs.models import Organization
from imo.reference.models import Position, Subject
from imo.staff.models import Award, Consent, EducationRecord, Educator, Employment

_NAME_FIELDS = ("last_name", "first_name", "patronymic")
_IDENTIFIERS = ("snils", "inn")


def clean_educator_values(data: dict[str, Any]) -> dict[str, Any]:
    """Names and text trimmed with spaces collapsed (Ё kept as typed); identifiers as digits."""
    cleaned: dict[str, Any] = {}
    for key, value in data.items():
        if key in _IDENTIFIERS:
            cleaned[key] = digits_only(value or "")
        elif isinstance(value, str):
            cleaned[key] = collapse_spaces(value)
        else:
            cleaned[key] = value
    return cleaned


def name_key_of(last_name: str, first_name: str, patronymic: str) -> str:
    """The folded full name used to find possible duplicates."""
    return fold(" ".join(part for part in (last_name, first_name, patronymic) if part))


def refresh_derived(educator: Educator) -> None:
    educator.name_key = name_key_of(educator.last_name, educator.first_name, educator.patronymic)
    educator.search_text = search_text(
        educator.last_name, educator.first_name, educator.patronymic, educator.snils
    )


def _check_age(educator: Educator) -> None:
    from django.utils import timezone

    from imo.staff.experience import full_years

    if educator.birth_date is None:
        return
    today = timezone.localdate()
    if educator.birth_date > today:
        raise ValidationError({"birth_date": "Дата рождения в будущем."})
    if (full_years(educator.birth_date, today) or 0) < 16:
        raise ValidationError({"birth_date": "Педагогу не может быть меньше 16 лет."})


def _validate(educator: Educator, *, municipality_changed: bool = True, snils_changed: bool = True) -> None:
    _check_age(educator)
    # Checking that the municipality exists costs a query; an update that keeps it needs none. Likewise
    # the СНИЛС's uniqueness (a savepoint and a query): the database holds the kept value once already.
    educator.full_clean(
        exclude=["user"] if municipality_changed else ["user", "municipality"], validate_constraints=False
    )
    educator.validate_constraints(exclude=None if snils_changed else {"snils"})


@transaction.atomic
def educator_create(*, municipality: Organization, data: dict[str, Any], by: Any | None = None) -> Educator:
    educator = Educator(municipality=municipality, **clean_educator_values(data))
    refresh_derived(educator)
    _validate(educator)
    educator.save()
    return educator


@transaction.atomic
def educator_update(
    *, educator: Educator, data: dict[str, Any], by: Any | None = None, version: str | None = None
) -> Educator:
    ensure_unchanged(educator, version)
    values = clean_educator_values(data)
    snils_before = educator.snils
    for key, value in values.items():
        setattr(educator, key, value)
    refresh_derived(educator)
    _validate(
        educator,
        municipality_changed=bool({"municipality", "municipality_id"} & values.keys()),
        snils_changed=educator.snils != snils_before,
    )
    educator.save()
    return educator


@transaction.atomic
def educator_link_user(*, educator: Educator, user: Any | None, by: Any | None = None) -> Educator:
    """Link the teacher's account to their record (one record per account)."""
    if user is not None and Educator.objects.filter(user=user).exclude(pk=educator.pk).exists():
        raise ValidationError("Эта учётная запись уже связана с другим педагогом.")
    educator.user = user
    educator.save(update_fields=["user", "updated_at"])
    return educator


# --- education and awards ----------------------------------------------------------------------------


@transaction.atomic
def education_record_save(
    *, educator: Educator, data: dict[str, Any], record: EducationRecord | None = None, by: Any | None = None
) -> EducationRecord:
    record = record or EducationRecord(educator=educator)
    if record.educator_id != educator.pk:
        raise ValidationError("Запись об образовании относится к другому педагогу.")
    for key, value in clean_educator_values(data).items():
        setattr(record, key, value)
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def education_record_delete(*, record: EducationRecord, by: Any | None = None) -> None:
    record.delete()


@transaction.atomic
def award_save(
    *, educator: Educator, data: dict[str, Any], award: Award | None = None, by: Any | None = None
) -> Award:
    award = award or Award(educator=educator)
    if award.educator_id != educator.pk:
        raise ValidationError("Награда относится к другому педагогу.")
    for key, value in clean_educator_values(data).items():
        setattr(award, key, value)
    award.full_clean()
    award.save()
    return award


@transaction.atomic
def award_delete(*, award: Award, by: Any | None = None) -> None:
    award.delete()


# --- employments ---------------------------------------------------------------------------------


def _check_employment(employment: Employment) -> None:
    if not employment.organization.is_educational:
        raise ValidationError(
            {"organization": "Место работы — образовательная организация, не муниципалитет."}
        )
    if employment.weekly_hours is not None and not (Decimal(0) <= employment.weekly_hours <= Decimal(60)):
        raise ValidationError({"weekly_hours": "Нагрузка — от 0 до 60 часов в неделю."})
    employment.full_clean(exclude=["educator"])


@transaction.atomic
def employment_start(
    *,
    educator: Educator,
    organization: Organization,
    position: Position,
    subjects: list[Subject] | None = None,
    is_main: bool = True,
    weekly_hours: Decimal | None = None,
    starts_on: dt.date | None = None,
    by: Any | None = None,
) -> Employment:
    employment = Employment(
        educator=educator,
        organization=organization,
        position=position,
        is_main=is_main,
        weekly_hours=weekly_hours,
        starts_on=starts_on,
    )
    _check_employment(employment)
    employment.save()
    if subjects:
        employment.subjects.set(subjects)
    return employment


@transaction.atomic
def employment_update(
    *,
    employment: Employment,
    data: dict[str, Any],
    subjects: list[Subject] | None = None,
    by: Any | None = None,
) -> Employment:
    for key, value in data.items():
        setattr(employment, key, value)
    _check_employment(employment)
    employment.save()
    if subjects is not None:
        employment.subjects.set(subjects)
    return employment


@transaction.atomic
def employment_end(
    *, employment: Employment, ends_on: dt.date, reason: str, by: Any | None = None
) -> Employment:
    """The educator leaves this post; the record and its history stay."""
    if employment.ends_on is not None:
        raise ValidationError("Это место работы уже закрыто.")
    employment.ends_on = ends_on
    employment.end_reason = collapse_spaces(reason)
    _check_employment(employment)
    employment.save(update_fields=["ends_on", "end_reason", "updated_at"])
    return employment


@transaction.atomic
def educator_transfer(
    *,
    employment: Employment,
    organization: Organization,
    on: dt.date,
    position: Position | None = None,
    reason: str = "Перевод",
    by: Any | None = None,
) -> Employment:
    """Move to another organisation from `on`: the old post ends the day before, a new one starts."""
    subjects = list(employment.subjects.all())
    ends_on = on - dt.timedelta(days=1)
    if employment.starts_on and ends_on < employment.starts_on:
        raise ValidationError("Дата перевода раньше начала работы на прежнем месте.")
    employment_end(employment=employment, ends_on=ends_on, reason=reason, by=by)
    return employment_start(
        educator=employment.educator,
        organization=organization,
        position=position or employment.position,
        subjects=subjects,
        is_main=employment.is_main,
        weekly_hours=employment.weekly_hours,
        starts_on=on,
        by=by,
    )


# --- consent ---------------------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    educator: Educator,
    purpose: str,
    given_on: dt.date,
    document: Any | None = None,
    by: Any | None = None,
) -> Consent:
    consent = Consent(educator=educator, purpose=purpose, given_on=given_on, recorded_by=by)
    if document is not None:
        consent.document = document
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, on: dt.date, by: Any | None = None) -> Consent:
    consent.withdrawn_on = on
    consent.full_clean()
    consent.save(update_fields=["withdrawn_on", "updated_at"])
    return consent
