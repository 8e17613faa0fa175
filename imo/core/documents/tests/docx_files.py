"""Word files made inside the tests: good templates and every kind of bad upload."""

from __future__ import annotations

import io
import zipfile

from docx import Document

from imo.core.documents.validation import WORD_MACRO, WORD_MAIN, WORD_TEMPLATE


def docx_bytes(*paragraphs: str, table_loop: bool = False) -> bytes:
    """A .docx whose paragraphs are the given texts (docxtpl syntax allowed)."""
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table_loop:
        table = document.add_table(rows=3, cols=2)
        table.rows[0].cells[0].merge(table.rows[0].cells[1]).text = "{%tr for row in items %}"
        table.rows[1].cells[0].text = "{{ row.name }}"
        table.rows[1].cells[1].text = "{{ row.count }}"
        table.rows[2].cells[0].merge(table.rows[2].cells[1]).text = "{%tr endfor %}"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def letter_template() -> bytes:
    """The test kind's built-in template: every field of the kind, a loop and a picture."""
    return docx_bytes(
        "Письмо № {{ document_number }} от {{ document_date }}",
        "Адресат: {{ addressee }}",
        "Дата события: {{ event_date }}",
        "{{ picture }}",
        "Выдал: {{ issued_by_short_name }}",
        table_loop=True,
    )


def rewrite_zip(data: bytes, change: dict[str, bytes | None], add: dict[str, bytes] | None = None) -> bytes:
    """A copy of a zip with some members replaced (None removes them) or added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename in change:
                replacement = change[item.filename]
                if replacement is not None:
                    target.writestr(item.filename, replacement)
                continue
            target.writestr(item, source.read(item.filename))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return buffer.getvalue()


def with_main_content_type(data: bytes, content_type: str) -> bytes:
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    return rewrite_zip(
        data, {"[Content_Types].xml": types.replace(WORD_MAIN.encode(), content_type.encode())}
    )


def docm_bytes() -> bytes:
    return with_main_content_type(docx_bytes("{{ addressee }}"), WORD_MACRO)


def dotx_bytes() -> bytes:
    return with_main_content_type(docx_bytes("{{ addressee }}"), WORD_TEMPLATE)


def with_external_picture(data: bytes) -> bytes:
    rels = zipfile.ZipFile(io.BytesIO(data)).read("word/_rels/document.xml.rels")
    linked = (
        b'<Relationship Id="rIdRemote" TargetMode="External" Target="http://example.com/logo.png" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"/></Relationships>'
    )
    return rewrite_zip(data, {"word/_rels/document.xml.rels": rels.replace(b"</Relationships>", linked)})


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "{{ addressee }}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


# An OLE compound file header: what Word writes for an old .doc and for any password-protected .docx.
OLE_BYTES = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504
