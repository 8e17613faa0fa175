"""The district's list of completed courses (imo.core.tables): filters by status, kind, provider type,
provider, year of end, flagged courses, school and the educator's name; sorting; pages; Excel."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from imo.core.tables import ChoiceFilter, Column, SearchFilter, Table, label_order, russian
from imo.orgs.selectors import educational_organizations_visible_to
from imo.training.models import CourseKind, CourseRecord, Provider, ProviderKind
from imo.training.records.selectors import working_at_q

Status = CourseRecord.Status
STATUS_BADGES: dict[str, str] = {
    Status.PENDING: "text-bg-warning",
    Status.CONFIRMED: "text-bg-success",
    Status.REJECTED: "text-bg-danger",
}
STATUS_LABELS = dict(Status.choices)
NOT_COUNTING = "не засчитывается в трёхлетний срок"


def status_badge(status: str) -> SafeString:
    return format_html(
        '<span class="badge {}">{}</span>', STATUS_BADGES.get(status, ""), STATUS_LABELS[status]
    )


def flag_badge(flagged: bool) -> SafeString:
    """The badge of a course that is saved but does not count (an "other" provider after the cut-off)."""
    if not flagged:
        return SafeString("")
    return format_html('<span class="badge text-bg-danger text-wrap text-start">{}</span>', NOT_COUNTING)


def document_text(record: CourseRecord) -> str:
    if not record.document_number:
        return record.get_document_kind_display()
    text = f"{record.get_document_kind_display()} № {record.document_number}"
    if record.issued_on:
        text += f" от {record.issued_on:%d.%m.%Y}"
    return text


def document_short(record: CourseRecord) -> str:
    """The number and date of the document for a narrow column: «№ 12 от 15.03.2024»."""
    if not record.document_number:
        return "—"
    text = f"№ {record.document_number}"
    return f"{text} от {record.issued_on:%d.%m.%Y}" if record.issued_on else text


def _schools(table: Table) -> list[tuple[int, str]]:
    def compute() -> list[tuple[int, str]]:
        rows = educational_organizations_visible_to(user=table.user).values_list("pk", "short_name", "name")
        return sorted(
            ((pk, short or name) for pk, short, name in rows), key=lambda r: r[1].casefold().replace("ё", "е")
        )

    return table.cached("schools", compute)


def _providers(table: Table) -> list[tuple[int, str]]:
    rows = Provider.objects.order_by("name_key", "pk").values_list("pk", "short_name", "name")
    return [(pk, short or name) for pk, short, name in rows]


def _years(table: Table) -> list[tuple[int, str]]:
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year, this_year - 11, -1)]


class RecordTable(Table):
    columns = [
        Column(
            "educator",
            "Педагог",
            display=lambda r: r.educator.full_name,
            export=lambda r: r.educator.full_name,
            link=lambda r: reverse("staff:detail", args=[r.educator_id]) + "#section-training_records",
            sort=russian,
            sort_fields=("educator__last_name", "educator__first_name", "educator__patronymic"),
            hideable=False,
            width=36,
        ),
        Column("title", "Программа", sort=russian, width=50),
        Column(
            "provider",
            "Организация",
            display=lambda r: r.provider_display,
            export=lambda r: r.provider_display,
            width=36,
        ),
        Column(
            "provider_kind",
            "Тип организации",
            sort=label_order(ProviderKind.choices),
            visible=False,
            width=30,
        ),
        Column("kind", "Вид", sort=label_order(CourseKind.choices), width=30),
        Column("hours", "Часов", sort=True, width=10),
        Column("starts_on", "Начало", sort=True, visible=False, width=14),
        Column("ends_on", "Окончание", sort=True, width=14),
        Column("document", "Документ", display=document_short, export=document_text, width=40),
        Column(
            "status",
            "Состояние",
            display=lambda r: status_badge(r.status),
            export=lambda r: STATUS_LABELS[r.status],
            sort=label_order(Status.choices),
            width=24,
        ),
        Column("source", "Источник", sort=label_order(CourseRecord.Source.choices), visible=False, width=24),
        Column(
            "counts",
            "Засчитывается",
            display=lambda r: "да" if r.counts else "нет",
            export=lambda r: bool(r.counts),
            sort=True,
            visible=False,
            width=14,
        ),
        Column(
            "flags",
            "Отметки",
            display=lambda r: flag_badge(r.flagged),
            export=lambda r: NOT_COUNTING if r.flagged else "",
            width=34,
        ),
    ]
    filters = [
        SearchFilter("q", "Поиск", fields=("educator__search_text",), placeholder="ФИО педагога"),
        ChoiceFilter("status", "Состояние", choices=Status.choices),
        ChoiceFilter("kind", "Вид", choices=CourseKind.choices),
        ChoiceFilter("provider_kind", "Тип организации", choices=ProviderKind.choices),
        ChoiceFilter("provider", "Организация", field="provider_id", choices=_providers, coerce=int),
        ChoiceFilter("year", "Год окончания", field="ends_on__year", choices=_years, coerce=int),
        ChoiceFilter(
            "flagged",
            "Отметки",
            choices=[("1", NOT_COUNTING)],
            all_label="все",
            method="filter_flagged",
        ),
        ChoiceFilter("school", "Школа", choices=_schools, coerce=int, min_choices=2, method="filter_school"),
    ]
    default_sort = "-ends_on"
    noun = "курс,курса,курсов"
    caption = "Курсы повышения квалификации"
    export_url_name = "training:records_export"
    export_filename = "курсы повышения квалификации"
    sheet_name = "Курсы"
    empty_text = "Сведений о курсах пока нет."
    empty_filtered_text = "Курсов не найдено. Измените фильтры или сбросьте их."

    def filter_flagged(self, queryset: QuerySet[Any], value: Any) -> QuerySet[Any]:
        return queryset.filter(flagged=True)

    def filter_school(self, queryset: QuerySet[Any], value: Any) -> QuerySet[Any]:
        return queryset.filter(working_at_q(value))
