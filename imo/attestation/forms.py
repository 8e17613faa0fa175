from __future__ import annotations

from django import forms

from imo.attestation.models import ConformityAttestation, Exemption, QualificationCategory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CategoryForm(forms.ModelForm):
    class Meta:
        model = QualificationCategory
        fields = ["kind", "awarded_on", "valid_until", "order_number", "order_date"]
        widgets = {"awarded_on": DATE, "valid_until": DATE, "order_date": DATE}
        help_texts = {
            "valid_until": "Пусто — по правилу: для категорий, присвоенных до 01.09.2023, через пять лет; "
            "для присвоенных позже срок не ставится.",
            "order_number": "Приказ Министерства образования и науки Чеченской Республики.",
        }


class ConformityForm(forms.ModelForm):
    class Meta:
        model = ConformityAttestation
        fields = ["date", "result", "order_number", "order_date"]
        widgets = {"date": DATE, "order_date": DATE}


class ExemptionForm(forms.ModelForm):
    class Meta:
        model = Exemption
        fields = ["basis", "until"]
        widgets = {"until": DATE}
        help_texts = {"basis": "Только код основания: никаких сведений о здоровье."}
