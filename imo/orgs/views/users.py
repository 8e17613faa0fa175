"""Users and roles: the head and the admin manage their municipality; a school admin invites teachers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from imo.core.access import AppRequest, requires
from imo.core.personal_data import log_access, log_table_access
from imo.orgs.forms import InviteForm, MembershipForm
from imo.orgs.models import Membership
from imo.orgs.selectors import (
    UserFilters,
    forget_memberships,
    manageable_organizations,
    manageable_roles,
    membership_is_manageable,
    memberships_of_managed_user,
    user_get_managed_by,
    users_managed_by,
)
from imo.orgs.services import (
    membership_add,
    membership_remove,
    user_invite,
    user_resend_invitation,
    user_set_active,
)
from imo.orgs.tables import UserTable

LIST_CRUMB = {"label": "Пользователи и роли"}


def _table(request: AppRequest) -> UserTable:
    return UserTable(request, queryset=users_managed_by(user=request.user, filters=UserFilters()))


def _base_url(request: AppRequest) -> str:
    return request.build_absolute_uri("/")


@requires("orgs.manage_users")
def user_list(request: AppRequest) -> HttpResponse:
    table = _table(request)
    response = table.render(
        "orgs/user_list.html",
        {
            "empty_action_url": reverse("orgs:user_invite"),
            "empty_action_label": "Пригласить пользователя",
            "breadcrumbs": [LIST_CRUMB],
        },
    )
    log_table_access(table, user=request.user, what="Пользователи и роли", subject_model=get_user_model())
    return response


@requires("orgs.manage_users")
def user_export(request: AppRequest) -> HttpResponse:
    table = _table(request)
    log_table_access(
        table, user=request.user, what="Пользователи и роли", export=True, subject_model=get_user_model()
    )
    return table.export_response()


@requires("orgs.manage_users")
def user_invite_view(request: AppRequest) -> HttpResponse:
    organizations = manageable_organizations(request.user)
    form = InviteForm(request.POST or None, organizations=organizations, roles=manageable_roles(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = user_invite(
                data=data,
                organization=data["organization"],
                role=data["role"],
                by=request.user,
                base_url=_base_url(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if result.created:
                messages.success(request, f"Приглашение отправлено на {result.user.email}.")
            else:
                messages.info(request, "Пользователь с этой почтой уже есть в системе: ему добавлена роль.")
            return redirect("orgs:users")
    return render(
        request,
        "orgs/user_invite.html",
        {
            "form": form,
            "breadcrumbs": [{**LIST_CRUMB, "url": reverse("orgs:users")}, {"label": "Пригласить"}],
        },
    )


@requires("orgs.manage_users")
def user_detail(request: AppRequest, pk: int) -> HttpResponse:
    person = user_get_managed_by(manager=request.user, pk=pk)
    if request.method == "GET":
        log_access(
            user=request.user,
            action="view",
            what="Карточка пользователя",
            subject_model=get_user_model(),
            subject_ids=[person.pk],
            subject=f"Пользователь {person.username}",
        )
    form = MembershipForm(
        request.POST or None,
        organizations=manageable_organizations(request.user),
        roles=manageable_roles(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            membership_add(
                user=person,
                organization=form.cleaned_data["organization"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            forget_memberships(person)
            messages.success(request, "Роль назначена.")
            return redirect("orgs:user_detail", pk=person.pk)
    return render(
        request,
        "orgs/user_detail.html",
        {
            "person": person,
            "memberships": memberships_of_managed_user(manager=request.user, user=person),
            "form": form,
            "is_self": person.pk == request.user.pk,
            "breadcrumbs": [
                {**LIST_CRUMB, "url": reverse("orgs:users")},
                {"label": person.full_name or person.username},
            ],
        },
    )


@requires("orgs.manage_users")
def membership_remove_view(request: AppRequest, pk: int, membership_pk: int) -> HttpResponse:
    person = user_get_managed_by(manager=request.user, pk=pk)
    membership = (
        Membership.objects.select_related("organization").filter(pk=membership_pk, user=person).first()
    )
    if membership is None or not membership_is_manageable(request.user, membership):
        raise Http404("Роль не найдена.")
    if request.method == "POST":
        membership_remove(membership=membership, by=request.user)
        messages.success(request, f"Роль «{membership.get_role_display()}» снята.")
    return redirect("orgs:user_detail", pk=person.pk)


@requires("orgs.manage_users")
def user_set_active_view(request: AppRequest, pk: int) -> HttpResponse:
    person = user_get_managed_by(manager=request.user, pk=pk)
    if request.method == "POST":
        active = request.POST.get("active") == "1"
        try:
            user_set_active(user=person, active=active, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Учётная запись включена." if active else "Учётная запись отключена.")
    return redirect("orgs:user_detail", pk=person.pk)


@requires("orgs.manage_users")
def user_resend_view(request: AppRequest, pk: int) -> HttpResponse:
    person = user_get_managed_by(manager=request.user, pk=pk)
    if request.method == "POST":
        if not person.email:
            messages.error(request, "У пользователя не указана электронная почта.")
        else:
            user_resend_invitation(user=person, by=request.user, base_url=_base_url(request))
            messages.success(request, f"Ссылка для входа отправлена на {person.email}.")
    return redirect("orgs:user_detail", pk=person.pk)
