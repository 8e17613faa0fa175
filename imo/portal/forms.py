from __future__ import annotations

from typing import Any

from django import forms

from imo.portal.models import OfficeContacts


class OfficeContactsForm(forms.ModelForm):
    class Meta:
        model = OfficeContacts
        fields = ["office_name", "address", "phone", "email", "working_hours", "about"]
        widgets = {"about": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
