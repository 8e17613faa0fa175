"""Filters of a data table. Each one owns its GET parameters, its form fields and how it narrows rows.

A filter's value is `None` when it does not narrow the rows. Bad input (an unknown choice, a date that
is not a date) is reported in Russian beside the results and that filter is left out; the others apply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet

from imo.core.text import collapse_spaces, fold

if TYPE_CHECKING:
    from imo.core.tables.table import Table

Choices = Sequence[tuple[Any, str]]
ChoicesSource = Choices | Callable[["Table"], Choices] | str
# A custom way to apply a filter: a callable (queryset, value) → queryset, or the name of a Table
# method with the same signature (use a method when the filter needs the user: `self.user`).
Method = Callable[[QuerySet[Any], Any], QuerySet[Any]] | str
ALL = "all"  # the «Все» value of a choice filter that has a default


class Filter:
    """Base of the filters. `name` is the GET parameter, `field` the lookup path (default: `name`)."""

    template: ClassVar[str] = ""

    def __init__(self, name: str, label: str, *, field: str = "", method: Method | None = None) -> None:
        self.name = name
        self.label = label
        self.field = field or name
        self.method = method

    # --- the form -------------------------------------------------------------------------------

    def form_fields(self, table: Table) -> dict[str, forms.Field]:
        raise NotImplementedError

    def fill_defaults(self, data: Any, table: Table) -> None:
        """Put the default value into the form data when the parameter is absent (so the form shows it)."""

    def clean(self, form: forms.Form) -> None:
        """Checks across this filter's fields, after each field is cleaned."""

    def shown(self, table: Table) -> bool:
        return True

    # --- the value ------------------------------------------------------------------------------

    def value(self, cleaned: dict[str, Any]) -> Any:
        raise NotImplementedError

    def is_narrowing(self, value: Any) -> bool:
        """Whether the value differs from what the list shows with no parameters at all."""
        return value is not None

    def params(self, value: Any) -> list[tuple[str, str]]:
        """The GET parameters that reproduce `value` (none for the default)."""
        raise NotImplementedError

    def summary(self, value: Any, table: Table) -> str:
        return ""

    # --- the rows -------------------------------------------------------------------------------

    def apply(self, queryset: QuerySet[Any], value: Any, table: Table) -> QuerySet[Any]:
        if value is None:
            return queryset
        if isinstance(self.method, str):
            method: Callable[[QuerySet[Any], Any], QuerySet[Any]] = getattr(table, self.method)
            return method(queryset, value)
        if self.method is not None:
            return self.method(queryset, value)
        return self.lookup(queryset, value)

    def lookup(self, queryset: QuerySet[Any], value: Any) -> QuerySet[Any]:
        return queryset.filter(**{self.field: value})


class SearchFilter(Filter):
    """Text search: every word must occur in one of `fields`. The fields should hold folded text
    (`imo.core.text.search_text`): the query is folded the same way, so case and ё do not matter and
    the result is the same on SQLite and PostgreSQL."""

    template = "components/table_filter_search.html"

    def __init__(
        self,
        name: str = "q",
        label: str = "Поиск",
        *,
        fields: Sequence[str] = ("search_text",),
        placeholder: str = "",
        method: Method | None = None,
    ) -> None:
        super().__init__(name, label, field=fields[0], method=method)
        self.fields = tuple(fields)
        self.placeholder = placeholder

    def form_fields(self, table: Table) -> dict[str, forms.Field]:
        attrs = {"class": "form-control", "autocomplete": "off"}
        if self.placeholder:
            attrs["placeholder"] = self.placeholder
        return {
            self.name: forms.CharField(
                label=self.label, required=False, max_length=200, widget=forms.SearchInput(attrs=attrs)
            )
        }

    def value(self, cleaned: dict[str, Any]) -> Any:
        text = collapse_spaces(cleaned.get(self.name) or "")
        return text or None

    def params(self, value: Any) -> list[tuple[str, str]]:
        return [(self.name, value)] if value else []

    def lookup(self, queryset: QuerySet[Any], value: Any) -> QuerySet[Any]:
        for word in fold(value).split():
            condition = Q()
            for field in self.fields:
                condition |= Q(**{f"{field}__contains": word})
            queryset = queryset.filter(condition)
        return queryset


class _ChoicesMixin:
    choices_source: ChoicesSource

    def choices(self, table: Table) -> Choices:
        """The options, computed once per table (a callable may query the database)."""
        return table.cached(f"choices:{id(self)}", lambda: self._compute_choices(table))

    def _compute_choices(self, table: Table) -> Choices:
        source = self.choices_source
        if isinstance(source, str):
            return list(getattr(table, source)())
        if callable(source):
            return list(source(table))
        return list(source)


class ChoiceFilter(_ChoicesMixin, Filter):
    """One value from a list (a select). With a `default`, the list opens filtered by it and «Все»
    is sent as `name=all`. `coerce` converts the GET value (e.g. `int` for ids). With `min_choices`,
    the filter is hidden (and ignored) when there are fewer options, e.g. one municipality."""

    template = "components/table_filter_choice.html"

    def __init__(
        self,
        name: str,
        label: str,
        *,
        choices: ChoicesSource,
        field: str = "",
        default: Any = None,
        all_label: str = "Все",
        coerce: Callable[[str], Any] | None = None,
        min_choices: int = 0,
        method: Method | None = None,
    ) -> None:
        super().__init__(name, label, field=field, method=method)
        self.choices_source = choices
        self.default = default
        self.all_label = all_label
        self.coerce = coerce
        self.min_choices = min_choices

    @property
    def all_value(self) -> str:
        return ALL if self.default is not None else ""

    def shown(self, table: Table) -> bool:
        return len(self.choices(table)) >= self.min_choices

    def form_fields(self, table: Table) -> dict[str, forms.Field]:
        coerce = self.coerce or str

        def convert(raw: str) -> Any:
            return raw if raw == ALL else coerce(raw)

        return {
            self.name: forms.TypedChoiceField(
                label=self.label,
                required=False,
                # Callables: Django normalises a list of choices when the field is made, on every request;
                # a callable only when a value is checked or the field drawn (the bar draws its own).
                choices=lambda: [(self.all_value, self.all_label), *self.choices(table)],
                coerce=convert,
                empty_value=None,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
        }

    def fill_defaults(self, data: Any, table: Table) -> None:
        if self.default is not None and not data.get(self.name):
            data[self.name] = str(self.default)

    def value(self, cleaned: dict[str, Any]) -> Any:
        raw = cleaned.get(self.name)
        if raw is None or raw == "":
            raw = self.default
        return None if raw in (None, "", ALL) else raw

    def is_narrowing(self, value: Any) -> bool:
        return value != self.default

    def params(self, value: Any) -> list[tuple[str, str]]:
        if value == self.default:
            return []
        return [(self.name, ALL if value is None else str(value))]


class MultiChoiceFilter(_ChoicesMixin, Filter):
    """Any of several values, as repeated parameters (`kind=school&kind=kindergarten`), shown as a
    group of check boxes in a drop-down."""

    template = "components/table_filter_multichoice.html"

    def __init__(
        self,
        name: str,
        label: str,
        *,
        choices: ChoicesSource,
        field: str = "",
        coerce: Callable[[str], Any] | None = None,
        all_label: str = "Все",
        method: Method | None = None,
    ) -> None:
        super().__init__(name, label, field=field, method=method)
        self.choices_source = choices
        self.coerce = coerce
        self.all_label = all_label

    def form_fields(self, table: Table) -> dict[str, forms.Field]:
        return {
            self.name: forms.TypedMultipleChoiceField(
                label=self.label,
                required=False,
                choices=lambda: self.choices(table),  # a callable: see ChoiceFilter.form_fields
                coerce=self.coerce or str,
                widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            )
        }

    def value(self, cleaned: dict[str, Any]) -> Any:
        chosen = cleaned.get(self.name) or []
        return tuple(dict.fromkeys(chosen)) or None

    def params(self, value: Any) -> list[tuple[str, str]]:
        return [(self.name, str(item)) for item in value or ()]

    def summary(self, value: Any, table: Table) -> str:
        if not value:
            return self.all_label
        labels = dict(self.choices(table))
        return ", ".join(str(labels.get(item, item)) for item in value)

    def lookup(self, queryset: QuerySet[Any], value: Any) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.field}__in": value})


class DateRangeFilter(Filter):
    """Dates from–to, both optional and inclusive, as `<name>_from` and `<name>_to`. The browser's date
    input sends ISO dates (and shows дд.мм.гггг in a Russian browser); дд.мм.гггг and д.м.гг typed into
    a link work too. On a date-and-time field the local calendar date is compared."""

    template = "components/table_filter_daterange.html"

    def __init__(
        self,
        name: str,
        label: str,
        *,
        field: str = "",
        from_label: str = "с",
        to_label: str = "по",
        method: Method | None = None,
    ) -> None:
        super().__init__(name, label, field=field, method=method)
        self.from_name = f"{name}_from"
        self.to_name = f"{name}_to"
        self.from_label = from_label
        self.to_label = to_label

    def _date_field(self, label: str) -> forms.DateField:
        return forms.DateField(
            label=label,
            required=False,
            widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
            error_messages={"invalid": "Введите дату в формате дд.мм.гггг."},
        )

    def form_fields(self, table: Table) -> dict[str, forms.Field]:
        return {
            self.from_name: self._date_field(f"{self.label} {self.from_label}"),
            self.to_name: self._date_field(f"{self.label} {self.to_label}"),
        }

    def clean(self, form: forms.Form) -> None:
        data: Any = form.data  # the table's own mutable copy of the query
        start, end = form.cleaned_data.get(self.from_name), form.cleaned_data.get(self.to_name)
        if start and end and start > end:
            form.add_error(
                self.to_name, f"Дата «{self.to_label}» не может быть раньше даты «{self.from_label}»."
            )
        # Show the dates back as ISO, the only form a date input accepts.
        for name in (self.from_name, self.to_name):
            day = form.cleaned_data.get(name)
            if isinstance(day, dt.date):
                data[name] = day.isoformat()

    def value(self, cleaned: dict[str, Any]) -> Any:
        start, end = cleaned.get(self.from_name), cleaned.get(self.to_name)
        return (start, end) if start or end else None

    def params(self, value: Any) -> list[tuple[str, str]]:
        if not value:
            return []
        start, end = value
        return [
            (name, day.isoformat()) for name, day in ((self.from_name, start), (self.to_name, end)) if day
        ]

    def lookup(self, queryset: QuerySet[Any], value: Any) -> QuerySet[Any]:
        start, end = value
        path = f"{self.field}__date" if _is_datetime(queryset.model, self.field) else self.field
        if start:
            queryset = queryset.filter(**{f"{path}__gte": start})
        if end:
            queryset = queryset.filter(**{f"{path}__lte": end})
        return queryset


def _is_datetime(model: type[models.Model], path: str) -> bool:
    """Whether the field at `path` ("parent__created_at") is a date-and-time field."""
    *links, name = path.split("__")
    try:
        for part in links:
            related = model._meta.get_field(part).related_model
            if not isinstance(related, type):
                return False
            model = related
        return isinstance(model._meta.get_field(name), models.DateTimeField)
    except FieldDoesNotExist:
        return False
