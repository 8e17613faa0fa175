"""FastWidgetRenderer writes the same bytes as Django's widget templates (imo/core/widgets.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from markupsafe import Markup

from imo.core import widgets
from imo.core.widgets import FastWidgetRenderer

TRICKY = "a < b & \"c\" 'd' > e"


class Everything(forms.Form):
    text = forms.CharField(max_length=10, help_text="x", widget=forms.TextInput(attrs={"data-x": TRICKY}))
    email = forms.EmailField(required=False)
    number = forms.IntegerField(min_value=0, max_value=70)
    decimal = forms.DecimalField(required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    moment = forms.DateTimeField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    url = forms.URLField(required=False)
    flag = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"autofocus": True}))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "disabled": False}), required=False)
    kind = forms.ChoiceField(
        choices=[("", "—"), ("a", TRICKY), ("b", gettext_lazy("Учитель")), ("c", Markup("<em>Markup</em>"))]
    )
    grouped = forms.ChoiceField(
        choices=[
            ("Школы", [(1, "СОШ № 1"), (2, "Гимназия")]),
            ("Прочие", [(3, "ДДТ <3>")]),
            (4, "Без группы"),
        ]
    )
    many = forms.MultipleChoiceField(choices=[(1, "один"), (2, "два"), (3, "три")], required=False)
    maybe = forms.NullBooleanField(required=False)
    year = forms.TypedChoiceField(choices=[(2025, 2025), (2026, 2026)], coerce=int)  # numbers as labels
    safe = forms.CharField(required=False, widget=forms.TextInput(attrs={"title": mark_safe("<i>ok</i>")}))
    radio = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect, required=False)
    upload = forms.FileField(required=False)


DATA = {
    "text": TRICKY,
    "email": "a@example.ru",
    "number": "7",
    "decimal": "1.50",
    "day": "2026-11-26",
    "moment": "2026-11-26 10:00",
    "secret": "<pw>",
    "hidden": '"hidden"',
    "url": "https://example.ru/?a=1&b=2",
    "flag": "on",
    "note": f"line 1\n{TRICKY}",
    "kind": "a",
    "grouped": "3",
    "many": ["1", "3"],
    "maybe": "true",
    "year": "2026",
    "safe": mark_safe("<b>safe</b>"),
    "radio": "y",
}

INITIAL = {
    "text": "",
    "number": 0,
    "day": dt.date(2026, 1, 2),
    "note": "",
    "kind": "b",
    "many": [2],
    "maybe": None,
    "flag": False,
}


def _pages(form_class: type[forms.Form], **kwargs: Any) -> tuple[str, str]:
    fast, plain = (
        form_class(renderer=FastWidgetRenderer(), **kwargs),
        form_class(renderer=DjangoTemplates(), **kwargs),
    )
    return "".join(str(field) for field in fast), "".join(str(field) for field in plain)


@pytest.mark.parametrize(
    "kwargs", [{}, {"data": DATA}, {"initial": INITIAL}, {"data": {}}, {"data": {**DATA, "number": "x"}}]
)
def test_every_widget_is_written_as_the_templates_write_it(kwargs):
    fast, plain = _pages(Everything, **kwargs)
    assert fast == plain


def test_the_common_widgets_skip_the_templates(monkeypatch):
    used: list[str] = []
    original = DjangoTemplates.render

    def spy(self, template_name, context, request=None):
        used.append(template_name)
        return original(self, template_name, context, request)

    monkeypatch.setattr(DjangoTemplates, "render", spy)
    form = Everything(data=DATA, renderer=FastWidgetRenderer())
    for name in ("text", "number", "day", "flag", "note", "kind", "grouped", "many", "maybe"):
        str(form[name])
    assert used == []
    str(form["year"])  # numbers as labels: the templates localise them
    str(form["radio"])
    str(form["upload"])
    assert {f"{widgets.WIDGETS}select.html", f"{widgets.WIDGETS}radio.html"} <= set(used)


def test_it_is_the_projects_renderer():
    assert settings.FORM_RENDERER == "imo.core.widgets.FastWidgetRenderer"
    assert isinstance(get_default_renderer(), FastWidgetRenderer)
