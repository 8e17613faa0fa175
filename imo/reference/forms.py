from __future__ import annotations

from typing import Any

from django import forms

from imo.reference.models import Position, Subject
from imo.reference.services import FIRST_ACADEMIC_YEAR, LAST_ACADEMIC_YEAR


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "form-check-input")
            continue
        widget.attrs.setdefault(
            "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
        )


_ORDER_HELP = "Необязательно: порядок в списках, где записи идут не по алфавиту (например, в отчётах)."


class _ItemForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        _style(self)

    def clean_order(self) -> int:
        return self.cleaned_data.get("order") or 0

    def validate_unique(self) -> None:
        """Names are checked by the service, which also treats «История» and «история» as the same."""


class SubjectForm(_ItemForm):
    class Meta:
        model = Subject
        fields = ["name", "is_olympiad", "order"]
        labels = {"is_olympiad": "Предмет Всероссийской олимпиады школьников (ВсОШ)"}
        help_texts = {"name": "Как предмет называют в школах, например «Русский язык».", "order": _ORDER_HELP}


class PositionForm(_ItemForm):
    class Meta:
        model = Position
        fields = ["name", "order"]
        help_texts = {"name": "Как в штатном расписании, например «Учитель-логопед».", "order": _ORDER_HELP}


class AcademicYearForm(forms.Form):
    start_year = forms.IntegerField(
        label="Год начала",
        min_value=FIRST_ACADEMIC_YEAR,
        max_value=LAST_ACADEMIC_YEAR,
        help_text="Например, 2026 — это учебный год 2026/2027 (с 1 сентября 2026 по 31 августа 2027).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
