"""What one educator's profile page shows and who may act on it, and the built-in sections of the page.

The page lists the person's card and then the sections of the registry in imo.core.profile: the
built-in ones below (employments, education, awards, consents) and those other modules contribute
(attestation, courses, …). Every section gets the same `ProfileState` (the chosen date and what the
user may do), computed once per request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from imo.core.collation import russian
from imo.core.profile import ProfileSection, register_section
from imo.orgs.models import OFFICE_EDITOR_ROLES, Organization, Role
from imo.orgs.selectors import organization_in_scope, organizations_visible_to
from imo.staff.experience import format_length, full_years, years_months
from imo.staff.models import Consent, Educator, Employment
from imo.staff.selectors import awards_of, consents_of, education_records_of, employments_of

EDITOR_ROLES = frozenset(OFFICE_EDITOR_ROLES | {Role.SCHOOL_ADMIN})
_STATE_ATTR = "_staff_profile_state"
# Consent to processing (152-ФЗ ст. 9) and to distribution (ст. 10.1) are separate documents.
CONSENT_HEADINGS = {
    Consent.Purpose.PROCESSING: "Согласие на обработку персональных данных",
    Consent.Purpose.DISTRIBUTION: "Согласие на распространение (публикацию) персональных данных",
}


# --- where a user may place and change employments ------------------------------------------------


def workplaces_for(user: Any) -> QuerySet[Organization]:
    """Educational organisations (in operation) where the user may record an employment: the office's
    whole subtree, a school admin's own school."""
    return (
        organizations_visible_to(user=user, roles=EDITOR_ROLES)
        .exclude(kind__in=[Organization.Kind.REGION, Organization.Kind.MUNICIPALITY])
        .filter(status=Organization.Status.ACTIVE)
        .order_by(russian("short_name"), "pk")
    )


def employment_in_reach(user: Any, employment: Employment) -> bool:
    """The user may change this employment: it is at an organisation of their editing scope."""
    return organization_in_scope(user, employment.organization, EDITOR_ROLES)


# --- the page's state -------------------------------------------------------------------------------


@dataclass
class ProfileState:
    """The chosen date and what the user may do on this educator's page (one per request)."""

    on: dt.date
    can_edit: bool
    can_see_personal: bool
    can_view_history: bool
    can_propose: bool
    propose_base: dict[str, str] = field(default_factory=dict)  # section → URL, when that page exists
    can_export_subject_data: bool = False  # a subject's request (152-ФЗ ст. 14)
    can_erase: bool = False

    def propose_url(self, section: str, target: int | None = None) -> str:
        base = self.propose_base.get(section, "")
        if not base:
            return ""
        return f"{base}?target={target}" if target is not None else base


def _propose_urls(educator: Educator) -> dict[str, str]:
    urls = {}
    for section in ("contacts", "education", "award"):
        try:
            urls[section] = reverse("staff:propose", args=[educator.pk, section])
        except NoReverseMatch:
            return {}
    return urls


def profile_state(request: HttpRequest, educator: Educator, on: dt.date | None = None) -> ProfileState:
    """The state for `educator` on this request (computed on the first call, kept on the request)."""
    cache: dict[int, ProfileState] = getattr(request, _STATE_ATTR, None) or {}
    state = cache.get(educator.pk)
    if state is None or (on is not None and state.on != on):
        user = request.user
        can_propose = user.has_perm("staff.propose_change", educator)
        state = ProfileState(
            on=on or timezone.localdate(),
            can_edit=user.has_perm("staff.change_educator", educator),
            can_see_personal=user.has_perm("staff.view_personal_data", educator),
            can_view_history=user.has_perm("staff.view_history", educator),
            can_propose=can_propose,
            propose_base=_propose_urls(educator) if can_propose else {},
            can_export_subject_data=user.has_perm("staff.subject_access_export", educator),
            can_erase=user.has_perm("staff.erase_educator", educator),
        )
        cache[educator.pk] = state
        setattr(request, _STATE_ATTR, cache)
    return state


# --- computed figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmploymentRow:
    employment: Employment
    is_current: bool
    has_ended: bool
    in_position: str  # length in this post on the chosen date
    can_change: bool


def _in_force(employment: Employment, on: dt.date) -> bool:
    started = employment.starts_on is None or employment.starts_on <= on
    return started and (employment.ends_on is None or employment.ends_on >= on)


def _length_in_post(employment: Employment, on: dt.date) -> str:
    if employment.starts_on is None:
        return "—"
    end = min(on, employment.ends_on) if employment.ends_on else on
    return format_length(years_months(employment.starts_on, end))


def employment_rows(
    employments: list[Employment], *, on: dt.date, user: Any, can_edit: bool
) -> list[EmploymentRow]:
    today = timezone.localdate()
    return [
        EmploymentRow(
            employment=employment,
            is_current=_in_force(employment, on),
            has_ended=employment.ends_on is not None and employment.ends_on < today,
            in_position=_length_in_post(employment, on),
            can_change=can_edit and employment_in_reach(user, employment),
        )
        for employment in employments
    ]


def current_employment(employments: list[Employment], on: dt.date) -> Employment | None:
    """The post held on `on`: the main one first, then the latest started."""
    current = [e for e in employments if _in_force(e, on)]
    current.sort(key=lambda e: (not e.is_main, -(e.starts_on or dt.date.min).toordinal()))
    return current[0] if current else None


@dataclass(frozen=True)
class Experience:
    label: str
    start: dt.date | None
    length_on: str  # on the chosen date
    length_today: str


def experience_figures(educator: Educator, employment: Employment | None, on: dt.date) -> list[Experience]:
    today = timezone.localdate()

    def figure(label: str, start: dt.date | None) -> Experience:
        return Experience(
            label,
            start,
            format_length(years_months(start, on)) if start else "—",
            format_length(years_months(start, today)) if start else "—",
        )

    position_start = employment.starts_on if employment is not None else None
    position = f"В должности «{employment.position}»" if employment is not None else "В должности"
    return [
        figure("Общий", educator.total_experience_start),
        figure("Педагогический", educator.teaching_experience_start),
        figure(position, position_start),
    ]


def age_on(educator: Educator, on: dt.date) -> int | None:
    return full_years(educator.birth_date, on)


# --- the built-in sections --------------------------------------------------------------------------


def _employments_context(request: HttpRequest, educator: Educator) -> dict[str, Any] | None:
    if not isinstance(educator, Educator):
        return None
    state = profile_state(request, educator)
    rows = employment_rows(employments_of(educator), on=state.on, user=request.user, can_edit=state.can_edit)
    return {"state": state, "rows": rows, "educator": educator}


def _education_context(request: HttpRequest, educator: Educator) -> dict[str, Any] | None:
    if not isinstance(educator, Educator):
        return None
    state = profile_state(request, educator)
    records = education_records_of(educator)
    return {
        "state": state,
        "educator": educator,
        "records": [(record, state.propose_url("education", record.pk)) for record in records],
        "propose_add_url": state.propose_url("education"),
    }


def _awards_context(request: HttpRequest, educator: Educator) -> dict[str, Any] | None:
    if not isinstance(educator, Educator):
        return None
    state = profile_state(request, educator)
    awards = awards_of(educator)
    return {
        "state": state,
        "educator": educator,
        "awards": [(award, state.propose_url("award", award.pk)) for award in awards],
        "propose_add_url": state.propose_url("award"),
    }


def _consents_context(request: HttpRequest, educator: Educator) -> dict[str, Any] | None:
    if not isinstance(educator, Educator):
        return None
    state = profile_state(request, educator)
    consents = consents_of(educator)
    groups = [
        (value, heading, [consent for consent in consents if consent.purpose == value])
        for value, heading in CONSENT_HEADINGS.items()
    ]
    return {"state": state, "educator": educator, "groups": groups, "today": timezone.localdate()}


BUILTIN_SECTIONS = (
    ProfileSection(
        key="employments",
        title="Места работы",
        order=10,
        template="staff/profile/section_employments.html",
        context=_employments_context,
    ),
    ProfileSection(
        key="education",
        title="Образование",
        order=20,
        template="staff/profile/section_education.html",
        context=_education_context,
    ),
    ProfileSection(
        key="awards",
        title="Награды и звания",
        order=25,
        template="staff/profile/section_awards.html",
        context=_awards_context,
    ),
    ProfileSection(
        key="consents",
        title="Согласия на обработку персональных данных",
        order=80,
        template="staff/profile/section_consents.html",
        context=_consents_context,
    ),
)


for _section in BUILTIN_SECTIONS:  # imported by StaffConfig.ready()
    register_section(_section)
