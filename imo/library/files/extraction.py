"""The text of a library file, for the full-text search: `extract_text(path_or_file, kind)`.

PDF through PDFium (pypdfium2), DOCX/ODT/PPTX by reading their XML parts (zipfile + lxml), XLSX through
calamine. It never raises: a damaged or strange file gives FAILED with a Russian reason, a PDF without a
text layer (a scan) gives NO_TEXT, images NOT_APPLICABLE — the file itself stays downloadable either way.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from lxml import etree

from imo.library.models import TextStatus

logger = logging.getLogger("imo.library")

# The stored text is capped: one million characters is a 400-page book; a longer text adds nothing to
# ranking or snippets and would only bloat the row and the index (a tsvector is limited to 1 MB anyway).
MAX_TEXT_CHARS = 1_000_000
# A zip whose XML parts unpack to more than this is refused (a "zip bomb"); real documents stay far below.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
_ERROR_LENGTH = 300

MSG_NO_TEXT = "Скан без текстового слоя: в PDF нет текста, только изображения страниц."
MSG_CORRUPT = "Файл повреждён или сохранён в неизвестном варианте формата: текст не удалось извлечь."
MSG_PASSWORD = "Файл защищён паролем: текст не удалось извлечь."
MSG_TOO_BIG = "Файл слишком велик после распаковки: текст не извлекался."
MSG_UNEXPECTED = "Текст не удалось извлечь из-за внутренней ошибки. Ошибка записана в журнал."

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
# No entities, no network, no DTD: the XML parts come from uploads.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass(frozen=True)
class Extracted:
    status: TextStatus
    text: str = ""
    error: str = ""


class _Refused(Exception):
    """The file cannot be read; the message is the Russian reason."""


def _ok(parts: Iterator[str] | list[str]) -> Extracted:
    text = _normalise("\n".join(parts))
    return Extracted(TextStatus.OK, text[:MAX_TEXT_CHARS])


def _normalise(text: str) -> str:
    """Trailing blanks and runs of empty lines go; NUL characters (PostgreSQL refuses them) too."""
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[ \t\u00a0]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- PDF ---------------------------------------------------------------------------------------


def _pdf(source: Any) -> Extracted:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(source)
    except pdfium.PdfiumError as error:
        raise _Refused(MSG_PASSWORD if "password" in str(error).lower() else MSG_CORRUPT) from error
    try:
        pages: list[str] = []
        total = 0
        for index in range(len(document)):
            page = document[index]
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_bounded()
                finally:
                    textpage.close()
            finally:
                page.close()
            pages.append(text)
            total += len(text)
            if total > MAX_TEXT_CHARS:
                break
    finally:
        document.close()
    # A scan: pages without a single letter or digit (PDFium may still report blanks and line breaks).
    if not any(char.isalnum() for page_text in pages for char in page_text):
        return Extracted(TextStatus.NO_TEXT, "", MSG_NO_TEXT)
    return _ok(pages)


# --- zip-based office formats -------------------------------------------------------------------


def _xml(archive: zipfile.ZipFile, name: str) -> Any:
    return etree.fromstring(archive.read(name), _PARSER)


def _check_unpacked_size(archive: zipfile.ZipFile) -> None:
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
        raise _Refused(MSG_TOO_BIG)


def _numbered(names: list[str], pattern: str) -> list[str]:
    """`ppt/slides/slide10.xml` after `slide9.xml`: parts in their numeric order."""
    regex = re.compile(pattern)
    found = [(int(match.group(1)), name) for name in names if (match := regex.fullmatch(name))]
    return [name for _, name in sorted(found)]


def _docx_paragraph(paragraph: Any) -> str:
    chunks = []
    for node in paragraph.iter(f"{{{_W}}}t", f"{{{_W}}}tab", f"{{{_W}}}br", f"{{{_W}}}cr"):
        if node.tag == f"{{{_W}}}t":
            chunks.append(node.text or "")
        elif node.tag == f"{{{_W}}}tab":
            chunks.append("\t")
        else:
            chunks.append("\n")
    return "".join(chunks)


def _docx_part(root: Any) -> Iterator[str]:
    # Paragraphs in document order, those inside table cells included (a cell holds paragraphs).
    for paragraph in root.iter(f"{{{_W}}}p"):
        yield _docx_paragraph(paragraph)


def _docx(archive: zipfile.ZipFile) -> Extracted:
    names = archive.namelist()
    headers = _numbered(names, r"word/header(\d+)\.xml")
    footers = _numbered(names, r"word/footer(\d+)\.xml")
    notes = [name for name in ("word/footnotes.xml", "word/endnotes.xml") if name in names]
    parts: list[str] = []
    for name in [*headers, "word/document.xml", *notes, *footers]:
        parts.extend(_docx_part(_xml(archive, name)))
    return _ok(parts)


def _odt_paragraph(node: Any) -> str:
    chunks = [node.text or ""]
    for child in node:
        tag = child.tag
        if tag == f"{{{_TEXT}}}s":
            chunks.append(" " * int(child.get(f"{{{_TEXT}}}c", "1") or 1))
        elif tag == f"{{{_TEXT}}}tab":
            chunks.append("\t")
        elif tag == f"{{{_TEXT}}}line-break":
            chunks.append("\n")
        elif tag in (f"{{{_TEXT}}}note", f"{{{_TEXT}}}p", f"{{{_TEXT}}}h"):
            pass  # a footnote's own paragraphs are met on their own in the walk below
        else:
            chunks.append(_odt_paragraph(child))  # spans, links
        chunks.append(child.tail or "")
    return "".join(chunks)


def _odt(archive: zipfile.ZipFile) -> Extracted:
    root = _xml(archive, "content.xml")
    return _ok(_odt_paragraph(node) for node in root.iter(f"{{{_TEXT}}}p", f"{{{_TEXT}}}h"))


def _pptx(archive: zipfile.ZipFile) -> Extracted:
    parts: list[str] = []
    for name in _numbered(archive.namelist(), r"ppt/slides/slide(\d+)\.xml"):
        root = _xml(archive, name)
        for paragraph in root.iter(f"{{{_A}}}p"):
            parts.append("".join(node.text or "" for node in paragraph.iter(f"{{{_A}}}t")))
        parts.append("")
    return _ok(parts)


def _zipped(reader: Callable[[zipfile.ZipFile], Extracted]) -> Callable[[Any], Extracted]:
    def read(source: Any) -> Extracted:
        try:
            with zipfile.ZipFile(source) as archive:
                _check_unpacked_size(archive)
                return reader(archive)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, EOFError, etree.XMLSyntaxError) as error:
            raise _Refused(MSG_CORRUPT) from error
        except RuntimeError as error:  # an encrypted member
            raise _Refused(MSG_PASSWORD if "encrypted" in str(error).lower() else MSG_CORRUPT) from error

    return read


# --- XLSX --------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx(source: Any) -> Extracted:
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_object(source)
    except python_calamine.PasswordError as error:
        raise _Refused(MSG_PASSWORD) from error
    except (python_calamine.CalamineError, ValueError, OSError) as error:
        raise _Refused(MSG_CORRUPT) from error
    parts: list[str] = []
    total = 0
    try:
        for name in workbook.sheet_names:
            parts.append(name)
            for row in workbook.get_sheet_by_name(name).iter_rows():
                line = "\t".join(text for text in map(_cell_text, row) if text)
                if line:
                    parts.append(line)
                    total += len(line)
            if total > MAX_TEXT_CHARS:
                break
    except (python_calamine.CalamineError, ValueError) as error:
        raise _Refused(MSG_CORRUPT) from error
    finally:
        workbook.close()
    return _ok(parts)


_READERS: dict[str, Callable[[Any], Extracted]] = {
    "pdf": _pdf,
    "docx": _zipped(_docx),
    "odt": _zipped(_odt),
    "pptx": _zipped(_pptx),
    "xlsx": _xlsx,
}


def _rewound(source: Any) -> Any:
    if hasattr(source, "seek"):
        source.seek(0)
    return source


def extract_text(path_or_file: str | Path | IO[bytes] | Any, kind: str) -> Extracted:
    """The text of a stored file (a path or an open binary file) of `kind` (a FileKind value)."""
    reader = _READERS.get(str(kind))
    if reader is None:
        return Extracted(TextStatus.NOT_APPLICABLE)
    source = str(path_or_file) if isinstance(path_or_file, Path) else path_or_file
    try:
        return reader(_rewound(source))
    except _Refused as refused:
        return Extracted(TextStatus.FAILED, "", str(refused)[:_ERROR_LENGTH])
    except FileNotFoundError:
        return Extracted(TextStatus.FAILED, "", "Файл не найден в хранилище.")
    except Exception:
        # A reader's library may fail in ways not listed above on a crafted file: log, never crash.
        logger.exception("Text extraction failed (%s)", kind)
        return Extracted(TextStatus.FAILED, "", MSG_UNEXPECTED)
