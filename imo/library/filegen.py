"""Real document files with given Russian text, for the demo library, the tests and the benches.

DOCX, ODT and PPTX are written as raw OpenXML / OpenDocument zips (the fewest parts their readers need):
no template files, a fraction of a millisecond each, and the same bytes for the same input (fixed zip
timestamps), so seeded demo data is reproducible. PDF goes through WeasyPrint with the project's PDF
stylesheet (Cyrillic fonts): about 0.08 s a file, so callers that need thousands share a few.
`scan_pdf_bytes` makes a PDF of drawn "lines" with no text layer — what a scanner produces.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

_ZIP_DATE = (2025, 1, 1, 0, 0, 0)


def _zip(parts: Sequence[tuple[str, str]], *, stored_first: bool = False) -> bytes:
    """A zip of (name, text) parts; with `stored_first` the first part is stored uncompressed (the ODF
    `mimetype` entry must be, so readers can sniff it at a fixed offset)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, text) in enumerate(parts):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            stored = stored_first and index == 0
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def _x(text: str) -> str:
    return escape(text, {'"': "&quot;"})


# --- DOCX -------------------------------------------------------------------------------------------

_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.document.main+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.'
    'core-properties+xml"/>'
    "</Types>"
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    "</Relationships>"
)


def _docx_paragraph(text: str, *, heading: bool = False) -> str:
    if heading:
        return (
            '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/><w:sz w:val="32"/></w:rPr>'
            f'<w:t xml:space="preserve">{_x(text)}</w:t></w:r></w:p>'
        )
    return f'<w:p><w:r><w:t xml:space="preserve">{_x(text)}</w:t></w:r></w:p>'


def _core(title: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{_x(title)}</dc:title><dc:language>ru-RU</dc:language></cp:coreProperties>"
    )


def docx_bytes(title: str, paragraphs: Sequence[str]) -> bytes:
    """A Word document: the title as a bold centred heading, then one paragraph per item."""
    body = _docx_paragraph(title, heading=True) + "".join(_docx_paragraph(p) for p in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
    )
    return _zip(
        [
            ("[Content_Types].xml", _DOCX_TYPES),
            ("_rels/.rels", _DOCX_RELS),
            ("word/document.xml", document),
            ("docProps/core.xml", _core(title)),
        ]
    )


# --- ODT --------------------------------------------------------------------------------------------

_ODT_MIME = "application/vnd.oasis.opendocument.text"
_ODT_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_ODT_MIME}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def odt_bytes(title: str, paragraphs: Sequence[str]) -> bytes:
    """An OpenDocument text: a level-1 heading and the paragraphs."""
    body = f'<text:h text:outline-level="1">{_x(title)}</text:h>' + "".join(
        f"<text:p>{_x(p)}</text:p>" for p in paragraphs
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    return _zip(
        [("mimetype", _ODT_MIME), ("META-INF/manifest.xml", _ODT_MANIFEST), ("content.xml", content)],
        stored_first=True,
    )


# --- PPTX -------------------------------------------------------------------------------------------

_P = "http://schemas.openxmlformats.org/presentationml/2006/main"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_PML = "application/vnd.openxmlformats-officedocument.presentationml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_EMPTY_TREE = '<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>'


def _rels(*targets: tuple[str, str]) -> str:
    items = "".join(
        f'<Relationship Id="rId{index}" Type="{_REL}/{kind}" Target="{target}"/>'
        for index, (kind, target) in enumerate(targets, start=1)
    )
    return f'{_HEAD}<Relationships xmlns="{_PKG}/relationships">{items}</Relationships>'


def _text_box(shape_id: int, lines: Sequence[str], *, y: int, height: int, size: int) -> str:
    paragraphs = "".join(
        f'<a:p><a:r><a:rPr lang="ru-RU" sz="{size}"/><a:t>{_x(line)}</a:t></a:r></a:p>' for line in lines
    )
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="Текст {shape_id}"/><p:cNvSpPr txBox="1"/><p:nvPr/>'
        f'</p:nvSpPr><p:spPr><a:xfrm><a:off x="457200" y="{y}"/><a:ext cx="8229600" cy="{height}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr>'
        f'<p:txBody><a:bodyPr wrap="square"/><a:lstStyle/>{paragraphs}</p:txBody></p:sp>'
    )


def _slide(title: str, lines: Sequence[str]) -> str:
    shapes = _text_box(2, [title], y=300000, height=900000, size=2800) + _text_box(
        3, lines, y=1300000, height=5000000, size=1600
    )
    return (
        f'{_HEAD}<p:sld xmlns:a="{_A}" xmlns:r="{_R}" xmlns:p="{_P}"><p:cSld><p:spTree>{_EMPTY_TREE}'
        f"{shapes}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>"
    )


_THEME = (
    f'{_HEAD}<a:theme xmlns:a="{_A}" name="ИМО"><a:themeElements>'
    '<a:clrScheme name="ИМО"><a:dk1><a:srgbClr val="000000"/></a:dk1><a:lt1><a:srgbClr val="FFFFFF"/></a:lt1>'
    '<a:dk2><a:srgbClr val="1F2937"/></a:dk2><a:lt2><a:srgbClr val="F3F4F6"/></a:lt2>'
    + "".join(f'<a:accent{i}><a:srgbClr val="1D4ED8"/></a:accent{i}>' for i in range(1, 7))
    + '<a:hlink><a:srgbClr val="1D4ED8"/></a:hlink><a:folHlink><a:srgbClr val="6D28D9"/></a:folHlink>'
    "</a:clrScheme>"
    '<a:fontScheme name="ИМО"><a:majorFont><a:latin typeface="Arial"/><a:ea typeface=""/><a:cs typeface=""/>'
    '</a:majorFont><a:minorFont><a:latin typeface="Arial"/><a:ea typeface=""/><a:cs typeface=""/>'
    "</a:minorFont></a:fontScheme>"
    '<a:fmtScheme name="ИМО"><a:fillStyleLst>'
    + '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>' * 3
    + "</a:fillStyleLst><a:lnStyleLst>"
    + '<a:ln w="9525"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>' * 3
    + "</a:lnStyleLst><a:effectStyleLst>"
    + "<a:effectStyle><a:effectLst/></a:effectStyle>" * 3
    + "</a:effectStyleLst><a:bgFillStyleLst>"
    + '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>' * 3
    + "</a:bgFillStyleLst></a:fmtScheme></a:themeElements></a:theme>"
)
_MASTER = (
    f'{_HEAD}<p:sldMaster xmlns:a="{_A}" xmlns:r="{_R}" xmlns:p="{_P}"><p:cSld><p:spTree>{_EMPTY_TREE}'
    '</p:spTree></p:cSld><p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" '
    'accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" '
    'hlink="hlink" folHlink="folHlink"/><p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/>'
    "</p:sldLayoutIdLst></p:sldMaster>"
)
_LAYOUT = (
    f'{_HEAD}<p:sldLayout xmlns:a="{_A}" xmlns:r="{_R}" xmlns:p="{_P}" type="blank"><p:cSld name="Пустой">'
    f"<p:spTree>{_EMPTY_TREE}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr>"
    "</p:sldLayout>"
)


def pptx_bytes(title: str, paragraphs: Sequence[str], *, per_slide: int = 3) -> bytes:
    """A presentation: one slide per `per_slide` paragraphs, each headed by the title (16:9)."""
    chunks = [list(paragraphs[i : i + per_slide]) for i in range(0, len(paragraphs), per_slide)] or [[]]
    slides = [_slide(title, chunk) for chunk in chunks]
    overrides = "".join(
        f'<Override PartName="/ppt/slides/slide{n}.xml" ContentType="{_PML}.slide+xml"/>'
        for n in range(1, len(slides) + 1)
    )
    types = (
        f'{_HEAD}<Types xmlns="{_PKG}/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/ppt/presentation.xml" ContentType="{_PML}.presentation.main+xml"/>'
        f'<Override PartName="/ppt/slideMasters/slideMaster1.xml" ContentType="{_PML}.slideMaster+xml"/>'
        f'<Override PartName="/ppt/slideLayouts/slideLayout1.xml" ContentType="{_PML}.slideLayout+xml"/>'
        '<Override PartName="/ppt/theme/theme1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>'
        f"{overrides}</Types>"
    )
    slide_ids = "".join(f'<p:sldId id="{255 + n}" r:id="rId{n + 1}"/>' for n in range(1, len(slides) + 1))
    presentation = (
        f'{_HEAD}<p:presentation xmlns:a="{_A}" xmlns:r="{_R}" xmlns:p="{_P}">'
        '<p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>'
        f'<p:sldIdLst>{slide_ids}</p:sldIdLst><p:sldSz cx="9144000" cy="6858000"/>'
        '<p:notesSz cx="6858000" cy="9144000"/></p:presentation>'
    )
    presentation_rels = _rels(
        ("slideMaster", "slideMasters/slideMaster1.xml"),
        *[("slide", f"slides/slide{n}.xml") for n in range(1, len(slides) + 1)],
    )
    parts = [
        ("[Content_Types].xml", types),
        ("_rels/.rels", _rels(("officeDocument", "ppt/presentation.xml"))),
        ("ppt/presentation.xml", presentation),
        ("ppt/_rels/presentation.xml.rels", presentation_rels),
        ("ppt/slideMasters/slideMaster1.xml", _MASTER),
        (
            "ppt/slideMasters/_rels/slideMaster1.xml.rels",
            _rels(("slideLayout", "../slideLayouts/slideLayout1.xml"), ("theme", "../theme/theme1.xml")),
        ),
        ("ppt/slideLayouts/slideLayout1.xml", _LAYOUT),
        (
            "ppt/slideLayouts/_rels/slideLayout1.xml.rels",
            _rels(("slideMaster", "../slideMasters/slideMaster1.xml")),
        ),
        ("ppt/theme/theme1.xml", _THEME),
    ]
    for n, slide in enumerate(slides, start=1):
        parts.append((f"ppt/slides/slide{n}.xml", slide))
        parts.append(
            (
                f"ppt/slides/_rels/slide{n}.xml.rels",
                _rels(("slideLayout", "../slideLayouts/slideLayout1.xml")),
            )
        )
    return _zip(parts)


# --- PDF --------------------------------------------------------------------------------------------


# The fonts of the project's PDF stylesheet, without its «Страница N из M» footer: counting the pages
# makes WeasyPrint lay every document out twice, and the demo makes dozens of these.
_PDF_CSS = (
    "@page { size: A4; margin: 20mm 15mm 20mm 25mm; }"
    'html { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 10.5pt; line-height: 1.4; }'
    "h1 { font-size: 14pt; text-align: center; } p { margin: 0 0 2mm; }"
)


def pdf_bytes(title: str, paragraphs: Sequence[str]) -> bytes:
    """A text PDF (WeasyPrint: A4, Cyrillic fonts). About 0.1 s a page; the first call loads the fonts."""
    from weasyprint import CSS, HTML

    from imo.core.documents.rendering import local_only_fetcher

    body = "".join(f"<p>{_x(p)}</p>" for p in paragraphs)
    html = f'<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>{_x(title)}</title></head>'
    html += f"<body><h1>{_x(title)}</h1>{body}</body></html>"
    fetcher = local_only_fetcher()
    stylesheet = CSS(string=_PDF_CSS, url_fetcher=fetcher)
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])
    return pdf


def scan_pdf_bytes(pages: int = 1) -> bytes:
    """A PDF like a scan: each A4 page holds grey bars where lines of text would be, and no text layer
    (text extraction finds nothing). Written by hand: a handful of objects and the cross-reference table."""
    page_ids = [3 + 2 * n for n in range(pages)]
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % pk for pk in page_ids) + b"] /Count %d >>" % pages,
    ]
    for n, page_id in enumerate(page_ids):
        bars = [b"0.55 g"]
        for line in range(34):
            width = 430 - (37 * (line + n)) % 120 if line % 7 != 6 else 180
            bars.append(b"70 %d %d 7 re f" % (760 - line * 20, width))
        stream = b"\n".join(bars)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Resources << >> >>"
            % (page_id + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()
