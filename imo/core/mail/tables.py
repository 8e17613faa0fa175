"""The table of the mail log (an imo.core.tables declaration)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from imo.core.mail.models import MailMessage
from imo.core.tables import ChoiceFilter, Column, DateRangeFilter, SearchFilter, Table, label_order


def _time(message: MailMessage) -> SafeString:
    from django.utils import timezone

    local = timezone.localtime(message.created_at)
    return format_html(
        '<a href="{}" hx-boost="false"><span class="visually-hidden">Письмо от </span>'
        '<time datetime="{}">{}</time></a>',
        reverse("mail:detail", args=[message.pk]),
        message.created_at.isoformat(),
        f"{local:%d.%m.%Y %H:%M}",
    )


def _status(message: MailMessage) -> SafeString:
    css = {
        MailMessage.Status.SENT: "text-bg-success",
        MailMessage.Status.LOGGED: "text-bg-info",
        MailMessage.Status.FAILED: "text-bg-danger",
    }.get(MailMessage.Status(message.status), "text-bg-secondary")
    return format_html('<span class="badge {}">{}</span>', css, message.get_status_display())


#: The log opens on the letters themselves: reminders marked done without sending (a later reminder was
#: due already) are bookkeeping, shown only when asked for.
LETTERS = "letters"
STATUS_CHOICES = [
    (LETTERS, "Письма (кроме неотправлявшихся)"),
    *MailMessage.Status.choices,
]


def _by_status(queryset: QuerySet[MailMessage], value: str) -> QuerySet[MailMessage]:
    if value == LETTERS:
        return queryset.exclude(status=MailMessage.Status.SKIPPED)
    return queryset.filter(status=value)


class MailTable(Table):
    """Every message sent or recorded, newest first."""

    columns = [
        Column(
            "created_at",
            "Дата и время",
            display=_time,
            export=lambda message: message.created_at,
            sort=True,
            hideable=False,
            classes="text-nowrap",
            width=18,
        ),
        Column("to", "Кому", width=50),
        Column("subject", "Тема", sort=True, width=60),
        Column(
            "status",
            "Состояние",
            display=_status,
            export=lambda message: message.get_status_display(),
            sort=label_order(MailMessage.Status.choices),
            width=24,
        ),
        Column("attempts", "Попыток", classes="d-none d-lg-table-cell", visible=False, width=10),
        Column("error", "Ошибка", classes="small d-none d-lg-table-cell", width=60),
    ]
    filters = [
        SearchFilter("q", "Поиск", fields=["search_text"], placeholder="Адрес или тема письма"),
        ChoiceFilter(
            "status",
            "Состояние",
            choices=STATUS_CHOICES,
            default=LETTERS,
            all_label="Все записи",
            method=_by_status,
        ),
        DateRangeFilter("date", "Дата", field="created_at"),
    ]
    default_sort = "-created_at"
    noun = "письмо,письма,писем"
    caption = "Письма журнала почты"
    filters_label = "Фильтры журнала почты"
    export_url_name = "mail:export"
    export_filename = "журнал_почты"
    sheet_name = "Журнал почты"
    empty_text = "Писем пока нет. Здесь появится каждое напоминание, отправленное системой."
