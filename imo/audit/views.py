"""The change log: list (filters, sort, pages, column choice, Excel) and one entry's page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from imo.audit.changes import describe_entries, model_label
from imo.audit.selectors import log_entries_visible_to, log_entry_get_for
from imo.audit.tables import LogTable
from imo.core.access import AppRequest, requires

LIST_CRUMB = {"label": "Журнал изменений"}


def _table(request: AppRequest) -> LogTable:
    return LogTable(request, queryset=log_entries_visible_to(user=request.user))


@requires("audit.view_log")
@require_safe  # the change log is read, never written, from a page
def log_list(request: AppRequest) -> HttpResponse:
    return _table(request).render("audit/log_list.html", {"breadcrumbs": [LIST_CRUMB]})


@requires("audit.view_log")
@require_safe  # the change log is read, never written, from a page
def log_export(request: AppRequest) -> HttpResponse:
    return _table(request).export_response()


@requires("audit.view_log")
@require_safe  # the change log is read, never written, from a page
def log_detail(request: AppRequest, pk: int) -> HttpResponse:
    entry = log_entry_get_for(user=request.user, pk=pk)
    row = describe_entries([entry])[0]
    model = entry.content_type.model_class()
    # A link to the object's own page when it still exists and has one (its view checks access itself).
    object_url = history_url = ""
    if model is not None:
        query = urlencode({"model": model._meta.label_lower, "object": entry.object_pk})
        history_url = f"{reverse('audit:log')}?{query}"
        current: Any = None
        if hasattr(model, "get_absolute_url"):
            current = model._default_manager.filter(pk=entry.object_pk).first()
        if current is not None:
            object_url = current.get_absolute_url()
    title = f"{row.action_label}: {entry.object_repr}"
    return render(
        request,
        "audit/log_detail.html",
        {
            "row": row,
            "entry": entry,
            "model_label": model_label(entry),
            "object_url": object_url,
            "history_url": history_url,
            "title": title,
            "breadcrumbs": [{**LIST_CRUMB, "url": reverse("audit:log")}, {"label": title}],
        },
    )
