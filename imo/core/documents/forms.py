"""Validation of the register's filters, template uploads and number prefixes."""

from __future__ import annotations

from typing import Any

from django import forms

from imo.core.documents.registry import registered_kinds

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class RegisterFilterForm(forms.Form):
    q = forms.CharField(
        label="Номер",
        required=False,
        max_length=50,
        widget=forms.TextInput(
            attrs={"class": "form-control", "type": "search", "placeholder": "например, 12/2026"}
        ),
    )
    kind = forms.ChoiceField(
        label="Вид документа", required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    date_from = forms.DateField(label="Выдан с", required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label="Выдан по", required=False, widget=DATE_WIDGET)
    issued_by = forms.TypedChoiceField(
        label="Кто выдал",
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, issuers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [(kind.code, kind.title) for kind in registered_kinds()]
        kind_field = self.fields["kind"]
        issuer_field = self.fields["issued_by"]
        assert isinstance(kind_field, forms.ChoiceField) and isinstance(issuer_field, forms.ChoiceField)
        kind_field.choices = [("", "Все виды"), *kinds]
        issuer_field.choices = [("", "Все"), *issuers]
        for name in ("date_from", "date_to"):
            self.fields[name].error_messages["invalid"] = "Введите дату в формате дд.мм.гггг."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "Дата «по» раньше даты «с».")
        return data


class TemplateUploadForm(forms.Form):
    file = forms.FileField(
        label="Файл шаблона (.docx)",
        help_text=(
            "Документ Word с полями вида {{ имя }} из списка ниже. "
            "Он проверяется перед тем, как заменить шаблон."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control",
                "accept": ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            }
        ),
        error_messages={"required": "Выберите файл шаблона.", "empty": "Файл пустой."},
    )


class NumberingForm(forms.Form):
    number_prefix = forms.CharField(
        label="Префикс номера",
        required=False,
        max_length=20,
        help_text="Например, «СП-»: номера будут вида «СП-12/2026». Пусто — просто «12/2026».",
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"max_length": "Префикс — не длиннее 20 знаков."},
    )
