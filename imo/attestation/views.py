"""The page «Аттестация: что требует внимания» (issue #5, item 2) and its Excel export.

Query: `on` (date, today when empty), `org` (one organisation id from the user's choices; empty = the
user's whole scope: the office's municipality, a school admin's school), `list` (which table), `months`
(3 / 6 / 12 for expiring categories). Ids outside the user's scope are ignored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page, Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from imo.attestation import due
from imo.attestation.models import QualificationCategory
from imo.core.access import AppRequest, requires
from imo.core.excel import ExportColumn, write_xlsx, xlsx_response
from imo.orgs.models import Organization
from imo.staff.models import Educator
from imo.staff.statistics import statistics_organizations, statistics_scope

VIEW = "attestation.view_due"
PAGE_TITLE = "Аттестация: что требует внимания"
PAGE_SIZE = 50
KIND_LABELS = dict(QualificationCategory.Kind.choices)


class DueForm(forms.Form):
    on = forms.DateField(
        label="На дату",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Введите дату в виде дд.мм.гггг; показаны данные на сегодня."},
    )


@dataclass(frozen=True)
class DueQuery:
    on: dt.date
    organization_id: int | None
    key: str
    months: int
    paths: tuple[str, ...]
    scope_label: str
    form: DueForm

    def query_string(self, **override: Any) -> str:
        values: dict[str, Any] = {
            "on": self.on.isoformat(),
            "org": self.organization_id or "",
            "list": self.key,
            "months": self.months,
        }
        values.update(override)
        return urlencode([(k, v) for k, v in values.items() if v != ""])


def _query(user: Any, data: QueryDict, organizations: list[Organization]) -> DueQuery:
    form = DueForm(data)
    on = timezone.localdate()
    if form.is_valid() and form.cleaned_data["on"]:
        on = form.cleaned_data["on"]
    raw_org = data.get("org", "")
    ids = [int(raw_org)] if raw_org.isdecimal() and len(raw_org) < 12 else []
    scope = statistics_scope(user=user, organization_ids=ids, organizations=organizations)
    chosen = ids[0] if ids and scope.selected_ids else None
    key = data.get("list", "conformity")
    if key not in due.LIST_KEYS:
        key = "conformity"
    months_raw = data.get("months", "12")
    months = int(months_raw) if months_raw.isdecimal() and int(months_raw) in due.HORIZONS else 12
    return DueQuery(on, chosen, key, months, tuple(scope.paths), scope.label, form)


def _rows_queryset(request: AppRequest, query: DueQuery) -> Any:
    return due.due_list(query.key, user=request.user, on=query.on, paths=query.paths, months=query.months)


def _full_name(row: Any) -> str:
    return " ".join(p for p in (row.last_name, row.first_name, row.patronymic) if p)


def _category(row: Any) -> str:
    return KIND_LABELS.get(row.category_kind, "") if row.category_kind else ""


def columns(key: str) -> list[ExportColumn]:
    result = [
        ExportColumn("ФИО", _full_name, 36),
        ExportColumn("Организация", lambda r: r.school_name or "", 36),
        ExportColumn("Должность", lambda r: r.position_name or "", 24),
        ExportColumn("В должности с", lambda r: r.position_start, 14),
    ]
    if key == "conformity":
        result.append(ExportColumn("Последняя аттестация на соответствие", lambda r: r.last_conformity, 18))
    result += [
        ExportColumn("Категория", _category, 18),
        ExportColumn("Присвоена", lambda r: r.category_awarded_on, 14),
        ExportColumn("Действует до", lambda r: r.category_valid_until, 14),
    ]
    return result


class _Rows:
    """One list for the paginator: its size is known from the summary; a page is one query for its ids
    (in order) and one for their columns."""

    def __init__(
        self, request: AppRequest, query: DueQuery, count: int, first: tuple[int, list[int]]
    ) -> None:
        self.request, self.query, self._count = request, query, count
        self.first = first  # (offset, ids) read with the summary

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: slice) -> list[Any]:
        q = self.query
        start = index.start or 0
        ids = self.first[1] if start == self.first[0] else None
        ids = (
            ids
            if ids is not None
            else due.due_page_ids(
                q.key,
                user=self.request.user,
                on=q.on,
                paths=q.paths,
                months=q.months,
                offset=start,
                limit=(index.stop or start) - start,
            )
        )
        rows = due.with_columns(Educator.objects.filter(pk__in=ids), on=q.on, paths=q.paths)
        by_id = {row.pk: row for row in rows}
        return [by_id[pk] for pk in ids if pk in by_id]


@requires(VIEW)
def due_page(request: AppRequest) -> HttpResponse:
    organizations = list(statistics_organizations(user=request.user))
    query = _query(request.user, request.GET, organizations)
    asked = request.GET.get("page", "1")
    offset = (int(asked) - 1) * PAGE_SIZE if asked.isdecimal() and 0 < int(asked) < 100_000 else 0
    summary = due.due_summary(
        user=request.user,
        on=query.on,
        paths=query.paths,
        months=query.months,
        page_of=query.key,
        offset=offset,
        limit=PAGE_SIZE,
    )
    counts = summary.totals
    per_school = [
        {"school_id": s.organization_id, "school_name": s.name, "count": s.counts[query.key]}
        for s in summary.schools
        if s.counts[query.key]
    ]
    listed: Any = _Rows(request, query, counts[query.key], (offset, summary.page_ids))
    page: Page[Any] = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    cols = columns(query.key)
    rows = [[c.value(row) for c in cols] for row in page.object_list]
    tabs = [
        {
            "key": item.key,
            "title": item.title,
            "count": counts[item.key],
            "url": f"{reverse('attestation:due')}?{query.query_string(list=item.key)}",
            "active": item.key == query.key,
        }
        for item in due.LISTS
    ]
    context = {
        "page_title": PAGE_TITLE,
        "query": query,
        "form": query.form,
        "organizations": organizations,
        "tabs": tabs,
        "current": next(item for item in due.LISTS if item.key == query.key),
        "headers": [c.header for c in cols],
        "rows": rows,
        "page": page,
        "per_school": per_school,
        "horizons": due.HORIZONS,
        "export_url": f"{reverse('attestation:due_export')}?{query.query_string()}",
        "prev_url": f"?{query.query_string(page=page.previous_page_number())}" if page.has_previous() else "",
        "next_url": f"?{query.query_string(page=page.next_page_number())}" if page.has_next() else "",
    }
    return render(request, "attestation/due.html", context)


@requires(VIEW)
def due_export(request: AppRequest) -> HttpResponse:
    organizations = list(statistics_organizations(user=request.user))
    query = _query(request.user, request.GET, organizations)
    title = next(item.title for item in due.LISTS if item.key == query.key)
    content = write_xlsx(columns(query.key), _rows_queryset(request, query).iterator(chunk_size=2000))
    return xlsx_response(content, f"{title} на {query.on:%d.%m.%Y}.xlsx")
