from __future__ import annotations

from typing import Any

from django import forms

from imo.core.imports.forms import UploadForm
from imo.olympiads.models import StageSubject


class SiriusUploadForm(UploadForm):
    """The results file of «Сириус.Курсы» and the stage subject it belongs to."""

    def __init__(self, *args: Any, subjects: list[StageSubject], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage_subject"] = forms.TypedChoiceField(
            label="Предмет этапа",
            choices=[("", "— выберите предмет —"), *((s.pk, str(s)) for s in subjects)],
            coerce=int,
            error_messages={
                "required": "Выберите предмет, результаты которого в файле.",
                "invalid_choice": "Выберите предмет из списка.",
            },
            widget=forms.Select(attrs={"class": "form-select"}),
        )
        self.order_fields(["stage_subject", "file"])


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Причина",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"required": "Укажите причину, по которой проверка открывается снова."},
    )
