"""Forms of the course pages: types and choices only; the rules live in imo.training.records.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from imo.training.models import CourseForm, CourseKind, CourseRecord, Programme, Provider, ProviderKind, Topic


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class ProgrammeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} — {obj.provider}, {obj.hours} ч"


def _blank(choices: Any, label: str = "—") -> list[tuple[str, str]]:
    return [("", label), *choices]


class RecordForm(forms.Form):
    programme = ProgrammeChoice(
        label="Программа из справочника",
        queryset=Programme.objects.none(),
        required=False,
        help_text="Наименование, вид, объём и организация берутся из справочника, если их не указать.",
    )
    title = forms.CharField(label="Наименование программы", max_length=500, required=False)
    kind = forms.ChoiceField(label="Вид", choices=_blank(CourseKind.choices), required=False)
    hours = forms.IntegerField(label="Объём, часов", min_value=1, max_value=5000, required=False)
    provider = forms.ModelChoiceField(
        label="Организация из справочника", queryset=Provider.objects.none(), required=False
    )
    provider_name = forms.CharField(
        label="Организация (если её нет в справочнике)", max_length=300, required=False
    )
    provider_kind = forms.ChoiceField(
        label="Тип организации (если её нет в справочнике)",
        choices=_blank(ProviderKind.choices),
        required=False,
    )
    starts_on = forms.DateField(label="Дата начала", widget=date_input())
    ends_on = forms.DateField(label="Дата окончания", widget=date_input())
    form = forms.ChoiceField(label="Форма обучения", choices=_blank(CourseForm.choices), required=False)
    document_kind = forms.ChoiceField(
        label="Документ", choices=_blank(CourseRecord.DocumentKind.choices), required=False
    )
    document_number = forms.CharField(label="Номер документа", max_length=100, required=False)
    registration_number = forms.CharField(label="Регистрационный номер", max_length=100, required=False)
    issued_on = forms.DateField(label="Дата выдачи", widget=date_input(), required=False)
    funding = forms.ChoiceField(
        label="Финансирование", choices=_blank(CourseRecord.Funding.choices), required=False
    )
    topics = forms.ModelMultipleChoiceField(
        label="Темы", queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    scan = forms.FileField(
        label="Скан документа",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, scan_max_mb: int = 10, has_scan: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, model in (("programme", Programme), ("provider", Provider)):
            chosen = self.initial.get(name)
            condition = Q(is_active=True)
            if chosen is not None:  # a record keeps a programme the catalogue has since retired
                condition |= Q(pk=getattr(chosen, "pk", chosen))
            queryset: QuerySet[Any] = model.objects.filter(condition)
            if model is Programme:
                queryset = queryset.select_related("provider")
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]
        self.fields["scan"].help_text = f"PDF, JPEG или PNG, не больше {scan_max_mb} МБ."
        if has_scan:
            self.fields["scan_clear"] = forms.BooleanField(label="Удалить приложенный скан", required=False)
        style(self)

    GROUPS = (
        ("Программа", ("programme", "title", "kind", "hours", "form", "topics")),
        ("Организация", ("provider", "provider_name", "provider_kind")),
        (
            "Сроки и документ",
            (
                "starts_on",
                "ends_on",
                "document_kind",
                "document_number",
                "registration_number",
                "issued_on",
                "funding",
            ),
        ),
        ("Скан документа", ("scan", "scan_clear")),
    )

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The fields in the fieldsets of the page."""
        return [
            (legend, [self[name] for name in names if name in self.fields]) for legend, names in self.GROUPS
        ]

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if not data.get("scan"):
            data.pop("scan", None)
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Причина отклонения", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)
