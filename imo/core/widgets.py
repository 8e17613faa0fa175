"""Django's common form widgets written in Python, byte for byte as their templates write them.

Every `{{ field }}` renders its widget through two or three small templates (text.html → input.html →
attrs.html): the template engine started anew for one line of HTML. On the educator card's edit form
(30 fields) that was a third of the page's time. `FastWidgetRenderer` (settings.FORM_RENDERER) writes
text-like inputs, check boxes, text areas and selects itself and hands every other template — file
inputs, radio and check-box lists, the project's own widgets, forms and fields — to Django's renderer
as before. Where a value is of a kind the templates would localise (a date or a number shown as an
option's label), it hands the widget over too. imo/core/tests/test_widgets.py compares the output of
both renderers for every widget written here.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.safestring import SafeData

from imo.core.markup import escaped

WIDGETS = "django/forms/widgets/"
# Templates that are `{% include "django/forms/widgets/input.html" %}` and a line break.
INPUTS = frozenset(
    f"{WIDGETS}{name}.html"
    for name in (
        "text",
        "email",
        "number",
        "date",
        "datetime",
        "time",
        "password",
        "hidden",
        "url",
        "search",
        "tel",
        "color",
        "checkbox",
    )
)


class _Unwritable(Exception):
    """A value the templates would localise: let them write the widget."""


def _escaped(value: Any) -> str:
    """`{{ value }}` of a text under autoescape; a value of another kind the templates would localise."""
    if hasattr(value, "__html__") or isinstance(value, (str, Promise)):
        return escaped(value)
    raise _Unwritable


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` under autoescape: the filter keeps a safe value safe."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return text if isinstance(value, SafeData) else html.escape(text)


def _attrs(attrs: Mapping[str, Any]) -> str:
    """django/forms/widgets/attrs.html: in order, True bare, False left out."""
    return "".join(
        f" {_escaped(name)}" if value is True else f' {_escaped(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
    return (
        f'<input type="{_escaped(widget["type"])}" name="{_escaped(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    text = _escaped(value) if value else ""
    return f'<textarea name="{_escaped(widget["name"])}"{_attrs(widget["attrs"])}>\n{text}</textarea>'


def _select(widget: Mapping[str, Any]) -> str:
    parts = [f'<select name="{_escaped(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_escaped(group_name)}">')
        for option in options:
            if option["template_name"] != f"{WIDGETS}select_option.html":
                raise _Unwritable
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_escaped(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


WRITERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    **dict.fromkeys(INPUTS, _input),
    f"{WIDGETS}textarea.html": _textarea,
    f"{WIDGETS}select.html": _select,
}


class FastWidgetRenderer(DjangoTemplates):
    """Django's default form renderer, except for the widgets WRITERS writes (see the module). Like the
    renderer's own output, theirs has no line break at the end (BaseRenderer.render strips it)."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        writer = WRITERS.get(template_name)
        if writer is not None and "widget" in context:
            try:
                return writer(context["widget"])
            except _Unwritable:
                pass
        return str(super().render(template_name, context, request=request))
