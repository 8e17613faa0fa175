"""Registration pages: a school's students registered per stage subject, the participation list with its
Excel export, the municipal stage's proposed list, and the import from Excel."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from imo.core.access import AppRequest, check, requires
from imo.core.imports import views as import_views
from imo.core.imports.selectors import import_run_get_for
from imo.olympiads.models import Participation, Stage, StageSubject, Student
from imo.olympiads.registration import selectors, services
from imo.olympiads.registration.forms import TeachersForm
from imo.olympiads.registration.importing import REGISTRATION_IMPORT
from imo.olympiads.registration.tables import ParticipationTable
from imo.staff.access_log import log_table_access


def _int(value: Any) -> int | None:
    text = str(value or "")
    # isascii: str.isdigit() is also true for "²" and "٣", which int() rejects or reads as another number.
    return int(text) if text.isascii() and text.isdigit() else None


def _registration_url(stage: Stage, stage_subject: StageSubject | None, school_pk: int | None) -> str:
    query: dict[str, Any] = {"stage": stage.pk}
    if stage_subject is not None:
        query["subject"] = stage_subject.pk
    if school_pk:
        query["school"] = school_pk
    return f"{reverse('olympiads:registration')}?{urlencode(query)}"


def _register_many(
    request: AppRequest, stage: Stage, stage_subject: StageSubject, form: TeachersForm
) -> tuple[list[str], int]:
    """Register the ticked students, all or none: (the messages of every broken rule, how many)."""
    chosen = [pk for pk in (_int(v) for v in request.POST.getlist("student")) if pk]
    if not chosen:
        return ["Отметьте обучающихся, которых нужно зарегистрировать."], 0
    if not form.is_valid():
        return [str(message) for messages_ in form.errors.values() for message in messages_], 0
    # every chosen student must be one the user may register (another school's: 404)
    students = [selectors.student_get_for(user=request.user, stage=stage, pk=pk) for pk in chosen]
    errors: list[str] = []
    try:
        with transaction.atomic():
            for student in students:
                try:
                    services.participation_register(
                        stage_subject=stage_subject,
                        student=student,
                        grade=_int(request.POST.get(f"grade_{student.pk}")),
                        teachers=form.cleaned_data["teachers"],
                        by=request.user,
                    )
                except ValidationError as error:
                    errors.extend(error.messages)
            if errors:
                raise ValidationError(errors)
    except ValidationError:
        return errors, 0
    return [], len(students)


@requires("olympiads.register")
def registration(request: AppRequest) -> HttpResponse:
    """Pick the stage, the subject (and, for the office, the school); register students; withdraw them."""
    params = request.POST if request.method == "POST" else request.GET
    stages = selectors.stages_visible_to(user=request.user)
    current = [s for s in stages if stages and s.season_id == stages[0].season_id]
    stage_pk = _int(params.get("stage"))
    stage = (
        next((s for s in stages if s.pk == stage_pk), None) if stage_pk else (current[0] if current else None)
    )
    if stage_pk and stage is None:
        raise Http404("Этап не найден.")
    context: dict[str, Any] = {
        "stages": current if stage is None or stage in current else [*current, stage],
        "stage": stage,
        "breadcrumbs": [{"label": "Регистрация участников олимпиады"}],
    }
    if stage is None:
        return render(request, "olympiads/registration/registration.html", context)
    stage_subjects = selectors.stage_subjects_of(stage)
    subject_pk = _int(params.get("subject"))
    stage_subject = next((s for s in stage_subjects if s.pk == subject_pk), None)
    if subject_pk and stage_subject is None:
        raise Http404("Предмет этапа не найден.")
    schools = list(selectors.schools_of_user(user=request.user, stage=stage))
    school_pk = _int(params.get("school"))
    school = next((s for s in schools if s.pk == school_pk), None) if school_pk else None
    if school_pk and school is None:
        raise Http404("Школа не найдена.")
    if school is None and len(schools) == 1:
        school = schools[0]
    context.update(stage_subjects=stage_subjects, stage_subject=stage_subject, schools=schools, school=school)
    if stage_subject is None or school is None:
        return render(request, "olympiads/registration/registration.html", context)

    educators = selectors.school_educators(school)
    form = TeachersForm(request.POST or None, educators=educators)
    errors: list[str] = []
    if request.method == "POST":
        errors, count = _register_many(request, stage, stage_subject, form)
        if not errors:
            messages.success(request, f"Зарегистрировано: {count}.")
            return redirect(_registration_url(stage, stage_subject, school.pk))
    registered = selectors.registered_for(stage_subject=stage_subject, school=school)
    students = list(selectors.school_students(stage=stage, school=school))
    kept = selectors.school_stage_grades(stage_subject=stage_subject, student_ids=[s.pk for s in students])
    rows = [
        {
            "student": student,
            "participation": registered.get(student.pk),
            "default_grade": max(kept.get(student.pk, student.grade), student.grade),
            "kept": kept.get(student.pk),
            "fits": student.grade <= stage_subject.max_grade,
            "checked": str(student.pk) in request.POST.getlist("student"),
            "posted_grade": request.POST.get(f"grade_{student.pk}", ""),
        }
        for student in students
    ]
    context.update(
        rows=rows,
        form=form,
        errors=errors,
        registered_count=len(registered),
        closed=services.registration_closed_message(stage_subject),
        grades=list(range(stage_subject.min_grade, stage_subject.max_grade + 1)),
    )
    return render(request, "olympiads/registration/registration.html", context)


@requires("olympiads.register")
def registration_withdraw(request: AppRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    participation = selectors.participation_get_for(user=request.user, pk=pk)
    stage_subject = participation.stage_subject
    try:
        services.participation_withdraw(participation=participation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{participation.student} снят с участия.")
    return redirect(_registration_url(stage_subject.stage, stage_subject, participation.student.school_id))


# --- the list -------------------------------------------------------------------------------------


def _table(request: AppRequest) -> ParticipationTable:
    return ParticipationTable(request, queryset=selectors.participations_visible_to(user=request.user))


@requires("olympiads.view")
def participations(request: AppRequest) -> HttpResponse:
    table = _table(request)
    response = table.render(
        "olympiads/registration/participations.html",
        {"breadcrumbs": [{"label": "Участники олимпиады"}]},
    )
    log_table_access(
        table,
        user=request.user,
        what="Участники олимпиады",
        subject_model=Student,
        subject_field="student_id",
    )
    return response


@requires("olympiads.view")
def participations_export(request: AppRequest) -> HttpResponse:
    table = _table(request)
    log_table_access(
        table,
        user=request.user,
        what="Участники олимпиады",
        export=True,
        subject_model=Student,
        subject_field="student_id",
    )
    return table.export_response()


# --- the municipal stage's proposed list ----------------------------------------------------------


@requires("olympiads.view_proposals")
def proposals(request: AppRequest) -> HttpResponse:
    stages = [s for s in selectors.stages_visible_to(user=request.user) if s.level == Stage.Level.MUNICIPAL]
    stage_pk = _int(request.POST.get("stage") or request.GET.get("stage"))
    stage = (
        next((s for s in stages if s.pk == stage_pk), None) if stage_pk else (stages[0] if stages else None)
    )
    if stage_pk and stage is None:
        raise Http404("Этап не найден.")
    context: dict[str, Any] = {
        "stages": stages,
        "stage": stage,
        "can_confirm": request.user.has_perm("olympiads.confirm_proposals"),
        "breadcrumbs": [{"label": "Список на муниципальный этап"}],
    }
    if stage is None:
        return render(request, "olympiads/registration/proposals.html", context)
    if request.method == "POST":
        check(request.user, "olympiads.confirm_proposals")
        back = f"{reverse('olympiads:proposals')}?stage={stage.pk}"
        action = request.POST.get("action")
        pending = Participation.objects.filter(
            stage_subject__stage=stage, source=Participation.Source.PROPOSED, confirmed=False
        ).select_related("student")
        picked = [pk for pk in (_int(v) for v in request.POST.getlist("participation")) if pk]
        try:
            if action == "create":
                count = services.proposals_create(stage=stage, by=request.user)
                messages.success(request, f"Добавлено в список предложенных: {count}.")
            elif action == "confirm_all":
                count = services.proposals_confirm(participations=list(pending), by=request.user)
                messages.success(request, f"Подтверждено: {count}.")
            elif action in ("confirm", "remove"):
                rows = list(pending.filter(pk__in=picked))
                if not rows:
                    messages.error(request, "Отметьте участников в списке.")
                elif action == "confirm":
                    count = services.proposals_confirm(participations=rows, by=request.user)
                    messages.success(request, f"Подтверждено: {count}.")
                else:
                    with transaction.atomic():
                        for row in rows:
                            services.participation_withdraw(participation=row, by=request.user)
                    messages.success(request, f"Убрано из списка: {len(rows)}.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(back)
    candidates = services.municipal_proposals(stage=stage, include_registered=True)
    reasons = {(p.student.pk, p.stage_subject.pk): p.reason for p in candidates}
    proposed = list(
        Participation.objects.filter(stage_subject__stage=stage, source=Participation.Source.PROPOSED)
        .select_related("student__school", "stage_subject__subject")
        .order_by("confirmed", "stage_subject__subject__order", "grade", "student__name_key")
    )
    for row in proposed:
        row.reason = reasons.get((row.student_id, row.stage_subject_id), "")  # type: ignore[attr-defined]
    taken = {
        (row.student_id, row.stage_subject_id)
        for row in Participation.objects.filter(stage_subject__stage=stage).only(
            "student_id", "stage_subject_id"
        )
    }
    context.update(
        new=[p for p in candidates if (p.student.pk, p.stage_subject.pk) not in taken],
        pending=[row for row in proposed if not row.confirmed],
        confirmed=[row for row in proposed if row.confirmed],
    )
    return render(request, "olympiads/registration/proposals.html", context)


# --- import from Excel ----------------------------------------------------------------------------


def _crumbs(*extra: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"label": "Регистрация участников олимпиады", "url": reverse("olympiads:registration")},
        {"label": "Загрузка из Excel", "url": reverse("olympiads:registration_import")},
        *extra,
    ]


@requires(REGISTRATION_IMPORT.permission)
def registration_import(request: AppRequest) -> HttpResponse:
    return import_views.upload(
        request,
        spec=REGISTRATION_IMPORT,
        breadcrumbs=[*_crumbs()[:1], {"label": "Загрузка из Excel"}],
        back_url=reverse("olympiads:registration"),
    )


@requires(REGISTRATION_IMPORT.permission)
def registration_import_template(request: AppRequest) -> HttpResponse:
    return import_views.template_download(request, spec=REGISTRATION_IMPORT)


@requires(REGISTRATION_IMPORT.permission)
def registration_import_run(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=REGISTRATION_IMPORT.kind)
    return import_views.run_page(
        request,
        spec=REGISTRATION_IMPORT,
        run=run,
        breadcrumbs=_crumbs({"label": run.original_name}),
        done_url=reverse("olympiads:participations"),
    )


@requires(REGISTRATION_IMPORT.permission)
def registration_import_status(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=REGISTRATION_IMPORT.kind)
    return import_views.status(request, spec=REGISTRATION_IMPORT, run=run)


@requires(REGISTRATION_IMPORT.permission)
def registration_import_commit(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=REGISTRATION_IMPORT.kind)
    return import_views.commit(request, spec=REGISTRATION_IMPORT, run=run)


@requires(REGISTRATION_IMPORT.permission)
def registration_import_errors(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=REGISTRATION_IMPORT.kind)
    return import_views.errors_download(request, spec=REGISTRATION_IMPORT, run=run)
