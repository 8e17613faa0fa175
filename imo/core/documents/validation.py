"""Checks an uploaded DOCX template passes before it may replace a built-in one.

In order, each failing with a Russian message: size; the content really is a Word 2007+ document (the
bytes, not the file name: an old .doc or a password-protected file is an OLE container, an Excel file is a
zip of another kind, a .docm carries macros); the zip is sane (no zip bomb, no external links other than
hyperlinks); the fields it uses are ones the document provides; it renders with the kind's sample data.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from django.conf import settings
from lxml import etree

from imo.core.documents.registry import DocumentKind, Format
from imo.core.documents.rendering import (
    DocumentError,
    jinja_environment,
    render_docx_source,
    syntax_message,
)

OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_SIGNATURE = b"PK\x03\x04"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_MACRO = "application/vnd.ms-word.document.macroEnabled.main+xml"
WORD_TEMPLATE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
MAX_ENTRIES = 2000
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RELATIONSHIPS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_FIELD = re.compile(r"\{\{|\{%")


def max_template_bytes() -> int:
    return int(getattr(settings, "IMO_DOCUMENT_TEMPLATE_MAX_MB", 5)) * 1024 * 1024


class TemplateRejected(DocumentError):
    """The uploaded file cannot be used as a template; `messages` say why, in Russian."""


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def too_large_message(size: int) -> str:
    return (
        f"Файл слишком большой: {_megabytes(size)} МБ. Наибольший размер шаблона — "
        f"{_megabytes(max_template_bytes())} МБ. Уменьшите картинки в документе (в Word: «Сжать рисунки»)."
    )


def check_docx_template(kind: DocumentKind, data: bytes) -> None:
    """Raise TemplateRejected unless `data` is a .docx template that renders for `kind`."""
    if not data:
        raise TemplateRejected("Файл пустой. Выберите документ Word (.docx) с шаблоном.")
    if len(data) > max_template_bytes():
        raise TemplateRejected(too_large_message(len(data)))
    if data.startswith(OLE_SIGNATURE):
        raise TemplateRejected(
            "Это документ старого формата Word (.doc) или файл, защищённый паролем. Откройте его в Word, "
            "снимите пароль, если он есть, и сохраните как «Документ Word (*.docx)»."
        )
    if not data.startswith(ZIP_SIGNATURE):
        raise TemplateRejected(
            "Это не документ Word (.docx), хотя имя файла может на это указывать. Сохраните шаблон в Word "
            "как «Документ Word (*.docx)» и загрузите его."
        )
    _check_package(data)
    _check_fields(kind, data)
    try:
        render_docx_source(data, kind.sample_context(Format.DOCX) | _sample_common())
    except DocumentError as error:
        raise TemplateRejected(*error.messages) from error
    except Exception as error:  # a broken part docxtpl trips over: the office needs a message, not a 500
        raise TemplateRejected(
            "Шаблон не удалось заполнить пробными данными: документ повреждён или в нём есть "
            "элементы, с которыми система не умеет работать. Сохраните его в Word заново как .docx."
        ) from error


def _sample_common() -> dict[str, Any]:
    return {
        "document_number": "12/2026",
        "document_date": "05.03.2026",
        "document_title": "Пробный документ",
        "issued_by_name": "Иванова Мария Петровна",
        "issued_by_short_name": "Иванова М. П.",
    }


def _check_package(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise TemplateRejected(
            "Файл повреждён: его не удаётся открыть как документ Word. Сохраните шаблон в Word заново."
        ) from error
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNCOMPRESSED_BYTES:
            raise TemplateRejected("Файл слишком велик в распакованном виде. Уменьшите картинки в документе.")
        if any(entry.flag_bits & 0x1 for entry in entries):
            raise TemplateRejected("Файл зашифрован. Снимите пароль в Word и сохраните документ заново.")
        names = {entry.filename for entry in entries}
        if "[Content_Types].xml" not in names:
            raise TemplateRejected("Это не документ Word (.docx): в файле нет описания его частей.")
        main_type = _main_part_type(archive)
        if main_type == WORD_MACRO:
            raise TemplateRejected(
                "Документы с макросами (.docm) не принимаются. Сохраните шаблон как «Документ Word (*.docx)»."
            )
        if main_type == WORD_TEMPLATE:
            raise TemplateRejected(
                "Это файл шаблона Word (.dotx). Откройте его и сохраните как «Документ Word (*.docx)»."
            )
        if main_type != WORD_MAIN:
            if any(name.startswith("xl/") for name in names):
                raise TemplateRejected("Это таблица Excel, а нужен документ Word (.docx).")
            if any(name.startswith("ppt/") for name in names):
                raise TemplateRejected("Это презентация PowerPoint, а нужен документ Word (.docx).")
            raise TemplateRejected(
                "Это не документ Word (.docx). Сохраните шаблон в Word как «Документ Word (*.docx)»."
            )
        _check_external_links(archive, names)


def _main_part_type(archive: zipfile.ZipFile) -> str:
    try:
        root = etree.fromstring(archive.read("[Content_Types].xml"), _XML_PARSER)
    except (etree.XMLSyntaxError, KeyError, zipfile.BadZipFile) as error:
        raise TemplateRejected("Файл повреждён: описание его частей не читается.") from error
    for override in root.iter(f"{_CONTENT_TYPES_NS}Override"):
        if override.get("PartName", "").lower() == "/word/document.xml":
            return override.get("ContentType", "")
    return ""


def _check_external_links(archive: zipfile.ZipFile, names: set[str]) -> None:
    """Only hyperlinks may point outside the file: a linked picture or an attached template on a remote
    server would make Word reach out to it every time someone opens an issued document."""
    for name in names:
        if not name.endswith(".rels"):
            continue
        try:
            root = etree.fromstring(archive.read(name), _XML_PARSER)
        except etree.XMLSyntaxError as error:
            raise TemplateRejected("Файл повреждён: связи между его частями не читаются.") from error
        for relation in root.iter(f"{_RELATIONSHIPS_NS}Relationship"):
            external = relation.get("TargetMode") == "External"
            if external and not relation.get("Type", "").endswith("/hyperlink"):
                raise TemplateRejected(
                    "Шаблон ссылается на внешний файл (связанную картинку или шаблон на другом компьютере). "
                    "Вставьте картинки в документ («Вставка → Рисунки») и загрузите его снова."
                )


def _check_fields(kind: DocumentKind, data: bytes) -> None:
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError

    template = DocxTemplate(io.BytesIO(data))
    try:
        used = template.get_undeclared_template_variables(jinja_environment())
    except TemplateSyntaxError as error:
        raise TemplateRejected(syntax_message(error)) from error
    except Exception as error:
        raise TemplateRejected(
            "Файл повреждён: текст документа не читается. Сохраните шаблон в Word заново как .docx."
        ) from error
    unknown = sorted(used - kind.variable_names)
    if unknown:
        listed = ", ".join(f"{{{{ {name} }}}}" for name in unknown)
        raise TemplateRejected(
            f"В шаблоне есть поля, которых нет среди доступных: {listed}. Проверьте написание (латинскими "
            "буквами, как в списке полей на этой странице) или удалите их."
        )
    if not used and not _has_any_field(template):
        raise TemplateRejected(
            "В шаблоне нет ни одного поля вида {{ имя }}: похоже, загружен готовый документ, а не шаблон. "
            "Скачайте текущий шаблон, измените его и загрузите."
        )


def _has_any_field(template: Any) -> bool:
    """Loops and blocks without free variables still count as fields."""
    template.init_docx()
    return bool(_FIELD.search(template.patch_xml(template.get_xml())))
