import io
import re
import zlib

import pytest
from docx import Document

from imo.core.documents.rendering import (
    DocumentError,
    DocxImage,
    local_only_fetcher,
    render_docx,
    render_docx_source,
    render_pdf,
    static_file_for,
)
from imo.core.documents.tests.conftest import LETTER, letter_sample
from imo.core.documents.tests.docx_files import docx_bytes, png_bytes


def _text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def _pdf_streams(data: bytes) -> bytes:
    """Every stream of a PDF, inflated where compressed: enough to look for font names."""
    out = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(out)


@pytest.mark.django_db
def test_docx_fills_fields_loops_dates_and_pictures(letter_kind):
    context = {**letter_sample("docx"), "document_number": "7/2026", "document_date": "05.03.2026"}
    context["issued_by_short_name"] = "Иванова М. П."
    data = render_docx(LETTER, context)
    text = _text(data)
    assert "Письмо № 7/2026 от 05.03.2026" in text
    # "&" and "<>" are escaped into the XML, not breaking it: the text reads back as typed.
    assert "Адресат: МБОУ «СОШ № 1» & партнёры <ООО>" in text
    assert "Дата события: 05.03.2026" in text  # a date becomes дд.мм.гггг
    assert "Школы" in text and "Детские сады" in text and "{%" not in text
    assert len(Document(io.BytesIO(data)).inline_shapes) == 1


def test_a_missing_field_is_an_error_in_russian_not_a_blank():
    with pytest.raises(DocumentError) as caught:
        render_docx_source(docx_bytes("Здравствуйте, {{ addressee }}!"), {})
    assert "{{ addressee }}" in caught.value.messages[0]
    assert "нет в данных документа" in caught.value.messages[0]


def test_a_missing_attribute_is_named():
    with pytest.raises(DocumentError) as caught:
        render_docx_source(docx_bytes("{{ person.patronymic }}"), {"person": {"name": "Ахмед"}})
    assert "patronymic" in caught.value.messages[0]


def test_templates_run_in_a_sandbox():
    hostile = docx_bytes("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(DocumentError) as caught:
        render_docx_source(hostile, {})
    assert "недопустимые" in caught.value.messages[0]


def test_a_syntax_error_says_how_fields_are_written():
    with pytest.raises(DocumentError) as caught:
        render_docx_source(docx_bytes("{% if addressee %}без конца"), {"addressee": "x"})
    assert "{{ имя }}" in caught.value.messages[0]


def test_docx_image_width_is_kept():
    data = render_docx_source(docx_bytes("{{ logo }}"), {"logo": DocxImage(png_bytes(), width_mm=30)})
    shape = Document(io.BytesIO(data)).inline_shapes[0]
    assert abs(shape.width.mm - 30) < 0.5


@pytest.mark.django_db
def test_pdf_has_cyrillic_fonts_embedded(letter_kind):
    context = {**letter_sample("pdf"), "document_number": "7/2026", "document_title": "Письмо"}
    data = render_pdf("tests/letter.html", context)
    assert data.startswith(b"%PDF-")
    streams = _pdf_streams(data)
    assert b"DejaVu" in streams or b"Liberation" in streams


@pytest.mark.django_db
def test_pdf_never_fetches_from_the_network_or_local_files(letter_kind, caplog):
    context = {
        **letter_sample("pdf"),
        "document_number": "1/2026",
        "extra_html": "",
    }
    from django.template import engines

    # Injected markup is escaped by the template; fetching is tested with a template of our own.
    html = (
        '{% extends "documents/pdf/base.html" %}{% block content %}'
        '<img src="http://127.0.0.1:9/x.png"><img src="file:///etc/passwd">'
        '<img src="/static/favicon.svg"><p>Текст</p>{% endblock %}'
    )
    template = engines["django"].from_string(html)
    fetched = []
    fetcher = local_only_fetcher()
    original = fetcher.fetch

    def spy(url, headers=None):
        fetched.append(url)
        return original(url, headers)

    fetcher.fetch = spy
    from weasyprint import HTML

    from imo.core.documents.rendering import PDF_BASE_URL

    HTML(string=template.render(context), base_url=PDF_BASE_URL, url_fetcher=fetcher).write_pdf()
    assert "http://127.0.0.1:9/x.png" in fetched and "file:///etc/passwd" in fetched
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert any("127.0.0.1" in m for m in refused) and any("/etc/passwd" in m for m in refused)
    assert not any("favicon" in m for m in refused)


def test_static_files_are_the_only_local_files_allowed():
    assert static_file_for("https://imo.invalid/static/favicon.svg") is not None
    assert static_file_for("https://imo.invalid/static/../imo/settings.py") is None
    assert static_file_for("https://imo.invalid/media/documents/x.docx") is None
    assert static_file_for("https://example.com/static/favicon.svg") is None
    assert static_file_for("file:///etc/passwd") is None


def test_fetcher_refuses_everything_but_data_and_static():
    fetcher = local_only_fetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("http://127.0.0.1:9/")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    assert fetcher.fetch("data:text/plain;base64,0J/RgNC40LLQtdGC").read().decode() == "Привет"
    assert fetcher.fetch("https://imo.invalid/static/favicon.svg").read().startswith(b"<")
