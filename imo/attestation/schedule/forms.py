"""Forms of the schedule pages (the rules live in services.entry_save)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from imo.attestation.models import ScheduleEntry
from imo.attestation.schedule.services import month_label, year_months
from imo.reference.models import AcademicYear
from imo.staff.models import Educator


class EducatorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name


def month_value(month: dt.date) -> str:
    return month.strftime("%Y-%m")


def parse_month(value: str) -> dt.date | None:
    """«2026-10» → 2026-10-01; anything else → None."""
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except (TypeError, ValueError):
        return None


class EntryForm(forms.Form):
    educator = EducatorChoice(
        label="Педагог",
        queryset=Educator.objects.none(),
        error_messages={"required": "Выберите педагога.", "invalid_choice": "Выберите педагога из списка."},
    )
    kind = forms.ChoiceField(
        label="Вид аттестации",
        choices=ScheduleEntry.Kind.choices,
        error_messages={"required": "Выберите вид аттестации."},
    )
    planned_month = forms.ChoiceField(
        label="Планируемый месяц",
        error_messages={
            "required": "Выберите месяц.",
            "invalid_choice": "Выберите месяц этого учебного года.",
        },
    )
    note = forms.CharField(label="Примечание", required=False, max_length=300)

    def __init__(
        self,
        *args: Any,
        educators: Any,
        academic_year: AcademicYear,
        lock_educator: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.academic_year = academic_year
        educator_field: Any = self.fields["educator"]
        educator_field.queryset = educators
        educator_field.disabled = lock_educator
        month_field: Any = self.fields["planned_month"]
        month_field.choices = [("", "—")] + [
            (month_value(m), month_label(m)) for m in year_months(academic_year)
        ]
        for field in self.fields.values():
            widget = field.widget
            widget.attrs.setdefault(
                "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
            )

    def clean_planned_month(self) -> dt.date:
        month = parse_month(self.cleaned_data["planned_month"])
        if month is None:
            raise ValidationError("Выберите месяц этого учебного года.")
        return month


class BuildForm(forms.Form):
    """POST of «Составить график»: the year and, optionally, one organisation."""

    year = forms.ModelChoiceField(queryset=AcademicYear.objects.all())
    org = forms.IntegerField(required=False, min_value=1)
