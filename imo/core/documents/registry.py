"""The kinds of documents the system issues, with their built-in templates.

A module declares each kind in its own `documents.py` (imported at start-up by this app's `ready()`):

    register_kind(
        DocumentKind(
            code="orgs.summary",
            title="Справка об образовательных организациях района",
            docx_template=Path(__file__).parent / "document_templates" / "organizations_summary.docx",
            pdf_template="documents/orgs/summary_pdf.html",
            variables=(TemplateVariable("scope_name", "Муниципалитет, по которому составлена справка"), ...),
            sample_context=lambda fmt: {"scope_name": "Курчалоевский муниципальный район", ...},
            number_prefix="",
        )
    )

The DOCX template is what the office may replace with its own (edited in Word); the PDF template is an
HTML template rendered by WeasyPrint and is not replaceable through the interface (see
docs/decisions/0008-charts.md and docs/user-guide/documents.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.http import Http404


@dataclass(frozen=True)
class TemplateVariable:
    """A field a template may use: `{{ name }}`, with the Russian description shown to the office."""

    name: str
    description: str


# Added by `document_issue` to every document's context: templates may always use them.
COMMON_VARIABLES = (
    TemplateVariable("document_number", "Номер документа по реестру, например 12/2026"),
    TemplateVariable("document_date", "Дата выдачи документа (дд.мм.гггг)"),
    TemplateVariable("document_title", "Название вида документа"),
    TemplateVariable("issued_by_name", "Фамилия, имя, отчество выдавшего документ"),
    TemplateVariable("issued_by_short_name", "Фамилия и инициалы выдавшего документ"),
)


class Format:
    DOCX = "docx"
    PDF = "pdf"


@dataclass(frozen=True)
class DocumentKind:
    code: str  # "<app>.<name>", stable: it is stored in the register
    title: str  # Russian, shown in the register and on the templates page
    variables: tuple[TemplateVariable, ...]
    # A realistic context for a format ("docx" / "pdf"): validates uploaded templates, makes samples.
    sample_context: Callable[[str], dict[str, Any]]
    docx_template: Path | None = None  # the built-in .docx (docxtpl / Jinja syntax)
    pdf_template: str = ""  # a Django template name rendered to PDF by WeasyPrint
    number_prefix: str = ""  # the default prefix of numbers: "СП-" → «СП-12/2026»
    file_stem: str = ""  # the Russian start of download names; the title when empty
    description: str = ""
    formats: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        formats = []
        if self.docx_template is not None:
            formats.append(Format.DOCX)
        if self.pdf_template:
            formats.append(Format.PDF)
        if not formats:
            raise ValueError(f"Document kind {self.code!r} needs a DOCX or a PDF template.")
        object.__setattr__(self, "formats", tuple(formats))

    @property
    def all_variables(self) -> tuple[TemplateVariable, ...]:
        return (*COMMON_VARIABLES, *self.variables)

    @property
    def variable_names(self) -> frozenset[str]:
        return frozenset(v.name for v in self.all_variables)

    @property
    def has_docx(self) -> bool:
        return Format.DOCX in self.formats

    @property
    def has_pdf(self) -> bool:
        return Format.PDF in self.formats


_kinds: dict[str, DocumentKind] = {}


def register_kind(kind: DocumentKind) -> DocumentKind:
    """Declare a kind of document. Registering the same code again replaces it (module reloads, tests)."""
    _kinds[kind.code] = kind
    return kind


def unregister_kind(code: str) -> None:
    _kinds.pop(code, None)


def registered_kinds() -> list[DocumentKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.title)


def get_kind(code: str) -> DocumentKind:
    """The kind with this code; a LookupError for an unknown code."""
    try:
        return _kinds[code]
    except KeyError:
        raise LookupError(f"Unknown document kind {code!r}.") from None


def get_kind_or_404(code: str) -> DocumentKind:
    try:
        return get_kind(code)
    except LookupError:
        raise Http404("Такого вида документов нет.") from None


def kind_title(code: str) -> str:
    kind = _kinds.get(code)
    return kind.title if kind else code
