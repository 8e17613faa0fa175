"""Forms of the registration pages (validation only; the rules live in services)."""

from __future__ import annotations

from typing import Any

from django import forms

from imo.staff.models import Educator


class TeachersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class TeachersForm(forms.Form):
    """The teachers who prepared the students registered in one submit: the school's current educators."""

    teachers = TeachersField(
        label="Подготовившие педагоги",
        queryset=Educator.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
        help_text="Педагоги школы; можно выбрать нескольких (Ctrl или Cmd + щелчок).",
    )

    def __init__(self, *args: Any, educators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teachers"].queryset = educators  # type: ignore[attr-defined]
