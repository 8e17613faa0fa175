"""The organisations' documents and charts: «Справка об образовательных организациях района» (DOCX and
PDF, issued through the register) and the charts of the office's home page.

Imported at start-up by the documents app (`autodiscover_modules("documents")`), which registers the kind.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import Count
from django.utils import timezone

from imo.core.charts import (
    Chart,
    ChartBlock,
    ChartKind,
    Series,
    chart_block,
    chart_png,
    chart_svg,
    top_with_rest,
)
from imo.core.collation import russian
from imo.core.documents.models import IssuedDocument
from imo.core.documents.permissions import VIEW_REGISTER
from imo.core.documents.registry import DocumentKind, Format, TemplateVariable, register_kind
from imo.core.documents.rendering import DocxImage
from imo.core.documents.services import document_issue
from imo.core.navigation import Direction, NavItem, register
from imo.core.templatetags.imo import plural_ru
from imo.core.text import russian_sort_key
from imo.orgs.models import Organization
from imo.orgs.selectors import organizations_visible_to, primary_membership

SUMMARY_CODE = "orgs.summary"
TEMPLATES_DIR = Path(__file__).resolve().parent / "document_templates"
EDUCATIONAL_KINDS = (
    Organization.Kind.SCHOOL,
    Organization.Kind.KINDERGARTEN,
    Organization.Kind.ADDITIONAL_EDUCATION,
    Organization.Kind.OTHER,
)
KIND_PLURALS = {
    Organization.Kind.SCHOOL: "Школы",
    Organization.Kind.KINDERGARTEN: "Детские сады",
    Organization.Kind.ADDITIONAL_EDUCATION: "Организации дополнительного образования",
    Organization.Kind.OTHER: "Другие организации",
}
NO_SETTLEMENT = "Не указан"
SETTLEMENTS_ON_CHART = 12


@dataclass(frozen=True)
class OrganizationRow:
    name: str
    kind: str
    settlement: str
    director: str


@dataclass(frozen=True)
class OrganizationSummary:
    """The data of the справка: plain values, so the sample and the real document share one code path."""

    scope_name: str
    scope_id: int | None  # the organisation the справка is about (the register's organisation)
    as_of: dt.date
    by_kind: tuple[tuple[str, int], ...]  # (plural kind label, count), every educational kind
    by_settlement: tuple[tuple[str, int], ...]  # most organisations first
    organizations: tuple[OrganizationRow, ...]  # in Russian alphabetical order

    @property
    def total(self) -> int:
        return sum(count for _, count in self.by_kind)


# --- reading --------------------------------------------------------------------------------------------


def _scope(user: Any) -> tuple[str, int | None]:
    membership = primary_membership(user)
    if membership is None:
        return "Все организации", None
    return membership.organization.name, membership.organization.pk


def _by_settlement(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], russian_sort_key(item[0]))))


def organization_summary(*, user: Any) -> OrganizationSummary:
    """Active educational organisations in the user's scope (one query for the lot)."""
    organizations = list(
        organizations_visible_to(user=user)
        .filter(status=Organization.Status.ACTIVE, kind__in=EDUCATIONAL_KINDS)
        .only("name", "short_name", "kind", "settlement", "director")
        .order_by(russian("short_name"), "pk")
    )
    kinds = Counter(o.kind for o in organizations)
    settlements = Counter(o.settlement or NO_SETTLEMENT for o in organizations)
    scope_name, scope_id = _scope(user)
    return OrganizationSummary(
        scope_name=scope_name,
        scope_id=scope_id,
        as_of=timezone.localdate(),
        by_kind=tuple((KIND_PLURALS[kind], kinds.get(kind, 0)) for kind in EDUCATIONAL_KINDS),
        by_settlement=_by_settlement(settlements),
        organizations=tuple(
            OrganizationRow(o.short_name or o.name, o.get_kind_display(), o.settlement, o.director)
            for o in organizations
        ),
    )


def organization_counts(*, user: Any) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]:
    """(by kind, by settlement) counts of active educational organisations: two aggregate queries."""
    base = organizations_visible_to(user=user).filter(
        status=Organization.Status.ACTIVE, kind__in=EDUCATIONAL_KINDS
    )
    kinds = dict(base.order_by().values_list("kind").annotate(total=Count("pk")))
    settlements: Counter[str] = Counter()
    for settlement, total in base.order_by().values_list("settlement").annotate(total=Count("pk")):
        settlements[settlement or NO_SETTLEMENT] += total
    by_kind = tuple((KIND_PLURALS[kind], kinds.get(kind, 0)) for kind in EDUCATIONAL_KINDS)
    return by_kind, _by_settlement(settlements)


# --- charts ---------------------------------------------------------------------------------------------


def kind_chart(by_kind: tuple[tuple[str, int], ...]) -> Chart:
    shown = tuple((label, count) for label, count in by_kind if count) or by_kind
    return Chart(
        kind=ChartKind.DONUT,
        title="Организации по типам",
        labels=tuple(label for label, _ in shown),
        series=(Series("Организации", tuple(count for _, count in shown)),),
        label_title="Тип организации",
        description="В центре — общее число организаций.",
    )


def settlement_chart(
    by_settlement: tuple[tuple[str, int], ...], *, limit: int = SETTLEMENTS_ON_CHART
) -> Chart:
    shown = top_with_rest(by_settlement, limit=limit, rest_label="Остальные населённые пункты")
    return Chart(
        kind=ChartKind.BAR_HORIZONTAL,
        title="Организации по населённым пунктам",
        labels=tuple(label for label, _ in shown),
        series=(Series("Организации", tuple(int(count) for _, count in shown)),),
        label_title="Населённый пункт",
        value_axis_title="Количество организаций",
    )


def office_charts(*, user: Any) -> list[ChartBlock]:
    """The charts of the office's home page: by kind and by settlement (two queries, drawn server-side)."""
    by_kind, by_settlement = organization_counts(user=user)
    return [chart_block(kind_chart(by_kind)), chart_block(settlement_chart(by_settlement))]


# --- the справка ----------------------------------------------------------------------------------------


def _share(count: int, total: int) -> str:
    return f"{count * 100 / total:.1f}".replace(".", ",") if total else "0"


def _table_context(summary: OrganizationSummary) -> dict[str, Any]:
    total = summary.total
    return {
        "scope_name": summary.scope_name,
        "as_of": summary.as_of,
        "total": total,
        "total_text": f"{total} {plural_ru(total, 'организация,организации,организаций')}",
        "by_kind": [{"name": n, "count": c, "share": _share(c, total)} for n, c in summary.by_kind],
        "by_settlement": [{"name": n, "count": c} for n, c in summary.by_settlement],
        "organizations": [
            {"number": i, "name": o.name, "kind": o.kind, "settlement": o.settlement, "director": o.director}
            for i, o in enumerate(summary.organizations, start=1)
        ],
        "signer_position": "",
    }


def summary_docx_context(summary: OrganizationSummary) -> dict[str, Any]:
    context = _table_context(summary)
    context["chart_by_kind"] = DocxImage(chart_png(kind_chart(summary.by_kind)), width_mm=150)
    context["chart_by_settlement"] = DocxImage(
        chart_png(settlement_chart(summary.by_settlement, limit=15)), width_mm=160
    )
    return context


def summary_pdf_context(summary: OrganizationSummary) -> dict[str, Any]:
    context = _table_context(summary)
    context["chart_by_kind"] = chart_svg(kind_chart(summary.by_kind))
    context["chart_by_settlement"] = chart_svg(settlement_chart(summary.by_settlement, limit=15))
    return context


def _signer_position(user: Any) -> str:
    membership = primary_membership(user)
    return membership.get_role_display() if membership is not None else ""


def summary_issue(*, user: Any, fmt: str) -> IssuedDocument:
    """Issue the справка for the user's scope through the register (numbered, stored, downloadable)."""
    summary = organization_summary(user=user)
    context = summary_pdf_context(summary) if fmt == Format.PDF else summary_docx_context(summary)
    context["signer_position"] = _signer_position(user)
    return document_issue(
        code=SUMMARY_CODE, context=context, by=user, organization_id=summary.scope_id, fmt=fmt
    )


def sample_summary() -> OrganizationSummary:
    settlements = (
        ("г. Курчалой", 9),
        ("с. Цоци-Юрт", 6),
        ("с. Майртуп", 5),
        ("с. Бачи-Юрт", 4),
        ("с. Ялхой-Мохк", 2),
    )
    return OrganizationSummary(
        scope_name="Курчалоевский муниципальный район",
        scope_id=None,
        as_of=dt.date(2026, 3, 5),
        by_kind=(
            (KIND_PLURALS[Organization.Kind.SCHOOL], 14),
            (KIND_PLURALS[Organization.Kind.KINDERGARTEN], 10),
            (KIND_PLURALS[Organization.Kind.ADDITIONAL_EDUCATION], 2),
            (KIND_PLURALS[Organization.Kind.OTHER], 0),
        ),
        by_settlement=settlements,
        organizations=(
            OrganizationRow("Гимназия № 1 г. Курчалой", "Школа", "г. Курчалой", "Алиева Л. М."),
            OrganizationRow("Детский сад № 2 «Солнышко»", "Детский сад", "с. Цоци-Юрт", "Исаева З. А."),
            OrganizationRow(
                "ЦДТ Курчалоевского района", "Организация дополнительного образования", "г. Курчалой", ""
            ),
        ),
    )


def sample_context(fmt: str) -> dict[str, Any]:
    summary = sample_summary()
    context = summary_pdf_context(summary) if fmt == Format.PDF else summary_docx_context(summary)
    context["signer_position"] = "Начальник ИМО"
    return context


register_kind(
    DocumentKind(
        code=SUMMARY_CODE,
        title="Справка об образовательных организациях района",
        description="Число действующих организаций по типам и населённым пунктам, с диаграммами и перечнем.",
        docx_template=TEMPLATES_DIR / "organizations_summary.docx",
        pdf_template="documents/orgs/summary_pdf.html",
        file_stem="Справка об образовательных организациях",
        variables=(
            TemplateVariable("scope_name", "Муниципалитет (или регион), по которому составлена справка"),
            TemplateVariable("as_of", "Дата, на которую посчитаны организации (дд.мм.гггг)"),
            TemplateVariable("total", "Всего действующих организаций"),
            TemplateVariable("total_text", "То же словами с числом: «26 организаций»"),
            TemplateVariable(
                "by_kind",
                "Строки таблицы по типам: row.name — тип, row.count — количество, row.share — доля, %",
            ),
            TemplateVariable("by_settlement", "Строки таблицы по населённым пунктам: row.name, row.count"),
            TemplateVariable(
                "organizations",
                "Перечень: row.number, row.name — наименование, row.kind — тип, row.settlement, row.director",
            ),
            TemplateVariable("chart_by_kind", "Диаграмма «Организации по типам» (картинка)"),
            TemplateVariable(
                "chart_by_settlement", "Диаграмма «Организации по населённым пунктам» (картинка)"
            ),
            TemplateVariable("signer_position", "Должность подписывающего, например «Начальник ИМО»"),
        ),
        sample_context=sample_context,
    )
)
register(
    NavItem(Direction.ANALYTICS, "Справка об образовательных организациях", "orgs:summary", VIEW_REGISTER, 20)
)
