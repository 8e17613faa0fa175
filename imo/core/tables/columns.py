"""Columns of a data table: what a cell shows, how the column sorts, what goes to Excel."""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.expressions import OrderBy
from django.utils import formats, timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeString

from imo.core.markup import escaped
from imo.core.text import russian_sort_key

if TYPE_CHECKING:
    from imo.core.tables.table import Table

Sorter = Callable[[str], Any]  # a field path → an expression to order by, e.g. imo.core.collation.russian


def label_order(choices: Sequence[tuple[Any, Any]]) -> Sorter:
    """Sort a choices field by its Russian labels (not by the stored codes), on both databases:
    `Column("kind", "Тип", sort=label_order(Organization.Kind.choices))`."""
    ranked = sorted(choices, key=lambda choice: russian_sort_key(str(choice[1])))
    ranks = {value: index for index, (value, _) in enumerate(ranked)}

    def sorter(field: str) -> Case:
        whens = [When(**{field: value}, then=Value(rank)) for value, rank in ranks.items()]
        return Case(*whens, default=Value(len(ranks)), output_field=IntegerField())

    return sorter


def resolve(row: Any, path: str) -> Any:
    """The value at `path` ("parent.short_name" or "parent__short_name") of a row; a choices field
    gives its label (`get_kind_display()`); a missing link (None on the way) gives None."""
    return _reader(path)(row)


@functools.lru_cache(maxsize=1024)
def _reader(path: str) -> Callable[[Any], Any]:
    """A function reading `path` from a row, built once per path (exports call it for every cell)."""
    *links, name = path.replace("__", ".").split(".")
    display_name = f"get_{name}_display"

    def read(row: Any) -> Any:
        target = row
        for link in links:
            target = getattr(target, link, None)
            if target is None:
                return None
        labels = _choice_labels(target.__class__, name)
        if labels is not None:
            value = getattr(target, name, None)
            return labels.get(value, value)
        display = getattr(target, display_name, None)
        if display is not None:
            return display()
        return getattr(target, name, None)

    return read


@functools.lru_cache(maxsize=256)
def _choice_labels(model: Any, name: str) -> dict[Any, str] | None:
    """A model field's choices as {value: label}, built once: `get_FOO_display()` rebuilds its mapping on
    every call, which costs seconds over a 25,000-row export."""
    meta = getattr(model, "_meta", None)
    if meta is None:
        return None
    try:
        field = meta.get_field(name)
    except FieldDoesNotExist:  # a property or a method: read it as it is
        return None
    choices = getattr(field, "flatchoices", None)
    return {value: str(label) for value, label in choices} if choices else None


def plain_text(value: Any) -> str:
    """How a value reads on the page: dates dd.mm.yyyy, local time, да/нет, Russian decimals."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, int | float | Decimal):
        return str(formats.localize(value, use_l10n=True))
    return str(value)


def excel_value(value: Any) -> Any:
    """A value as Excel should hold it: dates and numbers stay typed, local time, objects as text."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, dt.date):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


@dataclass(frozen=True)
class Column:
    """One column. Only `name` (its key in the URL: `sort=name`, `cols=name`) and `label` are required.

    field       attribute path read for the cell ("parent.short_name"); defaults to `name`
    display     row → what the cell shows (text is escaped; return `format_html(...)` for markup)
    export      row → the value written to Excel (default: the field's value; dates stay dates)
    sort        False; True (plain order); or a sorter such as `russian` or `label_order(choices)`
    sort_fields database fields to sort by, in order (default: `field`)
    link        row → URL the cell links to (a normal link, not an htmx one)
    visible     shown until the user picks columns (a bool, or table → bool)
    hideable    False for the column that names the row: it is always shown
    classes     CSS classes of the header and cells (e.g. "d-none d-md-table-cell" on narrow screens)
    width       Excel column width in characters (default: from the header)
    """

    name: str
    label: str
    _: KW_ONLY
    field: str = ""
    display: Callable[[Any], Any] | None = None
    export: Callable[[Any], Any] | None = None
    export_label: str = ""
    sort: bool | Sorter = False
    sort_fields: tuple[str, ...] = ()
    link: Callable[[Any], str] | None = None
    visible: bool | Callable[[Table], bool] = True
    hideable: bool = True
    exportable: bool = True
    classes: str = ""
    width: int = 0

    @property
    def path(self) -> str:
        return self.field or self.name

    @property
    def header(self) -> str:
        """The Excel header."""
        return self.export_label or self.label

    @property
    def excel_width(self) -> int:
        return self.width or max(12, min(len(self.header) + 4, 40))

    @property
    def sortable(self) -> bool:
        return self.sort is not False

    def value(self, row: Any) -> Any:
        return _reader(self.path)(row)

    def html(self, row: Any) -> SafeString:
        """The cell's markup. Escaped with html.escape, as Django's escape() does, without its lazy-text
        wrappers: a page of 100 rows has ~1,000 cells."""
        shown = self.display(row) if self.display is not None else plain_text(self.value(row))
        if shown is None:
            return SafeString("")
        text = escaped(shown)
        if self.link is not None and text:
            return SafeString(f'<a href="{escaped(self.link(row))}" hx-boost="false">{text}</a>')
        return SafeString(text)

    def excel(self, row: Any) -> Any:
        if self.export is not None:
            return excel_value(self.export(row))
        if self.display is not None:  # a computed cell: its text, without the markup
            shown = self.display(row)
            return html.unescape(strip_tags(shown)) if isinstance(shown, SafeString) else excel_value(shown)
        return excel_value(self.value(row))

    def order_by(self, descending: bool) -> list[OrderBy]:
        fields = self.sort_fields or (self.path.replace(".", "__"),)
        expressions: list[OrderBy] = []
        for field in fields:
            expression: Any = self.sort(field) if callable(self.sort) else F(field)
            ordered = expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
            expressions.append(ordered)
        return expressions
