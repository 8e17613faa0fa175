"""Pages of individual development plans (ИОМ): the list for the office and school admins, a plan with its
gaps and items, the forms that change them.

Every view starts with its access check: `requires` for the list and the creation page,
`selectors.plan_get_for` for one plan (404 outside the user's scope, 403 without the permission)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from imo.core.access import AppRequest, login_only, requires
from imo.core.excel import xlsx_response
from imo.core.forms import add_service_errors
from imo.staff.models import Educator
from imo.staff.selectors import educator_get_for, educators_visible_to
from imo.training.development import selectors, services
from imo.training.development.forms import GapForm, ItemEditForm, ItemForm, ItemProgressForm, PlanForm
from imo.training.development.tables import DevelopmentPlanTable, plans_with_items_xlsx
from imo.training.models import DevelopmentItem, DevelopmentPlan

VIEW_LIST = "training.view_development_plans"
VIEW = "training.view_development_plan"
CHANGE = "training.change_development_plan"
UPDATE_ITEMS = "training.update_development_items"

Item = DevelopmentItem


def _plan_url(plan: DevelopmentPlan, anchor: str = "") -> str:
    url = reverse("training:development_plan", args=[plan.pk])
    return f"{url}#{anchor}" if anchor else url


def _error_messages(request: AppRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _mentor_choices(user: Any, plan: DevelopmentPlan | None = None) -> Any:
    queryset = educators_visible_to(user=user)
    if plan is not None and plan.mentor_id:
        queryset = queryset | Educator.objects.filter(pk=plan.mentor_id)
    return queryset


# --- the list -------------------------------------------------------------------------------------


def _table(request: AppRequest) -> DevelopmentPlanTable:
    return DevelopmentPlanTable(request, queryset=selectors.plan_list(user=request.user))


@requires(VIEW_LIST)
def plan_list(request: AppRequest) -> HttpResponse:
    table = _table(request)
    return table.render(
        "training/development/list.html",
        {"can_add": request.user.has_perm("training.add_development_plan")},
    )


@requires(VIEW_LIST)
def plan_export(request: AppRequest) -> HttpResponse:
    table = _table(request)
    if request.GET.get("items") == "1":
        return xlsx_response(
            plans_with_items_xlsx(table), f"ИОМ с пунктами_{timezone.localdate():%d.%m.%Y}.xlsx"
        )
    return table.export_response()


# --- a plan ---------------------------------------------------------------------------------------


@requires("training.add_development_plan")
def plan_create(request: AppRequest) -> HttpResponse:
    educator = None
    raw = request.GET.get("educator", "")
    if raw.isdecimal():
        educator = educator_get_for(
            user=request.user, pk=int(raw), permission="training.add_development_plan_for"
        )
    today = timezone.localdate()
    start = today.year if today.month >= 9 else today.year - 1
    initial: dict[str, Any] = {
        "starts_on": today,
        "ends_on": dt.date(start + 1, 8, 31),
        "title": f"ИОМ на {start}/{start + 1} учебный год",
    }
    form = PlanForm(
        request.POST or None,
        educators=_mentor_choices(request.user),
        with_educator=educator is None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        target = data.pop("educator", None) or educator
        assert target is not None  # the picker is required when the page has no educator
        if not request.user.has_perm("training.add_development_plan_for", target):
            form.add_error("educator", "Составлять маршрут этому педагогу вы не можете.")
        else:
            try:
                plan = services.plan_create(educator=target, by=request.user, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Маршрут создан. Добавьте профессиональные дефициты и пункты.")
                return redirect(_plan_url(plan))
    back = educator.get_absolute_url() if educator else reverse("training:development_plans")
    title = f"Новый ИОМ: {educator}" if educator else "Новый индивидуальный образовательный маршрут"
    return render(request, "training/development/form.html", {"form": form, "title": title, "back": back})


def _detail(
    request: AppRequest,
    plan: DevelopmentPlan,
    *,
    gap_form: GapForm | None = None,
    item_form: ItemForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can_change = user.has_perm(CHANGE, plan)
    editable = plan.status != DevelopmentPlan.Status.COMPLETED
    view = selectors.plan_view(plan)
    return render(
        request,
        "training/development/plan.html",
        {
            "plan": plan,
            "view": view,
            "can_change": can_change,
            "can_update": editable and user.has_perm(UPDATE_ITEMS, plan),
            "editable": editable,
            "gap_form": gap_form or (GapForm() if can_change and editable else None),
            "item_form": item_form or (ItemForm(plan=plan) if can_change and editable else None),
            "can_see_educator": user.has_perm("staff.view_educator", plan.educator),
        },
        status=status,
    )


@login_only
def plan_detail(request: AppRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, pk=pk)
    return _detail(request, plan)


@login_only
def plan_edit(request: AppRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, pk=pk, permission=CHANGE)
    initial = {
        "title": plan.title,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "mentor": plan.mentor,
    }
    form = PlanForm(
        request.POST or None,
        educators=_mentor_choices(request.user, plan),
        with_educator=False,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect(_plan_url(plan))
    return render(
        request,
        "training/development/form.html",
        {"form": form, "title": f"ИОМ: {plan.educator} — изменение", "back": _plan_url(plan)},
    )


@login_only
def plan_delete(request: AppRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, pk=pk, permission=CHANGE)
    if request.method == "POST":
        educator = plan.educator
        services.plan_delete(plan=plan, by=request.user)
        messages.success(request, "Маршрут удалён.")
        if request.user.has_perm(VIEW_LIST):
            return redirect("training:development_plans")
        return redirect(educator.get_absolute_url())
    return render(request, "training/development/delete.html", {"plan": plan, "back": _plan_url(plan)})


STATUS_ACTIONS = {
    "activate": (services.plan_activate, "Выполнение маршрута начато."),
    "complete": (services.plan_complete, "Маршрут отмечен выполненным."),
    "reopen": (services.plan_reopen, "Маршрут возобновлён."),
}


@require_POST
@login_only
def plan_status(request: AppRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, pk=pk, permission=CHANGE)
    action = STATUS_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, "Неизвестное действие.")
        return redirect(_plan_url(plan))
    service, done = action
    try:
        service(plan=plan, by=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, done)
    return redirect(_plan_url(plan))


# --- gaps (inline with htmx; plain POST and redirect without it) ------------------------------------


def _gaps_part(request: AppRequest, plan: DevelopmentPlan, form: GapForm | None = None) -> HttpResponse:
    return render(
        request,
        "training/development/gaps.html",
        {
            "plan": plan,
            "view": selectors.plan_view(plan),
            "can_change": True,
            "editable": plan.status != DevelopmentPlan.Status.COMPLETED,
            "gap_form": form or GapForm(),
        },
    )


@require_POST
@login_only
def gap_add(request: AppRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, pk=pk, permission=CHANGE)
    form = GapForm(request.POST)
    if form.is_valid():
        try:
            services.gap_add(plan=plan, text=form.cleaned_data["text"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if request.htmx:
                return _gaps_part(request, plan)
            messages.success(request, "Дефицит добавлен.")
            return redirect(_plan_url(plan, "gaps"))
    if request.htmx:
        return _gaps_part(request, plan, form)
    return _detail(request, plan, gap_form=form, status=400)


@require_POST
@login_only
def gap_delete(request: AppRequest, pk: int, gap_pk: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, pk=pk, permission=CHANGE)
    gap = get_object_or_404(plan.gaps, pk=gap_pk)
    try:
        services.gap_delete(gap=gap, by=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    if request.htmx:
        return _gaps_part(request, plan)
    return redirect(_plan_url(plan, "gaps"))


# --- items ----------------------------------------------------------------------------------------


@require_POST
@login_only
def item_add(request: AppRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, pk=pk, permission=CHANGE)
    form = ItemForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            services.item_add(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Пункт добавлен.")
            return redirect(_plan_url(plan, "items"))
    return _detail(request, plan, item_form=form, status=400)


def _item(plan: DevelopmentPlan, item_pk: int) -> DevelopmentItem:
    item = get_object_or_404(plan.items.select_related("gap", "programme", "course_record"), pk=item_pk)
    item.plan = plan
    return item


@login_only
def item_edit(request: AppRequest, pk: int, item_pk: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, pk=pk, permission=CHANGE)
    item = _item(plan, item_pk)
    initial = {
        name: getattr(item, name)
        for name in (
            "kind",
            "title",
            "programme",
            "gap",
            "due_on",
            "status",
            "done_on",
            "result",
            "course_record",
        )
    }
    form = ItemEditForm(
        request.POST or None,
        plan=plan,
        records=selectors.course_records_for(plan=plan),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(item=item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Пункт сохранён.")
            return redirect(_plan_url(plan, "items"))
    return render(
        request,
        "training/development/form.html",
        {"form": form, "title": f"Пункт ИОМ: {item.title}", "back": _plan_url(plan, "items")},
    )


@login_only
def item_progress(request: AppRequest, pk: int, item_pk: int) -> HttpResponse:
    """The educator (and those who manage the plan) mark an item in progress or done, with its result."""
    plan = selectors.plan_get_for(user=request.user, pk=pk, permission=UPDATE_ITEMS)
    item = _item(plan, item_pk)
    status = item.status if item.status != Item.Status.CANCELLED else Item.Status.PLANNED
    if request.method == "GET" and request.GET.get("status") in Item.Status.values:
        status = request.GET["status"]
    initial = {"status": status, "done_on": item.done_on, "result": item.result}
    form = ItemProgressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["status"] == Item.Status.DONE:
                services.item_mark_done(
                    item=item, done_on=data["done_on"], result=data["result"], by=request.user
                )
            else:
                services.item_set_status(
                    item=item, status=data["status"], result=data["result"], by=request.user
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Отметка сохранена.")
            return redirect(_plan_url(plan, "items"))
    return render(
        request,
        "training/development/form.html",
        {"form": form, "title": f"Выполнение: {item.title}", "back": _plan_url(plan, "items")},
    )


@require_POST
@login_only
def item_delete(request: AppRequest, pk: int, item_pk: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, pk=pk, permission=CHANGE)
    item = _item(plan, item_pk)
    try:
        services.item_delete(item=item, by=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, "Пункт удалён.")
    return redirect(_plan_url(plan, "items"))
