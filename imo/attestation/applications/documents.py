"""«Сопроводительное письмо в аттестационную комиссию» (DOCX): the office sends an educator's application
and portfolio to the commission of the Министерство образования и науки Чеченской Республики.

The office may replace the built-in template (document_templates/cover_letter.docx, built by
cover_letter_template.py) on the page «Шаблоны документов»; the kind is registered by `register_documents()`,
called from setup.ready() (this module is not an app's top-level documents.py, so the documents app does not
discover it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from imo.attestation.applications.cover_letter_template import TEMPLATE
from imo.attestation.models import Application
from imo.core.documents.registry import DocumentKind, TemplateVariable, get_kind, register_kind
from imo.core.documents.rendering import render_docx
from imo.core.documents.services import common_context
from imo.orgs.selectors import primary_membership

COVER_LETTER_CODE = "attestation.cover_letter"
COVER_LETTER_TITLE = "Сопроводительное письмо в аттестационную комиссию"
MINISTRY_NAME = "Министерства образования и науки Чеченской Республики"
OFFICE_NAME = "Информационно-методический отдел"
DEFAULT_SIGNER = "Начальник информационно-методического отдела"
UNNUMBERED = "б/н"


def file_size_label(size: int | None) -> str:
    """1536 → «2 КБ», 2_400_000 → «2,3 МБ»; nothing for an unknown size."""
    if not size:
        return ""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} КБ"
    return f"{size / (1024 * 1024):.1f} МБ".replace(".", ",")


def files_total_label(count: int) -> str:
    """«3 файла», «1 файл», «5 файлов»; «нет» without files."""
    if count == 0:
        return "нет"
    if count % 10 == 1 and count % 100 != 11:
        word = "файл"
    elif 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        word = "файла"
    else:
        word = "файлов"
    return f"{count} {word}"


def _signer_position(user: Any) -> str:
    membership = primary_membership(user) if user is not None else None
    return membership.get_role_display() if membership is not None else DEFAULT_SIGNER


def cover_letter_context(*, application: Application, files: list[Any] | None = None) -> dict[str, Any]:
    """The fields of the letter (the variables listed in COVER_LETTER_KIND)."""
    educator = application.educator
    municipality = educator.municipality
    organization = application.organization
    rows = list(application.files.order_by("created_at", "pk")) if files is None else files
    forwarded = application.forwarded_on
    return {
        "office_name": OFFICE_NAME,
        "municipality_name": municipality.name if municipality is not None else "",
        "ministry_name": MINISTRY_NAME,
        "letter_number": application.letter_number or UNNUMBERED,
        "letter_date": f"{forwarded:%d.%m.%Y}" if forwarded else "«___» ____________ 20___ г.",
        "educator_name": educator.full_name,
        "position": application.position.name if application.position is not None else "не указана",
        "organization_name": organization.name if organization is not None else "не указано",
        "category": application.get_kind_display(),
        "procedure": "упрощённый" if application.simplified else "общий",
        "submitted_on": f"{application.submitted_on:%d.%m.%Y}" if application.submitted_on else "—",
        "files": [
            {"number": n, "title": row.title, "size": file_size_label(row.size)}
            for n, row in enumerate(rows, start=1)
        ],
        "files_total": files_total_label(len(rows)),
    }


def cover_letter_docx(*, application: Application, by: Any = None, on: dt.date | None = None) -> bytes:
    """The covering letter of the application (DOCX bytes), from the office's template if it uploaded one.
    The number and date are the application's letter number and forwarding date (once forwarded)."""
    context = cover_letter_context(application=application)
    context["signer_position"] = _signer_position(by)
    on = application.forwarded_on or on or timezone.localdate()
    context.update(
        common_context(
            kind=get_kind(COVER_LETTER_CODE), number=application.letter_number or UNNUMBERED, on=on, by=by
        )
    )
    return render_docx(COVER_LETTER_CODE, context)


def cover_letter_name(application: Application) -> str:
    """The download name: «Сопроводительное письмо — Иванова М. П..docx» without characters files refuse."""
    educator = application.educator
    initials = "".join(f" {part[0]}." for part in (educator.first_name, educator.patronymic) if part)
    name = f"{COVER_LETTER_TITLE} — {educator.last_name}{initials}.docx"
    return name.replace("/", "-").replace("\\", "-")


# --- the sample (validates the office's templates, makes the sample download) ---------------------------


@dataclass(frozen=True)
class _Named:
    name: str


@dataclass(frozen=True)
class _SampleEducator:
    last_name: str
    first_name: str
    patronymic: str
    municipality: _Named

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name} {self.patronymic}"


@dataclass(frozen=True)
class _SampleFile:
    title: str
    size: int


@dataclass
class _SampleApplication:
    educator: _SampleEducator
    position: _Named
    organization: _Named
    kind_label: str
    simplified: bool = False
    letter_number: str = "01-15/214"
    forwarded_on: dt.date | None = dt.date(2026, 3, 12)
    submitted_on: dt.date | None = dt.date(2026, 3, 5)
    sample_files: list[_SampleFile] = field(default_factory=list)

    def get_kind_display(self) -> str:
        return self.kind_label


def sample_context(fmt: str) -> dict[str, Any]:
    application = _SampleApplication(
        educator=_SampleEducator(
            "Абдулаева", "Малика", "Руслановна", _Named("Курчалоевский муниципальный район")
        ),
        position=_Named("Учитель"),
        organization=_Named("МБОУ «СОШ № 1 г. Курчалой»"),
        kind_label="высшая",
        sample_files=[
            _SampleFile("Заявление на аттестацию", 182_000),
            _SampleFile("Копия диплома о высшем образовании", 1_350_000),
            _SampleFile("Справка о результатах обучающихся", 95_000),
        ],
    )
    context = cover_letter_context(application=application, files=application.sample_files)  # type: ignore[arg-type]
    context["signer_position"] = DEFAULT_SIGNER
    return context


COVER_LETTER_KIND = DocumentKind(
    code=COVER_LETTER_CODE,
    title=COVER_LETTER_TITLE,
    description=(
        "Письмо ИМО в аттестационную комиссию Министерства образования и науки Чеченской Республики: "
        "чьё заявление направляется, на какую категорию, и перечень приложенных материалов портфолио."
    ),
    docx_template=TEMPLATE,
    file_stem="Сопроводительное письмо",
    variables=(
        TemplateVariable("office_name", "Отправитель: «Информационно-методический отдел»"),
        TemplateVariable("municipality_name", "Муниципалитет (район) педагога"),
        TemplateVariable("ministry_name", "Министерство, при котором работает аттестационная комиссия"),
        TemplateVariable("letter_number", "Исходящий номер письма (из заявления) или «б/н»"),
        TemplateVariable("letter_date", "Дата направления в комиссию (дд.мм.гггг)"),
        TemplateVariable("educator_name", "Фамилия, имя, отчество педагога"),
        TemplateVariable("position", "Должность педагога"),
        TemplateVariable("organization_name", "Полное наименование места работы"),
        TemplateVariable("category", "Категория, на которую подано заявление, например «высшая»"),
        TemplateVariable("procedure", "Порядок аттестации: «общий» или «упрощённый»"),
        TemplateVariable("submitted_on", "Дата передачи заявления в ИМО (дд.мм.гггг)"),
        TemplateVariable(
            "files",
            "Приложенные файлы: file.number — № п/п, file.title — название, file.size — размер («2,3 МБ»)",
        ),
        TemplateVariable("files_total", "Число приложенных файлов словами: «3 файла» или «нет»"),
        TemplateVariable("signer_position", "Должность подписывающего (роль выдавшего письмо)"),
    ),
    sample_context=sample_context,
)


def register_documents() -> None:
    """Register the covering letter's kind (called from imo.attestation.applications.setup.ready())."""
    register_kind(COVER_LETTER_KIND)
