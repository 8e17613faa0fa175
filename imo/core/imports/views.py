"""The import pages, ready for any module: each app's views check access and call these.

    @requires("orgs.add_organization")
    def organization_import(request):
        return import_views.upload(request, spec=ORGANIZATION_IMPORT, breadcrumbs=[...])

    @requires("orgs.add_organization")
    def organization_import_run(request, pk):
        run = import_run_get_for(user=request.user, pk=pk, kind=ORGANIZATION_IMPORT.kind)
        return import_views.run_page(request, spec=ORGANIZATION_IMPORT, run=run, ...)

URL names come from `spec.url_base` ("orgs:import" → "orgs:import", "orgs:import_template",
"orgs:import_run", "orgs:import_status", "orgs:import_commit", "orgs:import_errors").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from imo.core.access import AppRequest
from imo.core.excel import XLSX_CONTENT_TYPE
from imo.core.imports import engine, services
from imo.core.imports.forms import ACCEPT, UploadForm
from imo.core.imports.models import ImportRun
from imo.core.imports.selectors import import_runs_recent
from imo.core.imports.spec import ImportContext, ImportSpec
from imo.core.imports.workbooks import write_error_copy, write_template

ROWS_PER_PAGE = 50
ERRORS_PER_PAGE = 50
WARNED = "warned"  # the rows filter: rows with warnings (whatever their action)
SHOW_CHOICES = (
    ("", "Все"),
    (engine.CREATE, "Новые"),
    (engine.UPDATE, "Изменятся"),
    (engine.UNCHANGED, "Без изменений"),
    (engine.ERROR, "С ошибками"),
    (WARNED, "С предупреждениями"),
)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"import.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def _urls(spec: ImportSpec, run: ImportRun | None = None) -> dict[str, str]:
    urls = {"upload": reverse(spec.url_name()), "template": reverse(spec.url_name("template"))}
    if run is not None:
        for page in ("run", "status", "commit", "errors"):
            urls[page] = reverse(spec.url_name(page), args=[run.pk])
    return urls


def template_download(request: AppRequest, *, spec: ImportSpec) -> HttpResponse:
    content = write_template(spec, ImportContext(user=request.user))
    return _xlsx(content, f"шаблон_{spec.kind}.xlsx")


def upload(
    request: AppRequest, *, spec: ImportSpec, breadcrumbs: list[dict[str, str]], back_url: str = ""
) -> HttpResponse:
    """The upload form; a posted file is stored, checked (inline or in the background) and the user is
    sent to its page. An unreadable file is refused right here with the reason."""
    choices = spec.scope_choices(request.user)
    form = UploadForm(
        request.POST or None, request.FILES or None, scope_choices=choices, scope_label=spec.scope_label
    )
    if request.method == "POST" and form.is_valid():
        options = (
            {"organization_id": form.cleaned_data.get("scope")} if form.cleaned_data.get("scope") else {}
        )
        try:
            run = services.import_run_create(
                spec=spec, upload=form.cleaned_data["file"], by=request.user, options=options
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            services.import_run_check(run=run)
            if run.status == ImportRun.Status.FAILED:
                form.add_error("file", run.report.get("fatal") or run.message)
                services.import_run_discard(run=run)
            else:
                return redirect(reverse(spec.url_name("run"), args=[run.pk]))
    return render(
        request,
        "imports/upload.html",
        {
            "spec": spec,
            "form": form,
            "accept": ACCEPT,
            "urls": _urls(spec),
            "recent": import_runs_recent(user=request.user, kind=spec.kind),
            "run_url_name": spec.url_name("run"),
            "back_url": back_url,
            "breadcrumbs": breadcrumbs,
            "title": f"Загрузка из Excel: {spec.title.lower()}",
        },
    )


def _page(items: list[Any], number: str | None, size: int) -> Any:
    return Paginator(items, size).get_page(number)


def run_page(
    request: AppRequest,
    *,
    spec: ImportSpec,
    run: ImportRun,
    breadcrumbs: list[dict[str, str]],
    done_url: str = "",
) -> HttpResponse:
    """One page for the whole life of a run: progress, then the preview, then the result."""
    run = services.import_run_sync_job(run=run)
    report = run.report or {}
    warnings = report.get("warnings", [])  # absent from reports kept before warnings existed
    by_row: dict[int, list[dict[str, Any]]] = {}
    for warning in warnings:
        by_row.setdefault(warning.get("row"), []).append(warning)
    show_choices = [choice for choice in SHOW_CHOICES if choice[0] != WARNED or warnings]
    show = request.GET.get("show", "")
    if show not in dict(show_choices):
        show = ""
    items = report.get("items", [])
    if show == WARNED:
        items = [item for item in items if item[0] in by_row]
    elif show:
        items = [item for item in items if item[1] == show]
    rows_page = _page(items, request.GET.get("page"), ROWS_PER_PAGE)
    rows = [
        {
            "number": number,
            "action": action,
            "label": label,
            "changes": changes,
            "warnings": by_row.get(number),
        }
        for number, action, label, changes in rows_page.object_list
    ]
    context = {
        "spec": spec,
        "run": run,
        "report": report,
        "urls": _urls(spec, run),
        "show": show,
        "show_choices": show_choices,
        "action_labels": engine.ACTION_LABELS,
        "rows_page": rows_page,
        "rows": rows,
        "errors_page": _page(report.get("errors", []), request.GET.get("errors_page"), ERRORS_PER_PAGE),
        "warnings_page": _page(warnings, request.GET.get("warnings_page"), ERRORS_PER_PAGE),
        "valid_rows": report.get("created", 0) + report.get("updated", 0),
        "to_save": report.get("created", 0) + report.get("updated", 0),
        "done_url": done_url,
        "breadcrumbs": breadcrumbs,
        "title": f"Загрузка «{run.original_name}»",
        "job": services.import_run_job(run=run) if run.in_progress else None,
    }
    return render(request, "imports/run.html", context)


def status(request: AppRequest, *, spec: ImportSpec, run: ImportRun) -> HttpResponse:
    """The progress bar, polled by htmx; once the work is done the whole page reloads."""
    if not request.htmx:
        return redirect(reverse(spec.url_name("run"), args=[run.pk]))
    run = services.import_run_sync_job(run=run)
    if not run.in_progress or run.is_stale:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "imports/run.html#progress",
        {"run": run, "urls": _urls(spec, run), "job": services.import_run_job(run=run)},
    )


def commit(request: AppRequest, *, spec: ImportSpec, run: ImportRun) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if run.status != ImportRun.Status.READY:
        messages.info(request, "Этот файл уже загружается или загружен.")
        return redirect(reverse(spec.url_name("run"), args=[run.pk]))
    valid_only = request.POST.get("valid_only") == "1"
    if run.has_errors and not valid_only:
        messages.error(
            request,
            "В файле есть ошибки: исправьте их и загрузите файл снова или выберите «Загрузить только строки "
            "без ошибок».",
        )
        return redirect(reverse(spec.url_name("run"), args=[run.pk]))
    services.import_run_commit(run=run, valid_only=valid_only, by=request.user)
    return redirect(reverse(spec.url_name("run"), args=[run.pk]))


def errors_download(request: AppRequest, *, spec: ImportSpec, run: ImportRun) -> HttpResponse:
    content = write_error_copy(spec, run.path(), run.report or {})
    stem = Path(run.original_name).stem or "файл"
    what = "ошибки" if run.has_errors or not (run.report or {}).get("warnings") else "пометки"
    return _xlsx(content, f"{stem}_{what}_{dt.date.today():%d.%m.%Y}.xlsx")
