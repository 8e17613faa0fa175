"""Pages of the olympiad's settings: the subjects of the olympiad, seasons, stages, stage subjects with their
grade grid, jury and appeal commission, the organising committee, the yearly copy and the Excel export.

Access: reading needs `olympiads.view` (the office, school admins — their municipality's seasons only),
changing needs `olympiads.manage` (office editors). Objects outside the user's scope answer 404 (the
selectors); each view starts with one access check.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from imo.core.access import AppRequest, requires
from imo.core.conflicts import loaded_version, track_version, without_version
from imo.core.excel import ExportColumn, write_xlsx, xlsx_response
from imo.core.forms import add_service_errors
from imo.olympiads.models import JuryMember, OlympiadSubject, Stage, StageSubject
from imo.olympiads.setup import selectors, services
from imo.olympiads.setup.forms import (
    CommitteeForm,
    GradeGridForm,
    MemberAddForm,
    OlympiadSubjectForm,
    SeasonCopyForm,
    SeasonForm,
    StageForm,
    StageSubjectAddForm,
    StageSubjectForm,
)
from imo.olympiads.setup.tables import OlympiadSubjectTable, SeasonTable
from imo.reference.selectors import academic_year_current
from imo.staff.selectors import educators_visible_to

VIEW = "olympiads.view"
MANAGE = "olympiads.manage"
SECTION = "Олимпиады: этапы и предметы"
COMMISSIONS = {"jury": "Жюри", "appeal": "Апелляционная комиссия"}


def _crumbs(*tail: tuple[str, str] | str) -> list[dict[str, str]]:
    crumbs = [{"label": SECTION, "url": reverse("olympiads:season_list")}]
    for item in tail:
        if isinstance(item, tuple):
            crumbs.append({"label": item[0], "url": item[1]})
        else:
            crumbs.append({"label": item})
    return crumbs


def _season_crumb(season: Any) -> tuple[str, str]:
    return (str(season.academic_year), reverse("olympiads:season_detail", args=[season.pk]))


def _form_page(
    request: AppRequest, form: Any, *, title: str, back: str, crumbs: Any, note: str = ""
) -> HttpResponse:
    return render(
        request,
        "olympiads/setup/form.html",
        {"form": form, "title": title, "back": back, "breadcrumbs": crumbs, "note": note},
    )


# --- subjects of the olympiad -----------------------------------------------------------------------


@requires(VIEW)
def olympiad_subject_list(request: AppRequest) -> HttpResponse:
    can_manage = request.user.has_perm(MANAGE)
    table = OlympiadSubjectTable(
        request, queryset=OlympiadSubject.objects.select_related("school_subject"), editable=can_manage
    )
    return table.render(
        "olympiads/setup/subject_list.html",
        {"can_manage": can_manage, "breadcrumbs": [{"label": "Предметы олимпиады"}]},
    )


@requires(VIEW)
def olympiad_subject_export(request: AppRequest) -> HttpResponse:
    return OlympiadSubjectTable(
        request, queryset=OlympiadSubject.objects.select_related("school_subject")
    ).export_response()


def _subject_form(request: AppRequest, subject: OlympiadSubject | None) -> HttpResponse:
    form = OlympiadSubjectForm(request.POST or None, instance=subject)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in OlympiadSubjectForm.Meta.fields}
        try:
            services.olympiad_subject_save(subject=subject, data=data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Предмет сохранён.")
            return redirect("olympiads:olympiad_subjects")
    title = f"Предмет олимпиады: {subject}" if subject else "Новый предмет олимпиады"
    back = reverse("olympiads:olympiad_subjects")
    return _form_page(
        request,
        form,
        title=title,
        back=back,
        crumbs=[{"label": "Предметы олимпиады", "url": back}, {"label": title}],
    )


@requires(MANAGE)
def olympiad_subject_create(request: AppRequest) -> HttpResponse:
    return _subject_form(request, None)


@requires(MANAGE)
def olympiad_subject_edit(request: AppRequest, pk: int) -> HttpResponse:
    subject = OlympiadSubject.objects.filter(pk=pk).first()
    if subject is None:
        raise Http404("Предмет не найден.")
    return _subject_form(request, subject)


# --- seasons ----------------------------------------------------------------------------------------


@requires(VIEW)
def season_list(request: AppRequest) -> HttpResponse:
    can_manage = request.user.has_perm(MANAGE)
    table = SeasonTable(request, queryset=selectors.season_rows(user=request.user))
    return table.render(
        "olympiads/setup/season_list.html",
        {"can_manage": can_manage, "breadcrumbs": [{"label": SECTION}]},
    )


@requires(VIEW)
def season_export(request: AppRequest) -> HttpResponse:
    return SeasonTable(request, queryset=selectors.season_rows(user=request.user)).export_response()


@requires(MANAGE)
def season_create(request: AppRequest) -> HttpResponse:
    municipalities = list(selectors.municipalities_for_seasons(user=request.user))
    current = academic_year_current()
    form = SeasonForm(
        request.POST or None,
        municipalities=selectors.municipalities_for_seasons(user=request.user),
        initial={"academic_year": current.pk if current else None},
    )
    if len(municipalities) == 1:
        form.fields["municipality"].initial = municipalities[0].pk
    if request.method == "POST" and form.is_valid():
        try:
            season = services.season_create(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Олимпиада заведена. Добавьте этапы.")
            return redirect("olympiads:season_detail", season.pk)
    return _form_page(
        request,
        form,
        title="Новая олимпиада",
        back=reverse("olympiads:season_list"),
        crumbs=_crumbs("Новая олимпиада"),
        note="Олимпиада заводится на учебный год: школьный и муниципальный этапы, их предметы, жюри и квоты.",
    )


@requires(VIEW)
def season_detail(request: AppRequest, pk: int) -> HttpResponse:
    season = selectors.season_get_for(user=request.user, pk=pk, permission=VIEW)
    stages = selectors.stages_of(season)
    warnings = {
        stage.pk: services.stage_warnings(
            level=stage.level, ends_on=stage.ends_on, academic_year=season.academic_year
        )
        for stage in stages
    }
    return render(
        request,
        "olympiads/setup/season_detail.html",
        {
            "season": season,
            "stages": [(stage, warnings[stage.pk]) for stage in stages],
            "can_manage": request.user.has_perm(MANAGE),
            "missing_levels": [
                label for value, label in Stage.Level.choices if value not in {s.level for s in stages}
            ],
            "breadcrumbs": _crumbs(str(season.academic_year)),
        },
    )


@requires(MANAGE)
def season_copy(request: AppRequest, pk: int) -> HttpResponse:
    season = selectors.season_get_for(user=request.user, pk=pk, permission=MANAGE)
    next_year = (
        type(season.academic_year).objects.filter(start_year=season.academic_year.start_year + 1).first()
    )
    form = SeasonCopyForm(
        request.POST or None,
        exclude=season.academic_year_id,
        initial={"academic_year": next_year.pk if next_year else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.season_copy(
                season=season, academic_year=form.cleaned_data["academic_year"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Настройки скопированы: этапы (даты сдвинуты на год), квоты, предметы, максимальные и "
                "проходные баллы, жюри, апелляционные комиссии и оргкомитет. Проверьте даты.",
            )
            return redirect("olympiads:season_detail", copy.pk)
    return _form_page(
        request,
        form,
        title="Скопировать настройки на следующий год",
        back=reverse("olympiads:season_detail", args=[season.pk]),
        crumbs=_crumbs(_season_crumb(season), "Копия настроек"),
        note="Копируются этапы, квоты, предметы этапов, максимальные и проходные баллы, жюри, апелляционные "
        "комиссии и оргкомитет. Участники и результаты не копируются.",
    )


def _cell_grades(row: StageSubject, attribute: str) -> str:
    parts = []
    for setting in row.grade_settings.all():
        value = getattr(setting, attribute)
        if attribute == "task_max":
            value = services.task_max_text(value)
        if value not in (None, ""):
            parts.append(f"{setting.grade} кл.: {value}")
    return "; ".join(parts)


def _jury_cell(row: StageSubject, chair: bool) -> str:
    members: list[JuryMember] = list(row.jury.all())
    return ", ".join(str(member.educator) for member in members if member.is_chair == chair)


EXPORT_COLUMNS = [
    ExportColumn("Этап", lambda row: row.stage.get_level_display(), 16),
    ExportColumn("Предмет", lambda row: row.subject.name, 30),
    ExportColumn("Классы", lambda row: f"{row.min_grade}–{row.max_grade}", 10),
    ExportColumn("Дата проведения", lambda row: row.held_on, 14),
    ExportColumn("Место проведения", lambda row: row.venue, 30),
    ExportColumn("«Сириус.Курсы»", lambda row: "да" if row.online else "нет", 12),
    ExportColumn("Максимальный балл", lambda row: _cell_grades(row, "max_score"), 40),
    ExportColumn("Максимум по заданиям", lambda row: _cell_grades(row, "task_max"), 50),
    ExportColumn("Проходной балл", lambda row: _cell_grades(row, "threshold"), 40),
    ExportColumn("Председатель жюри", lambda row: _jury_cell(row, True), 30),
    ExportColumn("Члены жюри", lambda row: _jury_cell(row, False), 60),
]


@requires(VIEW)
def season_stage_subjects_export(request: AppRequest, pk: int) -> HttpResponse:
    season = selectors.season_get_for(user=request.user, pk=pk, permission=VIEW)
    content = write_xlsx(EXPORT_COLUMNS, selectors.stage_subjects_for_export(season), sheet_name="Предметы")
    name = f"олимпиада_{season.academic_year.start_year}_предметы_{timezone.localdate():%d.%m.%Y}.xlsx"
    return xlsx_response(content, name)


# --- stages -----------------------------------------------------------------------------------------


def _stage_form(request: AppRequest, season: Any, stage: Stage | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if stage is not None:
        initial = {name: getattr(stage, name) for name in StageForm.base_fields}
    else:
        defaults = Stage()
        initial = {name: getattr(defaults, name) for name in services.QUOTA_FIELDS}
        taken = set(season.stages.values_list("level", flat=True))
        initial["level"] = next((value for value in Stage.Level.values if value not in taken), "")
    form = StageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.stage_save(season=season, stage=stage, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Этап сохранён.")
            for warning in services.stage_warnings(
                level=saved.level, ends_on=saved.ends_on, academic_year=season.academic_year
            ):
                messages.warning(request, warning)
            return redirect("olympiads:season_detail", season.pk)
    title = str(stage) if stage else "Новый этап"
    return _form_page(
        request,
        form,
        title=title,
        back=reverse("olympiads:season_detail", args=[season.pk]),
        crumbs=_crumbs(_season_crumb(season), title),
        note="Школьный этап проводится до 1 ноября, муниципальный — до 25 декабря (Порядок проведения "
        "олимпиады). Квоты победителей и призёров устанавливает организатор этапа.",
    )


@requires(MANAGE)
def stage_create(request: AppRequest, pk: int) -> HttpResponse:
    season = selectors.season_get_for(user=request.user, pk=pk, permission=MANAGE)
    return _stage_form(request, season, None)


@requires(MANAGE)
def stage_edit(request: AppRequest, pk: int) -> HttpResponse:
    stage = selectors.stage_get_for(user=request.user, pk=pk, permission=MANAGE)
    return _stage_form(request, stage.season, stage)


@requires(MANAGE)
@require_POST
def stage_add_all_subjects(request: AppRequest, pk: int) -> HttpResponse:
    stage = selectors.stage_get_for(user=request.user, pk=pk, permission=MANAGE)
    added = services.stage_subjects_add_all(stage=stage, by=request.user)
    if added:
        messages.success(request, f"Добавлено предметов: {added}.")
    else:
        messages.info(request, "Все предметы уже есть на этапе.")
    return redirect(reverse("olympiads:season_detail", args=[stage.season_id]) + f"#stage-{stage.pk}")


@requires(MANAGE)
def stage_subject_add(request: AppRequest, pk: int) -> HttpResponse:
    stage = selectors.stage_get_for(user=request.user, pk=pk, permission=MANAGE)
    form = StageSubjectAddForm(request.POST or None, subjects=selectors.subjects_missing_from(stage))
    if request.method == "POST" and form.is_valid():
        try:
            stage_subject = services.stage_subject_save(
                stage=stage, subject=form.cleaned_data["subject"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Предмет «{stage_subject.subject}» добавлен на этап.")
            return redirect("olympiads:stage_subject_edit", stage_subject.pk)
    return _form_page(
        request,
        form,
        title=f"Добавить предмет: {stage}",
        back=reverse("olympiads:season_detail", args=[stage.season_id]),
        crumbs=_crumbs(_season_crumb(stage.season), "Добавить предмет"),
        note="Классы по умолчанию: на школьном этапе — с первого класса предмета по 11, на муниципальном — "
        "7–11. Их можно изменить после добавления.",
    )


@requires(MANAGE)
def committee_add(request: AppRequest, pk: int) -> HttpResponse:
    stage = selectors.stage_get_for(user=request.user, pk=pk, permission=MANAGE)
    form = CommitteeForm(request.POST or None, educators=educators_visible_to(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_member_add(stage=stage, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Член оргкомитета добавлен.")
            return redirect(reverse("olympiads:season_detail", args=[stage.season_id]) + f"#stage-{stage.pk}")
    return _form_page(
        request,
        form,
        title=f"Оргкомитет: {stage}",
        back=reverse("olympiads:season_detail", args=[stage.season_id]),
        crumbs=_crumbs(_season_crumb(stage.season), "Оргкомитет"),
    )


@requires(MANAGE)
@require_POST
def committee_remove(request: AppRequest, pk: int) -> HttpResponse:
    member = selectors.committee_member_get_for(user=request.user, pk=pk, permission=MANAGE)
    season_id = member.stage.season_id
    services.committee_member_remove(member=member, by=request.user)
    messages.success(request, "Член оргкомитета исключён.")
    return redirect("olympiads:season_detail", season_id)


# --- stage subjects ---------------------------------------------------------------------------------


@requires(VIEW)
def stage_subject_detail(request: AppRequest, pk: int) -> HttpResponse:
    stage_subject = selectors.stage_subject_get_for(user=request.user, pk=pk, permission=VIEW)
    settings = selectors.grade_settings_of(stage_subject)
    season = stage_subject.stage.season
    return render(
        request,
        "olympiads/setup/stage_subject_detail.html",
        {
            "stage_subject": stage_subject,
            "quota": services.effective_quota(stage_subject),
            "grades": [
                (grade, settings.get(grade))
                for grade in range(stage_subject.min_grade, stage_subject.max_grade + 1)
            ],
            "is_school": stage_subject.stage.level == Stage.Level.SCHOOL,
            "commissions": [
                ("jury", COMMISSIONS["jury"], selectors.jury_of(stage_subject)),
                ("appeal", COMMISSIONS["appeal"], selectors.appeal_commission_of(stage_subject)),
            ],
            "can_manage": request.user.has_perm(MANAGE),
            "breadcrumbs": _crumbs(_season_crumb(season), str(stage_subject)),
        },
    )


@requires(MANAGE)
def stage_subject_edit(request: AppRequest, pk: int) -> HttpResponse:
    stage_subject = selectors.stage_subject_get_for(user=request.user, pk=pk, permission=MANAGE)
    initial = {name: getattr(stage_subject, name) for name in StageSubjectForm.base_fields}
    form = StageSubjectForm(request.POST or None, initial=initial)
    track_version(form, stage_subject)
    if request.method == "POST" and form.is_valid():
        try:
            services.stage_subject_save(
                stage=stage_subject.stage,
                subject=stage_subject.subject,
                stage_subject=stage_subject,
                **without_version(form.cleaned_data),
                by=request.user,
                version=loaded_version(form),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Предмет этапа сохранён.")
            return redirect("olympiads:stage_subject_detail", stage_subject.pk)
    stage = stage_subject.stage
    low, high = services.grade_bounds(stage=stage, subject=stage_subject.subject)
    return _form_page(
        request,
        form,
        title=f"{stage_subject.subject}: {stage}",
        back=reverse("olympiads:stage_subject_detail", args=[stage_subject.pk]),
        crumbs=_crumbs(
            _season_crumb(stage.season),
            (str(stage_subject.subject), reverse("olympiads:stage_subject_detail", args=[stage_subject.pk])),
            "Изменить",
        ),
        note=f"Классы на этом этапе: {low}–{high}. Пустые поля квот — как на этапе.",
    )


@requires(MANAGE)
@require_POST
def stage_subject_delete(request: AppRequest, pk: int) -> HttpResponse:
    stage_subject = selectors.stage_subject_get_for(user=request.user, pk=pk, permission=MANAGE)
    season_id = stage_subject.stage.season_id
    try:
        services.stage_subject_delete(stage_subject=stage_subject, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("olympiads:stage_subject_detail", stage_subject.pk)
    messages.success(request, f"Предмет «{stage_subject.subject}» убран с этапа.")
    return redirect("olympiads:season_detail", season_id)


@requires(MANAGE)
def stage_subject_grades(request: AppRequest, pk: int) -> HttpResponse:
    stage_subject = selectors.stage_subject_get_for(user=request.user, pk=pk, permission=MANAGE)
    with_threshold = stage_subject.stage.level == Stage.Level.SCHOOL
    form = GradeGridForm(
        request.POST or None,
        grades=range(stage_subject.min_grade, stage_subject.max_grade + 1),
        settings=selectors.grade_settings_of(stage_subject),
        with_threshold=with_threshold,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.grade_settings_save(stage_subject=stage_subject, rows=form.rows(), by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Максимальные баллы сохранены.")
            return redirect("olympiads:stage_subject_detail", stage_subject.pk)
    return render(
        request,
        "olympiads/setup/grades.html",
        {
            "stage_subject": stage_subject,
            "form": form,
            "with_threshold": with_threshold,
            "breadcrumbs": _crumbs(
                _season_crumb(stage_subject.stage.season),
                (
                    str(stage_subject.subject),
                    reverse("olympiads:stage_subject_detail", args=[stage_subject.pk]),
                ),
                "Баллы по классам",
            ),
        },
    )


def _members(stage_subject: StageSubject, kind: str) -> list[Any]:
    rows = (
        selectors.jury_of(stage_subject) if kind == "jury" else selectors.appeal_commission_of(stage_subject)
    )
    return [(row.educator, row.is_chair) for row in rows]


def _members_set(request: AppRequest, stage_subject: StageSubject, kind: str, members: list[Any]) -> None:
    if kind == "jury":
        services.jury_set(stage_subject=stage_subject, members=members, by=request.user)
    else:
        services.appeal_commission_set(stage_subject=stage_subject, members=members, by=request.user)


def _check_kind(kind: str) -> None:
    if kind not in COMMISSIONS:
        raise Http404("Нет такой комиссии.")


@requires(MANAGE)
def member_add(request: AppRequest, pk: int, kind: str) -> HttpResponse:
    stage_subject = selectors.stage_subject_get_for(user=request.user, pk=pk, permission=MANAGE)
    _check_kind(kind)
    current = _members(stage_subject, kind)
    form = MemberAddForm(
        request.POST or None,
        educators=educators_visible_to(user=request.user),
        initial={"is_chair": not current},
    )
    if request.method == "POST" and form.is_valid():
        educator, chair = form.cleaned_data["educator"], form.cleaned_data["is_chair"]
        members = [
            (member, is_chair and not chair) for member, is_chair in current if member.pk != educator.pk
        ]
        members.append((educator, chair))
        try:
            _members_set(request, stage_subject, kind, members)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{educator} — {'председатель' if chair else 'член'}: {COMMISSIONS[kind]}."
            )
            return redirect("olympiads:stage_subject_detail", stage_subject.pk)
    return _form_page(
        request,
        form,
        title=f"{COMMISSIONS[kind]}: {stage_subject.subject}, {stage_subject.stage}",
        back=reverse("olympiads:stage_subject_detail", args=[stage_subject.pk]),
        crumbs=_crumbs(
            _season_crumb(stage_subject.stage.season),
            (str(stage_subject.subject), reverse("olympiads:stage_subject_detail", args=[stage_subject.pk])),
            COMMISSIONS[kind],
        ),
        note="Председатель у комиссии ровно один: если отметить «Председатель», прежний председатель "
        "останется членом комиссии.",
    )


@requires(MANAGE)
@require_POST
def member_chair(request: AppRequest, pk: int, kind: str, educator: int) -> HttpResponse:
    stage_subject = selectors.stage_subject_get_for(user=request.user, pk=pk, permission=MANAGE)
    _check_kind(kind)
    members = [(member, member.pk == educator) for member, _chair in _members(stage_subject, kind)]
    try:
        _members_set(request, stage_subject, kind, members)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Председатель назначен.")
    return redirect("olympiads:stage_subject_detail", stage_subject.pk)


@requires(MANAGE)
@require_POST
def member_remove(request: AppRequest, pk: int, kind: str, educator: int) -> HttpResponse:
    stage_subject = selectors.stage_subject_get_for(user=request.user, pk=pk, permission=MANAGE)
    _check_kind(kind)
    members = [(member, chair) for member, chair in _members(stage_subject, kind) if member.pk != educator]
    try:
        _members_set(request, stage_subject, kind, members)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages) + " Сначала назначьте другого председателя.")
    else:
        messages.success(request, "Педагог исключён из состава.")
    return redirect("olympiads:stage_subject_detail", stage_subject.pk)
