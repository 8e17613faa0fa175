"""Who may see and change individual development plans (ИОМ).

The list: office members (observers read) and school admins (their school). A plan: office members in
scope and the school admin of the educator's current school see it; office editors in scope and that
school admin change everything (the plan, its gaps and items, its status); the educator (a teacher linked
through Educator.user) sees their own plan and updates the status and result of its items, but does not
create, edit or delete the plan. Object lookups go through selectors.plan_get_for, which answers 404
outside the user's scope (another school's plan), then checks the permission (403)."""

from __future__ import annotations

from typing import Any

import rules

from imo.orgs.models import OFFICE_EDITOR_ROLES
from imo.staff.rules import is_office_editor, is_office_member, is_school_admin, is_superuser
from imo.staff.selectors import at_own_school, in_office_scope


def _educator(obj: Any) -> Any:
    """The educator of a plan, or the educator itself (the «create a plan for» check)."""
    return getattr(obj, "educator", obj)


@rules.predicate
def office_sees(user: Any, obj: Any) -> bool:
    return obj is not None and in_office_scope(user, _educator(obj))


@rules.predicate
def office_edits(user: Any, obj: Any) -> bool:
    return obj is not None and in_office_scope(user, _educator(obj), OFFICE_EDITOR_ROLES)


@rules.predicate
def educator_at_own_school(user: Any, obj: Any) -> bool:
    return obj is not None and at_own_school(user, _educator(obj))


@rules.predicate
def own_plan(user: Any, obj: Any) -> bool:
    educator = _educator(obj) if obj is not None else None
    return educator is not None and educator.user_id is not None and educator.user_id == user.pk


manages = is_superuser | (is_office_editor & office_edits) | (is_school_admin & educator_at_own_school)

#: The list of plans (page-level).
rules.add_perm("training.view_development_plans", is_superuser | is_office_member | is_school_admin)
#: Creating plans (page-level without an object; with an educator: that educator is in reach).
rules.add_perm("training.add_development_plan", is_superuser | is_office_editor | is_school_admin)
rules.add_perm("training.add_development_plan_for", manages)
rules.add_perm("training.view_development_plan", manages | office_sees | educator_at_own_school | own_plan)
rules.add_perm("training.change_development_plan", manages)
#: Marking items in progress / done with their result: those who manage the plan, and the educator.
rules.add_perm("training.update_development_items", manages | own_plan)
