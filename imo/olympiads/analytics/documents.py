"""«Аналитическая справка по итогам школьного и муниципального этапов всероссийской олимпиады школьников»
(DOCX, the district's): the season's figures per stage and subject, the schools, the teachers whose students
won, the comparison with earlier years and a chart. The office may replace the template on the page
«Шаблоны документов»; the kind is registered from setup.ready().

The built-in template is made by `build_template()`:
`.venv/bin/python -m imo.olympiads.analytics.documents` after changing its wording."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone

from imo.core.charts import Chart, ChartKind, Series, chart_png
from imo.core.documents.registry import DocumentKind, TemplateVariable, get_kind, register_kind
from imo.core.documents.rendering import DocxImage, render_docx
from imo.core.documents.services import common_context
from imo.olympiads.analytics import selectors as sel
from imo.olympiads.analytics.selectors import Filters, Scope, percent
from imo.olympiads.models import Stage

REPORT_CODE = "olympiads.analytics_report"
REPORT_TITLE = "Аналитическая справка по итогам олимпиады школьников"
TEMPLATE = Path(__file__).resolve().parent / "document_templates" / "analytics_report.docx"
LEVELS = (Stage.Level.SCHOOL, Stage.Level.MUNICIPAL)
LEVEL_NAMES = {Stage.Level.SCHOOL: "школьный", Stage.Level.MUNICIPAL: "муниципальный"}
COMPARED_YEARS = 5


def _share(part: int, whole: int | None) -> str:
    value = percent(part, whole)
    return str(value).replace(".", ",") if value is not None else "—"


def _counts(row: dict[str, Any] | None) -> dict[str, Any]:
    row = row or {"students": 0, "participations": 0, "winners": 0, "prize_winners": 0}
    return {
        "students": row["students"],
        "participations": row["participations"],
        "winners": row["winners"],
        "prize_winners": row["prize_winners"],
        "awarded": row["winners"] + row["prize_winners"],
        "awarded_share": _share(row["winners"] + row["prize_winners"], row["participations"]),
    }


def report_context(*, scope: Scope, year: int | None) -> dict[str, Any]:
    """The report's fields for the season starting in `year` (None: an empty report)."""
    years = [y.start_year for y in sel.years_available(scope=scope) if year is None or y.start_year <= year]
    compared = sorted(years[:COMPARED_YEARS])
    season_filters = Filters(years=(year,) if year is not None else (-1,))
    season_q = sel.participations_q(paths=scope.paths, filters=season_filters, level=False)
    subjects = sel.subjects_all()
    names = {s.pk: s.name for s in subjects}

    by_subject = {
        (r[sel.LEVEL], r[sel.SUBJECT]): r for r in sel.grouped_counts(season_q, (sel.LEVEL, sel.SUBJECT))
    }
    by_level = {r[sel.LEVEL]: r for r in sel.grouped_counts(season_q, (sel.LEVEL,))}
    stage_rows = []
    for level in LEVELS:
        for subject in subjects:
            row = by_subject.get((level, subject.pk))
            if row:
                stage_rows.append(
                    {"stage": LEVEL_NAMES[level], "subject": subject.name, "is_total": False, **_counts(row)}
                )
        stage_rows.append(
            {
                "stage": LEVEL_NAMES[level],
                "subject": "Итого по этапу",
                "is_total": True,
                **_counts(by_level.get(level)),
            }
        )

    enrolments = sel.Enrolments(scope=scope, filters=Filters(Stage.Level.SCHOOL, tuple(compared or [-1])))
    by_school = {
        (r[sel.SCHOOL], r[sel.LEVEL]): r for r in sel.grouped_counts(season_q, (sel.SCHOOL, sel.LEVEL))
    }
    school_rows = []
    for school in sel.schools_in(scope=scope):
        school_stage = by_school.get((school.pk, Stage.Level.SCHOOL))
        municipal = by_school.get((school.pk, Stage.Level.MUNICIPAL))
        if not school_stage and not municipal:
            continue
        first, second = _counts(school_stage), _counts(municipal)
        enrolled = enrolments.school(school.pk, year) if year is not None else None
        school_rows.append(
            {
                "school": school.short_name or school.name,
                "school_students": first["students"],
                "school_share": _share(first["students"], enrolled),
                "school_winners": first["winners"],
                "school_prize_winners": first["prize_winners"],
                "municipal_students": second["students"],
                "municipal_winners": second["winners"],
                "municipal_prize_winners": second["prize_winners"],
            }
        )

    teacher_rows = []
    for level in LEVELS:
        for teacher in sel.teacher_rows(
            scope=scope,
            filters=Filters(level, season_filters.years),
            years=list(season_filters.years),
            subject_names=names,
        ):
            cell = teacher.cells[0]
            teacher_rows.append(
                {
                    "name": teacher.name,
                    "subject": teacher.subject,
                    "stage": LEVEL_NAMES[level],
                    "students": cell.students,
                    "winners": cell.winners,
                    "prize_winners": cell.prize_winners,
                }
            )

    history_q = sel.participations_q(
        paths=scope.paths, filters=Filters(years=tuple(compared or [-1])), level=False
    )
    by_year = {(r[sel.YEAR], r[sel.LEVEL]): r for r in sel.grouped_counts(history_q, (sel.YEAR, sel.LEVEL))}
    comparison_rows = []
    for level in LEVELS:
        for start in compared:
            comparison_rows.append(
                {
                    "year": f"{start}/{start + 1}",
                    "stage": LEVEL_NAMES[level],
                    **_counts(by_year.get((start, level))),
                }
            )
    chart = Chart(
        kind=ChartKind.BAR,
        title="Школьный этап: участия, победители и призёры по годам",
        labels=tuple(f"{start}/{start + 1}" for start in compared),
        series=tuple(
            Series(label, tuple(_counts(by_year.get((start, Stage.Level.SCHOOL)))[key] for start in compared))
            for key, label in (
                ("participations", "Участий"),
                ("winners", "Победителей"),
                ("prize_winners", "Призёров"),
            )
        ),
        unit="чел.",
        label_title="Учебный год",
        value_axis_title="Человек",
    )
    school_total = _counts(by_level.get(Stage.Level.SCHOOL))
    municipal_total = _counts(by_level.get(Stage.Level.MUNICIPAL))
    return {
        "scope_name": scope.label,
        "academic_year": f"{year}/{year + 1}" if year is not None else "",
        "school_participations": school_total["participations"],
        "school_students": school_total["students"],
        "school_awarded": school_total["awarded"],
        "municipal_participations": municipal_total["participations"],
        "municipal_students": municipal_total["students"],
        "municipal_awarded": municipal_total["awarded"],
        "stage_rows": stage_rows,
        "school_rows": school_rows,
        "teacher_rows": teacher_rows,
        "comparison_rows": comparison_rows,
        "chart": DocxImage(chart_png(chart), width_mm=160),
    }


def district_report_docx(*, user: Any, scope: Scope, year: int | None) -> tuple[bytes, str]:
    context = report_context(scope=scope, year=year)
    context.update(common_context(kind=get_kind(REPORT_CODE), number="", on=timezone.localdate(), by=user))
    season = context["academic_year"].replace("/", "-")
    return render_docx(REPORT_CODE, context), f"{REPORT_TITLE} {season} — {scope.label}.docx"


# --- the sample ----------------------------------------------------------------------------------------


def sample_context(fmt: str) -> dict[str, Any]:
    counts: dict[str, Any] = {
        "students": 120,
        "participations": 310,
        "winners": 12,
        "prize_winners": 98,
        "awarded": 110,
    }
    counts["awarded_share"] = "35,5"
    chart = Chart(
        kind=ChartKind.BAR,
        title="Школьный этап: участия, победители и призёры по годам",
        labels=("2024/2025", "2025/2026"),
        series=(Series("Участий", (290, 310)), Series("Победителей", (10, 12)), Series("Призёров", (90, 98))),
        unit="чел.",
    )
    return {
        "scope_name": "Курчалоевский район",
        "academic_year": "2025/2026",
        "school_participations": 310,
        "school_students": 120,
        "school_awarded": 110,
        "municipal_participations": 60,
        "municipal_students": 45,
        "municipal_awarded": 20,
        "stage_rows": [
            {"stage": "школьный", "subject": "Математика", "is_total": False, **counts},
            {"stage": "школьный", "subject": "Итого по этапу", "is_total": True, **counts},
        ],
        "school_rows": [
            {
                "school": "СОШ № 1 г. Курчалой",
                "school_students": 80,
                "school_share": "42,1",
                "school_winners": 8,
                "school_prize_winners": 60,
                "municipal_students": 30,
                "municipal_winners": 2,
                "municipal_prize_winners": 10,
            }
        ],
        "teacher_rows": [
            {
                "name": "Иванова Мария Петровна",
                "subject": "Математика",
                "stage": "школьный",
                "students": 12,
                "winners": 2,
                "prize_winners": 5,
            }
        ],
        "comparison_rows": [
            {"year": "2024/2025", "stage": "школьный", **counts},
            {"year": "2025/2026", "stage": "школьный", **counts},
        ],
        "chart": DocxImage(chart_png(chart), width_mm=160),
    }


COUNT_FIELDS = (
    "row.students — участников (чел.), row.participations — участий, row.winners — победителей, "
    "row.prize_winners — призёров, row.awarded — победителей и призёров, row.awarded_share — их доля среди "
    "участий, %"
)

REPORT_KIND = DocumentKind(
    code=REPORT_CODE,
    title=REPORT_TITLE,
    description=(
        "Итоги школьного и муниципального этапов всероссийской олимпиады школьников по району за учебный "
        "год: по этапам и предметам, по школам, педагоги, подготовившие победителей и призёров, сравнение "
        "с прошлыми годами и диаграмма."
    ),
    docx_template=TEMPLATE,
    file_stem=REPORT_TITLE,
    variables=(
        TemplateVariable("scope_name", "Район (муниципалитет)"),
        TemplateVariable("academic_year", "Учебный год, например 2025/2026"),
        TemplateVariable("school_participations", "Школьный этап: участий"),
        TemplateVariable("school_students", "Школьный этап: участников (каждый обучающийся один раз)"),
        TemplateVariable("school_awarded", "Школьный этап: победителей и призёров"),
        TemplateVariable("municipal_participations", "Муниципальный этап: участий"),
        TemplateVariable("municipal_students", "Муниципальный этап: участников"),
        TemplateVariable("municipal_awarded", "Муниципальный этап: победителей и призёров"),
        TemplateVariable(
            "stage_rows",
            f"По этапам и предметам: row.stage, row.subject (или «Итого по этапу»), {COUNT_FIELDS}, "
            "row.is_total — да для строки итога",
        ),
        TemplateVariable(
            "school_rows",
            "По школам: row.school, row.school_students — участников школьного этапа, row.school_share — "
            "доля обучающихся, %, row.school_winners, row.school_prize_winners, row.municipal_students, "
            "row.municipal_winners, row.municipal_prize_winners",
        ),
        TemplateVariable(
            "teacher_rows",
            "Педагоги, подготовившие победителей и призёров: row.name, row.subject, row.stage, "
            "row.students — подготовил обучающихся, row.winners, row.prize_winners",
        ),
        TemplateVariable("comparison_rows", f"Сравнение по годам: row.year, row.stage, {COUNT_FIELDS}"),
        TemplateVariable("chart", "Диаграмма «Участия, победители и призёры по годам» (картинка)"),
    ),
    sample_context=sample_context,
)


def register() -> None:
    register_kind(REPORT_KIND)


# --- the built-in template ------------------------------------------------------------------------------


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


def build_template() -> Path:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
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

    def para(text: str, *, bold: bool = False, center: bool = False) -> None:
        p = document.add_paragraph()
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(text).bold = bold

    para("АНАЛИТИЧЕСКАЯ СПРАВКА", bold=True, center=True)
    para(
        "по итогам школьного и муниципального этапов всероссийской олимпиады школьников "
        "в {{ academic_year }} учебном году",
        bold=True,
        center=True,
    )
    para("{{ scope_name }}", center=True)
    para(
        "В школьном этапе приняли участие {{ school_students }} обучающихся ({{ school_participations }} "
        "участий), победителями и призёрами стали {{ school_awarded }}. В муниципальном этапе приняли "
        "участие {{ municipal_students }} обучающихся ({{ municipal_participations }} участий), "
        "победителями и призёрами стали {{ municipal_awarded }}."
    )
    para("1. Итоги по этапам и предметам", bold=True)
    _table(
        document,
        [
            "Этап",
            "Предмет",
            "Участников",
            "Участий",
            "Победителей",
            "Призёров",
            "Доля победителей и призёров, %",
        ],
        [
            "{{ row.stage }}",
            "{{ row.subject }}",
            "{{ row.students }}",
            "{{ row.participations }}",
            "{{ row.winners }}",
            "{{ row.prize_winners }}",
            "{{ row.awarded_share }}",
        ],
        "stage_rows",
    )
    para("2. Итоги по школам", bold=True)
    _table(
        document,
        [
            "Школа",
            "Школьный этап: участников",
            "Доля обучающихся, %",
            "Победителей",
            "Призёров",
            "Муниципальный этап: участников",
            "Победителей",
            "Призёров",
        ],
        [
            "{{ row.school }}",
            "{{ row.school_students }}",
            "{{ row.school_share }}",
            "{{ row.school_winners }}",
            "{{ row.school_prize_winners }}",
            "{{ row.municipal_students }}",
            "{{ row.municipal_winners }}",
            "{{ row.municipal_prize_winners }}",
        ],
        "school_rows",
    )
    para("3. Педагоги, подготовившие победителей и призёров", bold=True)
    _table(
        document,
        ["Педагог", "Предмет", "Этап", "Подготовил обучающихся", "Победителей", "Призёров"],
        [
            "{{ row.name }}",
            "{{ row.subject }}",
            "{{ row.stage }}",
            "{{ row.students }}",
            "{{ row.winners }}",
            "{{ row.prize_winners }}",
        ],
        "teacher_rows",
    )
    para("4. Сравнение с прошлыми годами", bold=True)
    _table(
        document,
        ["Учебный год", "Этап", "Участников", "Участий", "Победителей", "Призёров", "Доля, %"],
        [
            "{{ row.year }}",
            "{{ row.stage }}",
            "{{ row.students }}",
            "{{ row.participations }}",
            "{{ row.winners }}",
            "{{ row.prize_winners }}",
            "{{ row.awarded_share }}",
        ],
        "comparison_rows",
    )
    para("{{ chart }}", center=True)
    para("{{ document_date }}    ____________ {{ issued_by_short_name }}")
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    document.save(TEMPLATE)
    return TEMPLATE


if __name__ == "__main__":  # pragma: no cover
    print(build_template())
