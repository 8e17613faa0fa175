"""Attestation history of an educator (issue #5, item 1; rules: shared/domain/attestation.md).

Categories awarded from 01.09.2023 have no end date; earlier ones keep their five-year term. Exemptions from
conformity attestation keep only a basis code and an end date, never a medical fact (personal-data.md).
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from imo.core.models import TimeStampedModel

#: The new order (Минпросвещения № 196) applies to categories awarded from this date: no end date.
NEW_ORDER_FROM = dt.date(2023, 9, 1)
CATEGORY_TERM_YEARS = 5


def add_years(day: dt.date, years: int) -> dt.date:
    """`day` moved by whole years (29 February → 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def default_valid_until(awarded_on: dt.date | None) -> dt.date | None:
    """Empty for categories awarded from 01.09.2023; five years for earlier ones."""
    if awarded_on is None or awarded_on >= NEW_ORDER_FROM:
        return None
    return add_years(awarded_on, CATEGORY_TERM_YEARS)


class QualificationCategory(TimeStampedModel):
    class Kind(models.TextChoices):
        FIRST = "first", "первая"
        HIGHEST = "highest", "высшая"
        METHODIST = "methodist", "педагог-методист"
        MENTOR = "mentor", "педагог-наставник"

    educator = models.ForeignKey(
        "staff.Educator", verbose_name="педагог", on_delete=models.CASCADE, related_name="categories"
    )
    kind = models.CharField("категория", max_length=16, choices=Kind.choices)
    order_number = models.CharField("номер приказа", max_length=50, blank=True)
    order_date = models.DateField("дата приказа", null=True, blank=True)
    awarded_on = models.DateField("дата присвоения")
    valid_until = models.DateField("действует до", null=True, blank=True)

    class Meta:
        verbose_name = "квалификационная категория"
        verbose_name_plural = "квалификационные категории"
        ordering = ["-awarded_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("awarded_on")),
                name="attestation_category_valid_after_award",
                violation_error_message="Срок действия не может закончиться раньше даты присвоения.",
            ),
        ]
        indexes = [
            models.Index(fields=["educator", "awarded_on"]),
            models.Index(fields=["valid_until"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} категория от {self.awarded_on:%d.%m.%Y}"

    def is_valid_on(self, on: dt.date) -> bool:
        return self.awarded_on <= on and (self.valid_until is None or self.valid_until >= on)


class ConformityAttestation(TimeStampedModel):
    class Result(models.TextChoices):
        CONFORMS = "conforms", "соответствует занимаемой должности"
        DOES_NOT_CONFORM = "does_not_conform", "не соответствует занимаемой должности"

    educator = models.ForeignKey(
        "staff.Educator",
        verbose_name="педагог",
        on_delete=models.CASCADE,
        related_name="conformity_attestations",
    )
    date = models.DateField("дата аттестации")
    result = models.CharField("результат", max_length=20, choices=Result.choices, default=Result.CONFORMS)
    order_number = models.CharField("номер приказа организации", max_length=50, blank=True)
    order_date = models.DateField("дата приказа организации", null=True, blank=True)

    class Meta:
        verbose_name = "аттестация на соответствие занимаемой должности"
        verbose_name_plural = "аттестации на соответствие занимаемой должности"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["educator", "date"])]

    def __str__(self) -> str:
        return f"Аттестация на соответствие от {self.date:%d.%m.%Y}"


class Exemption(TimeStampedModel):
    """Exempt from conformity attestation until a date. Only a basis code: never a medical fact."""

    class Basis(models.TextChoices):
        PREGNANCY = "pregnancy", "временное освобождение (код 1)"
        MATERNITY = "maternity", "отпуск по беременности и родам"
        PARENTAL = "parental", "отпуск по уходу за ребёнком до 3 лет"
        LONG_ABSENCE = "long_absence", "отсутствие на работе более 4 месяцев подряд"
        OTHER = "other", "иное основание"

    educator = models.ForeignKey(
        "staff.Educator",
        verbose_name="педагог",
        on_delete=models.CASCADE,
        related_name="attestation_exemptions",
    )
    basis = models.CharField("основание", max_length=20, choices=Basis.choices)
    until = models.DateField("освобождён до")

    class Meta:
        verbose_name = "освобождение от аттестации на соответствие"
        verbose_name_plural = "освобождения от аттестации на соответствие"
        ordering = ["-until", "-pk"]
        indexes = [models.Index(fields=["educator", "until"])]

    def __str__(self) -> str:
        return f"Освобождение до {self.until:%d.%m.%Y}"
