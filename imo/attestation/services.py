"""Writes of the attestation history: every save runs full_clean and the rules of attestation.md."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from imo.attestation.models import (
    ConformityAttestation,
    Exemption,
    QualificationCategory,
    default_valid_until,
)
from imo.staff.models import Educator

NEEDS_HIGHEST = {QualificationCategory.Kind.METHODIST, QualificationCategory.Kind.MENTOR}

MSG_FUTURE = "Дата присвоения не может быть в будущем."
MSG_UNTIL_BEFORE = "Срок действия не может закончиться раньше даты присвоения."
MSG_NEEDS_HIGHEST = (
    "Категории «педагог-методист» и «педагог-наставник» присваиваются только педагогам с высшей "
    "квалификационной категорией, действующей на дату присвоения."
)


def _has_valid_highest(educator: Educator, on: dt.date, *, exclude_pk: int | None) -> bool:
    queryset = QualificationCategory.objects.filter(
        educator=educator, kind=QualificationCategory.Kind.HIGHEST, awarded_on__lte=on
    ).exclude(valid_until__lt=on)
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.exists()


def category_clean(category: QualificationCategory, *, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if category.awarded_on and category.awarded_on > today:
        errors.setdefault("awarded_on", []).append(MSG_FUTURE)
    if category.order_date and category.order_date > today:
        errors.setdefault("order_date", []).append("Дата приказа не может быть в будущем.")
    if category.awarded_on and category.valid_until and category.valid_until < category.awarded_on:
        errors.setdefault("valid_until", []).append(MSG_UNTIL_BEFORE)
    if (
        category.kind in NEEDS_HIGHEST
        and category.awarded_on
        and category.educator_id
        and not _has_valid_highest(category.educator, category.awarded_on, exclude_pk=category.pk)
    ):
        errors.setdefault("kind", []).append(MSG_NEEDS_HIGHEST)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def category_save(
    *,
    educator: Educator,
    category: QualificationCategory | None = None,
    default_term: bool = False,
    **fields: Any,
) -> QualificationCategory:
    """Create or change a category. `default_term` fills valid_until by the rule (empty from 01.09.2023)."""
    category = category or QualificationCategory(educator=educator)
    for name, value in fields.items():
        setattr(category, name, value)
    if default_term:
        category.valid_until = default_valid_until(category.awarded_on)
    category_clean(category)
    category.full_clean()
    category.save()
    return category


def category_delete(*, category: QualificationCategory) -> None:
    category.delete()


@transaction.atomic
def conformity_save(
    *, educator: Educator, attestation: ConformityAttestation | None = None, **fields: Any
) -> ConformityAttestation:
    attestation = attestation or ConformityAttestation(educator=educator)
    for name, value in fields.items():
        setattr(attestation, name, value)
    if attestation.date and attestation.date > timezone.localdate():
        raise ValidationError({"date": ["Дата аттестации не может быть в будущем."]})
    attestation.full_clean()
    attestation.save()
    return attestation


def conformity_delete(*, attestation: ConformityAttestation) -> None:
    attestation.delete()


@transaction.atomic
def exemption_save(*, educator: Educator, exemption: Exemption | None = None, **fields: Any) -> Exemption:
    exemption = exemption or Exemption(educator=educator)
    for name, value in fields.items():
        setattr(exemption, name, value)
    exemption.full_clean()
    exemption.save()
    return exemption


def exemption_delete(*, exemption: Exemption) -> None:
    exemption.delete()
