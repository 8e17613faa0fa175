"""The editors' table of news posts (imo.core.tables): search by title, filters by state, kind and
audience, newest first, Excel of exactly the filtered rows."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from imo.core.tables import ChoiceFilter, Column, DateRangeFilter, SearchFilter, Table, label_order
from imo.core.text import fold
from imo.library.models import Audience, NewsKind

PUBLISHED = "published"
SCHEDULED = "scheduled"
DRAFT = "draft"
STATES = [(PUBLISHED, "Опубликованы"), (SCHEDULED, "Запланированы"), (DRAFT, "Черновики")]


def state_of(post: Any) -> str:
    if post.is_draft:
        return DRAFT
    return SCHEDULED if post.publish_at > timezone.now() else PUBLISHED


_STATE_LABELS = {PUBLISHED: "опубликовано", SCHEDULED: "запланировано", DRAFT: "черновик"}
_STATE_BADGES = {PUBLISHED: "text-bg-success", SCHEDULED: "text-bg-info", DRAFT: "text-bg-secondary"}


def _by_state(rows: QuerySet[Any], state: str) -> QuerySet[Any]:
    now = timezone.now()
    if state == DRAFT:
        return rows.filter(is_draft=True)
    if state == SCHEDULED:
        return rows.filter(is_draft=False, publish_at__gt=now)
    return rows.filter(is_draft=False, publish_at__lte=now)


def _search(rows: QuerySet[Any], value: str) -> QuerySet[Any]:
    # Every word in the folded title (case and ё do not matter, on both databases).
    for word in fold(value).split():
        rows = rows.filter(search_title__contains=word)
    return rows


def _state_badge(post: Any) -> SafeString:
    state = state_of(post)
    return format_html('<span class="badge {}">{}</span>', _STATE_BADGES[state], _STATE_LABELS[state])


def _subjects(post: Any) -> str:
    return "; ".join(subject.name for subject in post.subjects.all())


def _date(post: Any) -> str:
    return timezone.localtime(post.publish_at).strftime("%d.%m.%Y %H:%M")


class NewsTable(Table):
    columns = [
        Column(
            "title",
            "Заголовок",
            sort=True,
            hideable=False,
            link=lambda post: reverse("library:news_edit", args=[post.pk]),
            width=60,
        ),
        Column("kind", "Вид", sort=label_order(NewsKind.choices), width=14),
        Column("audience", "Кому", sort=label_order(Audience.choices), width=36),
        Column("subjects", "Предметы", display=_subjects, export=_subjects, visible=False, width=30),
        Column(
            "publish_at",
            "Публикация",
            display=_date,
            sort=True,
            width=18,
        ),
        Column(
            "state",
            "Состояние",
            display=_state_badge,
            export=lambda post: _STATE_LABELS[state_of(post)],
            width=16,
        ),
        Column(
            "pinned",
            "Закреплено",
            display=lambda post: "да" if post.pinned else "",
            export=lambda post: "да" if post.pinned else "",
            sort=True,
            width=12,
        ),
        Column("attachments", "Файлов", field="attachment_count", classes="text-end", width=10),
        Column("organization", "Организация", field="organization.short_name", visible=False, width=30),
        Column(
            "author",
            "Автор",
            display=lambda post: str(post.author) if post.author else "",
            export=lambda post: str(post.author) if post.author else "",
            visible=False,
            width=30,
        ),
    ]
    filters = [
        SearchFilter("q", "Поиск", placeholder="Слова заголовка", method=_search),
        ChoiceFilter("state", "Состояние", choices=STATES, method=_by_state),
        ChoiceFilter("kind", "Вид", choices=NewsKind.choices),
        ChoiceFilter("audience", "Кому", choices=Audience.choices),
        DateRangeFilter("published", "Время публикации", field="publish_at"),
    ]
    default_sort = "-publish_at"
    noun = "новость,новости,новостей"
    caption = "Новости и объявления"
    export_url_name = "library:news_export"
    export_filename = "новости_и_объявления"
    sheet_name = "Новости"
    empty_text = "Новостей пока нет."
    empty_filtered_text = "Новостей не найдено. Измените условия поиска или сбросьте фильтры."

    def __init__(self, request: HttpRequest, *, queryset: QuerySet[Any]) -> None:
        actions = Column(
            "actions",
            "Действия",
            display=self._actions,
            hideable=False,
            exportable=False,
            classes="text-end",
        )
        self.columns = [*type(self).columns, actions]  # type: ignore[misc]
        super().__init__(request, queryset=queryset)

    def _actions(self, post: Any) -> SafeString:
        return render_to_string("library/news/_row_actions.html", {"post": post}, request=self.request)
