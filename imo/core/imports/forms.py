from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from imo.core.imports.reading import max_upload_bytes, size_error

ACCEPT = ".xlsx,.xlsm,.xls,.ods,.csv"


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Файл",
        help_text="Таблица Excel (.xlsx, .xls) или CSV.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT, "class": "form-control"}),
        error_messages={
            "required": "Выберите файл для загрузки.",
            "empty": "Файл пустой. Заполните шаблон и загрузите его снова.",
            "invalid": "Не удалось получить файл. Выберите его ещё раз.",
        },
    )

    def __init__(
        self,
        *args: Any,
        scope_choices: list[tuple[int, str]] | None = None,
        scope_label: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        limit_mb = max_upload_bytes() / 1024 / 1024
        self.fields["file"].help_text = f"Таблица Excel (.xlsx, .xls) или CSV, не больше {limit_mb:.0f} МБ."
        if scope_choices and len(scope_choices) > 1:
            self.fields["scope"] = forms.TypedChoiceField(
                label=scope_label or "Область загрузки",
                choices=[("", "— не выбрано —"), *scope_choices],
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        message = size_error(upload.size or 0)
        if message:
            raise forms.ValidationError(message)
        return upload
