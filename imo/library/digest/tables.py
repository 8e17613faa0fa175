"""The office's list of digest subscribers (who, e-mail, subjects, on or off, last digest), with Excel."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from imo.core.tables import ChoiceFilter, Column, SearchFilter, Table, russian

ACTIVE = "active"
INACTIVE = "inactive"


def _subjects(row: Any) -> str:
    names = [subject.name for subject in row.subjects.all()]  # prefetched by the selector
    return ", ".join(sorted(names)) if names else "все предметы"


def _state(row: Any) -> SafeString:
    if row.is_active:
        return format_html('<span class="badge text-bg-success">{}</span>', "действует")
    return format_html('<span class="badge text-bg-secondary">{}</span>', "отключена")


def _last_sent(row: Any) -> str:
    return f"{timezone.localtime(row.last_sent_at):%d.%m.%Y %H:%M}" if row.last_sent_at else "ещё не было"


class SubscriberTable(Table):
    columns = [
        Column(
            "user",
            "Подписчик",
            field="user.full_name",
            sort=russian,
            sort_fields=("user__last_name", "user__first_name", "user__patronymic"),
            hideable=False,
            width=40,
        ),
        Column(
            "email",
            "Электронная почта",
            field="user.email",
            sort=True,
            sort_fields=("user__email",),
            width=30,
        ),
        Column("subjects", "Предметы", display=_subjects, width=40),
        Column(
            "state",
            "Подписка",
            display=_state,
            export=lambda row: "действует" if row.is_active else "отключена",
            sort=True,
            sort_fields=("is_active",),
            width=14,
        ),
        Column(
            "last_sent",
            "Последний дайджест",
            display=_last_sent,
            export=lambda row: timezone.localtime(row.last_sent_at) if row.last_sent_at else None,
            sort=True,
            sort_fields=("last_sent_at",),
            width=20,
        ),
    ]
    filters = [
        SearchFilter("q", "Поиск", fields=("user__search_text",), placeholder="Фамилия, имя или почта"),
        ChoiceFilter(
            "state",
            "Подписка",
            choices=[(ACTIVE, "Действует"), (INACTIVE, "Отключена")],
            method=lambda rows, value: rows.filter(is_active=value == ACTIVE),
        ),
    ]
    default_sort = "user"
    noun = "подписчик,подписчика,подписчиков"
    caption = "Подписчики дайджеста"
    export_url_name = "library:digest_subscribers_export"
    export_filename = "подписчики_дайджеста"
    sheet_name = "Подписчики"
    empty_text = "На дайджест пока никто не подписался."
