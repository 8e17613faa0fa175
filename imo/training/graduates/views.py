"""Pages of providers' lists of graduates: the import (the framework's pages, with the provider and the plan
line on the upload form) and the resolution of the rows that found nobody or several people.

URL names (namespace "training"): import, import_template, import_run, import_status, import_commit,
import_errors (the import; `training:import?scope=<plan line pk>` preselects the line and its provider),
pending_graduates (the list; ?export=xlsx), pending_graduate (one row: pick the educator or skip).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from imo.core.access import AppRequest, requires
from imo.core.excel import ExportColumn, write_xlsx, xlsx_response
from imo.core.imports import services as import_services
from imo.core.imports import views as import_views
from imo.core.imports.forms import ACCEPT
from imo.core.imports.models import ImportRun
from imo.core.imports.selectors import import_run_get_for, import_runs_recent
from imo.core.paging import paginate
from imo.staff.display import mask_snils
from imo.training.graduates import selectors, services
from imo.training.graduates.forms import CourseUploadForm, SkipForm
from imo.training.imports import COURSE_IMPORT, PERMISSION, plan_lines_for
from imo.training.models import CourseKind, PendingGraduate, Provider

SPEC = COURSE_IMPORT
RESOLVE = "training.resolve_graduates"


def _crumbs(*extra: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"label": "Загрузка списков слушателей", "url": reverse("training:import")},
        *extra,
    ]


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@requires(PERMISSION)
def course_import(request: AppRequest) -> HttpResponse:
    """The upload form: the file, the provider and the plan line (?scope=<line pk> preselects it)."""
    lines = list(plan_lines_for(request.user).order_by("-plan__academic_year__start_year", "order", "pk"))
    initial: dict[str, Any] = {}
    chosen = _int(request.GET.get("scope"))
    line = next((item for item in lines if item.pk == chosen), None)
    if line is not None:
        initial["plan_line"] = line.pk
        if line.provider_id:
            initial["provider"] = line.provider_id
    form = CourseUploadForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        providers=Provider.objects.filter(is_active=True),
        lines=lines,
    )
    if request.method == "POST" and form.is_valid():
        options: dict[str, Any] = {}
        if form.cleaned_data.get("provider"):
            options["provider_id"] = form.cleaned_data["provider"].pk
        if form.cleaned_data.get("plan_line"):
            options["plan_line_id"] = form.cleaned_data["plan_line"]
        try:
            run = import_services.import_run_create(
                spec=SPEC, upload=form.cleaned_data["file"], by=request.user, options=options
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            run.options = {**run.options, "run_id": run.pk}  # the pending rows point back to their file
            run.save(update_fields=["options", "updated_at"])
            import_services.import_run_check(run=run)
            if run.status == ImportRun.Status.FAILED:
                form.add_error("file", run.report.get("fatal") or run.message)
                import_services.import_run_discard(run=run)
            else:
                return redirect(reverse(SPEC.url_name("run"), args=[run.pk]))
    return render(
        request,
        "imports/upload.html",
        {
            "spec": SPEC,
            "form": form,
            "accept": ACCEPT,
            "urls": {"upload": reverse("training:import"), "template": reverse("training:import_template")},
            "recent": import_runs_recent(user=request.user, kind=SPEC.kind),
            "run_url_name": SPEC.url_name("run"),
            "back_url": reverse("training:pending_graduates"),
            "breadcrumbs": [{"label": "Загрузка списков слушателей"}],
            "title": "Загрузка списка слушателей курсов",
        },
    )


@requires(PERMISSION)
def course_import_template(request: AppRequest) -> HttpResponse:
    return import_views.template_download(request, spec=SPEC)


@requires(PERMISSION)
def course_import_run(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=SPEC.kind)
    done = reverse("training:pending_graduates") + "?" + urlencode({"run": run.pk})
    return import_views.run_page(
        request, spec=SPEC, run=run, breadcrumbs=_crumbs({"label": run.original_name}), done_url=done
    )


@requires(PERMISSION)
def course_import_status(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=SPEC.kind)
    return import_views.status(request, spec=SPEC, run=run)


@requires(PERMISSION)
def course_import_commit(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=SPEC.kind)
    return import_views.commit(request, spec=SPEC, run=run)


@requires(PERMISSION)
def course_import_errors(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=SPEC.kind)
    return import_views.errors_download(request, spec=SPEC, run=run)


# --- resolution ----------------------------------------------------------------------------------

_KINDS = dict(CourseKind.choices)

PENDING_EXPORT = (
    ExportColumn("Загрузка", lambda p: p.run.original_name if p.run_id and p.run else "", 24),
    ExportColumn("Строка файла", lambda p: p.row_number, 10),
    ExportColumn("ФИО", lambda p: p.full_name, 32),
    ExportColumn("СНИЛС", lambda p: mask_snils(p.snils), 16),
    ExportColumn("Школа (как указана)", lambda p: p.school_name, 28),
    ExportColumn("Программа", lambda p: (p.data or {}).get("title", ""), 40),
    ExportColumn("Часов", lambda p: (p.data or {}).get("hours"), 8),
    ExportColumn("Дата окончания", lambda p: _date((p.data or {}).get("ends_on")), 14),
    ExportColumn("Причина", lambda p: p.get_reason_display(), 24),
    ExportColumn("Возможных педагогов", lambda p: len(p.candidates or []), 12),
    ExportColumn("Состояние", lambda p: p.get_status_display(), 16),
)


def _date(value: str | None) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(value) if value else None


@requires(RESOLVE)
def pending_graduates(request: AppRequest) -> HttpResponse:
    status = request.GET.get("status", PendingGraduate.Status.OPEN)
    if status not in PendingGraduate.Status.values:
        status = ""
    reason = request.GET.get("reason", "")
    if reason not in PendingGraduate.Reason.values:
        reason = ""
    run_id = _int(request.GET.get("run"))
    q = request.GET.get("q", "").strip()[:100]
    sort = request.GET.get("sort", "")
    if sort not in selectors.SORTS:
        sort = ""
    queryset = selectors.pending_list(
        user=request.user, status=status, reason=reason, run_id=run_id, q=q, sort=sort
    )
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            write_xlsx(PENDING_EXPORT, queryset.iterator(chunk_size=2000), sheet_name="Сопоставление"),
            "Слушатели_для_сопоставления.xlsx",
        )
    params = {"status": status or "all", "reason": reason, "run": run_id or "", "q": q}
    filters = urlencode({k: v for k, v in params.items() if v})
    params["sort"] = sort
    page = paginate(request, queryset)
    for row in page.object_list:
        row.ends_display = _fmt((row.data or {}).get("ends_on"))
    return render(
        request,
        "training/graduates/pending_list.html",
        {
            "page": page,
            "status": status,
            "statuses": PendingGraduate.Status.choices,
            "reason": reason,
            "reasons": PendingGraduate.Reason.choices,
            "run_id": run_id,
            "q": q,
            "sort": sort,
            "sorts": [
                ("name", "-name", "ФИО"),
                ("school", "-school", "Школа (как указана)"),
            ],
            "filters": filters,
            "query": urlencode({k: v for k, v in params.items() if v}),
            "can_import": request.user.has_perm(PERMISSION),
            "breadcrumbs": [{"label": "Слушатели курсов: сопоставление"}],
        },
    )


@requires(RESOLVE)
def pending_graduate(request: AppRequest, pk: int) -> HttpResponse:
    pending = selectors.pending_get_for(user=request.user, pk=pk)
    skip_form = SkipForm(request.POST if request.POST.get("action") == "skip" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "pick":
                educator_id = _int(request.POST.get("educator"))
                educator = (
                    selectors.pickable_educators(user=request.user).filter(pk=educator_id).first()
                    if educator_id
                    else None
                )
                if educator is None:
                    raise Http404("Педагог не найден.")
                services.pending_graduate_resolve(pending=pending, educator=educator, by=request.user)
                messages.success(request, f"Курс записан педагогу {educator}.")
                return redirect(reverse("training:pending_graduates"))
            if action == "skip" and skip_form.is_valid():
                services.pending_graduate_skip(
                    pending=pending, comment=skip_form.cleaned_data["comment"], by=request.user
                )
                messages.info(request, "Строка пропущена.")
                return redirect(reverse("training:pending_graduates"))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(reverse("training:pending_graduate", args=[pending.pk]))
    q = request.GET.get("q", "").strip()[:100]
    data = pending.data or {}
    course = [
        ("Программа", data.get("title", "")),
        ("Вид", _KINDS.get(data.get("kind", ""), "")),
        ("Организация", data.get("provider_name", "")),
        ("Часов", data.get("hours", "")),
        ("Даты", f"{_fmt(data.get('starts_on'))} — {_fmt(data.get('ends_on'))}"),
        ("Номер документа", data.get("document_number", "")),
        ("Регистрационный номер", data.get("registration_number", "")),
        ("Дата выдачи", _fmt(data.get("issued_on"))),
    ]
    if data.get("comment"):
        course.append(("Комментарий", data["comment"]))
    return render(
        request,
        "training/graduates/pending_detail.html",
        {
            "pending": pending,
            "course": course,
            "candidates": selectors.candidates_of(user=request.user, pending=pending),
            "found": selectors.educator_search(user=request.user, text=q) if q else [],
            "q": q,
            "skip_form": skip_form,
            "is_open": pending.status == PendingGraduate.Status.OPEN,
            "snils": mask_snils(pending.snils),
            "breadcrumbs": [
                {"label": "Слушатели курсов: сопоставление", "url": reverse("training:pending_graduates")},
                {"label": str(pending)},
            ],
        },
    )


def _fmt(value: str | None) -> str:
    return f"{_date(value):%d.%m.%Y}" if value else ""
