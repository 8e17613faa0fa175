"""The office's list of surveys (imo.core.tables): status, audience, dates, response counts; Excel."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from imo.core.tables import ChoiceFilter, Column, SearchFilter, Table, label_order, russian
from imo.surveys.builder.selectors import Status, status_of, status_q
from imo.surveys.models import AudienceKind, Mode

BADGES = {
    Status.DRAFT: "text-bg-secondary",
    Status.SCHEDULED: "text-bg-info",
    Status.OPEN: "text-bg-success",
    Status.CLOSED: "text-bg-dark",
}


def _status_badge(survey: Any) -> SafeString:
    status = status_of(survey)
    return format_html('<span class="badge {}">{}</span>', BADGES[status], Status.LABELS[status])


def _by_status(rows: QuerySet[Any], value: str) -> QuerySet[Any]:
    return rows.filter(status_q(value))


def _by_title(rows: QuerySet[Any], value: str) -> QuerySet[Any]:
    for word in value.split():
        rows = rows.filter(title__icontains=word)
    return rows


def _day(value: Any) -> Any:
    return timezone.localdate(value) if value else None


def _rate(survey: Any) -> str:
    if not survey.asked_count:
        return "—"
    share = round(100 * survey.responded_count / survey.asked_count)
    return f"{survey.responded_count} из {survey.asked_count} ({share} %)"


PARTS = (("surveys:tracking", "Ход опроса"), ("surveys:results", "Результаты"))


def _other_part(name: str, survey: Any, label: str) -> tuple[str, str]:
    # Tracking and results are other parts of the app; until they are mounted the link is left out.
    try:
        return reverse(name, args=[survey.pk]), label
    except NoReverseMatch:
        return "", ""


def _actions(survey: Any) -> SafeString:
    links = [(reverse("surveys:builder", args=[survey.pk]), "Вопросы")]
    if survey.is_published:
        links.extend(_other_part(name, survey, label) for name, label in PARTS)
    parts = [
        format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}">{}'
            '<span class="visually-hidden"> «{}»</span></a>',
            url,
            label,
            survey.title,
        )
        for url, label in links
        if url
    ]
    return format_html(
        '<div class="d-flex flex-wrap gap-1 justify-content-end">{}</div>', SafeString("".join(parts))
    )


class SurveyTable(Table):
    columns = [
        Column(
            "title",
            "Название",
            sort=russian,
            hideable=False,
            link=lambda s: reverse("surveys:builder", args=[s.pk]),
            width=60,
        ),
        Column(
            "status",
            "Состояние",
            display=_status_badge,
            export=lambda s: Status.LABELS[status_of(s)],
            width=16,
        ),
        Column("audience", "Кто отвечает", sort=label_order(AudienceKind.choices), width=24),
        Column("mode", "Режим", sort=label_order(Mode.choices), width=12),
        Column(
            "opens_at",
            "Начало",
            display=lambda s: _day(s.opens_at),
            export=lambda s: _day(s.opens_at),
            sort=True,
        ),
        Column(
            "closes_at",
            "Окончание",
            display=lambda s: _day(s.closes_at),
            export=lambda s: _day(s.closes_at),
            sort=True,
        ),
        Column("responses", "Ответили", display=_rate, sort=True, sort_fields=("responded_count",), width=20),
        Column("organization", "Организация", field="organization.short_name", visible=False, width=30),
        Column("actions", "Действия", display=_actions, hideable=False, exportable=False),
    ]
    filters = [
        SearchFilter("q", "Название", placeholder="Часть названия", method=_by_title),
        ChoiceFilter(
            "status",
            "Состояние",
            choices=[(key, label) for key, label in Status.LABELS.items()],
            method=_by_status,
        ),
        ChoiceFilter("audience", "Кто отвечает", choices=AudienceKind.choices),
        ChoiceFilter("mode", "Режим", choices=Mode.choices),
    ]
    default_sort = "-opens_at"
    noun = "анкета,анкеты,анкет"
    caption = "Анкеты и мониторинги"
    export_url_name = "surveys:export"
    export_filename = "анкеты"
    sheet_name = "Анкеты"
    empty_text = "Анкет пока нет. Создайте анкету или возьмите готовый шаблон."
