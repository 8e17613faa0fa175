"""The change log: list (filters, pagination, Excel) and one entry's page."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django_htmx.middleware import HtmxDetails

from imo.audit.changes import describe_entries, describe_in_batches, model_label
from imo.audit.exports import LOG_COLUMNS
from imo.audit.forms import LogFilterForm
from imo.audit.selectors import (
    DEFAULT_SORT,
    SORTS,
    LogFilters,
    actors_in_log,
    audited_models,
    log_entries_visible_to,
    log_entry_get_for,
)
from imo.core.access import requires
from imo.core.excel import write_xlsx, xlsx_response
from imo.core.paging import paginate

LIST_CRUMB = {"label": "Журнал изменений"}


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _filters(request: HttpRequest) -> tuple[LogFilterForm, LogFilters, str]:
    people = list(actors_in_log(user=request.user))
    short_names = Counter(person.short_name for person in people)
    # Namesakes («Магомадов А. Р.» is common) are told apart by their login.
    actors = [
        (
            person.pk,
            person.short_name
            if short_names[person.short_name] == 1
            else f"{person.short_name} ({person.username})",
        )
        for person in people
    ]
    form = LogFilterForm(request.GET or None, actors=actors, models=audited_models())
    # Filters that are valid apply even when another one is not (its error is shown beside it).
    data: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
    filters = LogFilters(
        actor_id=data.get("actor"),
        model=data.get("model") or "",
        action=data.get("action"),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        query=data.get("q") or "",
        object_pk=data.get("object") or "",
    )
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort.lstrip("-") not in SORTS:
        sort = DEFAULT_SORT
    return form, filters, sort


@requires("audit.view_log")
def log_list(request: HtmxHttpRequest) -> HttpResponse:
    form, filters, sort = _filters(request)
    page = paginate(request, log_entries_visible_to(user=request.user, filters=filters, sort=sort))
    context = {
        "form": form,
        "page": page,
        "rows": describe_entries(page.object_list),
        "filters": filters,
        "sort": sort,
        "default_sort": DEFAULT_SORT,
        "breadcrumbs": [LIST_CRUMB],
    }
    # htmx updates only the results when a filter or a page changes.
    template = "audit/log_list.html#results" if request.htmx else "audit/log_list.html"
    return render(request, template, context)


@requires("audit.view_log")
def log_export(request: HttpRequest) -> HttpResponse:
    _, filters, sort = _filters(request)
    entries = log_entries_visible_to(user=request.user, filters=filters, sort=sort)
    rows = describe_in_batches(entries.iterator(chunk_size=2000))
    content = write_xlsx(LOG_COLUMNS, rows, sheet_name="Журнал изменений")
    return xlsx_response(content, f"журнал_изменений_{dt.date.today():%d.%m.%Y}.xlsx")


@requires("audit.view_log")
def log_detail(request: HttpRequest, pk: int) -> HttpResponse:
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
