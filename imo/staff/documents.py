"""The staff statistics on paper and on charts: «Отчёт о кадровом составе» (DOCX, in the shape of the staff
section of the state form ОО-1) and the charts of the statistics page.

Imported at start-up by the documents app (`autodiscover_modules("documents")`), which registers the kind.
The office issues the report through the register (numbered, stored); a school admin, who may not issue
register documents, downloads the same report without a number for their school (views/statistics.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.utils import timezone

from imo.core.charts import Chart, ChartKind, Series, chart_png, format_number, top_with_rest
from imo.core.documents.models import IssuedDocument
from imo.core.documents.registry import DocumentKind, TemplateVariable, get_kind, register_kind
from imo.core.documents.rendering import DocxImage, render_docx
from imo.core.documents.services import common_context, document_issue
from imo.orgs.selectors import primary_membership
from imo.staff.experience import AGE_BANDS, EXPERIENCE_BANDS, statistics_age_date
from imo.staff.statistics import (
    EDUCATION_LINES,
    UNKNOWN_LABEL,
    Figure,
    OrganizationFigures,
    StaffStatistics,
    StatisticsScope,
)

REPORT_CODE = "staff.report"
REPORT_TITLE = "Отчёт о кадровом составе"
TEMPLATES_DIR = Path(__file__).resolve().parent / "document_templates"
ORGANIZATIONS_ON_CHART = 15
UNNUMBERED = "б/н"


# --- charts -------------------------------------------------------------------------------------------


def _known(figures: tuple[Figure, ...]) -> tuple[Figure, ...]:
    """The bands, with «не указано» only when someone is in it."""
    return tuple(f for f in figures if f.key != "unknown" or f.total)


# Short labels for the chart's axis (eleven columns side by side); the tables keep the full ones.
AGE_CHART_LABELS = {AGE_BANDS[0].key: "до 25", AGE_BANDS[-1].key: "65+"}


def age_chart(stats: StaffStatistics) -> Chart:
    shown = _known(stats.ages)
    return Chart(
        kind=ChartKind.BAR,
        title=f"Возраст педагогов (полных лет на {stats.age_on:%d.%m.%Y})",
        labels=tuple(AGE_CHART_LABELS.get(f.key, f.label) for f in shown),
        series=(
            Series("Всего", tuple(f.total for f in shown)),
            Series("Женщины", tuple(f.women for f in shown)),
        ),
        unit="чел.",
        label_title="Возраст",
        value_axis_title="Человек",
    )


def experience_chart(stats: StaffStatistics) -> Chart:
    shown = _known(stats.teaching)
    return Chart(
        kind=ChartKind.BAR,
        title=f"Педагогический стаж на {stats.on:%d.%m.%Y}",
        labels=tuple(f.label for f in shown),
        series=(
            Series("Всего", tuple(f.total for f in shown)),
            Series("Женщины", tuple(f.women for f in shown)),
        ),
        unit="чел.",
        label_title="Педагогический стаж",
        value_axis_title="Человек",
    )


def education_chart(stats: StaffStatistics) -> Chart:
    """The highest education, split so that the slices add up to the headcount."""
    by_key = {f.key: f.total for f in stats.education}
    slices = (
        ("Высшее педагогическое", by_key["higher_pedagogical"]),
        ("Высшее непедагогическое", by_key["higher"] - by_key["higher_pedagogical"]),
        ("Среднее профессиональное педагогическое", by_key["vocational_pedagogical"]),
        (
            "Среднее профессиональное непедагогическое",
            by_key["vocational"] - by_key["vocational_pedagogical"],
        ),
        ("Другое", by_key["other"]),
        (f"Образование {UNKNOWN_LABEL}", by_key["unknown"]),
    )
    shown = tuple((label, value) for label, value in slices if value) or slices
    return Chart(
        kind=ChartKind.DONUT,
        title="Образование педагогов (по высшему уровню)",
        labels=tuple(label for label, _ in shown),
        series=(Series("Педагоги", tuple(value for _, value in shown)),),
        unit="чел.",
        label_title="Образование",
        description="В центре — общая численность педагогов.",
    )


def organizations_chart(stats: StaffStatistics, *, limit: int = ORGANIZATIONS_ON_CHART) -> Chart:
    shown = top_with_rest(
        [(o.name, o.headcount) for o in stats.organizations], limit=limit, rest_label="Остальные организации"
    )
    return Chart(
        kind=ChartKind.BAR_HORIZONTAL,
        title="Численность педагогов по организациям",
        labels=tuple(label for label, _ in shown),
        series=(Series("Педагоги", tuple(int(value) for _, value in shown)),),
        unit="чел.",
        label_title="Организация",
        value_axis_title="Человек",
    )


def statistics_charts(stats: StaffStatistics) -> list[Chart]:
    charts = [age_chart(stats), experience_chart(stats), education_chart(stats)]
    if len(stats.organizations) > 1:
        charts.append(organizations_chart(stats))
    return charts


# --- the report -----------------------------------------------------------------------------------------


def share_text(value: float | None) -> str:
    """12.345 → «12,3»; no headcount → «—»."""
    return format_number(value, 1) if value is not None else "—"


def _line(number: int, figure: Figure, *, name: str = "") -> dict[str, Any]:
    return {
        "number": f"{number:02d}",
        "name": name or figure.label,
        "total": figure.total,
        "women": figure.women,
        "share": share_text(figure.share),
    }


def _main_rows(stats: StaffStatistics) -> list[dict[str, Any]]:
    """Численность и образование, as ОО-1 lists them: the headcount, then by education, then the rest."""
    headcount = Figure("headcount", "", stats.headcount, stats.women, 100.0 if stats.headcount else None)
    education = {f.key: f for f in stats.education}
    lines = [
        (headcount, "Численность педагогических работников — всего"),
        (education["higher"], "имеют высшее образование"),
        (education["higher_pedagogical"], "из них педагогическое"),
        (education["vocational"], "имеют среднее профессиональное образование"),
        (education["vocational_pedagogical"], "из них педагогическое"),
        (education["other"], "имеют другое образование"),
        (education["unknown"], f"образование {UNKNOWN_LABEL}"),
        (stats.early_career, "Молодые специалисты (педагогический стаж менее 3 лет)"),
        (stats.part_timers, "Работают только по совместительству"),
    ]
    return [_line(number, figure, name=name) for number, (figure, name) in enumerate(lines, start=1)]


def _experience_rows(stats: StaffStatistics) -> list[dict[str, Any]]:
    return [
        {
            "name": teaching.label,
            "total_all": total.total,
            "total_women": total.women,
            "teaching_all": teaching.total,
            "teaching_women": teaching.women,
        }
        for total, teaching in zip(stats.total_experience, stats.teaching, strict=True)
    ]


def _age_rows(stats: StaffStatistics) -> list[dict[str, Any]]:
    return [
        {"name": f.label, "total": f.total, "women": f.women, "share": share_text(f.share)}
        for f in stats.ages
    ]


def _organization_rows(stats: StaffStatistics) -> list[dict[str, Any]]:
    return [
        {
            "number": index,
            "name": o.name,
            "headcount": o.headcount,
            "women": o.women,
            "early_career": o.early_career,
            "higher_share": share_text(o.higher_share),
            "pedagogical_share": share_text(o.pedagogical_share),
            "part_timers": o.part_timers,
        }
        for index, o in enumerate(stats.organizations, start=1)
    ]


def report_context(stats: StaffStatistics) -> dict[str, Any]:
    """The report's fields (TemplateVariable below), with the charts as pictures."""
    return {
        "scope_name": stats.scope.label,
        "as_of": stats.on,
        "age_date": stats.age_on,
        "headcount": stats.headcount,
        "women": stats.women,
        "employments": stats.employments,
        "part_time_employments": stats.part_time_employments,
        "main_rows": _main_rows(stats),
        "experience_rows": _experience_rows(stats),
        "age_rows": _age_rows(stats),
        "organizations": _organization_rows(stats),
        "chart_age": DocxImage(chart_png(age_chart(stats)), width_mm=160),
        "chart_experience": DocxImage(chart_png(experience_chart(stats)), width_mm=160),
        "chart_education": DocxImage(chart_png(education_chart(stats)), width_mm=150),
        "signer_position": "",
    }


def _signer_position(user: Any) -> str:
    membership = primary_membership(user)
    return membership.get_role_display() if membership is not None else ""


def staff_report_issue(*, user: Any, stats: StaffStatistics) -> IssuedDocument:
    """Issue the report through the register: numbered per year, stored, downloadable from the register."""
    context = report_context(stats)
    context["signer_position"] = _signer_position(user)
    return document_issue(
        code=REPORT_CODE, context=context, by=user, organization_id=stats.scope.organization_id, fmt="docx"
    )


def staff_report_unnumbered(*, user: Any, stats: StaffStatistics) -> tuple[bytes, str]:
    """The same report without a register number (for those who may not issue register documents):
    (DOCX bytes, download name)."""
    today = timezone.localdate()
    context = report_context(stats)
    context["signer_position"] = _signer_position(user)
    context.update(common_context(kind=get_kind(REPORT_CODE), number=UNNUMBERED, on=today, by=user))
    name = f"{REPORT_TITLE} — {stats.scope.label} на {stats.on:%d.%m.%Y}.docx"
    return render_docx(REPORT_CODE, context), name


# --- the sample (validates the office's templates, makes the sample download) ---------------------------


def _figure(key: str, label: str, total: int, women: int, *, headcount: int, level: int = 0) -> Figure:
    return Figure(key, label, total, women, total * 100 / headcount if headcount else None, level)


def sample_statistics() -> StaffStatistics:
    on = dt.date(2026, 9, 1)
    headcount, women = 412, 331
    ages = (14, 38, 45, 52, 61, 58, 49, 41, 28, 16, 10)
    teaching = (44, 31, 62, 70, 68, 137, 0)
    total = (30, 27, 58, 71, 72, 154, 0)
    education: tuple[tuple[str, int, int], ...] = (
        ("higher", 318, 259),
        ("higher_pedagogical", 290, 240),
        ("vocational", 84, 66),
        ("vocational_pedagogical", 71, 58),
        ("other", 8, 5),
        ("unknown", 2, 1),
    )
    labels = {key: label for key, label, _, _ in EDUCATION_LINES} | {
        "unknown": f"Образование {UNKNOWN_LABEL}"
    }
    bands = (*((b.key, b.label) for b in EXPERIENCE_BANDS), ("unknown", UNKNOWN_LABEL))
    age_bands = (*((b.key, b.label) for b in AGE_BANDS), ("unknown", UNKNOWN_LABEL))
    schools = (
        ("Гимназия № 1 г. Курчалой", 64, 55, 7, 60, 57, 3),
        ("СОШ № 2 г. Курчалой", 51, 42, 6, 40, 44, 2),
        ("СОШ с. Цоци-Юрт", 47, 36, 5, 35, 38, 4),
    )
    return StaffStatistics(
        scope=StatisticsScope(paths=(), label="Курчалоевский муниципальный район", organization_id=None),
        on=on,
        age_on=statistics_age_date(on),
        headcount=headcount,
        women=women,
        early_career=_figure("early_career", "Молодые специалисты", 44, 36, headcount=headcount),
        part_timers=_figure("part_timers", "Работают только по совместительству", 9, 7, headcount=headcount),
        employments=431,
        part_time_employments=28,
        ages=tuple(
            _figure(key, label, n, round(n * 0.8), headcount=headcount)
            for (key, label), n in zip(age_bands, ages, strict=True)
        ),
        teaching=tuple(
            _figure(key, label, n, round(n * 0.8), headcount=headcount)
            for (key, label), n in zip(bands, teaching, strict=True)
        ),
        total_experience=tuple(
            _figure(key, label, n, round(n * 0.8), headcount=headcount)
            for (key, label), n in zip(bands, total, strict=True)
        ),
        education=tuple(
            _figure(
                key, labels[key], n, w, headcount=headcount, level=1 if key.endswith("pedagogical") else 0
            )
            for key, n, w in education
        ),
        organizations=tuple(
            OrganizationFigures(pk, name, count, w, early, higher, ped, part, count + part, part)
            for pk, (name, count, w, early, higher, ped, part) in enumerate(schools, start=1)
        ),
    )


def sample_context(fmt: str) -> dict[str, Any]:
    context = report_context(sample_statistics())
    context["signer_position"] = "Начальник ИМО"
    return context


register_kind(
    DocumentKind(
        code=REPORT_CODE,
        title=REPORT_TITLE,
        description=(
            "Численность педагогических работников по образованию, стажу и возрасту (с женщинами отдельно) "
            "на выбранную дату, по организации или по району — как раздел о педагогических работниках "
            "формы ОО-1; с диаграммами и таблицей по организациям."
        ),
        docx_template=TEMPLATES_DIR / "staff_report.docx",
        file_stem=REPORT_TITLE,
        variables=(
            TemplateVariable(
                "scope_name", "Организация, группа организаций или район, по которым составлен отчёт"
            ),
            TemplateVariable("as_of", "Дата, на которую посчитаны педагоги и стаж (дд.мм.гггг)"),
            TemplateVariable("age_date", "Дата, на которую посчитан возраст: 1 января следующего года"),
            TemplateVariable("headcount", "Численность педагогических работников (каждый человек один раз)"),
            TemplateVariable("women", "Из них женщин"),
            TemplateVariable("employments", "Мест работы (человек в двух организациях — два)"),
            TemplateVariable("part_time_employments", "Из них по совместительству"),
            TemplateVariable(
                "main_rows",
                "Строки «Численность и образование»: row.number — № строки, row.name, row.total — всего, "
                "row.women — из них женщины, row.share — доля от численности, %",
            ),
            TemplateVariable(
                "experience_rows",
                "Строки «Стаж работы»: row.name — группа стажа, row.total_all, row.total_women — общий стаж "
                "(всего, женщины), row.teaching_all, row.teaching_women — педагогический стаж",
            ),
            TemplateVariable(
                "age_rows", "Строки «Возраст»: row.name — возрастная группа, row.total, row.women, row.share"
            ),
            TemplateVariable(
                "organizations",
                "Строки по организациям: row.number, row.name, row.headcount, row.women, row.early_career, "
                "row.higher_share — с высшим образованием, %, row.pedagogical_share — с педагогическим, %, "
                "row.part_timers — только совместители",
            ),
            TemplateVariable("chart_age", "Диаграмма «Возраст педагогов» (картинка)"),
            TemplateVariable("chart_experience", "Диаграмма «Педагогический стаж» (картинка)"),
            TemplateVariable("chart_education", "Диаграмма «Образование педагогов» (картинка)"),
            TemplateVariable("signer_position", "Должность подписывающего, например «Начальник ИМО»"),
        ),
        sample_context=sample_context,
    )
)
