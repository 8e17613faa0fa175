"""A form field that picks one educator by typing part of the name, for forms whose choices are every
educator in the user's scope (a mentor, a mentee, the educator of a course row): a <select> of 2,000 — or
at region scale 25,000 — options would weigh more than the page budget allows and is unusable anyway.

The widget renders a search box and a radio group. Typing asks `staff:educator_picker` (htmx) for up to
PICKER_LIMIT matches among the educators the user may see, drawn as radios named after the field; the chosen
one is submitted like any radio. No script of our own (CSP): htmx does the request. Validation stays the
field's: the submitted id must belong to the field's queryset, whatever the search showed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from imo.staff.models import Educator

PICKER_LIMIT = 20


class EducatorPicker(forms.Widget):
    template = "staff/picker/widget.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, placeholder: str = "") -> None:
        super().__init__(attrs)
        self.placeholder = placeholder or "Начните вводить фамилию, имя или СНИЛС"
        self.choices: Any = ()  # the field's ModelChoiceIterator: its queryset bounds the shown value

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        attrs = self.build_attrs(self.attrs, attrs)
        widget_id = attrs.get("id") or f"id_{name}"
        selected = None
        if value not in (None, ""):
            pk = value.pk if isinstance(value, Educator) else value
            if str(pk).isdecimal():
                queryset = getattr(self.choices, "queryset", Educator.objects.none())
                selected = queryset.filter(pk=int(pk)).first()
        context = {
            "name": name,
            "id": widget_id,
            "placeholder": self.placeholder,
            "selected": selected,
            "disabled": attrs.get("disabled", False),
            "url": reverse("staff:educator_picker"),
            "described_by": attrs.get("aria-describedby", ""),
        }
        return mark_safe(render_to_string(self.template, context))  # the template escapes


class EducatorPickerField(forms.ModelChoiceField):
    """ModelChoiceField over educators, drawn as the search picker (its choices are never listed)."""

    widget = EducatorPicker

    def __init__(self, *, queryset: Any = None, **kwargs: Any) -> None:
        super().__init__(queryset=queryset if queryset is not None else Educator.objects.none(), **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return str(obj)
