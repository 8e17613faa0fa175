from __future__ import annotations

import datetime as dt

from django.db import models

from imo.core.models import TimeStampedModel


class ReferenceItem(TimeStampedModel):
    """An entry of an editable catalogue. Entries in use are archived, never deleted."""

    name = models.CharField("наименование", max_length=200, unique=True)
    is_archived = models.BooleanField("в архиве", default=False)
    order = models.PositiveIntegerField("порядок", default=0)
    # Folded (case, ё→е) name: search and duplicate checks work the same on SQLite and PostgreSQL.
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class Subject(ReferenceItem):
    is_olympiad = models.BooleanField("предмет ВсОШ", default=False)

    class Meta:
        verbose_name = "предмет"
        verbose_name_plural = "предметы"


class Position(ReferenceItem):
    class Meta:
        verbose_name = "должность"
        verbose_name_plural = "должности"


class Grade(models.Model):
    number = models.PositiveSmallIntegerField("класс", unique=True)
    is_archived = models.BooleanField("в архиве", default=False)

    class Meta:
        verbose_name = "класс (параллель)"
        verbose_name_plural = "классы (параллели)"
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} класс"


def academic_year_start(on: dt.date) -> int:
    """The calendar year in which the academic year containing `on` began (it starts on 1 September)."""
    return on.year if on.month >= 9 else on.year - 1


class AcademicYear(TimeStampedModel):
    start_year = models.PositiveSmallIntegerField("год начала", unique=True)
    starts_on = models.DateField("начало")
    ends_on = models.DateField("окончание")
    is_archived = models.BooleanField("в архиве", default=False)

    class Meta:
        verbose_name = "учебный год"
        verbose_name_plural = "учебные годы"
        ordering = ["-start_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="reference_academicyear_dates_ordered",
                violation_error_message="Окончание учебного года должно быть позже начала.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.start_year}/{self.start_year + 1}"

    def contains(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on
