from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator

from imo.attestation.models import AttestationSettings
from imo.attestation.reminders.services import normalize_reminder_days

DAY_FIELDS = ("check_days", "take_up_days", "total_days")


class AttestationSettingsForm(forms.ModelForm):
    class Meta:
        model = AttestationSettings
        fields = ["check_days", "take_up_days", "total_days", "apply_months_before_expiry", "reminder_days"]
        help_texts = {
            "check_days": "Столько календарных дней у методиста ИМО на проверку переданного заявления.",
            "take_up_days": "По Порядку аттестации — 30 календарных дней со дня направления в комиссию.",
            "total_days": "По Порядку аттестации — не более 60 календарных дней со дня направления.",
            "reminder_days": "Числа дней через запятую, например: 90,60,30. Педагог и ответственный в его "
            "школе получат письмо за столько дней до окончания срока категории.",
        }

    def __init__(self, *args: Any, read_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in DAY_FIELDS:
            field = self.fields[name]
            field.validators.append(MinValueValidator(1, message="Укажите не меньше одного дня."))
            field.widget.attrs["min"] = 1
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def clean_reminder_days(self) -> str:
        return normalize_reminder_days(self.cleaned_data.get("reminder_days") or "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        take_up, total = cleaned.get("take_up_days"), cleaned.get("total_days")
        if take_up is not None and total is not None and total < take_up:
            self.add_error(
                "total_days",
                ValidationError(
                    "Срок всей аттестации не может быть меньше срока принятия заявления комиссией."
                ),
            )
        return cleaned
