"""Organisations: list (filters, search, Russian sort, Excel), card, create, edit, close."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from imo.core.access import AppRequest, check, requires
from imo.core.conflicts import loaded_version, track_version, without_version
from imo.orgs.forms import CloseForm, OrganizationForm
from imo.orgs.models import Organization
from imo.orgs.selectors import (
    educational_organizations_visible_to,
    organization_get_for,
    organizations_visible_to,
)
from imo.orgs.services import (
    organization_close,
    organization_create,
    organization_reopen,
    organization_update,
)
from imo.orgs.tables import OrganizationTable

LIST_CRUMB = {"label": "Образовательные организации"}


def _table(request: AppRequest) -> OrganizationTable:
    return OrganizationTable(request, queryset=educational_organizations_visible_to(user=request.user))


@requires("orgs.view_organization_list")
def organization_list(request: AppRequest) -> HttpResponse:
    can_add = request.user.has_perm("orgs.add_organization")
    return _table(request).render(
        "orgs/organization_list.html",
        {
            "can_add": can_add,
            "empty_action_url": reverse("orgs:create") if can_add else "",
            "empty_action_label": "Добавить организацию",
            "breadcrumbs": [LIST_CRUMB],
        },
    )


@requires("orgs.export_organizations")
def organization_export(request: AppRequest) -> HttpResponse:
    return _table(request).export_response()


@requires("orgs.view_organization_list")
def organization_detail(request: AppRequest, pk: int) -> HttpResponse:
    organization = organization_get_for(user=request.user, pk=pk, permission="orgs.view_organization_list")
    return render(
        request,
        "orgs/organization_detail.html",
        {
            "organization": organization,
            "can_change": request.user.has_perm("orgs.change_organization", organization),
            "can_close": request.user.has_perm("orgs.close_organization", organization),
            "can_reopen": organization.is_closed and request.user.has_perm("orgs.add_organization"),
            "close_form": CloseForm(initial={"closed_on": dt.date.today()}),
            "breadcrumbs": [
                {"label": LIST_CRUMB["label"], "url": reverse("orgs:list")},
                {"label": str(organization)},
            ],
        },
    )


@requires("orgs.add_organization")
def organization_create_view(request: AppRequest) -> HttpResponse:
    parents = (
        organizations_visible_to(user=request.user)
        .filter(kind__in=[Organization.Kind.REGION, Organization.Kind.MUNICIPALITY])
        .order_by("path")
    )
    form = OrganizationForm(request.POST or None, parents=parents)
    if request.method == "POST" and form.is_valid():
        try:
            organization = organization_create(data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Организация «{organization}» добавлена.")
            return redirect(organization)
    return render(
        request,
        "orgs/organization_form.html",
        {
            "form": form,
            "title": "Новая организация",
            "breadcrumbs": [{"label": LIST_CRUMB["label"], "url": reverse("orgs:list")}, {"label": "Новая"}],
        },
    )


@requires("orgs.view_organization_list")
def organization_edit(request: AppRequest, pk: int) -> HttpResponse:
    organization = organization_get_for(user=request.user, pk=pk, permission="orgs.change_organization")
    limited = not request.user.has_perm("orgs.add_organization")
    parents = (
        organizations_visible_to(user=request.user)
        .filter(kind__in=[Organization.Kind.REGION, Organization.Kind.MUNICIPALITY])
        .exclude(pk=organization.pk)
        .order_by("path")
    )
    form = OrganizationForm(request.POST or None, instance=organization, parents=parents, limited=limited)
    track_version(form, organization)
    if request.method == "POST" and form.is_valid():
        try:
            organization_update(
                organization=organization,
                data=without_version(form.cleaned_data),
                by=request.user,
                version=loaded_version(form),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect(organization)
    return render(
        request,
        "orgs/organization_form.html",
        {
            "form": form,
            "organization": organization,
            "title": f"Редактирование: {organization}",
            "breadcrumbs": [
                {"label": LIST_CRUMB["label"], "url": reverse("orgs:list")},
                {"label": str(organization), "url": organization.get_absolute_url()},
                {"label": "Редактирование"},
            ],
        },
    )


@requires("orgs.add_organization")
def organization_close_view(request: AppRequest, pk: int) -> HttpResponse:
    organization = organization_get_for(user=request.user, pk=pk, permission="orgs.close_organization")
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization_close(
                organization=organization, closed_on=form.cleaned_data["closed_on"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Организация «{organization}» закрыта. Её данные сохранены в истории.")
    elif request.method == "POST":
        messages.error(request, "Укажите дату закрытия в формате дд.мм.гггг.")
    return redirect(organization)


@requires("orgs.add_organization")
def organization_reopen_view(request: AppRequest, pk: int) -> HttpResponse:
    organization = organization_get_for(user=request.user, pk=pk, permission="orgs.change_organization")
    if request.method == "POST":
        check(request.user, "orgs.add_organization")
        organization_reopen(organization=organization, by=request.user)
        messages.success(request, f"Организация «{organization}» снова действует.")
    return redirect(organization)
