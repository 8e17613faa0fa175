"""Pages of mentoring: the early-career list, the mentorships list, a mentorship with its plan and reports.

Every view starts with its access check: `requires` for the lists, `mentorship_get_for` for one
mentorship (404 outside the user's scope, 403 without the permission)."""

from __future__ import annotations

import datetime as dt
import mimetypes
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from imo.core.access import login_only, requires
from imo.core.documents.downloads import attachment
from imo.core.excel import ExportColumn, write_xlsx, xlsx_response
from imo.core.forms import add_service_errors
from imo.core.paging import paginate
from imo.mentorship import selectors, services
from imo.mentorship.forms import (
    FinishForm,
    MentorshipForm,
    PlanItemDoneForm,
    PlanItemForm,
    ReportForm,
)
from imo.mentorship.models import Mentorship, MentorshipReport
from imo.orgs.selectors import educational_organizations_visible_to
from imo.staff.access_log import personal_data_access_log
from imo.staff.models import Educator, Employment, PersonalDataAccess
from imo.staff.selectors import active_on, educators_visible_to


def _date_param(request: HttpRequest, name: str = "on") -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return timezone.localdate()


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdecimal() else None


def _schools(user: Any) -> list[tuple[int, str]]:
    rows = educational_organizations_visible_to(user=user).values_list("pk", "short_name", "name")
    return sorted(
        ((pk, short or name) for pk, short, name in rows), key=lambda r: r[1].lower().replace("ё", "е")
    )


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("export", None)
    return params.urlencode()


# --- early-career educators -----------------------------------------------------------------------

EARLY_CAREER_EXPORT = (
    ExportColumn("ФИО", lambda r: r.educator.full_name, 36),
    ExportColumn("Организация", lambda r: r.school, 36),
    ExportColumn("Должность", lambda r: r.position, 24),
    ExportColumn("Педагогический стаж", lambda r: r.experience, 18),
    ExportColumn("Наставник", lambda r: str(r.mentor) if r.mentor else "нет наставника", 36),
)


@requires("mentorship.view_lists")
def early_career(request: HttpRequest) -> HttpResponse:
    on = _date_param(request)
    school_id = _int_param(request, "school")
    without_mentor = request.GET.get("no_mentor") == "1"
    educators = selectors.early_career_ordered(
        user=request.user, on=on, school_id=school_id, without_mentor=without_mentor
    )
    if request.GET.get("export") == "xlsx":
        rows = selectors.early_career_rows(educators, on)
        content = write_xlsx(EARLY_CAREER_EXPORT, rows, sheet_name="Молодые специалисты")
        return xlsx_response(content, f"Молодые специалисты на {on:%d.%m.%Y}.xlsx")
    page = paginate(request, educators)
    rows = selectors.early_career_rows(page.object_list, on)
    return render(
        request,
        "mentorship/early_career.html",
        {
            "on": on,
            "school_id": school_id,
            "without_mentor": without_mentor,
            "schools": _schools(request.user),
            "page": page,
            "rows": rows,
            "query": _query(request),
            "can_add": request.user.has_perm("mentorship.add_mentorship"),
        },
    )


# --- mentorships ----------------------------------------------------------------------------------

MENTORSHIP_EXPORT = (
    ExportColumn("Наставляемый", lambda m: str(m.mentee), 36),
    ExportColumn("Наставник", lambda m: str(m.mentor), 36),
    ExportColumn("Нагрузка наставника", lambda m: m.mentor_load, 12),
    ExportColumn("Организация", lambda m: m.organization.short_name or m.organization.name, 36),
    ExportColumn("Дата начала", lambda m: m.starts_on, 14),
    ExportColumn("Дата окончания", lambda m: m.ends_on, 14),
    ExportColumn("Состояние", lambda m: m.get_status_display(), 14),
    ExportColumn("Цели", lambda m: m.goals, 50),
)


def _log_pairs(request: HttpRequest, pairs: Any, what: str, action: str) -> None:
    """The personal-data access log: both people of each pair shown."""
    ids = [pk for m in pairs for pk in (m.mentor_id, m.mentee_id)]
    personal_data_access_log(user=request.user, action=action, educator_ids=ids, what=what)


@requires("mentorship.view_lists")
def mentorship_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", Mentorship.Status.ACTIVE)
    if status not in Mentorship.Status.values:
        status = ""
    school_id = _int_param(request, "school")
    queryset = selectors.mentorship_list(user=request.user, status=status, school_id=school_id)
    if request.GET.get("export") == "xlsx":
        rows = list(queryset)
        _log_pairs(request, rows, "Наставничество (выгрузка)", PersonalDataAccess.Action.EXPORT)
        return xlsx_response(
            write_xlsx(MENTORSHIP_EXPORT, rows, sheet_name="Наставничество"), "Наставничество.xlsx"
        )
    page = paginate(request, queryset)
    _log_pairs(request, page.object_list, "Наставничество", PersonalDataAccess.Action.VIEW)
    return render(
        request,
        "mentorship/list.html",
        {
            "page": page,
            "status": status,
            "statuses": Mentorship.Status.choices,
            "school_id": school_id,
            "schools": _schools(request.user),
            "query": _query(request),
            "can_add": request.user.has_perm("mentorship.add_mentorship"),
        },
    )


def _working_educators(user: Any) -> Any:
    working = Employment.objects.filter(active_on(timezone.localdate()), educator_id=OuterRef("pk"))
    return educators_visible_to(user=user).filter(Exists(working)).order_by("name_key", "pk")


def _warn_if_not_early_career(request: HttpRequest, mentorship: Mentorship) -> None:
    if not selectors.is_early_career_on(mentorship.mentee, mentorship.starts_on):
        messages.warning(
            request,
            f"На дату начала у педагога {mentorship.mentee} педагогический стаж не меньше 3 лет "
            "(или не указан): он не относится к молодым специалистам.",
        )


@requires("mentorship.add_mentorship")
def mentorship_create(request: HttpRequest) -> HttpResponse:
    educators = _working_educators(request.user)
    initial: dict[str, Any] = {"starts_on": timezone.localdate()}
    mentee_id = _int_param(request, "mentee")
    if mentee_id:
        initial["mentee"] = get_object_or_404(educators, pk=mentee_id)
    form = MentorshipForm(request.POST or None, educators=educators, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            mentorship = services.mentorship_create(**form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Наставник назначен.")
            _warn_if_not_early_career(request, mentorship)
            return redirect("mentorship:detail", mentorship.pk)
    back = reverse("mentorship:early_career")
    return render(
        request, "mentorship/form.html", {"form": form, "title": "Назначить наставника", "back": back}
    )


def _roles_for(user: Any, mentorship: Mentorship) -> list[str]:
    if user.has_perm("mentorship.change_mentorship", mentorship):
        return list(MentorshipReport.Author.values)
    roles = []
    if mentorship.mentor.user_id == user.pk:
        roles.append(MentorshipReport.Author.MENTOR.value)
    if mentorship.mentee.user_id == user.pk:
        roles.append(MentorshipReport.Author.MENTEE.value)
    return roles


def _managed(request: HttpRequest, pk: int) -> Mentorship:
    return selectors.mentorship_get_for(user=request.user, pk=pk, permission="mentorship.change_mentorship")


def _detail(
    request: HttpRequest,
    mentorship: Mentorship,
    *,
    plan_form: PlanItemForm | None = None,
    report_form: ReportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can_change = user.has_perm("mentorship.change_mentorship", mentorship)
    roles = _roles_for(user, mentorship)
    can_report = bool(roles) and user.has_perm("mentorship.add_report", mentorship)
    active = mentorship.status == Mentorship.Status.ACTIVE
    return render(
        request,
        "mentorship/detail.html",
        {
            "mentorship": mentorship,
            "plan_items": list(mentorship.plan_items.all()),
            "reports": list(mentorship.reports.all()),
            "can_change": can_change,
            "can_report": can_report,
            "active": active,
            "early_career": selectors.is_early_career_on(mentorship.mentee, mentorship.starts_on),
            "plan_form": plan_form or (PlanItemForm() if can_change and active else None),
            "report_form": report_form or (ReportForm(roles=roles) if can_report else None),
            "finish_form": FinishForm() if can_change and active else None,
        },
        status=status,
    )


@login_only
def mentorship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_get_for(user=request.user, pk=pk)
    _log_pairs(request, [mentorship], "Карточка наставничества", PersonalDataAccess.Action.VIEW)
    return _detail(request, mentorship)


@requires("mentorship.add_mentorship")
def mentorship_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_get_for(
        user=request.user, pk=pk, permission="mentorship.change_mentorship"
    )
    educators = _working_educators(request.user) | Educator.objects.filter(
        pk__in=[mentorship.mentor_id, mentorship.mentee_id]
    )
    initial = {
        "mentee": mentorship.mentee,
        "mentor": mentorship.mentor,
        "starts_on": mentorship.starts_on,
        "ends_on": mentorship.ends_on,
        "goals": mentorship.goals,
    }
    form = MentorshipForm(request.POST or None, educators=educators, initial=initial, lock_mentee=True)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "mentee"}
        try:
            services.mentorship_update(mentorship=mentorship, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect("mentorship:detail", mentorship.pk)
    back = reverse("mentorship:detail", args=[mentorship.pk])
    return render(
        request, "mentorship/form.html", {"form": form, "title": "Наставничество: изменение", "back": back}
    )


@require_POST
@requires("mentorship.add_mentorship")
def mentorship_finish(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_get_for(
        user=request.user, pk=pk, permission="mentorship.change_mentorship"
    )
    form = FinishForm(request.POST)
    if form.is_valid():
        try:
            services.mentorship_finish(mentorship=mentorship, ends_on=form.cleaned_data["ends_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Наставничество завершено.")
            return redirect("mentorship:detail", mentorship.pk)
    for field_errors in form.errors.values():
        for message in field_errors:
            messages.error(request, str(message))
    return redirect("mentorship:detail", mentorship.pk)


@require_POST
@requires("mentorship.add_mentorship")
def plan_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_get_for(
        user=request.user, pk=pk, permission="mentorship.change_mentorship"
    )
    form = PlanItemForm(request.POST)
    if form.is_valid():
        try:
            services.plan_item_add(mentorship=mentorship, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Пункт плана добавлен.")
            return redirect(reverse("mentorship:detail", args=[mentorship.pk]) + "#plan")
    return _detail(request, mentorship, plan_form=form, status=400)


@requires("mentorship.add_mentorship")
def plan_item_done(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_get_for(
        user=request.user, pk=pk, permission="mentorship.change_mentorship"
    )
    item = get_object_or_404(mentorship.plan_items, pk=item_pk)
    form = PlanItemDoneForm(request.POST or None, initial={"result": item.result})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_done(item=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Отметка о выполнении сохранена.")
            return redirect(reverse("mentorship:detail", args=[mentorship.pk]) + "#plan")
    back = reverse("mentorship:detail", args=[mentorship.pk])
    return render(
        request, "mentorship/form.html", {"form": form, "title": f"Выполнение: {item.title}", "back": back}
    )


@require_POST
@login_only
def report_add(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_get_for(user=request.user, pk=pk, permission="mentorship.add_report")
    roles = _roles_for(request.user, mentorship)
    form = ReportForm(request.POST, request.FILES, roles=roles)
    if form.is_valid():
        try:
            services.report_add(mentorship=mentorship, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Отчёт добавлен.")
            return redirect(reverse("mentorship:detail", args=[mentorship.pk]) + "#reports")
    return _detail(request, mentorship, report_form=form, status=400)


@login_only
def report_document(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_get_for(user=request.user, pk=pk)
    report = get_object_or_404(MentorshipReport, pk=report_pk, mentorship=mentorship)
    if not report.document:
        raise Http404("Файл не приложен.")
    with report.document.open("rb") as file:
        content = file.read()
    name = report.document.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return attachment(content, file_name=name, content_type=content_type)
