"""«Отчёт по результатам анкетирования» (DOCX): every question with its counts, shares, averages, a chart
and some free-text answers. The office may replace the template on the page «Шаблоны документов»; the
kind is registered from setup.ready().

The built-in template is made by `build_template()`:
`.venv/bin/python -m imo.surveys.results.documents` after changing its wording."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone

from imo.core.charts import Chart, ChartKind, Series, chart_png, format_number
from imo.core.documents.registry import DocumentKind, TemplateVariable, get_kind, register_kind
from imo.core.documents.rendering import DocxImage, render_docx
from imo.core.documents.services import common_context
from imo.surveys.models import Mode, QuestionKind, Survey
from imo.surveys.results.aggregation import QuestionResult, Results

REPORT_CODE = "surveys.results_report"
REPORT_TITLE = "Отчёт по результатам анкетирования"
TEMPLATE = Path(__file__).resolve().parent / "document_templates" / "results_report.docx"
TEXTS_IN_REPORT = 5


def question_chart(
    item: QuestionResult, *, school: QuestionResult | None = None, school_label: str = ""
) -> Chart | None:
    """The chart of one question (None for kinds that have nothing to draw): shares of the respondents
    for choices and scales, averages per row for a grid; a school admin's school beside the district."""
    question = item.question
    if item.rows:
        series = [Series("Все ответившие", tuple(row.share or 0 for row in item.rows))]
        if school is not None:
            series.append(Series(school_label, tuple(row.share or 0 for row in school.rows)))
        return Chart(
            kind=ChartKind.BAR_HORIZONTAL,
            title=question.text,
            labels=tuple(row.label for row in item.rows),
            series=tuple(series),
            unit="%",
            label_title="Ответ",
            decimals=1,
        )
    if item.grid:
        series = [Series("Среднее", tuple(g.average for g in item.grid))]
        if school is not None:
            series.append(Series(f"{school_label}: среднее", tuple(g.average for g in school.grid)))
        return Chart(
            kind=ChartKind.BAR_HORIZONTAL,
            title=question.text,
            labels=tuple(g.label for g in item.grid),
            series=tuple(series),
            label_title="Строка",
            value_axis_title=f"Среднее (шкала {question.scale_min}–{question.scale_max})",
            decimals=1,
        )
    return None


def _question_context(number: int, item: QuestionResult) -> dict[str, Any]:
    question = item.question
    rows = [
        {"label": row.label, "count": row.count, "share": format_number(row.share, 1)} for row in item.rows
    ]
    rows += [
        {"label": g.label, "count": g.count, "share": f"среднее {format_number(g.average, 1)}"}
        for g in item.grid
    ]
    if item.average is not None:
        rows.append(
            {
                "label": "Среднее (наименьшее — наибольшее)",
                "count": item.answered,
                "share": f"{format_number(item.average, 2)} ({format_number(item.minimum, 2)} — "
                f"{format_number(item.maximum, 2)})",
            }
        )
    chart = question_chart(item) if question.kind != QuestionKind.NUMBER else None
    return {
        "number": number,
        "text": question.text,
        "kind": question.get_kind_display(),
        "answered": item.answered,
        "rows": rows,
        "has_rows": bool(rows),
        "texts": item.texts[:TEXTS_IN_REPORT],
        "has_chart": chart is not None and not chart.is_empty,
        "chart": DocxImage(chart_png(chart), width_mm=150)
        if chart is not None and not chart.is_empty
        else "",
    }


def report_context(*, survey: Survey, results: Results, filters_text: str) -> dict[str, Any]:
    return {
        "survey_title": survey.title,
        "mode": survey.get_mode_display().lower(),
        "audience": survey.get_audience_display(),
        "opens_on": timezone.localtime(survey.opens_at).date() if survey.opens_at else "",
        "closes_on": timezone.localtime(survey.closes_at).date() if survey.closes_at else "",
        "responses": results.total,
        "filters": filters_text or "все ответы",
        "questions": [_question_context(n, item) for n, item in enumerate(results.questions, start=1)],
    }


def results_docx(*, user: Any, survey: Survey, results: Results, filters_text: str) -> tuple[bytes, str]:
    context = report_context(survey=survey, results=results, filters_text=filters_text)
    context.update(common_context(kind=get_kind(REPORT_CODE), number="", on=timezone.localdate(), by=user))
    return render_docx(REPORT_CODE, context), f"{REPORT_TITLE} — {survey.title[:100]}.docx"


# --- the sample ----------------------------------------------------------------------------------------


def sample_context(fmt: str) -> dict[str, Any]:
    chart = Chart(
        kind=ChartKind.BAR_HORIZONTAL,
        title="Испытываете ли вы затруднения при подготовке к урокам?",
        labels=("Да, регулярно", "Иногда", "Нет"),
        series=(Series("Все ответившие", (21.5, 48.3, 30.2)),),
        unit="%",
        decimals=1,
    )
    return {
        "survey_title": "Профессиональные потребности и затруднения педагогов",
        "mode": Mode.NAMED.label.lower(),
        "audience": "Педагоги",
        "opens_on": "01.10.2025",
        "closes_on": "31.10.2025",
        "responses": 412,
        "filters": "все ответы",
        "questions": [
            {
                "number": 1,
                "text": "Испытываете ли вы затруднения при подготовке к урокам?",
                "kind": "Один вариант",
                "answered": 410,
                "rows": [
                    {"label": "Да, регулярно", "count": 88, "share": "21,5"},
                    {"label": "Иногда", "count": 198, "share": "48,3"},
                    {"label": "Нет", "count": 124, "share": "30,2"},
                ],
                "has_rows": True,
                "texts": ["Не хватает времени на подготовку"],
                "has_chart": True,
                "chart": DocxImage(chart_png(chart), width_mm=150),
            }
        ],
    }


REPORT_KIND = DocumentKind(
    code=REPORT_CODE,
    title=REPORT_TITLE,
    description=(
        "Результаты анкеты или мониторинга: по каждому вопросу — число ответивших, ответы с долями, средние "
        "для шкал и чисел, диаграммы и примеры развёрнутых ответов."
    ),
    docx_template=TEMPLATE,
    file_stem=REPORT_TITLE,
    variables=(
        TemplateVariable("survey_title", "Название анкеты"),
        TemplateVariable("mode", "Режим: именная / анонимная"),
        TemplateVariable("audience", "Кто отвечал"),
        TemplateVariable("opens_on", "Начало приёма ответов (дд.мм.гггг)"),
        TemplateVariable("closes_on", "Окончание приёма ответов (дд.мм.гггг)"),
        TemplateVariable("responses", "Всего ответов (с учётом отбора)"),
        TemplateVariable("filters", "Отбор ответов словами, например «СОШ № 1; с 01.10.2025»"),
        TemplateVariable(
            "questions",
            "Вопросы: q.number, q.text, q.kind, q.answered — ответили на вопрос, q.rows — строки (row.label, "
            "row.count, row.share — доля ответивших, %, или среднее), q.has_rows, q.texts — примеры "
            "текстовых ответов, q.has_chart, q.chart — диаграмма (картинка)",
        ),
    ),
    sample_context=sample_context,
)


def register() -> None:
    register_kind(REPORT_KIND)


# --- the built-in template ------------------------------------------------------------------------------


def build_template() -> Path:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document: Any = Document()
    section = document.sections[0]
    section.left_margin, section.right_margin = Mm(25), Mm(15)
    section.top_margin, section.bottom_margin = Mm(15), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)

    def para(text: str, *, bold: bool = False, center: bool = False) -> None:
        p = document.add_paragraph()
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(text).bold = bold

    para("ОТЧЁТ", bold=True, center=True)
    para("по результатам анкетирования «{{ survey_title }}»", bold=True, center=True)
    para(
        "Анкета {{ mode }}, отвечали: {{ audience }}. Приём ответов: {{ opens_on }} — {{ closes_on }}. "
        "Учтено ответов: {{ responses }} ({{ filters }})."
    )
    para("{%p for q in questions %}")
    para("{{ q.number }}. {{ q.text }}", bold=True)
    para("Ответили на вопрос: {{ q.answered }}.")
    para("{%p if q.has_rows %}")
    table = document.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, ["Ответ", "Ответов", "Доля ответивших, %"], strict=True):
        cell.paragraphs[0].add_run(header).bold = True
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr for row in q.rows %}")
    for cell, value in zip(
        table.rows[2].cells, ["{{ row.label }}", "{{ row.count }}", "{{ row.share }}"], strict=True
    ):
        cell.paragraphs[0].add_run(value)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    para("{%p endif %}")
    para("{%p if q.has_chart %}")
    para("{{ q.chart }}", center=True)
    para("{%p endif %}")
    para("{%p for text in q.texts %}")
    para("— {{ text }}")
    para("{%p endfor %}")
    para("{%p endfor %}")
    para("{{ document_date }}    ____________ {{ issued_by_short_name }}")
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    document.save(TEMPLATE)
    return TEMPLATE


if __name__ == "__main__":  # pragma: no cover
    print(build_template())
