"""Forms of the graduates' list import: the upload with the provider and the plan line, the skip."""

from __future__ import annotations

from typing import Any

from django import forms

from imo.core.imports.forms import UploadForm
from imo.training.models import PlanLine, Provider


class CourseUploadForm(UploadForm):
    """The framework's upload form plus the provider (for rows without the «Организация» column) and the
    line of the training plan the course belongs to."""

    def __init__(self, *args: Any, providers: Any, lines: list[PlanLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"] = forms.ModelChoiceField(
            label="Организация повышения квалификации",
            queryset=providers,
            required=False,
            empty_label="— из столбца «Организация» файла —",
            help_text="Кто провёл курсы. Если в файле есть столбец «Организация», можно не выбирать.",
            widget=forms.Select(attrs={"class": "form-select"}),
        )
        self.fields["plan_line"] = forms.TypedChoiceField(
            label="Строка плана повышения квалификации",
            choices=[("", "— без строки плана —"), *[(line.pk, line_label(line)) for line in lines]],
            coerce=int,
            required=False,
            empty_value=None,
            help_text="Если курсы проводились по плану — курсы слушателей будут учтены в его выполнении.",
            widget=forms.Select(attrs={"class": "form-select"}),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        provider: Provider | None = data.get("provider")
        if provider is not None and not provider.is_active:
            self.add_error("provider", "Эта организация больше не используется.")
        return data


def line_label(line: PlanLine) -> str:
    dates = ""
    if line.starts_on and line.ends_on:
        dates = f", {line.starts_on:%d.%m.%Y}–{line.ends_on:%d.%m.%Y}"
    return f"{line.plan.academic_year}: {line}{dates}"


class SkipForm(forms.Form):
    comment = forms.CharField(
        label="Комментарий",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text="Например: слушатель работает в другом районе.",
    )
