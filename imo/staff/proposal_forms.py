"""Forms of the proposals pages: what a teacher proposes (fields as the record's own), and the decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from imo.staff.models import Award, ChangeProposal, EducationRecord, Educator
from imo.staff.proposals import SECTION_FIELDS, SECTION_MODELS

Section = ChangeProposal.Section


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


def _field(model: type[models.Model], name: str, **kwargs: Any) -> forms.Field:
    field = model._meta.get_field(name).formfield(**kwargs)  # type: ignore[union-attr]
    assert field is not None
    return field


class ProposalForm(forms.Form):
    """The fields of one section, validated as the record's own fields are."""

    section: str = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in SECTION_FIELDS[self.section]}


class ContactsProposalForm(ProposalForm):
    section = Section.CONTACTS

    phone = _field(Educator, "phone", widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    email = _field(Educator, "email", widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class EducationProposalForm(ProposalForm):
    section = Section.EDUCATION

    level = _field(EducationRecord, "level")
    is_pedagogical = _field(EducationRecord, "is_pedagogical")
    institution = _field(EducationRecord, "institution")
    graduation_year = _field(EducationRecord, "graduation_year")
    speciality = _field(EducationRecord, "speciality")
    qualification = _field(EducationRecord, "qualification")


class AwardProposalForm(ProposalForm):
    section = Section.AWARD

    kind = _field(Award, "kind")
    title = _field(Award, "title")
    awarded_on = _field(
        Award, "awarded_on", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    order_number = _field(Award, "order_number")


FORMS: dict[str, type[ProposalForm]] = {
    Section.CONTACTS: ContactsProposalForm,
    Section.EDUCATION: EducationProposalForm,
    Section.AWARD: AwardProposalForm,
}


def initial_of(section: str, target: models.Model | None) -> dict[str, Any]:
    if target is None:
        return {}
    assert isinstance(target, SECTION_MODELS[section])
    return {name: getattr(target, name) for name in SECTION_FIELDS[section]}


class DecisionForm(forms.Form):
    """Accept or reject; a rejection needs a comment the teacher will read."""

    ACCEPT = "accept"
    REJECT = "reject"

    decision = forms.ChoiceField(
        choices=[(ACCEPT, "Принять"), (REJECT, "Отклонить")], widget=forms.HiddenInput
    )
    comment = forms.CharField(
        label="Комментарий для педагога",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Обязателен, если вы отклоняете предложение.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == self.REJECT and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", "Напишите, почему предложение отклонено: педагог увидит комментарий.")
        return cleaned
