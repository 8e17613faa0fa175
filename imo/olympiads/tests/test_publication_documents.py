from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from imo.core.documents.registry import get_kind
from imo.core.documents.rendering import render_docx_with
from imo.core.documents.services import common_context
from imo.olympiads.publication import documents
from imo.olympiads.tests.publication_fixtures import Results, add_student, make_results, make_stage_subject

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_protocol_docx_has_the_rows_and_the_jury(district):
    results = make_results(district)
    content, name = documents.protocol_docx(
        stage_subject=results.stage_subject, user=district.user("methodist")
    )
    text = _text(content)
    assert "ИТОГОВЫЙ ПРОТОКОЛ" in text
    assert "муниципального этапа" in text and "«Математика»" in text and "2026/2027" in text
    assert "Асхабов Ислам Магомедович" in text  # the office's documents carry full names
    assert "42,5" in text and "победитель" in text and "МА-7-0001" in text
    assert "Председатель жюри: ____________ Хасанова Аминат Ибрагимовна" in text
    assert name.endswith(".docx") and "Математика" in name


def test_protocol_pdf(district):
    results = make_results(district)
    content, name = documents.protocol_pdf(stage_subject=results.stage_subject, user=None)
    assert content.startswith(b"%PDF")
    assert name.endswith(".pdf")


def test_winners_docx_lists_winners_and_prize_winners_only(district):
    results = make_results(district)
    text = _text(documents.winners_docx(stage_subject=results.stage_subject, user=None)[0])
    assert "Иванова Мадина Руслановна" in text and "Садулаев Ахмед" in text
    assert "Дадаева" not in text


def test_order_docx_covers_every_subject_of_the_stage(district):
    results = make_results(district)
    physics = make_stage_subject(district, subject="Физика")
    add_student(Results(physics), district, last="Висаитов", first="Адам", status="winner")
    text = _text(documents.order_docx(stage=results.stage, user=None)[0])
    assert "ПРИКАЗ" in text
    assert (
        "Об итогах муниципального этапа всероссийской олимпиады школьников в 2026/2027 учебном году" in text
    )
    assert "Математика, Физика" in text
    assert "Висаитов Адам" in text and "Иванова Мадина Руслановна" in text
    assert "Дадаева" not in text


@pytest.mark.parametrize("code", [documents.PROTOCOL_CODE, documents.WINNERS_CODE, documents.ORDER_CODE])
def test_built_in_templates_render_their_samples(code):
    kind = get_kind(code)
    context = {
        **kind.sample_context("docx"),
        **common_context(kind=kind, number="1", on=dt.date(2026, 12, 1), by=None),
    }
    assert _text(render_docx_with(kind, None, context))


def test_each_diploma_carries_its_verification_address_as_a_qr_code(district):
    """The QR code encodes the public check page's address of that diploma (a different token, a
    different code) and is drawn from a data: URI, so WeasyPrint fetches nothing."""
    import base64
    from urllib.parse import unquote

    from imo.olympiads.publication import documents

    first = documents._qr_data_uri("https://imo.example/olympiads/results/check/AAA/")
    second = documents._qr_data_uri("https://imo.example/olympiads/results/check/BBB/")
    assert first.startswith("data:image/svg+xml")
    assert first != second
    svg = first.split(",", 1)[1]
    text = unquote(svg) if "base64" not in first.split(",", 1)[0] else base64.b64decode(svg).decode()
    assert "<svg" in text and "<path" in text
