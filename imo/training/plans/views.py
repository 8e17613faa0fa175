"""Pages of the district's training plan: the list of plans, one plan with its lines, quotas and
nominations, the quota grid with the forecast, nominating, plan vs done, Excel and DOCX.

Every view starts with its access check: `requires` for the list, `plan_get_for` / `line_get_for` /
`nomination_get_for` for one object (404 outside the user's scope, 403 without the permission)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from imo.core.access import AppRequest, check, requires
from imo.core.documents.downloads import attachment
from imo.core.documents.rendering import DocumentError
from imo.core.excel import ExportColumn, write_xlsx, xlsx_response
from imo.core.forms import add_service_errors
from imo.core.paging import paginate
from imo.core.templatetags.imo import plural_ru
from imo.orgs.models import OFFICE_EDITOR_ROLES, Organization
from imo.orgs.selectors import municipalities_visible_to, organizations_visible_to
from imo.reference.models import AcademicYear
from imo.staff.models import Educator
from imo.training.models import Nomination, PlanLine, TrainingPlan
from imo.training.plans import documents, selectors, services
from imo.training.plans.forms import (
    DecisionForm,
    DistributeForm,
    LineForm,
    NominationForm,
    OpenNominationsForm,
    PlanCreateForm,
    PlanEditForm,
)

VIEW = "training.view_plans"
MANAGE = "training.manage_plans"
NOMINATE = "training.nominate"
LIST_TITLE = "План повышения квалификации"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    return [{"label": LIST_TITLE, "url": reverse("training:plans")}] + [
        {"label": label, "url": url} for label, url in items
    ]


def _plan_crumbs(plan: TrainingPlan, *items: tuple[str, str]) -> list[dict[str, str]]:
    return _crumbs((str(plan), reverse("training:plan", args=[plan.pk])), *items)


def _errors(request: AppRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdecimal() and len(value) < 12 else None


def import_url(line: PlanLine) -> str:
    """The provider-list import of the graduates part with this line chosen ("" while it is missing)."""
    try:
        return f"{reverse('training:import')}?scope={line.pk}"
    except NoReverseMatch:
        return ""


# --- the list ----------------------------------------------------------------------------------------

PLAN_EXPORT = (
    ExportColumn("Учебный год", lambda p: p.academic_year.name, 14),
    ExportColumn("Муниципалитет", lambda p: p.municipality.short_name or p.municipality.name, 32),
    ExportColumn("Наименование", str, 50),
    ExportColumn("Состояние", lambda p: p.get_status_display(), 18),
    ExportColumn("Выдвижение до", lambda p: p.nominations_until, 14),
    ExportColumn("Строк", lambda p: p.line_count, 10),
)

SORTS = {
    "year": ("academic_year__start_year", "pk"),
    "-year": ("-academic_year__start_year", "pk"),
    "status": ("status", "-academic_year__start_year"),
}


@requires(VIEW)
def plan_list(request: AppRequest) -> HttpResponse:
    from django.db.models import Count

    plans = selectors.plans_visible_to(user=request.user).annotate(line_count=Count("lines"))
    status = request.GET.get("status", "")
    if status in TrainingPlan.Status.values:
        plans = plans.filter(status=status)
    else:
        status = ""
    year_id = _int(request.GET.get("year"))
    if year_id:
        plans = plans.filter(academic_year_id=year_id)
    sort = request.GET.get("sort", "-year")
    plans = plans.order_by(*SORTS.get(sort, SORTS["-year"]))
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            write_xlsx(PLAN_EXPORT, plans, sheet_name="Планы"), "Планы повышения квалификации.xlsx"
        )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(
        request,
        "training/plans/list.html",
        {
            "page": paginate(request, plans),
            "status": status,
            "statuses": TrainingPlan.Status.choices,
            "year_id": year_id,
            "years": AcademicYear.objects.order_by("-start_year"),
            "sort": sort,
            "query": query.urlencode(),
            "can_manage": request.user.has_perm(MANAGE),
            "breadcrumbs": [{"label": LIST_TITLE, "url": ""}],
        },
    )


def _office_municipalities(user: Any) -> Any:
    if user.is_superuser:
        return municipalities_visible_to(user=user)
    return organizations_visible_to(user=user, roles=OFFICE_EDITOR_ROLES).filter(
        kind=Organization.Kind.MUNICIPALITY
    )


@requires(MANAGE)
def plan_create(request: AppRequest) -> HttpResponse:
    form = PlanCreateForm(request.POST or None, municipalities=_office_municipalities(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "План создан. Добавьте строки плана и распределите места.")
            return redirect("training:plan", plan.pk)
    return render(
        request,
        "training/plans/form.html",
        {
            "form": form,
            "title": "Новый план повышения квалификации",
            "back": reverse("training:plans"),
            "breadcrumbs": _crumbs(("Новый план", "")),
        },
    )


# --- one plan -------------------------------------------------------------------------------------------


def _school_ids(user: Any, plan: TrainingPlan) -> list[int] | None:
    return None if selectors.is_office(user) else [s.pk for s in selectors.plan_schools(plan, user=user)]


def _nominations_open(plan: TrainingPlan) -> bool:
    return plan.status == TrainingPlan.Status.NOMINATING and (
        plan.nominations_until is None or plan.nominations_until >= timezone.localdate()
    )


@requires(VIEW)
def plan_detail(request: AppRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, pk=pk)
    user = request.user
    office = selectors.is_office(user)
    can_manage = user.has_perm(MANAGE, plan)
    school_ids = _school_ids(user, plan)
    lines = selectors.plan_lines(plan, school_ids=school_ids)
    editable = can_manage and plan.status != TrainingPlan.Status.APPROVED
    admin_may_nominate = _nominations_open(plan)
    office_may_nominate = can_manage and plan.status != TrainingPlan.Status.DRAFT
    rows = []
    for number, line in enumerate(lines, start=1):
        quotas = line.shown_quotas  # type: ignore[attr-defined]
        nominations = line.shown_nominations  # type: ignore[attr-defined]
        by_school: dict[int, list[Nomination]] = {}
        for nomination in nominations:
            by_school.setdefault(nomination.school_id, []).append(nomination)
        schools = []
        for quota in sorted(quotas, key=lambda q: (q.school.short_name or q.school.name).lower()):
            listed = by_school.pop(quota.school_id, [])
            holding = sum(1 for n in listed if n.status in selectors.HOLDING)
            schools.append(
                {
                    "school": quota.school,
                    "places": quota.places,
                    "nominations": listed,
                    "left": max(quota.places - holding, 0),
                }
            )
        for listed in by_school.values():  # nominated without a quota now (quota removed): still shown
            schools.append({"school": listed[0].school, "places": 0, "nominations": listed, "left": 0})
        places = sum(q.places for q in quotas)
        holding = sum(1 for n in nominations if n.status in selectors.HOLDING)
        may_nominate = any(s["left"] for s in schools) and (
            office_may_nominate if office else admin_may_nominate
        )
        rows.append(
            {
                "number": number,
                "line": line,
                "title": documents.line_title(line),
                "subjects": ", ".join(s.name for s in line.subjects.all()),
                "places": places,
                "holding": holding,
                "approved": sum(1 for n in nominations if n.status == Nomination.Status.APPROVED),
                "schools": schools,
                "may_nominate": may_nominate and user.has_perm(NOMINATE),
                "import_url": import_url(line) if can_manage else "",
            }
        )
    waiting = sum(r["holding"] - r["approved"] for r in rows)
    context = {
        "plan": plan,
        "rows": rows,
        "office": office,
        "can_manage": can_manage,
        "editable": editable,
        "can_decide": can_manage and plan.status != TrainingPlan.Status.DRAFT,
        "admin_may_withdraw": admin_may_nominate and not office,
        "waiting": waiting,
        "open_form": OpenNominationsForm(initial={"nominations_until": plan.nominations_until})
        if can_manage and plan.status == TrainingPlan.Status.DRAFT
        else None,
        "can_approve": can_manage and plan.status == TrainingPlan.Status.NOMINATING,
        "nominations_open": admin_may_nominate,
        "breadcrumbs": _crumbs((str(plan), "")),
    }
    return render(request, "training/plans/detail.html", context)


@requires(VIEW)
def plan_edit(request: AppRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, pk=pk, permission=MANAGE)
    form = PlanEditForm(
        request.POST or None, initial={"title": plan.title, "nominations_until": plan.nominations_until}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "План сохранён.")
            return redirect("training:plan", plan.pk)
    back = reverse("training:plan", args=[plan.pk])
    return render(
        request,
        "training/plans/form.html",
        {
            "form": form,
            "title": f"Изменить: {plan}",
            "back": back,
            "breadcrumbs": _plan_crumbs(plan, ("Изменить", "")),
        },
    )


@requires(VIEW)
def plan_delete(request: AppRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, pk=pk, permission=MANAGE)
    back = reverse("training:plan", args=[plan.pk])
    if request.method == "POST":
        try:
            services.plan_delete(plan=plan, by=request.user)
        except ValidationError as error:
            _errors(request, error)
            return redirect(back)
        messages.success(request, f"План удалён: {plan}.")
        return redirect("training:plans")
    return render(
        request,
        "training/plans/confirm_delete.html",
        {
            "title": f"Удалить план «{plan}»?",
            "text": "План и все его строки будут удалены.",
            "back": back,
            "breadcrumbs": _plan_crumbs(plan, ("Удалить", "")),
        },
    )


@require_POST
@requires(VIEW)
def plan_open(request: AppRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, pk=pk, permission=MANAGE)
    form = OpenNominationsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите срок выдвижения кандидатов.")
        return redirect("training:plan", plan.pk)
    try:
        services.plan_open_nominations(
            plan=plan, until=form.cleaned_data["nominations_until"], by=request.user
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, f"Выдвижение кандидатов открыто до {plan.nominations_until:%d.%m.%Y}.")
    return redirect("training:plan", plan.pk)


@require_POST
@requires(VIEW)
def plan_approve(request: AppRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, pk=pk, permission=MANAGE)
    try:
        services.plan_approve(plan=plan, by=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, "План утверждён.")
    return redirect("training:plan", plan.pk)


@require_POST
@requires(VIEW)
def plan_approve_nominations(request: AppRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, pk=pk, permission=MANAGE)
    try:
        count = services.nominations_approve_all(plan=plan, by=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, f"Утверждено кандидатов: {count}.")
    return redirect("training:plan", plan.pk)


# --- lines and quotas ----------------------------------------------------------------------------------


def _line_initial(line: PlanLine) -> dict[str, Any]:
    return {
        "programme": line.programme_id,
        "topic": line.topic,
        "provider": line.provider_id,
        "kind": line.kind,
        "hours": line.hours,
        "starts_on": line.starts_on,
        "ends_on": line.ends_on,
        "audience": line.audience,
        "subjects": list(line.subjects.values_list("pk", flat=True)),
        "order": line.order,
    }


def _line_form(request: AppRequest, plan: TrainingPlan, line: PlanLine | None) -> HttpResponse:
    back = reverse("training:plan", args=[plan.pk])
    form = LineForm(request.POST or None, line=line, initial=_line_initial(line) if line else None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.line_save(plan=plan, line=line, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Строка плана сохранена.")
            if line is None:
                return redirect("training:plan_line_quotas", saved.pk)
            return redirect(f"{back}#line-{saved.pk}")
    title = "Изменить строку плана" if line else "Добавить строку плана"
    return render(
        request,
        "training/plans/line_form.html",
        {"form": form, "title": title, "back": back, "breadcrumbs": _plan_crumbs(plan, (title, ""))},
    )


@requires(VIEW)
def line_add(request: AppRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, pk=pk, permission=MANAGE)
    return _line_form(request, plan, None)


@requires(VIEW)
def line_edit(request: AppRequest, pk: int) -> HttpResponse:
    line = selectors.line_get_for(user=request.user, pk=pk, permission=MANAGE)
    return _line_form(request, line.plan, line)


@requires(VIEW)
def line_delete(request: AppRequest, pk: int) -> HttpResponse:
    line = selectors.line_get_for(user=request.user, pk=pk, permission=MANAGE)
    back = reverse("training:plan", args=[line.plan_id])
    if request.method == "POST":
        try:
            services.line_delete(line=line, by=request.user)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, f"Строка плана удалена: {documents.line_title(line)}.")
        return redirect(back)
    return render(
        request,
        "training/plans/confirm_delete.html",
        {
            "title": f"Удалить строку плана «{documents.line_title(line)}»?",
            "text": "Квоты и выдвинутые кандидаты этой строки тоже будут удалены.",
            "back": back,
            "breadcrumbs": _plan_crumbs(line.plan, ("Удалить строку", "")),
        },
    )


def _quota_rows(
    line: PlanLine, schools: list[Organization], forecast: dict[int, int], posted: Any
) -> list[Any]:
    quotas = {q.school_id: q.places for q in line.quotas.all()}
    rows = []
    for school in schools:
        value = posted.get(f"places_{school.pk}") if posted is not None else quotas.get(school.pk, 0)
        rows.append(
            {
                "school": school,
                "name": f"places_{school.pk}",
                "value": value,
                "forecast": forecast.get(school.pk),
            }
        )
    return rows


@requires(VIEW)
def line_quotas(request: AppRequest, pk: int) -> HttpResponse:
    line = selectors.line_get_for(user=request.user, pk=pk, permission=MANAGE)
    plan = line.plan
    schools = selectors.plan_schools(plan)
    forecast = selectors.forecast_counts(user=request.user, plan=plan)
    errors: list[str] = []
    if request.method == "POST":
        places: dict[int, int] = {}
        for school in schools:
            raw = request.POST.get(f"places_{school.pk}", "").strip() or "0"
            if not raw.isdecimal() or len(raw) > 4:
                errors.append(
                    f"{school.short_name or school.name}: введите целое неотрицательное число мест."
                )
                continue
            places[school.pk] = int(raw)
        if not errors:
            try:
                services.quotas_set(line=line, places=places, by=request.user)
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                messages.success(request, "Места по организациям сохранены.")
                return redirect(f"{reverse('training:plan', args=[plan.pk])}#line-{line.pk}")
    rows = _quota_rows(line, schools, forecast, request.POST if request.method == "POST" else None)
    total = sum(int(r["value"]) for r in rows if str(r["value"]).isdecimal())
    return render(
        request,
        "training/plans/quotas.html",
        {
            "line": line,
            "plan": plan,
            "title": documents.line_title(line),
            "rows": rows,
            "errors": errors,
            "has_forecast": bool(forecast),
            "forecast_total": sum(forecast.get(s.pk, 0) for s in schools),
            "by_date": plan.academic_year.ends_on,
            "distribute_form": DistributeForm(initial={"total": total or None}),
            "editable": plan.status != TrainingPlan.Status.APPROVED,
            "breadcrumbs": _plan_crumbs(plan, ("Места по организациям", "")),
        },
    )


@require_POST
@requires(VIEW)
def line_distribute(request: AppRequest, pk: int) -> HttpResponse:
    line = selectors.line_get_for(user=request.user, pk=pk, permission=MANAGE)
    back = reverse("training:plan_line_quotas", args=[line.pk])
    form = DistributeForm(request.POST)
    if not form.is_valid():
        for message in form.errors.get("total", []):
            messages.error(request, str(message))
        return redirect(back)
    schools = selectors.plan_schools(line.plan)
    forecast = selectors.forecast_counts(user=request.user, plan=line.plan)
    counts = {s.pk: forecast.get(s.pk, 0) for s in schools}
    try:
        shares = services.quotas_distribute(
            line=line, total=form.cleaned_data["total"], counts=counts, by=request.user
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        given = sum(1 for v in shares.values() if v)
        messages.success(
            request,
            f"Места распределены по прогнозу: {form.cleaned_data['total']} "
            f"{plural_ru(form.cleaned_data['total'], 'место,места,мест')} между {given} "
            f"{plural_ru(given, 'организацией,организациями,организациями')}.",
        )
    return redirect(back)


# --- nominations ---------------------------------------------------------------------------------------


@requires(NOMINATE)
def nominate(request: AppRequest, pk: int) -> HttpResponse:
    line = selectors.line_get_for(user=request.user, pk=pk)
    plan = line.plan
    school_ids = [q.school_id for q in line.quotas.all() if q.places]
    schools = Organization.objects.filter(pk__in=school_ids)
    if not selectors.is_office_editor(request.user):
        schools = schools.filter(pk__in=[s.pk for s in selectors.plan_schools(plan, user=request.user)])
    schools = schools.order_by("short_name", "pk")
    if not schools:
        raise Http404("У вашей организации нет мест на этот курс.")
    chosen = _int(request.POST.get("school") or request.GET.get("school"))
    school = schools.filter(pk=chosen).first() if chosen else None
    if school is None:
        school = schools[0] if len(schools) == 1 else None
    if school is not None:
        check(request.user, NOMINATE, school)
    educators = selectors.nominees_for(line, school) if school else Educator.objects.none()
    form = NominationForm(
        request.POST or None,
        schools=schools,
        educators=educators,
        initial={"school": school.pk if school else None},
    )
    back = f"{reverse('training:plan', args=[plan.pk])}#line-{line.pk}"
    if request.method == "POST" and form.is_valid() and school is not None:
        try:
            services.nomination_create(
                line=line,
                educator=form.cleaned_data["educator"],
                school=school,
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Педагог выдвинут: {form.cleaned_data['educator'].full_name}.")
            return redirect(back)
    quota = line.quotas.filter(school=school).first() if school else None
    taken = selectors.holding_count(line, school) if school else 0
    return render(
        request,
        "training/plans/nominate.html",
        {
            "form": form,
            "line": line,
            "plan": plan,
            "title": documents.line_title(line),
            "school": school,
            "schools": schools if len(schools) > 1 else [],
            "places": quota.places if quota else 0,
            "taken": taken,
            "back": back,
            "breadcrumbs": _plan_crumbs(plan, ("Выдвинуть педагога", "")),
        },
    )


@require_POST
@requires(VIEW)
def nomination_withdraw(request: AppRequest, pk: int) -> HttpResponse:
    nomination = selectors.nomination_get_for(user=request.user, pk=pk)
    check(request.user, NOMINATE, nomination.school)
    try:
        services.nomination_withdraw(nomination=nomination, by=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, f"Кандидат отозван: {nomination.educator.full_name}.")
    return redirect(f"{reverse('training:plan', args=[nomination.line.plan_id])}#line-{nomination.line_id}")


@require_POST
@requires(VIEW)
def nomination_decide(request: AppRequest, pk: int) -> HttpResponse:
    nomination = selectors.nomination_get_for(user=request.user, pk=pk)
    check(request.user, MANAGE, nomination.line.plan)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        raise Http404("Неизвестное решение.")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.nomination_decide(
            nomination=nomination, approve=approve, comment=form.cleaned_data["comment"], by=request.user
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        word = "утверждён" if approve else "отклонён"
        messages.success(request, f"Кандидат {word}: {nomination.educator.full_name}.")
    return redirect(f"{reverse('training:plan', args=[nomination.line.plan_id])}#line-{nomination.line_id}")


# --- plan vs done ----------------------------------------------------------------------------------------


@requires(VIEW)
def plan_progress_page(request: AppRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, pk=pk)
    progress = selectors.plan_progress(plan, user=request.user)
    if request.user.has_perm(MANAGE, plan):
        for row in progress.lines:
            row.import_url = import_url(row.line)
    return render(
        request,
        "training/plans/progress.html",
        {
            "plan": plan,
            "progress": progress,
            "office": selectors.is_office(request.user),
            "breadcrumbs": _plan_crumbs(plan, ("План и выполнение", "")),
        },
    )


def _quota_export_rows(plan: TrainingPlan, user: Any) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(selectors.plan_lines(plan, school_ids=_school_ids(user, plan)), start=1):
        base = {
            "number": number,
            "title": documents.line_title(line),
            "provider": str(line.provider) if line.provider_id else "",
            "kind": line.get_kind_display(),
            "hours": line.hours,
            "starts_on": line.starts_on,
            "ends_on": line.ends_on,
            "audience": line.audience,
            "subjects": ", ".join(s.name for s in line.subjects.all()),
        }
        quotas = line.shown_quotas  # type: ignore[attr-defined]
        if not quotas:
            rows.append({**base, "school": "", "places": 0})
        for quota in sorted(quotas, key=lambda q: (q.school.short_name or q.school.name).lower()):
            rows.append(
                {**base, "school": quota.school.short_name or quota.school.name, "places": quota.places}
            )
    return rows


def _get(key: str) -> Any:
    return lambda row: row[key]


PLAN_LINES_EXPORT = (
    ExportColumn("№", _get("number"), 6),
    ExportColumn("Программа (тема)", _get("title"), 50),
    ExportColumn("Организация, проводящая курс", _get("provider"), 30),
    ExportColumn("Вид", _get("kind"), 24),
    ExportColumn("Часов", _get("hours"), 8),
    ExportColumn("Начало", _get("starts_on"), 12),
    ExportColumn("Окончание", _get("ends_on"), 12),
    ExportColumn("Категория слушателей", _get("audience"), 30),
    ExportColumn("Предметы", _get("subjects"), 24),
    ExportColumn("Организация (квота)", _get("school"), 32),
    ExportColumn("Мест", _get("places"), 8),
)

PROGRESS_EXPORT = (
    ExportColumn("№", _get("number"), 6),
    ExportColumn("Курс", _get("title"), 50),
    ExportColumn("Организация", _get("school"), 32),
    ExportColumn("Мест по плану", _get("quota"), 12),
    ExportColumn("Выдвинуто", _get("nominated"), 12),
    ExportColumn("Утверждено", _get("approved"), 12),
    ExportColumn("Прошли обучение", _get("done"), 14),
    ExportColumn("Из выдвинутых прошли", _get("done_nominated"), 14),
    ExportColumn("Прошли без выдвижения", _get("unplanned"), 40),
    ExportColumn("Не прошли из выдвинутых", _get("missing"), 40),
)


def _file(title: str, plan: TrainingPlan) -> str:
    owner = plan.municipality.short_name or plan.municipality.name
    return f"{title} {plan.academic_year.name} — {owner}.xlsx".replace("/", "-")


@requires(VIEW)
def plan_export(request: AppRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, pk=pk)
    content = write_xlsx(PLAN_LINES_EXPORT, _quota_export_rows(plan, request.user), sheet_name="План")
    return xlsx_response(content, _file("План повышения квалификации", plan))


@requires(VIEW)
def progress_export(request: AppRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, pk=pk)
    progress = selectors.plan_progress(plan, user=request.user)
    rows = []
    for line in progress.lines:
        title = documents.line_title(line.line)
        for cell in line.schools:
            rows.append(
                {
                    "number": line.number,
                    "title": title,
                    "school": cell.school.short_name or cell.school.name,
                    "quota": cell.quota,
                    "nominated": cell.nominated,
                    "approved": cell.approved,
                    "done": cell.done,
                    "done_nominated": cell.done_nominated,
                    "unplanned": ", ".join(p.name for p in cell.unplanned),
                    "missing": ", ".join(p.name for p in cell.nominees if p.done_on is None),
                }
            )
        rows.append(
            {
                "number": line.number,
                "title": title,
                "school": "Итого по курсу",
                "quota": line.totals.quota,
                "nominated": line.totals.nominated,
                "approved": line.totals.approved,
                "done": line.totals.done,
                "done_nominated": sum(c.done_nominated for c in line.schools),
                "unplanned": "",
                "missing": "",
            }
        )
    content = write_xlsx(PROGRESS_EXPORT, rows, sheet_name="План и выполнение")
    return xlsx_response(content, _file("Выполнение плана повышения квалификации", plan))


def _docx(request: AppRequest, plan: TrainingPlan, make: Any) -> HttpResponse:
    try:
        content, name = make(plan=plan, user=request.user)
    except DocumentError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("training:plan", plan.pk)
    return attachment(content, file_name=name, content_type=DOCX_TYPE)


@requires(VIEW)
def plan_docx(request: AppRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, pk=pk)
    return _docx(request, plan, documents.plan_docx)


@requires(VIEW)
def report_docx(request: AppRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, pk=pk)
    return _docx(request, plan, documents.report_docx)
