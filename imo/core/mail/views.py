"""The mail log: the list (search, status, dates, pages, Excel) and one message's page."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from imo.core.access import AppRequest, requires
from imo.core.mail.permissions import VIEW_LOG
from imo.core.mail.selectors import mail_message_get, mail_messages
from imo.core.mail.tables import MailTable

LIST_CRUMB = {"label": "Журнал почты"}


@requires(VIEW_LOG)
def log_list(request: AppRequest) -> HttpResponse:
    return MailTable(request, queryset=mail_messages()).render(
        "mail/log_list.html", {"breadcrumbs": [LIST_CRUMB]}
    )


@requires(VIEW_LOG)
def log_export(request: AppRequest) -> HttpResponse:
    return MailTable(request, queryset=mail_messages()).export_response()


@requires(VIEW_LOG)
def log_detail(request: AppRequest, pk: int) -> HttpResponse:
    message = mail_message_get(pk=pk)
    title = message.subject or "Письмо без темы"
    return render(
        request,
        "mail/log_detail.html",
        {
            "message": message,
            "title": title,
            "breadcrumbs": [{**LIST_CRUMB, "url": reverse("mail:log")}, {"label": title}],
        },
    )
