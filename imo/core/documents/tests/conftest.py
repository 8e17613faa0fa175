from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from imo.core.documents.registry import DocumentKind, TemplateVariable, register_kind, unregister_kind
from imo.core.documents.rendering import DocxImage
from imo.core.documents.tests.docx_files import letter_template, png_bytes

LETTER = "tests.letter"
LETTER_HTML = """{% extends "documents/pdf/base.html" %}{% block content %}
<h1>Письмо № {{ document_number }}</h1><p>Адресат: {{ addressee }}. Ёлка, щука, «кавычки».</p>
{% for row in items %}<p>{{ row.name }} — {{ row.count }}</p>{% endfor %}{{ extra_html }}
{% endblock %}"""


def letter_sample(fmt: str) -> dict:
    return {
        "addressee": "МБОУ «СОШ № 1» & партнёры <ООО>",
        "event_date": dt.date(2026, 3, 5),
        "items": [{"name": "Школы", "count": 14}, {"name": "Детские сады", "count": 10}],
        "picture": DocxImage(png_bytes(), width_mm=20) if fmt == "docx" else "",
        "extra_html": "",
    }


def _templates_with(extra: dict[str, str]) -> list[dict]:
    """The project's TEMPLATES with an in-memory loader in front (the partials/cached wrapping kept)."""
    templates: list[dict[str, Any]] = copy.deepcopy(settings.TEMPLATES)
    options = templates[0].setdefault("OPTIONS", {})
    loaders = options["loaders"]
    innermost = loaders
    while isinstance(innermost, list) and innermost and isinstance(innermost[0], tuple):
        innermost = innermost[0][1]
    innermost.insert(0, ("django.template.loaders.locmem.Loader", extra))
    return templates


@pytest.fixture
def letter_kind(tmp_path: Path):
    """A document kind declared only for the tests: DOCX (built-in file in tmp) and PDF (locmem template)."""
    template = tmp_path / "letter.docx"
    template.write_bytes(letter_template())
    kind = register_kind(
        DocumentKind(
            code=LETTER,
            title="Тестовое письмо",
            docx_template=template,
            pdf_template="tests/letter.html",
            number_prefix="",
            variables=(
                TemplateVariable("addressee", "Кому"),
                TemplateVariable("event_date", "Дата события"),
                TemplateVariable("items", "Строки: row.name, row.count"),
                TemplateVariable("picture", "Картинка"),
                TemplateVariable("extra_html", "Только для PDF"),
            ),
            sample_context=letter_sample,
        )
    )
    with override_settings(TEMPLATES=_templates_with({"tests/letter.html": LETTER_HTML})):
        yield kind
    unregister_kind(LETTER)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        username="root",
        email="root@example.ru",
        password="Пароль-для-тестов-1",
        last_name="Админов",
        first_name="Пётр",
    )


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    """A MEDIA_ROOT per test: tests that compare the files stored never see another worker's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
