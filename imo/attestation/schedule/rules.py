"""Permissions of the attestation schedule (issue #5, item 4).

attestation.view_schedule: the office (observers included), school admins, the superuser.
attestation.change_schedule: without an object, whoever may edit some part of the schedule; with an
object (a ScheduleEntry, or the Organization a schedule is built for), office editors whose scope holds
the organisation and the school admin of that organisation. Rows outside the user's scope answer 404
before this check (selectors.entry_get_for).
"""

from __future__ import annotations

from typing import Any

import rules

from imo.attestation.models import ScheduleEntry
from imo.orgs.models import OFFICE_EDITOR_ROLES, Organization, Role
from imo.orgs.selectors import scope_paths
from imo.staff.rules import is_office_editor, is_office_member, is_school_admin, is_superuser


def _organization(target: Any) -> Organization | None:
    if isinstance(target, ScheduleEntry):
        return target.organization
    if isinstance(target, Organization):
        return target
    return None


def _in_scope(user: Any, target: Any, roles: frozenset[str]) -> bool:
    """No object: the role alone decides; an object: its organisation lies in the user's scope."""
    if target is None:
        return True
    organization = _organization(target)
    if organization is None:
        return False
    return any(organization.path.startswith(path) for path in scope_paths(user, roles))


@rules.predicate
def office_edits_schedule_of(user: Any, target: Any) -> bool:
    return _in_scope(user, target, frozenset(OFFICE_EDITOR_ROLES))


@rules.predicate
def school_admin_edits_schedule_of(user: Any, target: Any) -> bool:
    return _in_scope(user, target, frozenset({Role.SCHOOL_ADMIN}))


views_schedule = is_superuser | is_office_member | is_school_admin
edits_schedule = (
    is_superuser
    | (is_office_editor & office_edits_schedule_of)
    | (is_school_admin & school_admin_edits_schedule_of)
)

rules.add_perm("attestation.view_schedule", views_schedule)
rules.add_perm("attestation.change_schedule", edits_schedule)
