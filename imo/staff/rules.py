"""Permission predicates for educators' records.

Object checks run after `educators_visible_to` (which already answers 404 outside the user's scope): they
decide what a user who sees the record may do with it.
"""

from __future__ import annotations

from typing import Any

import rules

from imo.orgs.models import OFFICE_EDITOR_ROLES, OFFICE_ROLES, USER_MANAGER_ROLES, Role
from imo.orgs.selectors import has_role
from imo.staff.models import Educator
from imo.staff.selectors import at_own_school, in_office_scope


def _role(name: str, roles: frozenset[str]) -> rules.Predicate:
    @rules.predicate(name=name)
    def predicate(user: Any) -> bool:
        return has_role(user, roles)

    return predicate


is_superuser = rules.is_superuser
is_office_member = _role("staff_is_office_member", frozenset(OFFICE_ROLES))
is_office_editor = _role("staff_is_office_editor", frozenset(OFFICE_EDITOR_ROLES))
is_office_manager = _role("staff_is_office_manager", frozenset(USER_MANAGER_ROLES))
is_school_admin = _role("staff_is_school_admin", frozenset({Role.SCHOOL_ADMIN}))
is_teacher = _role("staff_is_teacher", frozenset({Role.TEACHER}))


@rules.predicate
def office_sees(user: Any, educator: Educator | None) -> bool:
    return educator is not None and in_office_scope(user, educator)


@rules.predicate
def office_edits(user: Any, educator: Educator | None) -> bool:
    return educator is not None and in_office_scope(user, educator, OFFICE_EDITOR_ROLES)


@rules.predicate
def own_school(user: Any, educator: Educator | None) -> bool:
    return educator is not None and at_own_school(user, educator)


@rules.predicate
def own_record(user: Any, educator: Educator | None) -> bool:
    return educator is not None and educator.user_id is not None and educator.user_id == user.pk


sees_educators = is_superuser | is_office_member | is_school_admin
edits_educator = is_superuser | (is_office_editor & office_edits) | (is_school_admin & own_school)

rules.add_perm("staff.view_educator_list", sees_educators)
rules.add_perm("staff.export_educators", sees_educators)
rules.add_perm("staff.view_statistics", sees_educators)
rules.add_perm("staff.add_educator", is_superuser | is_office_editor | is_school_admin)
rules.add_perm("staff.import_educators", is_superuser | is_office_editor | is_school_admin)
rules.add_perm("staff.view_educator", is_superuser | office_sees | own_school | own_record)
rules.add_perm("staff.change_educator", edits_educator)
# СНИЛС, birth date, ИНН unmasked: those who keep the record, and the person.
rules.add_perm("staff.view_personal_data", is_superuser | office_sees | own_school | own_record)
rules.add_perm("staff.view_history", is_superuser | office_sees | (is_school_admin & own_school))
rules.add_perm("staff.propose_change", own_record)
rules.add_perm("staff.decide_proposal", edits_educator)
# The queue of proposals (without an object): school admins and office editors.
rules.add_perm("staff.decide_proposals", is_superuser | is_office_editor | is_school_admin)
rules.add_perm("staff.view_own_record", is_teacher)
# The personal-data access log: the head and the technical admin of the office.
rules.add_perm("staff.view_access_log", is_superuser | is_office_manager)
rules.add_perm("staff.merge_educators", is_superuser | is_office_editor)
rules.add_perm("staff.erase_educator", is_superuser | (is_office_manager & office_edits))
rules.add_perm("staff.subject_access_export", is_superuser | (is_office_editor & office_edits))
