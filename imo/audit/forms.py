from __future__ import annotations

from typing import Any

from django import forms

from imo.audit.selectors import FILTER_ACTIONS


class LogFilterForm(forms.Form):
    q = forms.CharField(
        label="Объект",
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"placeholder": "Название организации, ФИО"}),
    )
    actor = forms.TypedChoiceField(label="Кто изменил", required=False, coerce=int, empty_value=None)
    model = forms.ChoiceField(label="Тип объекта", required=False)
    action = forms.TypedChoiceField(
        label="Действие",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Все"), *FILTER_ACTIONS],
    )
    date_from = forms.DateField(
        label="С даты", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label="По дату", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    # One object's history, set by the link on an entry's page; kept while other filters change.
    object = forms.CharField(required=False, max_length=255, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, actors: list[tuple[int, str]], models: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        actor_field = self.fields["actor"]
        model_field = self.fields["model"]
        assert isinstance(actor_field, forms.TypedChoiceField)
        assert isinstance(model_field, forms.ChoiceField)
        actor_field.choices = [("", "Все"), *actors]
        model_field.choices = [("", "Все"), *models]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            widget.attrs.setdefault(
                "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "Дата «по» не может быть раньше даты «с».")
        return data
