"""Permissions of the district's training plan (issue #6, item 4).

training.view_plans: the office (observers read) and school admins (their school's part of a plan that is
no longer a draft); teachers get 403. training.manage_plans: office editors (lines, quotas, statuses,
decisions on nominations). training.nominate: school admins (without an object); with an object (a school,
an Organization) the school admin of that school, or an office editor whose scope holds it.
Plans outside the user's scope answer 404 before these checks (selectors.plan_get_for).
"""

from __future__ import annotations

from typing import Any

import rules

from imo.orgs.models import OFFICE_EDITOR_ROLES, Organization, Role
from imo.orgs.selectors import organization_in_scope
from imo.staff.rules import is_office_editor, is_office_member, is_school_admin, is_superuser


@rules.predicate
def nominates_for(user: Any, school: Any) -> bool:
    """No object: any school admin or office editor; a school: its school admin or the office above it."""
    if school is None:
        return True
    if not isinstance(school, Organization):
        return False
    return organization_in_scope(user, school, {Role.SCHOOL_ADMIN}) or organization_in_scope(
        user, school, OFFICE_EDITOR_ROLES
    )


views_plans = is_superuser | is_office_member | is_school_admin
manages_plans = is_superuser | is_office_editor
nominates = is_superuser | ((is_school_admin | is_office_editor) & nominates_for)

rules.add_perm("training.view_plans", views_plans)
rules.add_perm("training.manage_plans", manages_plans)
rules.add_perm("training.nominate", nominates)
