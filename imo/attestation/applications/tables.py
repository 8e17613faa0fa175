"""The list of applications (imo.core.tables): filters by status, category, overdue steps, school and
name. Rows come from selectors.application_list, annotated with the current step's `deadline` and
`overdue` (AttestationSettings, deadlines.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from imo.attestation.models import Application, QualificationCategory
from imo.core.tables import ChoiceFilter, Column, SearchFilter, Table, label_order, russian
from imo.orgs.selectors import educational_organizations_visible_to

Status = Application.Status

#: Bootstrap badge of each status (text-bg-* keeps the contrast axe asks for).
STATUS_BADGES: dict[str, str] = {
    Status.DRAFT: "text-bg-secondary",
    Status.SUBMITTED: "text-bg-primary",
    Status.RETURNED: "text-bg-warning",
    Status.FORWARDED: "text-bg-info",
    Status.ACCEPTED: "text-bg-info",
    Status.AWARDED: "text-bg-success",
    Status.REFUSED: "text-bg-danger",
    Status.WITHDRAWN: "text-bg-light border",
}
STATUS_LABELS = dict(Status.choices)


def badge_class(status: str) -> str:
    return STATUS_BADGES.get(status, "text-bg-secondary")


def status_badge(status: str) -> SafeString:
    return format_html(
        '<span class="badge {}">{}</span>',
        STATUS_BADGES.get(status, "text-bg-secondary"),
        STATUS_LABELS[status],
    )


def overdue_badge() -> SafeString:
    return format_html('<span class="badge text-bg-danger">{}</span>', "просрочено")


def _deadline_cell(row: Any) -> Any:
    deadline = row.deadline
    if deadline is None:
        return "—"
    if row.overdue:
        return format_html("{} {}", f"{deadline:%d.%m.%Y}", overdue_badge())
    return f"{deadline:%d.%m.%Y}"


def _started(row: Any) -> dt.date:
    return timezone.localdate(row.created_at)


def _schools(table: Table) -> list[tuple[int, str]]:
    def compute() -> list[tuple[int, str]]:
        rows = educational_organizations_visible_to(user=table.user).values_list("pk", "short_name", "name")
        return sorted(
            ((pk, short or name) for pk, short, name in rows), key=lambda r: r[1].casefold().replace("ё", "е")
        )

    return table.cached("schools", compute)


class ApplicationTable(Table):
    columns = [
        Column(
            "educator",
            "Педагог",
            field="educator",
            display=lambda a: a.educator.full_name,
            export=lambda a: a.educator.full_name,
            link=lambda a: reverse("attestation:application", args=[a.pk]),
            sort=russian,
            sort_fields=("educator__last_name", "educator__first_name", "educator__patronymic"),
            hideable=False,
            width=36,
        ),
        Column(
            "school",
            "Организация",
            display=lambda a: (a.organization.short_name or a.organization.name) if a.organization else "—",
            export=lambda a: (a.organization.short_name or a.organization.name) if a.organization else "",
            sort=russian,
            sort_fields=("organization__short_name",),
            width=32,
        ),
        Column("kind", "Категория", sort=label_order(QualificationCategory.Kind.choices), width=20),
        Column(
            "status",
            "Состояние",
            display=lambda a: status_badge(a.status),
            export=lambda a: STATUS_LABELS[a.status],
            sort=label_order(Status.choices),
            width=34,
        ),
        Column("submitted_on", "Передано в ИМО", sort=True, visible=False, width=14),
        Column(
            "deadline",
            "Срок шага",
            display=_deadline_cell,
            sort=True,
            width=14,
        ),
        Column(
            "overdue",
            "Просрочено",
            display=lambda a: overdue_badge() if a.overdue else "",
            export=lambda a: bool(a.overdue),
            visible=False,
            width=12,
        ),
        Column(
            "created_at",
            "Начато",
            display=lambda a: f"{_started(a):%d.%m.%Y}",
            export=_started,
            sort=True,
            width=14,
        ),
    ]
    filters = [
        SearchFilter("q", "Поиск", fields=("educator__search_text",), placeholder="ФИО педагога"),
        ChoiceFilter("status", "Состояние", choices=Status.choices),
        ChoiceFilter("kind", "Категория", choices=QualificationCategory.Kind.choices),
        ChoiceFilter(
            "overdue",
            "Сроки",
            choices=[("1", "только просроченные")],
            all_label="все",
            method=lambda queryset, value: queryset.filter(overdue=True),
        ),
        ChoiceFilter(
            "school", "Организация", field="organization_id", choices=_schools, coerce=int, min_choices=2
        ),
    ]
    default_sort = "-created_at"
    noun = "заявление,заявления,заявлений"
    caption = "Заявления на аттестацию"
    export_url_name = "attestation:applications_export"
    export_filename = "заявления на аттестацию"
    sheet_name = "Заявления"
    empty_text = "Заявлений пока нет."
    empty_filtered_text = "Заявлений не найдено. Измените фильтры или сбросьте их."
