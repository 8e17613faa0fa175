"""The subscriber's form: the subjects of their digest (none chosen: every subject)."""

from __future__ import annotations

from typing import Any

from django import forms

from imo.reference.models import Subject
from imo.reference.selectors import active_items


class DigestForm(forms.Form):
    subjects = forms.ModelMultipleChoiceField(
        label="Предметы",
        queryset=Subject.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="Ничего не отмечено — все предметы. Материалы без предмета приходят всем.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["subjects"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = active_items(Subject)
