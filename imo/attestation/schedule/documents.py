"""«График аттестации педагогических работников на 20__/20__ учебный год» (DOCX) of a school or of the
district. The office may replace the built-in template on the page «Шаблоны документов»; the kind is
registered from setup.ready() (this module is not an app's top-level documents.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from imo.attestation.models import ScheduleEntry
from imo.attestation.schedule.services import month_label
from imo.core.documents.registry import DocumentKind, TemplateVariable, get_kind, register_kind
from imo.core.documents.rendering import render_docx
from imo.core.documents.services import common_context
from imo.orgs.models import Organization
from imo.reference.models import AcademicYear

SCHEDULE_CODE = "attestation.schedule"
SCHEDULE_TITLE = "График аттестации педагогических работников"
TEMPLATE = Path(__file__).resolve().parent / "document_templates" / "schedule.docx"
DISTRICT_APPROVER = "Начальник информационно-методического отдела"
SCHOOL_APPROVER = "Директор"


@dataclass(frozen=True)
class ScheduleHeading:
    """Whose schedule it is: a school, or the district (the municipality, with the organisation column)."""

    organization: Organization | None
    is_district: bool

    @property
    def name(self) -> str:
        return self.organization.name if self.organization is not None else "Все организации"


def _row(number: int, entry: Any, *, show_organization: bool) -> dict[str, Any]:
    return {
        "number": number,
        "name": entry.educator.full_name,
        "position": getattr(entry, "position_name", "") or "",
        "organization": entry.organization.short_name or entry.organization.name if show_organization else "",
        "kind": entry.get_kind_display(),
        "month": month_label(entry.planned_month),
    }


def schedule_context(
    *, heading: ScheduleHeading, academic_year_name: str, entries: Iterable[Any]
) -> dict[str, Any]:
    show = heading.is_district
    rows = [_row(n, entry, show_organization=show) for n, entry in enumerate(entries, start=1)]
    organization = heading.organization
    return {
        "organization_name": heading.name,
        "academic_year": academic_year_name,
        "approver_position": DISTRICT_APPROVER if heading.is_district else SCHOOL_APPROVER,
        "approver_organization": (organization.short_name or organization.name) if organization else "",
        "approver_name": organization.director if organization is not None else "",
        "show_organization": show,
        "rows": rows,
        "total": len(rows),
    }


def schedule_docx(
    *, user: Any, heading: ScheduleHeading, academic_year: AcademicYear, entries: Iterable[Any]
) -> tuple[bytes, str]:
    """(DOCX bytes, download name) of the schedule, from the office's template if it uploaded one."""
    context = schedule_context(heading=heading, academic_year_name=academic_year.name, entries=entries)
    context.update(common_context(kind=get_kind(SCHEDULE_CODE), number="", on=timezone.localdate(), by=user))
    owner = heading.organization.short_name if heading.organization is not None else heading.name
    name = f"{SCHEDULE_TITLE} на {academic_year.name} — {owner}.docx".replace("/", "-")
    return render_docx(SCHEDULE_CODE, context), name


# --- the sample (validates the office's templates, makes the sample download) ---------------------------


@dataclass(frozen=True)
class _SampleEducator:
    full_name: str


@dataclass(frozen=True)
class _SampleOrganization:
    name: str
    short_name: str
    director: str = ""


@dataclass(frozen=True)
class _SampleEntry:
    educator: _SampleEducator
    organization: _SampleOrganization
    kind: str
    planned_month: Any
    position_name: str

    def get_kind_display(self) -> str:
        return str(dict(ScheduleEntry.Kind.choices)[self.kind])


def sample_context(fmt: str) -> dict[str, Any]:
    import datetime as dt

    school = _SampleOrganization("МБОУ «СОШ № 1 г. Курчалой»", "СОШ № 1 г. Курчалой", "Исаев А. М.")
    other = _SampleOrganization("МБОУ «СОШ с. Бачи-Юрт»", "СОШ с. Бачи-Юрт")
    entries = [
        _SampleEntry(
            _SampleEducator("Абдулаева Малика Руслановна"),
            school,
            "conformity",
            dt.date(2026, 10, 1),
            "Учитель",
        ),
        _SampleEntry(
            _SampleEducator("Хасанова Луиза Ибрагимовна"), other, "highest", dt.date(2027, 2, 1), "Учитель"
        ),
        _SampleEntry(
            _SampleEducator("Эльмурзаев Ислам Ахмедович"),
            school,
            "first",
            dt.date(2027, 4, 1),
            "Педагог-психолог",
        ),
    ]
    heading = ScheduleHeading(None, is_district=True)
    context = schedule_context(heading=heading, academic_year_name="2026/2027", entries=entries)
    context.update(
        organization_name="Курчалоевский муниципальный район",
        approver_organization="Курчалоевский муниципальный район",
        approver_name="",
    )
    return context


SCHEDULE_KIND = DocumentKind(
    code=SCHEDULE_CODE,
    title=SCHEDULE_TITLE,
    description=(
        "График аттестации педагогических работников школы или района на учебный год: кто, какой вид "
        "аттестации и в каком месяце; с блоком «УТВЕРЖДАЮ» для руководителя."
    ),
    docx_template=TEMPLATE,
    file_stem=SCHEDULE_TITLE,
    variables=(
        TemplateVariable("organization_name", "Полное наименование школы или муниципалитета (района)"),
        TemplateVariable("academic_year", "Учебный год, например 2026/2027"),
        TemplateVariable("approver_position", "Должность утверждающего: «Директор» или начальник ИМО"),
        TemplateVariable("approver_organization", "Краткое наименование организации утверждающего"),
        TemplateVariable(
            "approver_name", "Руководитель организации (из карточки организации), может быть пусто"
        ),
        TemplateVariable("show_organization", "Да для графика района: в таблице есть столбец «Организация»"),
        TemplateVariable(
            "rows",
            "Строки графика: row.number — № п/п, row.name — ФИО, row.position — должность, "
            "row.organization — организация (в графике района), row.kind — вид аттестации, "
            "row.month — месяц («октябрь 2026»)",
        ),
        TemplateVariable("total", "Число строк графика"),
    ),
    sample_context=sample_context,
)


def register() -> None:
    register_kind(SCHEDULE_KIND)
