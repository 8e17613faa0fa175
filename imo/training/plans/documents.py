"""DOCX documents of the training plan: the approved plan («План повышения квалификации педагогических
работников на 20__/20__ учебный год» with the «УТВЕРЖДАЮ» block, its lines and the places of each school)
and the year's report (planned vs done per line and school). The office may replace both templates on the
page «Шаблоны документов»; the kinds are registered from setup.ready().

The built-in templates are made by `build_templates()`:
`.venv/bin/python -m imo.training.plans.documents` after changing their wording."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.utils import timezone

from imo.core.documents.registry import DocumentKind, TemplateVariable, get_kind, register_kind
from imo.core.documents.rendering import render_docx
from imo.core.documents.services import common_context
from imo.training.models import PlanLine, TrainingPlan
from imo.training.plans.selectors import PlanProgress, plan_lines, plan_progress, plan_schools

PLAN_CODE = "training.plan"
PLAN_TITLE = "План повышения квалификации педагогических работников"
REPORT_CODE = "training.plan_report"
REPORT_TITLE = "Отчёт о выполнении плана повышения квалификации"
TEMPLATES = Path(__file__).resolve().parent / "document_templates"
PLAN_TEMPLATE = TEMPLATES / "plan.docx"
REPORT_TEMPLATE = TEMPLATES / "plan_report.docx"
APPROVER = "Начальник информационно-методического отдела"


def _date(day: dt.date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else ""


def _dates(line: Any) -> str:
    if line.starts_on and line.ends_on:
        return f"{_date(line.starts_on)} — {_date(line.ends_on)}"
    return _date(line.starts_on or line.ends_on)


def _school_name(school: Any) -> str:
    return str(school.short_name or school.name)


def line_title(line: PlanLine) -> str:
    return line.programme.title if line.programme_id and line.programme else line.topic


def _heading(plan: TrainingPlan) -> dict[str, Any]:
    municipality = plan.municipality
    return {
        "plan_title": str(plan),
        "municipality_name": municipality.name,
        "academic_year": plan.academic_year.name,
        "approver_position": APPROVER,
        "approver_organization": municipality.short_name or municipality.name,
        "approved_on": _date(timezone.localtime(plan.approved_at).date() if plan.approved_at else None),
        "status": plan.get_status_display(),
    }


def plan_context(plan: TrainingPlan, *, user: Any | None = None) -> dict[str, Any]:
    """The plan's lines and places; for a school admin (`user`) only their school's places."""
    schools = {s.pk: s for s in plan_schools(plan, user=user)}
    rows, places_rows = [], []
    total_places = 0
    for number, line in enumerate(plan_lines(plan, school_ids=list(schools)), start=1):
        quotas = sorted(
            (q for q in line.shown_quotas if q.school_id in schools),  # type: ignore[attr-defined]
            key=lambda q: list(schools).index(q.school_id),
        )
        places = sum(q.places for q in quotas)
        total_places += places
        rows.append(
            {
                "number": number,
                "title": line_title(line),
                "provider": str(line.provider) if line.provider_id else "",
                "kind": line.get_kind_display(),
                "hours": line.hours or "",
                "dates": _dates(line),
                "audience": line.audience,
                "subjects": ", ".join(s.name for s in line.subjects.all()),
                "places": places,
                "quotas": "; ".join(f"{_school_name(q.school)} — {q.places}" for q in quotas),
            }
        )
        for quota in quotas:
            places_rows.append(
                {
                    "number": number,
                    "title": line_title(line),
                    "school": _school_name(quota.school),
                    "places": quota.places,
                }
            )
    return {**_heading(plan), "rows": rows, "quota_rows": places_rows, "total_places": total_places}


def report_context(plan: TrainingPlan, progress: PlanProgress) -> dict[str, Any]:
    rows = []
    for line in progress.lines:
        rows.append(
            {
                "number": line.number,
                "title": line_title(line.line),
                "school": "Итого по курсу",
                "quota": line.totals.quota,
                "nominated": line.totals.nominated,
                "approved": line.totals.approved,
                "done": line.totals.done,
                "is_total": True,
            }
        )
        for cell in line.schools:
            rows.append(
                {
                    "number": "",
                    "title": "",
                    "school": _school_name(cell.school),
                    "quota": cell.quota,
                    "nominated": cell.nominated,
                    "approved": cell.approved,
                    "done": cell.done,
                    "is_total": False,
                }
            )
    school_rows = [
        {
            "school": _school_name(school),
            "quota": totals.quota,
            "approved": totals.approved,
            "done": totals.done,
            "percent": f"{totals.percent} %" if totals.percent is not None else "—",
        }
        for school, totals in progress.schools
    ]
    totals = progress.totals
    return {
        **_heading(plan),
        "rows": rows,
        "school_rows": school_rows,
        "total_quota": totals.quota,
        "total_nominated": totals.nominated,
        "total_approved": totals.approved,
        "total_done": totals.done,
        "total_percent": f"{totals.percent} %" if totals.percent is not None else "—",
    }


def _file_name(title: str, plan: TrainingPlan) -> str:
    owner = plan.municipality.short_name or plan.municipality.name
    return f"{title} на {plan.academic_year.name} — {owner}.docx".replace("/", "-")


def plan_docx(*, plan: TrainingPlan, user: Any) -> tuple[bytes, str]:
    context = plan_context(plan, user=user)
    context.update(common_context(kind=get_kind(PLAN_CODE), number="", on=timezone.localdate(), by=user))
    return render_docx(PLAN_CODE, context), _file_name(PLAN_TITLE, plan)


def report_docx(*, plan: TrainingPlan, user: Any) -> tuple[bytes, str]:
    context = report_context(plan, plan_progress(plan, user=user))
    context.update(common_context(kind=get_kind(REPORT_CODE), number="", on=timezone.localdate(), by=user))
    return render_docx(REPORT_CODE, context), _file_name(REPORT_TITLE, plan)


# --- samples ------------------------------------------------------------------------------------------


def _sample_heading() -> dict[str, Any]:
    return {
        "plan_title": "План повышения квалификации на 2026/2027 учебный год",
        "municipality_name": "Курчалоевский муниципальный район",
        "academic_year": "2026/2027",
        "approver_position": APPROVER,
        "approver_organization": "Курчалоевский район",
        "approved_on": "15.09.2026",
        "status": "утверждён",
    }


def plan_sample(fmt: str) -> dict[str, Any]:
    rows = [
        {
            "number": 1,
            "title": "Реализация требований обновлённых ФГОС ООО",
            "provider": "ИРО ЧР",
            "kind": "повышение квалификации",
            "hours": 36,
            "dates": "12.10.2026 — 23.10.2026",
            "audience": "учителя математики",
            "subjects": "Математика",
            "places": 5,
            "quotas": "СОШ № 1 г. Курчалой — 3; СОШ с. Бачи-Юрт — 2",
        }
    ]
    quota_rows = [
        {"number": 1, "title": rows[0]["title"], "school": "СОШ № 1 г. Курчалой", "places": 3},
        {"number": 1, "title": rows[0]["title"], "school": "СОШ с. Бачи-Юрт", "places": 2},
    ]
    return {**_sample_heading(), "rows": rows, "quota_rows": quota_rows, "total_places": 5}


def report_sample(fmt: str) -> dict[str, Any]:
    rows = [
        {
            "number": 1,
            "title": "Реализация требований обновлённых ФГОС ООО",
            "school": "Итого по курсу",
            "quota": 5,
            "nominated": 5,
            "approved": 4,
            "done": 3,
            "is_total": True,
        },
        {
            "number": "",
            "title": "",
            "school": "СОШ № 1 г. Курчалой",
            "quota": 3,
            "nominated": 3,
            "approved": 3,
            "done": 2,
            "is_total": False,
        },
        {
            "number": "",
            "title": "",
            "school": "СОШ с. Бачи-Юрт",
            "quota": 2,
            "nominated": 2,
            "approved": 1,
            "done": 1,
            "is_total": False,
        },
    ]
    school_rows = [
        {"school": "СОШ № 1 г. Курчалой", "quota": 3, "approved": 3, "done": 2, "percent": "67 %"},
        {"school": "СОШ с. Бачи-Юрт", "quota": 2, "approved": 1, "done": 1, "percent": "50 %"},
    ]
    return {
        **_sample_heading(),
        "rows": rows,
        "school_rows": school_rows,
        "total_quota": 5,
        "total_nominated": 5,
        "total_approved": 4,
        "total_done": 3,
        "total_percent": "60 %",
    }


HEADING_VARIABLES = (
    TemplateVariable("plan_title", "Наименование плана"),
    TemplateVariable("municipality_name", "Полное наименование муниципалитета"),
    TemplateVariable("academic_year", "Учебный год, например 2026/2027"),
    TemplateVariable("approver_position", "Должность утверждающего"),
    TemplateVariable("approver_organization", "Краткое наименование муниципалитета"),
    TemplateVariable("approved_on", "Дата утверждения плана (дд.мм.гггг), пусто, пока не утверждён"),
    TemplateVariable("status", "Состояние плана: проект, идёт выдвижение, утверждён"),
)

PLAN_KIND = DocumentKind(
    code=PLAN_CODE,
    title=PLAN_TITLE,
    description=(
        "План повышения квалификации района на учебный год с блоком «УТВЕРЖДАЮ»: курсы (программа или тема, "
        "организация, вид, объём, сроки, категория слушателей) и места каждой организации."
    ),
    docx_template=PLAN_TEMPLATE,
    file_stem=PLAN_TITLE,
    variables=(
        *HEADING_VARIABLES,
        TemplateVariable(
            "rows",
            "Строки плана: row.number — № п/п, row.title — программа или тема, row.provider — организация, "
            "row.kind — вид, row.hours — объём в часах, row.dates — сроки, row.audience — категория "
            "слушателей, row.subjects — предметы, row.places — всего мест, row.quotas — места по "
            "организациям одной строкой",
        ),
        TemplateVariable(
            "quota_rows",
            "Распределение мест: row.number — № строки плана, row.title — курс, row.school — организация, "
            "row.places — мест",
        ),
        TemplateVariable("total_places", "Всего мест по плану"),
    ),
    sample_context=plan_sample,
)

REPORT_KIND = DocumentKind(
    code=REPORT_CODE,
    title=REPORT_TITLE,
    description=(
        "Отчёт за учебный год: по каждому курсу плана и каждой организации — мест по плану, выдвинуто, "
        "утверждено и прошли обучение; итоги по организациям и по району."
    ),
    docx_template=REPORT_TEMPLATE,
    file_stem=REPORT_TITLE,
    variables=(
        *HEADING_VARIABLES,
        TemplateVariable(
            "rows",
            "Строки отчёта: row.number и row.title — № и курс (в строке итога по курсу), row.school — "
            "организация или «Итого по курсу», row.quota — мест по плану, row.nominated — выдвинуто, "
            "row.approved — утверждено, row.done — прошли обучение, row.is_total — да для строки итога",
        ),
        TemplateVariable(
            "school_rows",
            "Итоги по организациям: row.school, row.quota, row.approved, row.done, row.percent — выполнение",
        ),
        TemplateVariable("total_quota", "Всего мест по плану"),
        TemplateVariable("total_nominated", "Всего выдвинуто"),
        TemplateVariable("total_approved", "Всего утверждено"),
        TemplateVariable("total_done", "Всего прошли обучение"),
        TemplateVariable("total_percent", "Выполнение плана по району, %"),
    ),
    sample_context=report_sample,
)


def register() -> None:
    register_kind(PLAN_KIND)
    register_kind(REPORT_KIND)


# --- the built-in templates ------------------------------------------------------------------------------


def _document() -> Any:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    document: Any = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin, section.right_margin = Mm(20), Mm(15)
    section.top_margin, section.bottom_margin = Mm(15), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    return document


def _paragraph(document: Any, text: str = "", *, align: Any = None, bold: bool = False) -> Any:
    para = document.add_paragraph()
    if align is not None:
        para.alignment = align
    if text:
        para.add_run(text).bold = bold
    return para


def _approval(document: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    right = WD_ALIGN_PARAGRAPH.RIGHT
    _paragraph(document, "УТВЕРЖДАЮ", align=right, bold=True)
    _paragraph(document, "{{ approver_position }}", align=right)
    _paragraph(document, "{{ approver_organization }}", align=right)
    _paragraph(document, "____________ {{ issued_by_short_name }}", align=right)
    _paragraph(
        document,
        "{% if approved_on %}{{ approved_on }}{% else %}«___» ____________ 20___ г.{% endif %}",
        align=right,
    )


def _table(document: Any, headers: list[str], cells: list[str], loop: str) -> None:
    """A table with a header row and one templated row repeated by `{%tr for … %}`."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].add_run(header).bold = True
    table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for row in {loop} %}}")
    for cell, value in zip(table.rows[2].cells, cells, strict=True):
        cell.paragraphs[0].add_run(value)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")


def build_templates() -> list[Path]:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    center = WD_ALIGN_PARAGRAPH.CENTER
    document = _document()
    _approval(document)
    _paragraph(document, "ПЛАН", align=center, bold=True)
    _paragraph(
        document,
        "повышения квалификации педагогических работников на {{ academic_year }} учебный год",
        align=center,
        bold=True,
    )
    _paragraph(document, "{{ municipality_name }}", align=center)
    _table(
        document,
        [
            "№",
            "Программа (тема)",
            "Организация",
            "Вид",
            "Часов",
            "Сроки",
            "Категория слушателей",
            "Мест",
            "Места по организациям",
        ],
        [
            "{{ row.number }}",
            "{{ row.title }}",
            "{{ row.provider }}",
            "{{ row.kind }}",
            "{{ row.hours }}",
            "{{ row.dates }}",
            "{{ row.audience }}",
            "{{ row.places }}",
            "{{ row.quotas }}",
        ],
        "rows",
    )
    _paragraph(document, "Всего мест по плану: {{ total_places }}.")
    _paragraph(document, "Распределение мест по организациям", align=center, bold=True)
    _table(
        document,
        ["№ курса", "Курс", "Организация", "Мест"],
        ["{{ row.number }}", "{{ row.title }}", "{{ row.school }}", "{{ row.places }}"],
        "quota_rows",
    )
    _paragraph(
        document, "План составил: ____________ {{ issued_by_short_name }}    Дата: {{ document_date }}"
    )
    TEMPLATES.mkdir(parents=True, exist_ok=True)
    document.save(str(PLAN_TEMPLATE))

    document = _document()
    _paragraph(document, "ОТЧЁТ", align=center, bold=True)
    _paragraph(
        document,
        "о выполнении плана повышения квалификации педагогических работников на {{ academic_year }} "
        "учебный год",
        align=center,
        bold=True,
    )
    _paragraph(document, "{{ municipality_name }}", align=center)
    _table(
        document,
        ["№", "Курс", "Организация", "Мест по плану", "Выдвинуто", "Утверждено", "Прошли обучение"],
        [
            "{{ row.number }}",
            "{{ row.title }}",
            "{{ row.school }}",
            "{{ row.quota }}",
            "{{ row.nominated }}",
            "{{ row.approved }}",
            "{{ row.done }}",
        ],
        "rows",
    )
    _paragraph(
        document,
        "Итого по району: мест по плану — {{ total_quota }}, выдвинуто — {{ total_nominated }}, "
        "утверждено — {{ total_approved }}, прошли обучение — {{ total_done }} "
        "(выполнение {{ total_percent }}).",
    )
    _paragraph(document, "Итоги по организациям", align=center, bold=True)
    _table(
        document,
        ["Организация", "Мест по плану", "Утверждено", "Прошли обучение", "Выполнение"],
        ["{{ row.school }}", "{{ row.quota }}", "{{ row.approved }}", "{{ row.done }}", "{{ row.percent }}"],
        "school_rows",
    )
    _paragraph(
        document, "Отчёт составил: ____________ {{ issued_by_short_name }}    Дата: {{ document_date }}"
    )
    document.save(str(REPORT_TEMPLATE))
    return [PLAN_TEMPLATE, REPORT_TEMPLATE]


if __name__ == "__main__":  # pragma: no cover
    print(build_templates())
