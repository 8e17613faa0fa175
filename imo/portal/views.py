"""Home pages: the public front page for visitors and one home page per role."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from imo.core import pagecache
from imo.core.access import AppRequest, requires
from imo.core.pagecache import anonymous_page
from imo.library.news.selectors import news_for_home
from imo.mentorship.selectors import early_career_counts
from imo.orgs.models import OFFICE_ROLES, Role
from imo.orgs.selectors import memberships_of, organizations_visible_to, roles_of
from imo.portal.forms import OfficeContactsForm
from imo.portal.models import OfficeContacts
from imo.portal.selectors import (
    attestation_home,
    jury_home,
    my_attestation,
    my_training,
    office_cards,
    olympiads_home,
    own_organizations,
    public_offices,
    training_home,
)
from imo.portal.services import office_contacts_save
from imo.staff.proposals import proposals_pending_count
from imo.staff.selectors import educator_of_user, educators_working_count
from imo.surveys.answering.selectors import surveys_to_answer

# The office's home page sums up its whole scope (thousands of educators, their courses and attestation
# dates): figures as of a minute ago serve as well as exact ones and cost nothing on the next visit. The
# figures depend only on where the user works and in which roles, so colleagues with the same scope share.
DASHBOARD_SECONDS = 60


def _office_dashboard(user: Any) -> dict[str, Any]:
    # The memberships the request has read already (the roles above); what the figures' scope is made of.
    memberships = sorted((m.role, m.organization.path) for m in memberships_of(user))
    return pagecache.cached(
        "portal.office_dashboard",
        topics=("orgs",),
        own_writes=("staff", "attestation", "training", "olympiads", "mentorship"),
        parts=(user.is_superuser, memberships),
        timeout=DASHBOARD_SECONDS,
        compute=lambda: {
            "cards": office_cards(user=user),
            "attestation": attestation_home(user=user),
            "training": training_home(user=user),
            "olympiads": olympiads_home(user=user),
        },
    )


@anonymous_page("library", "orgs", "portal")  # the public front page: news, the offices' contacts
def home(request: AppRequest) -> HttpResponse:
    # Public page for visitors; every signed-in user sees the home page of their widest role.
    if not request.user.is_authenticated:
        return render(
            request,
            "portal/public_home.html",
            {"offices": public_offices(), "news": news_for_home(request.user, limit=6)},
        )
    user = request.user
    roles = roles_of(user)
    context: dict[str, object] = {
        "roles": roles,
        "news": news_for_home(user),
        "surveys_to_answer": surveys_to_answer(user),
    }
    if user.is_superuser or roles & OFFICE_ROLES:
        context.update(_office_dashboard(user))
        context["is_observer"] = not (user.is_superuser or roles & (OFFICE_ROLES - {Role.OBSERVER}))
        return render(request, "portal/home_office.html", context)
    if Role.SCHOOL_ADMIN in roles:
        context["schools"] = own_organizations(user=user, roles={Role.SCHOOL_ADMIN})
        context["educators_count"] = educators_working_count(user=user)
        context["proposals_count"] = proposals_pending_count(user)
        context["early_career"], context["without_mentor"] = early_career_counts(user)
        context["attestation"] = attestation_home(user=user)
        context["training"] = training_home(user=user)
        context["olympiads"] = olympiads_home(user=user)
        return render(request, "portal/home_school.html", context)
    if Role.TEACHER in roles:
        context["schools"] = own_organizations(user=user, roles={Role.TEACHER})
        context["educator"] = educator = educator_of_user(user)
        context["my_attestation"] = my_attestation(user=user, educator=educator)
        context["my_training"] = my_training(user=user, educator=educator)
        context["jury"] = jury_home(user=user)
        return render(request, "portal/home_teacher.html", context)
    return render(request, "portal/home_no_role.html", context)


@requires("portal.change_office_contacts")
def office_contacts_edit(request: AppRequest) -> HttpResponse:
    municipality = (
        organizations_visible_to(user=request.user, roles={Role.HEAD, Role.ADMIN})
        .filter(kind__in=["municipality", "region"])
        .order_by("path")
        .last()
    )
    if municipality is None:
        messages.error(request, "Контакты отдела редактирует начальник ИМО своего муниципалитета.")
        return redirect("portal:home")
    contacts = OfficeContacts.objects.filter(municipality=municipality).first()
    form = OfficeContactsForm(request.POST or None, instance=contacts)
    if request.method == "POST" and form.is_valid():
        office_contacts_save(municipality=municipality, data=form.cleaned_data, by=request.user)
        messages.success(
            request, "Контакты отдела сохранены: они показаны на главной странице для посетителей."
        )
        return redirect("portal:home")
    return render(
        request,
        "portal/office_contacts_form.html",
        {"form": form, "municipality": municipality, "breadcrumbs": [{"label": "Контакты отдела"}]},
    )
