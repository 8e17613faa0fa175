"""The jury's pages and the office's steps of checking (issue #7, item 4).

URL names (namespace "olympiads"; mounted at /olympiads/jury/):
- jury_home — «Мои предметы» (jury members; office editors see their scope's subjects too);
- jury_grid — the scoring grid of a stage subject (?grade=N tabs): codes and scores only, never names;
- jury_work_save (POST, htmx) — one row's scores; jury_work_absent (POST) — «не явился» on/off;
- jury_close (POST) — the chair closes the protocol;
- scoring_office — the office's page of a stage subject: codes, code sheet, reopen, match, protocol link;
- scoring_codes_issue, scoring_code_sheet (xlsx), scoring_reopen, scoring_codes_match (POST),
  scoring_protocol — the protocol with names after matching (filter, sort, pages, ?export=xlsx);
- scoring_sirius (+ _template, _run, _status, _commit, _errors) — the «Сириус.Курсы» results import.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from imo.core.access import AppRequest, check, login_only, requires
from imo.core.excel import ExportColumn, write_xlsx, xlsx_response
from imo.core.imports import services as import_services
from imo.core.imports import views as import_views
from imo.core.imports.forms import ACCEPT
from imo.core.imports.models import ImportRun
from imo.core.imports.selectors import import_run_get_for, import_runs_recent
from imo.core.paging import paginate
from imo.olympiads.models import GradeSetting, StageSubject, Work
from imo.olympiads.scoring import selectors, services
from imo.olympiads.scoring.forms import SiriusUploadForm
from imo.olympiads.scoring.importing import SIRIUS_IMPORT

SCORE = "olympiads.score_works"
OFFICE = "olympiads.manage_scoring"


def _messages_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _crumbs(stage_subject: StageSubject | None = None) -> list[dict[str, str]]:
    crumbs = [{"label": "Жюри: проверка работ", "url": reverse("olympiads:jury_home")}]
    if stage_subject is not None:
        crumbs.append(
            {
                "label": str(stage_subject.subject),
                "url": reverse("olympiads:jury_grid", args=[stage_subject.pk]),
            }
        )
    return crumbs


# --- jury ----------------------------------------------------------------------------------------


@requires("olympiads.scoring_home")
def jury_home(request: AppRequest) -> HttpResponse:
    subjects = selectors.jury_subjects_for(user=request.user)
    return render(
        request,
        "olympiads/scoring/home.html",
        {"subjects": subjects, "breadcrumbs": [{"label": "Жюри: проверка работ"}]},
    )


def _columns(setting: GradeSetting | None) -> list[Decimal]:
    if setting is None:
        return []
    return [Decimal(str(m)) for m in setting.task_max] if setting.task_max else [setting.max_score]


def _total(work: Work) -> str:
    return "" if work.absent or work.score is None else _score_text(work.score)


def _editable(stage_subject: StageSubject) -> bool:
    return stage_subject.scoring_closed_at is None and stage_subject.codes_matched_at is None


def _row_context(
    stage_subject: StageSubject, work: Work, settings: dict[int, GradeSetting], **extra: Any
) -> dict[str, Any]:
    setting = settings.get(work.grade)
    maxima = _columns(setting)
    stored = list(work.task_scores or [])
    if setting is not None and not setting.task_max and not stored and work.score is not None:
        stored = [str(work.score)]
    typed = extra.pop("typed", None)
    cells = []
    for index, maximum in enumerate(maxima):
        value = typed[index] if typed is not None else (stored[index] if index < len(stored) else None)
        text = "" if value in (None, "") else str(value).replace(".", ",")
        if text.endswith(",00"):
            text = text[:-3]
        cells.append({"index": index, "max": maximum, "value": text})
    return {
        "stage_subject": stage_subject,
        "work": work,
        "cells": cells,
        "per_task": bool(setting and setting.task_max),
        "setting": setting,
        "editable": _editable(stage_subject),
        "total": _total(work),
        **extra,
    }


def _grid_xlsx(stage_subject: StageSubject, settings: dict[int, GradeSetting]) -> HttpResponse:
    """The jury's protocol of all grades: codes and scores only (Work fields)."""
    works = list(selectors.works_for_jury(stage_subject=stage_subject, grade=None))
    tasks = max((len(s.task_max or []) for s in settings.values()), default=0)

    def task(index: int) -> Any:
        def value(work: Work) -> str:
            scores = list(work.task_scores or [])
            raw = scores[index] if index < len(scores) else None
            return "" if raw in (None, "") else _score_text(Decimal(str(raw)))

        return value

    columns = [
        ExportColumn("Шифр", lambda w: w.code, 16),
        ExportColumn("Класс", lambda w: w.grade, 8),
        *(ExportColumn(f"Задание {i + 1}", task(i), 11) for i in range(tasks)),
        ExportColumn("Итого", lambda w: "не явился" if w.absent else _score_text(w.score), 12),
    ]
    return xlsx_response(
        write_xlsx(columns, works, sheet_name="Протокол жюри"),
        f"Протокол жюри — {stage_subject.subject}.xlsx",
    )


@login_only
def jury_grid(request: AppRequest, pk: int) -> HttpResponse:
    jury = selectors.stage_subject_for_jury(user=request.user, pk=pk)
    stage_subject = jury.stage_subject
    check(request.user, SCORE, stage_subject)
    settings = selectors.grade_settings(stage_subject)
    grades = selectors.work_grades(stage_subject)
    grade = _int(request.GET.get("grade"))
    if grade not in grades:
        grade = grades[0] if grades else None
    if request.GET.get("export") == "xlsx":
        return _grid_xlsx(stage_subject, settings)
    works = list(selectors.works_for_jury(stage_subject=stage_subject, grade=grade))
    setting = settings.get(grade) if grade is not None else None
    rows = [_row_context(stage_subject, work, settings) for work in works]
    return render(
        request,
        "olympiads/scoring/grid.html",
        {
            "stage_subject": stage_subject,
            "jury": jury,
            "grades": grades,
            "grade": grade,
            "setting": setting,
            "columns": _columns(setting),
            "per_task": bool(setting and setting.task_max),
            "rows": rows,
            "progress": selectors.scoring_progress(stage_subject),
            "editable": _editable(stage_subject),
            "can_close": jury.is_chair and stage_subject.scoring_closed_at is None,
            "breadcrumbs": [*_crumbs(), {"label": str(stage_subject.subject)}],
        },
    )


@require_POST
@login_only
def jury_work_save(request: AppRequest, pk: int, work_pk: int) -> HttpResponse:
    jury = selectors.stage_subject_for_jury(user=request.user, pk=pk)
    check(request.user, SCORE, jury.stage_subject)
    work = selectors.work_for_jury(stage_subject=jury.stage_subject, pk=work_pk)
    settings = selectors.grade_settings(jury.stage_subject)
    count = len(_columns(settings.get(work.grade)))
    typed = [request.POST.get(f"t{index}", "") for index in range(count)]
    errors: list[str] = []
    try:
        setting = services.grade_setting_for(work)
        _, cell_errors = services.clean_task_scores(setting, typed)
        if not cell_errors:
            work = services.work_score(work=work, task_scores=typed, by=request.user)
        else:
            errors = list(cell_errors.values())
    except ValidationError as error:
        errors = list(error.messages)
    return render(
        request,
        "olympiads/scoring/_status.html",
        {"work": work, "errors": errors, "total": _total(work), "saved": not errors},
    )


@require_POST
@login_only
def jury_work_absent(request: AppRequest, pk: int, work_pk: int) -> HttpResponse:
    jury = selectors.stage_subject_for_jury(user=request.user, pk=pk)
    check(request.user, SCORE, jury.stage_subject)
    work = selectors.work_for_jury(stage_subject=jury.stage_subject, pk=work_pk)
    errors: list[str] = []
    try:
        work = services.work_absent_set(work=work, absent=request.POST.get("absent") == "1", by=request.user)
    except ValidationError as error:
        errors = list(error.messages)
    settings = selectors.grade_settings(jury.stage_subject)
    context = _row_context(jury.stage_subject, work, settings, errors=errors, saved=not errors)
    if request.htmx:
        return render(request, "olympiads/scoring/_row.html", context)
    if errors:
        messages.error(request, " ".join(errors))
    return redirect(reverse("olympiads:jury_grid", args=[pk]) + f"?grade={work.grade}")


@require_POST
@login_only
def jury_close(request: AppRequest, pk: int) -> HttpResponse:
    jury = selectors.stage_subject_for_jury(user=request.user, pk=pk)
    check(request.user, "olympiads.close_scoring", jury.stage_subject)
    try:
        services.scoring_close(stage_subject=jury.stage_subject, by=request.user)
    except ValidationError as error:
        messages.error(request, _messages_text(error))
    else:
        messages.success(
            request, "Проверка закрыта. Протокол передан организаторам для сопоставления шифров."
        )
    return redirect("olympiads:jury_grid", pk=pk)


# --- office --------------------------------------------------------------------------------------


@requires(OFFICE)
def scoring_office(request: AppRequest, pk: int) -> HttpResponse:
    stage_subject = selectors.stage_subject_for_office(user=request.user, pk=pk)
    return render(
        request,
        "olympiads/scoring/office.html",
        {
            "stage_subject": stage_subject,
            "progress": selectors.scoring_progress(stage_subject),
            "waiting": stage_subject.participations.filter(confirmed=True, work__isnull=True).count(),
            "breadcrumbs": [*_crumbs(), {"label": f"{stage_subject.subject}: шифры и протокол"}],
        },
    )


def _office_action(request: AppRequest, pk: int, action: Any, done: str) -> HttpResponse:
    stage_subject = selectors.stage_subject_for_office(user=request.user, pk=pk)
    try:
        result = action(stage_subject)
    except ValidationError as error:
        messages.error(request, _messages_text(error))
    else:
        messages.success(request, done.format(result=result))
    return redirect("olympiads:scoring_office", pk=pk)


@require_POST
@requires(OFFICE)
def scoring_codes_issue(request: AppRequest, pk: int) -> HttpResponse:
    return _office_action(
        request,
        pk,
        lambda s: services.codes_issue(stage_subject=s, by=request.user),
        "Выдано шифров: {result}. Скачайте ведомость шифров для организаторов в аудиториях.",
    )


@require_POST
@requires(OFFICE)
def scoring_reopen(request: AppRequest, pk: int) -> HttpResponse:
    return _office_action(
        request,
        pk,
        lambda s: services.scoring_reopen(
            stage_subject=s, reason=request.POST.get("reason", ""), by=request.user
        ),
        "Проверка открыта снова: жюри может исправить баллы.",
    )


@require_POST
@requires(OFFICE)
def scoring_codes_match(request: AppRequest, pk: int) -> HttpResponse:
    return _office_action(
        request,
        pk,
        lambda s: services.codes_match(stage_subject=s, by=request.user),
        "Шифры сопоставлены с участниками: баллы перенесены ({result}).",
    )


CODE_SHEET = (
    ExportColumn("Шифр", lambda p: p.work.code, 16),
    ExportColumn("Класс", lambda p: p.grade, 8),
    ExportColumn("Фамилия, имя, отчество", lambda p: str(p.student), 36),
    ExportColumn("Школа", lambda p: p.student.school.short_name or p.student.school.name, 36),
)


@requires(OFFICE)
def scoring_code_sheet(request: AppRequest, pk: int) -> HttpResponse:
    stage_subject = selectors.stage_subject_for_office(user=request.user, pk=pk)
    content = write_xlsx(CODE_SHEET, selectors.code_sheet_rows(stage_subject), sheet_name="Шифры")
    return xlsx_response(content, f"Шифры — {stage_subject.subject}.xlsx")


def _score_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f").replace(".", ",")


PROTOCOL = (
    ExportColumn("Шифр", lambda p: p.work.code if p.work_id else "", 16),
    ExportColumn("Фамилия, имя, отчество", lambda p: str(p.student), 36),
    ExportColumn("Школа", lambda p: p.student.school.short_name or p.student.school.name, 36),
    ExportColumn("Класс", lambda p: p.grade, 8),
    ExportColumn("Балл", lambda p: "не явился" if p.absent else _score_text(p.score), 12),
)


@requires(OFFICE)
def scoring_protocol(request: AppRequest, pk: int) -> HttpResponse:
    stage_subject = selectors.stage_subject_for_office(user=request.user, pk=pk)
    if stage_subject.codes_matched_at is None:
        raise Http404
    grade = _int(request.GET.get("grade"))
    search = (request.GET.get("q") or "").strip()
    sort = request.GET.get("sort") or "grade"
    rows = selectors.protocol_rows(stage_subject=stage_subject, grade=grade, search=search, sort=sort)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            write_xlsx(PROTOCOL, rows, sheet_name="Протокол"), f"Протокол — {stage_subject.subject}.xlsx"
        )
    grades = list(range(stage_subject.min_grade, stage_subject.max_grade + 1))
    return render(
        request,
        "olympiads/scoring/protocol.html",
        {
            "stage_subject": stage_subject,
            "page": paginate(request, rows),
            "grades": grades,
            "grade": grade,
            "q": search,
            "sort": sort,
            "sorts": [
                ("grade", "по классу"),
                ("name", "по фамилии"),
                ("-score", "по баллу"),
                ("code", "по шифру"),
            ],
            "query": _query_without(request, "page", "export"),
            "breadcrumbs": [
                *_crumbs(),
                {
                    "label": f"{stage_subject.subject}: шифры и протокол",
                    "url": reverse("olympiads:scoring_office", args=[pk]),
                },
                {"label": "Протокол"},
            ],
        },
    )


def _query_without(request: AppRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


# --- «Сириус.Курсы» ------------------------------------------------------------------------------


def _sirius_crumbs(stage_subject_pk: int | None) -> list[dict[str, str]]:
    crumbs = _crumbs()
    if stage_subject_pk:
        crumbs.append(
            {"label": "Шифры и протокол", "url": reverse("olympiads:scoring_office", args=[stage_subject_pk])}
        )
    crumbs.append({"label": "Загрузка из «Сириус.Курсы»"})
    return crumbs


@requires(OFFICE)
def scoring_sirius(request: AppRequest) -> HttpResponse:
    """The upload form; ?subject=<stage subject pk> preselects the subject (online subjects in scope)."""
    subjects = list(selectors.online_subjects_for_office(user=request.user))
    chosen = _int(request.GET.get("subject"))
    initial = {"stage_subject": chosen} if any(s.pk == chosen for s in subjects) else {}
    form = SiriusUploadForm(request.POST or None, request.FILES or None, initial=initial, subjects=subjects)
    if request.method == "POST" and form.is_valid():
        try:
            run = import_services.import_run_create(
                spec=SIRIUS_IMPORT,
                upload=form.cleaned_data["file"],
                by=request.user,
                options={"stage_subject_id": form.cleaned_data["stage_subject"]},
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            import_services.import_run_check(run=run)
            if run.status == ImportRun.Status.FAILED:
                form.add_error("file", run.report.get("fatal") or run.message)
                import_services.import_run_discard(run=run)
            else:
                return redirect(reverse(SIRIUS_IMPORT.url_name("run"), args=[run.pk]))
    return render(
        request,
        "imports/upload.html",
        {
            "spec": SIRIUS_IMPORT,
            "form": form,
            "accept": ACCEPT,
            "urls": {
                "upload": reverse("olympiads:scoring_sirius"),
                "template": reverse("olympiads:scoring_sirius_template"),
            },
            "recent": import_runs_recent(user=request.user, kind=SIRIUS_IMPORT.kind),
            "run_url_name": SIRIUS_IMPORT.url_name("run"),
            "back_url": reverse("olympiads:scoring_office", args=[chosen]) if initial else "",
            "breadcrumbs": _sirius_crumbs(chosen if initial else None),
            "title": "Загрузка результатов из «Сириус.Курсы»",
        },
    )


@requires(OFFICE)
def scoring_sirius_template(request: AppRequest) -> HttpResponse:
    return import_views.template_download(request, spec=SIRIUS_IMPORT)


def _run(request: AppRequest, pk: int) -> ImportRun:
    run = import_run_get_for(user=request.user, pk=pk, kind=SIRIUS_IMPORT.kind)
    # the run's stage subject must still be in the user's scope
    selectors.stage_subject_for_office(user=request.user, pk=_int(run.options.get("stage_subject_id")) or 0)
    return run


@requires(OFFICE)
def scoring_sirius_run(request: AppRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    subject_pk = _int(run.options.get("stage_subject_id"))
    done = reverse("olympiads:scoring_office", args=[subject_pk]) if subject_pk else ""
    return import_views.run_page(
        request, spec=SIRIUS_IMPORT, run=run, breadcrumbs=_sirius_crumbs(subject_pk), done_url=done
    )


@requires(OFFICE)
def scoring_sirius_status(request: AppRequest, pk: int) -> HttpResponse:
    return import_views.status(request, spec=SIRIUS_IMPORT, run=_run(request, pk))


@requires(OFFICE)
def scoring_sirius_commit(request: AppRequest, pk: int) -> HttpResponse:
    return import_views.commit(request, spec=SIRIUS_IMPORT, run=_run(request, pk))


@requires(OFFICE)
def scoring_sirius_errors(request: AppRequest, pk: int) -> HttpResponse:
    return import_views.errors_download(request, spec=SIRIUS_IMPORT, run=_run(request, pk))
