"""Validation of template uploads and number prefixes."""

from __future__ import annotations

from django import forms


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
