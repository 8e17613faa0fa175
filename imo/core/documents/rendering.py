"""Rendering: DOCX from docxtpl templates, PDF from HTML templates with WeasyPrint.

    render_docx("orgs.summary", {"scope_name": "…", "chart": DocxImage(chart_png(chart))})  -> bytes
    render_pdf("documents/orgs/summary_pdf.html", {"scope_name": "…"})                    -> bytes

DOCX templates are rendered by Jinja in a sandbox (an uploaded template can read the data it is given and
nothing else) with undefined fields an error, not a blank. Dates in the context become «дд.мм.гггг»;
`DocxImage` values become pictures. PDFs never fetch anything from the network: only `data:` URIs and the
project's own static files are loaded (`LocalOnlyFetcher`). docxtpl and WeasyPrint are imported on first
use: both are slow to import and most requests never make a document.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
import mimetypes
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import timezone

if TYPE_CHECKING:
    from imo.core.documents.models import TemplateVersion
    from imo.core.documents.registry import DocumentKind

logger = logging.getLogger(__name__)

# The origin WeasyPrint resolves relative URLs against; it is never contacted: the fetcher maps
# <origin>/static/… to the project's static files and refuses everything else.
PDF_BASE_URL = "https://imo.invalid/"


class DocumentError(Exception):
    """A document could not be made; `messages` are Russian sentences for the user."""

    def __init__(self, *messages: str) -> None:
        super().__init__(" ".join(messages))
        self.messages = list(messages)


@dataclass(frozen=True)
class DocxImage:
    """A picture for a DOCX template: `{{ chart }}` in the template, `DocxImage(png_bytes)` in the context."""

    data: bytes
    width_mm: float = 165


# --- DOCX ---------------------------------------------------------------------------------------------


def render_docx(code: str, context: Mapping[str, Any]) -> bytes:
    """The document of kind `code` filled with `context`, from the office's template if it uploaded one."""
    from imo.core.documents.registry import get_kind
    from imo.core.documents.selectors import active_template

    return render_docx_with(get_kind(code), active_template(code), context)


def render_docx_with(
    kind: DocumentKind, version: TemplateVersion | None, context: Mapping[str, Any]
) -> bytes:
    """Render with the office's `version` of the template, or the built-in one when it is None."""
    if version is None:
        if kind.docx_template is None:
            raise LookupError(f"Document kind {kind.code!r} has no DOCX template.")
        return render_docx_source(kind.docx_template.read_bytes(), context)
    with version.file.open("rb") as handle:
        source = handle.read()
    try:
        return render_docx_source(source, context)
    except Exception as error:  # the office's file: whatever goes wrong, the user gets a message, not a 500
        if not isinstance(error, DocumentError):
            logger.exception("Uploaded template %s (version %s) failed to render", kind.code, version.pk)
        details = error.messages if isinstance(error, DocumentError) else []
        raise DocumentError(
            f"Шаблон «{kind.title}», загруженный {timezone.localtime(version.uploaded_at):%d.%m.%Y}, "
            "не подходит к данным документа.",
            *details,
            "Загрузите исправленный шаблон или верните встроенный на странице «Шаблоны документов».",
        ) from error


@functools.cache
def jinja_environment() -> Any:
    """A sandboxed Jinja environment: templates uploaded by the office cannot reach Python internals;
    a field the data does not have is an error (StrictUndefined), never a silent blank."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def render_docx_source(source: bytes, context: Mapping[str, Any]) -> bytes:
    """Render a .docx template given as bytes; errors become DocumentError with Russian messages."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    template = DocxTemplate(io.BytesIO(source))
    try:
        template.render(prepare_context(context, template), jinja_environment(), autoescape=True)
    except UndefinedError as error:
        raise DocumentError(undefined_message(str(error))) from error
    except SecurityError as error:
        raise DocumentError(
            "Шаблон использует недопустимые конструкции. Оставьте в нём только поля и блоки."
        ) from error
    except TemplateSyntaxError as error:
        raise DocumentError(syntax_message(error)) from error
    except TemplateError as error:
        raise DocumentError(f"Шаблон не удалось заполнить: {error}.") from error
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def prepare_context(context: Mapping[str, Any], template: Any) -> dict[str, Any]:
    """Dates → «дд.мм.гггг», DocxImage → docxtpl InlineImage bound to `template`, recursively."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    def convert(value: Any) -> Any:
        if isinstance(value, DocxImage):
            return InlineImage(template, io.BytesIO(value.data), width=Mm(value.width_mm))
        if isinstance(value, dt.datetime):
            return (
                timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
                if timezone.is_aware(value)
                else value.strftime("%d.%m.%Y %H:%M")
            )
        if isinstance(value, dt.date):
            return value.strftime("%d.%m.%Y")
        if isinstance(value, Mapping):
            return {key: convert(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [convert(item) for item in value]
        return value

    return {key: convert(value) for key, value in context.items()}


_UNDEFINED = re.compile(r"'([^']+)' is undefined")
_NO_ATTRIBUTE = re.compile(r"has no attribute '([^']+)'")


def undefined_message(text: str) -> str:
    if match := _UNDEFINED.search(text):
        return f"В шаблоне есть поле {{{{ {match[1]} }}}}, которого нет в данных документа."
    if match := _NO_ATTRIBUTE.search(text):
        return f"В шаблоне есть поле «.{match[1]}», которого нет в данных документа."
    return f"В шаблоне есть поле, которого нет в данных документа ({text})."


def syntax_message(error: Any) -> str:
    near = " ".join(line.strip() for line in getattr(error, "docx_context", []) or [] if line.strip())
    near_text = f" Рядом с текстом: «{near[:120]}»." if near else ""
    return (
        "В шаблоне ошибка в записи полей: каждое поле пишется как {{ имя }}, каждый блок {% … %} "
        f"должен быть закрыт.{near_text} (Подробности: {error.message})"
    )


# --- PDF ----------------------------------------------------------------------------------------------


@functools.cache
def pdf_stylesheet_source() -> str:
    """Page size, margins, page numbers and the Cyrillic font stack shared by every PDF."""
    return (files("imo.core.documents") / "pdf.css").read_text(encoding="utf-8")


def render_pdf(template_name: str, context: Mapping[str, Any]) -> bytes:
    """A PDF of the Django template `template_name` rendered with `context` (WeasyPrint, no network)."""
    from weasyprint import CSS, HTML

    html = render_to_string(template_name, dict(context))
    fetcher = local_only_fetcher()
    stylesheet = CSS(string=pdf_stylesheet_source(), base_url=PDF_BASE_URL, url_fetcher=fetcher)
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=[stylesheet])
    return pdf


def static_file_for(url: str) -> Path | None:
    """The local file behind a static URL of this site (finders first, then STATIC_ROOT), or None."""
    from django.contrib.staticfiles import finders
    from django.utils._os import safe_join

    parts = urlsplit(url)
    base = urlsplit(PDF_BASE_URL)
    static_prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}"
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(static_prefix):
        return None
    relative = unquote(parts.path[len(static_prefix) :])
    if not relative or ".." in Path(relative).parts or relative.startswith("/"):
        return None
    try:
        found = finders.find(relative)
        if isinstance(found, list):
            found = found[0] if found else None
        if found:
            return Path(found)
        candidate = Path(safe_join(str(settings.STATIC_ROOT), relative))
    except SuspiciousFileOperation:
        return None
    return candidate if candidate.is_file() else None


def local_only_fetcher() -> Any:
    """A WeasyPrint URL fetcher that loads `data:` URIs and the site's static files, and nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_file_for(url)
            if path is None:
                logger.warning(
                    "PDF: refused to fetch %s (only data: and static files are allowed)", url[:200]
                )
                raise ValueError(f"Refused to fetch {url[:200]}: documents load only local static files.")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    return LocalOnlyFetcher(allowed_protocols={"data", "https"})
