"""Pages of the ranking part: a stage subject's ranking (grade tabs, reasons, Excel, «Пересчитать»), a
participant's result with appeals, the appeals of a stage, and the ranking tool for any protocol."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from imo.core.access import AppRequest, requires
from imo.core.excel import ExportColumn, write_xlsx, xlsx_response
from imo.core.paging import paginate
from imo.olympiads.models import Appeal, AppealMember, Participation, Stage
from imo.olympiads.ranking import selectors, services
from imo.olympiads.ranking.forms import AppealDecideForm, AppealFileForm, ToolForm
from imo.olympiads.ranking.protocol import ProtocolError, ToolSettings, protocol_xlsx, rank_file
from imo.staff.models import Educator

VIEW = selectors.VIEW
MANAGE = selectors.MANAGE
STATUSES = [(value, label) for value, label in Participation.Status.choices]

INDEX_COLUMNS = (
    ExportColumn("Учебный год", lambda s: s.stage.season.academic_year.name, 12),
    ExportColumn("Этап", lambda s: s.stage.get_level_display(), 14),
    ExportColumn("Предмет", lambda s: s.subject.name, 30),
    ExportColumn("В рейтинге", lambda s: s.ranked, 12),
    ExportColumn("Победителей и призёров", lambda s: s.awarded, 14),
    ExportColumn(
        "Рейтинг рассчитан", lambda s: s.ranked_at.strftime("%d.%m.%Y %H:%M") if s.ranked_at else "", 18
    ),
)


@requires(VIEW)
def index(request: AppRequest) -> HttpResponse:
    """Stage subjects of the user's seasons with their rankings; filter by stage level and state."""
    rows = selectors.stage_subjects_for(user=request.user)
    level = request.GET.get("level", "")
    if level in dict(Stage.Level.choices):
        rows = rows.filter(stage__level=level)
    else:
        level = ""
    state = request.GET.get("state", "")
    if state == "ranked":
        rows = rows.filter(ranked_at__isnull=False)
    elif state == "unranked":
        rows = rows.filter(ranked_at__isnull=True)
    else:
        state = ""
    if request.GET.get("export") == "xlsx":
        return xlsx_response(write_xlsx(INDEX_COLUMNS, rows), "Рейтинги олимпиады.xlsx")
    query = "&".join(f"{key}={value}" for key, value in (("level", level), ("state", state)) if value)
    return render(
        request,
        "olympiads/ranking/index.html",
        {
            "page": paginate(request, rows),
            "level": level,
            "levels": Stage.Level.choices,
            "state": state,
            "query": query,
        },
    )


RANKING_COLUMNS = (
    ExportColumn("Класс", lambda p: p.grade, 8),
    ExportColumn("Место", lambda p: p.rank, 8),
    ExportColumn("ФИО", lambda p: str(p.student), 36),
    ExportColumn("Школа", lambda p: p.student.school.short_name or p.student.school.name, 30),
    ExportColumn("Класс обучения", lambda p: p.student.grade, 10),
    ExportColumn("Балл", lambda p: float(p.score) if p.score is not None else None, 10),
    ExportColumn("Статус", lambda p: p.get_status_display(), 14),
    ExportColumn("Почему такой статус", lambda p: p.status_reason, 90),
)


@requires(VIEW)
def subject_ranking(request: AppRequest, pk: int) -> HttpResponse:
    stage_subject = selectors.stage_subject_for(user=request.user, pk=pk)
    rows = selectors.ranking_rows(user=request.user, stage_subject=stage_subject)
    grades = sorted(set(rows.values_list("grade", flat=True)))
    grade = request.GET.get("grade", "")
    if grade.isdecimal() and int(grade) in grades:
        rows = rows.filter(grade=int(grade))
    else:
        grade = ""
    status = request.GET.get("status", "")
    if status in dict(STATUSES):
        rows = rows.filter(status=status)
    else:
        status = ""
    if request.GET.get("export") == "xlsx":
        name = f"Рейтинг — {stage_subject.subject.name}.xlsx"
        return xlsx_response(write_xlsx(RANKING_COLUMNS, rows.iterator()), name)
    query = "&".join(f"{key}={value}" for key, value in (("grade", grade), ("status", status)) if value)
    return render(
        request,
        "olympiads/ranking/subject.html",
        {
            "stage_subject": stage_subject,
            "page": paginate(request, rows),
            "grades": grades,
            "grade": grade,
            "status": status,
            "statuses": STATUSES,
            "query": query,
            "can_manage": request.user.has_perm(MANAGE),
            "rule": services.effective_rule(stage_subject),
        },
    )


@require_POST
@requires(MANAGE)
def subject_recompute(request: AppRequest, pk: int) -> HttpResponse:
    stage_subject = selectors.stage_subject_for(user=request.user, pk=pk, permission=MANAGE)
    ranked = services.rank_stage_subject(stage_subject=stage_subject, by=request.user)
    messages.success(request, f"Рейтинг пересчитан: участников в рейтинге — {ranked}.")
    return redirect("olympiads:ranking_subject", pk=pk)


@requires(VIEW)
def participation_detail(request: AppRequest, pk: int) -> HttpResponse:
    participation = selectors.participation_for(user=request.user, pk=pk)
    can_manage = request.user.has_perm(MANAGE)
    form = None
    if can_manage and participation.score is not None:
        form = AppealFileForm(members=_commission(participation))
    return render(
        request,
        "olympiads/ranking/participation.html",
        {
            "participation": participation,
            "appeals": _with_change(
                participation.appeals.prefetch_related("members").select_related("decided_by")
            ),
            "can_manage": can_manage,
            "form": form,
        },
    )


def _with_change(appeals: Any) -> list[Appeal]:
    """The appeals with `change`: by how much the decision moved the score (None while pending)."""
    items = list(appeals)
    for item in items:
        item.change = (
            item.score_after - item.score_before
            if item.score_after is not None and item.score_before is not None
            else None
        )
    return items


def _commission(participation: Participation) -> Any:
    return Educator.objects.filter(
        pk__in=AppealMember.objects.filter(stage_subject_id=participation.stage_subject_id).values(
            "educator_id"
        )
    ).order_by("last_name", "first_name")


@require_POST
@requires(MANAGE)
def appeal_file(request: AppRequest, pk: int) -> HttpResponse:
    participation = selectors.participation_for(user=request.user, pk=pk, permission=MANAGE)
    form = AppealFileForm(request.POST, members=_commission(participation))
    if form.is_valid():
        try:
            appeal = services.appeal_file(
                participation=participation,
                filed_on=form.cleaned_data["filed_on"],
                reason=form.cleaned_data["reason"],
                members=form.cleaned_data["members"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Апелляция записана. Внесите решение комиссии, когда оно будет принято."
            )
            return redirect("olympiads:ranking_appeal_decide", pk=appeal.pk)
    return render(
        request,
        "olympiads/ranking/participation.html",
        {
            "participation": participation,
            "appeals": _with_change(
                participation.appeals.prefetch_related("members").select_related("decided_by")
            ),
            "can_manage": True,
            "form": form,
        },
        status=400,
    )


@requires(MANAGE)
def appeal_decide(request: AppRequest, pk: int) -> HttpResponse:
    appeal = selectors.appeal_for(user=request.user, pk=pk)
    participation = appeal.participation
    if appeal.decision != appeal.Decision.PENDING:
        messages.info(request, "Решение по апелляции уже принято и изменению не подлежит.")
        return redirect("olympiads:ranking_participation", pk=participation.pk)
    form = AppealDecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_decide(
                appeal=appeal,
                decision=form.cleaned_data["decision"],
                new_score=form.cleaned_data["new_score"],
                decided_on=form.cleaned_data["decided_on"],
                by=request.user,
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, "Решение внесено, рейтинг по предмету пересчитан.")
            return redirect("olympiads:ranking_participation", pk=participation.pk)
    return render(
        request,
        "olympiads/ranking/appeal_decide.html",
        {"appeal": appeal, "participation": participation, "form": form},
        status=400 if form.errors else 200,
    )


def _errors(form: AppealDecideForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _score(value: Any) -> Any:
    return float(value) if value is not None else None


APPEAL_COLUMNS = (
    ExportColumn("Дата подачи", lambda a: a.filed_on, 12),
    ExportColumn("Предмет", lambda a: a.participation.stage_subject.subject.name, 24),
    ExportColumn("ФИО", lambda a: str(a.participation.student), 34),
    ExportColumn("Школа", lambda a: a.participation.student.school.short_name, 24),
    ExportColumn("Класс", lambda a: a.participation.grade, 8),
    ExportColumn("Решение", lambda a: a.get_decision_display(), 26),
    ExportColumn("Балл до", lambda a: _score(a.score_before), 10),
    ExportColumn("Балл после", lambda a: _score(a.score_after), 10),
    ExportColumn("Изменение", lambda a: _score(a.change), 10),
    ExportColumn("Дата решения", lambda a: a.decided_on, 12),
    ExportColumn("Комиссия", lambda a: ", ".join(str(m) for m in a.members.all()), 40),
    ExportColumn("Содержание", lambda a: a.reason, 50),
)


@requires(VIEW)
def stage_appeals(request: AppRequest, pk: int) -> HttpResponse:
    stage = selectors.stage_for(user=request.user, pk=pk)
    appeals = selectors.appeals_of(user=request.user, stage=stage)
    decision = request.GET.get("decision", "")
    if decision in dict(Appeal.Decision.choices):
        appeals = appeals.filter(decision=decision)
    else:
        decision = ""
    items = _with_change(appeals)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(write_xlsx(APPEAL_COLUMNS, items), "Апелляции.xlsx")
    return render(
        request,
        "olympiads/ranking/appeals.html",
        {
            "stage": stage,
            "page": paginate(request, items),
            "decision": decision,
            "decisions": Appeal.Decision.choices,
            "query": f"decision={decision}" if decision else "",
        },
    )


@requires(VIEW)
def tool(request: AppRequest) -> HttpResponse:
    """Rank any protocol: upload, settings; the result on the page or as .xlsx («Скачать Excel»)."""
    form = ToolForm(request.POST or None, request.FILES or None)
    ranked = None
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        settings = ToolSettings(
            max_score=data["max_score"],
            total_share=data["total_share"],
            winners_share=data["winners_share"],
            min_award_share=data["min_award_share"],
            rounding=data["rounding"],
            group_by=data["group_by"],
        )
        upload = data["file"]
        suffix = Path(upload.name).suffix.lower() or ".xlsx"
        with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
            handle.flush()
            try:
                ranked = rank_file(handle.name, settings)
            except ProtocolError as error:
                errors = error.messages
        if ranked is not None and "download" in request.POST:
            return xlsx_response(protocol_xlsx(ranked), f"Рейтинг — {Path(upload.name).stem}.xlsx")
    return render(
        request,
        "olympiads/ranking/tool.html",
        {"form": form, "ranked": ranked, "errors": errors[:200], "more_errors": max(0, len(errors) - 200)},
        status=400 if errors or form.errors else 200,
    )
