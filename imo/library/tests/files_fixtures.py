"""Files for the library's files tests and bench: real DOCX (python-docx), PDF (WeasyPrint), XLSX
(xlsxwriter), minimal valid ODT and PPTX zips, a scan-like PDF (an image only), and the bad inputs."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

from django.core.files.uploadedfile import SimpleUploadedFile

from imo.library.models import Document, DocumentKind

PARAGRAPHS = (
    "Методические рекомендации по подготовке обучающихся к олимпиадам по математике.",
    "Учителям начальных классов предлагается использовать задания на функциональную грамотность.",
    "Ёмкие формулировки облегчают проверку решений членами жюри.",
)


def docx_bytes(
    title: str, paragraphs: Sequence[str] = PARAGRAPHS, *, header: str = "", table: bool = False
) -> bytes:
    import docx

    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=2, cols=2)
        grid.cell(0, 0).text = "Предмет"
        grid.cell(0, 1).text = "Количество участников"
        grid.cell(1, 0).text = "Химия"
        grid.cell(1, 1).text = "42"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(title: str, paragraphs: Sequence[str] = PARAGRAPHS) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
    html = (
        f'<html lang="ru"><body style="font-family: DejaVu Sans"><h1>{escape(title)}</h1>{body}</body></html>'
    )
    return HTML(string=html).write_pdf()


def scan_pdf_bytes() -> bytes:
    """A PDF page holding only a picture (a grey box drawn as an image), no text layer: like a scan."""
    from weasyprint import HTML

    png = png_bytes()
    import base64

    data = base64.b64encode(png).decode()
    return HTML(
        string=f'<html><body><img src="data:image/png;base64,{data}" width="400"></body></html>'
    ).write_pdf()


def png_bytes() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80\x80\x80" * 4 for _ in range(4))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _zip(parts: Sequence[tuple[str, str | bytes]], *, stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(parts):
            compress = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compress)
    return out.getvalue()


def odt_bytes(title: str, paragraphs: Sequence[str] = PARAGRAPHS) -> bytes:
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    body = "".join(f"<text:p>{escape(p)}</text:p>" for p in paragraphs)
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
        f'<office:body><office:text><text:h text:outline-level="1">{escape(title)}</text:h>'
        f"<text:p>Слово<text:s/>и<text:tab/>табуляция<text:span> в выделении</text:span></text:p>"
        f"{body}</office:text></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    return _zip(
        [
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("content.xml", content),
            ("META-INF/manifest.xml", manifest),
        ],
        stored_first=True,
    )


def pptx_bytes(slides: Sequence[str]) -> bytes:
    """The parts the detector and the extractor read (not a file PowerPoint would open: enough here)."""
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    p = "http://schemas.openxmlformats.org/presentationml/2006/main"
    parts: list[tuple[str, str | bytes]] = [
        (
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        ),
        ("ppt/presentation.xml", f'<?xml version="1.0"?><p:presentation xmlns:p="{p}"/>'),
    ]
    for number, text in enumerate(slides, start=1):
        parts.append(
            (
                f"ppt/slides/slide{number}.xml",
                f'<?xml version="1.0"?><p:sld xmlns:p="{p}" xmlns:a="{a}"><p:cSld><p:spTree><p:sp><p:txBody>'
                f"<a:p><a:r><a:t>{escape(text)}</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>",
            )
        )
    return _zip(parts)


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Участники")
    for index, row in enumerate(rows):
        sheet.write_row(index, 0, row)
    book.close()
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def make_document(organization, *, title: str = "Положение о конкурсе «Учитель года»", **fields) -> Document:
    kind = fields.pop("kind", None) or DocumentKind.objects.order_by("order", "pk").first()
    assert kind is not None, "migration 0003 seeds the document kinds"
    return Document.objects.create(organization=organization, title=title, kind=kind, **fields)
