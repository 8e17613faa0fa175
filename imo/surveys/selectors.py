"""Which surveys a user may build, analyse or answer: the one scope every part of surveys reads through.

A survey belongs to an office (municipality or region). The office editors of that office (and of the
region above) build it; office staff of the scope see its tracking and results; a school admin sees the
published surveys of the offices above their school (their school's part of the results); respondents
answer through their RespondentToken (educators) or their school's (monitorings).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from imo.orgs.models import OFFICE_EDITOR_ROLES, OFFICE_ROLES, Organization, Role
from imo.orgs.selectors import ancestor_ids, memberships_of, paths_q, scope_paths
from imo.surveys.models import Survey


def _scope(user: Any, roles: frozenset[str]) -> set[str]:
    return set(scope_paths(user, roles))


def _is_superuser(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser and user.is_active)


def surveys_manageable_by(user: Any) -> QuerySet[Survey]:
    """Surveys (templates included) of the offices in an office editor's scope."""
    surveys = Survey.objects.all()
    if _is_superuser(user):
        return surveys
    paths = _scope(user, frozenset(OFFICE_EDITOR_ROLES))
    if not paths:
        return surveys.none()
    return surveys.filter(organization_id__in=Organization.objects.filter(paths_q(paths)).values("pk"))


def surveys_for_results(user: Any) -> QuerySet[Survey]:
    """Surveys whose tracking and results the user may see (not templates): office staff — every survey
    of their scope and of the offices above; a school admin — published surveys of the offices above their
    school (they see their school's part against the district)."""
    surveys = Survey.objects.filter(is_template=False)
    if _is_superuser(user):
        return surveys
    condition = Q(pk__in=[])
    office_paths = _scope(user, frozenset(OFFICE_ROLES))
    if office_paths:
        offices = Organization.objects.filter(paths_q(office_paths) | Q(pk__in=ancestor_ids(office_paths)))
        condition |= Q(organization_id__in=offices.values("pk"))
    school_paths = _scope(user, frozenset({Role.SCHOOL_ADMIN}))
    if school_paths:
        condition |= Q(is_published=True, organization_id__in=ancestor_ids(school_paths))
    return surveys.filter(condition)


def school_admin_schools(user: Any) -> list[Organization]:
    """The schools where the user is the school admin (their part of results and tracking)."""
    return [m.organization for m in memberships_of(user) if m.role == Role.SCHOOL_ADMIN]


def is_office_viewer(user: Any) -> bool:
    return _is_superuser(user) or bool(_scope(user, frozenset(OFFICE_ROLES)))
