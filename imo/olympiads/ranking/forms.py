"""Forms of the ranking part: an appeal, its decision, the ranking tool's upload and settings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from imo.core.imports.forms import UploadForm
from imo.olympiads.models import Appeal, Rounding

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class AppealFileForm(forms.Form):
    filed_on = forms.DateField(label="Дата подачи", widget=DATE, initial=dt.date.today)
    reason = forms.CharField(
        label="Содержание апелляции",
        required=False,
        help_text="Апелляция подаётся только о несогласии с выставленными баллами.",
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    members: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label="Состав апелляционной комиссии",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["members"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = members
        if not self.is_bound:
            self.initial["members"] = list(members.values_list("pk", flat=True))


class AppealDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="Решение комиссии",
        choices=[
            (value, label) for value, label in Appeal.Decision.choices if value != Appeal.Decision.PENDING
        ],
        widget=forms.RadioSelect,
    )
    new_score = forms.DecimalField(
        label="Новый балл",
        required=False,
        max_digits=7,
        decimal_places=2,
        help_text="Только если балл повышен или понижен.",
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
    )
    decided_on = forms.DateField(label="Дата решения", widget=DATE, initial=dt.date.today)


class ToolForm(UploadForm):
    """The protocol file and how to rank it (defaults: the usual stage settings, olympiads.md 9)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        number = {"class": "form-control", "step": "0.01"}
        self.fields["max_score"] = forms.DecimalField(
            label="Максимальный балл", min_value=Decimal("0.01"), max_digits=7, decimal_places=2,
            widget=forms.NumberInput(attrs=number),
        )  # fmt: skip
        self.fields["total_share"] = forms.DecimalField(
            label="Доля победителей и призёров, %", initial=Decimal(45), min_value=0, max_value=100,
            decimal_places=2, widget=forms.NumberInput(attrs=number),
        )  # fmt: skip
        self.fields["winners_share"] = forms.DecimalField(
            label="Доля победителей, %", initial=Decimal(5), min_value=0, max_value=100, decimal_places=2,
            widget=forms.NumberInput(attrs=number),
        )  # fmt: skip
        self.fields["min_award_share"] = forms.DecimalField(
            label="Наименьшая доля от максимального балла для награды, %", initial=Decimal(50), min_value=0,
            max_value=100, decimal_places=2, widget=forms.NumberInput(attrs=number),
        )  # fmt: skip
        self.fields["rounding"] = forms.ChoiceField(
            label="Округление квоты", choices=Rounding.choices, initial=Rounding.DOWN,
            widget=forms.Select(attrs={"class": "form-select"}),
        )  # fmt: skip
        self.fields["group_by"] = forms.ChoiceField(
            label="Квота считается",
            choices=[("grade", "по каждому классу"), ("none", "по всему протоколу")],
            initial="grade",
            widget=forms.Select(attrs={"class": "form-select"}),
        )
        self.fields["file"].help_text += " Столбцы: ФИО (или Фамилия, Имя), Школа, Класс, Балл."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        total, winners = data.get("total_share"), data.get("winners_share")
        if total is not None and winners is not None and winners > total:
            self.add_error(
                "winners_share", "Доля победителей не может быть больше доли победителей и призёров."
            )
        return data
