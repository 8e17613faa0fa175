"""Who may see and manage mentorships.

Lists: the office and school admins. A mentorship: office members in scope and the school admin of the
mentee's school see it; office editors in scope and that school admin manage it; the mentor and the
mentee (teachers linked through Educator.user) see their own and add their reports. Object lookups go
through imo.mentorship.selectors.mentorship_get_for, which answers 404 outside the user's scope."""

from __future__ import annotations

from typing import Any

import rules

from imo.orgs.models import OFFICE_EDITOR_ROLES, OFFICE_ROLES, Role
from imo.orgs.selectors import has_role
from imo.staff.selectors import at_own_school, in_office_scope


def _role(name: str, roles: frozenset[str]) -> rules.Predicate:
    @rules.predicate(name=name)
    def predicate(user: Any) -> bool:
        return has_role(user, roles)

    return predicate


is_office_member = _role("mentorship_is_office_member", frozenset(OFFICE_ROLES))
is_office_editor = _role("mentorship_is_office_editor", frozenset(OFFICE_EDITOR_ROLES))
is_school_admin = _role("mentorship_is_school_admin", frozenset({Role.SCHOOL_ADMIN}))


@rules.predicate
def office_sees(user: Any, mentorship: Any) -> bool:
    return mentorship is not None and in_office_scope(user, mentorship.mentee)


@rules.predicate
def office_edits(user: Any, mentorship: Any) -> bool:
    return mentorship is not None and in_office_scope(user, mentorship.mentee, OFFICE_EDITOR_ROLES)


@rules.predicate
def mentee_at_own_school(user: Any, mentorship: Any) -> bool:
    return mentorship is not None and at_own_school(user, mentorship.mentee)


@rules.predicate
def participant(user: Any, mentorship: Any) -> bool:
    if mentorship is None or not user.is_authenticated:
        return False
    return user.pk in (mentorship.mentor.user_id, mentorship.mentee.user_id)


manages = rules.is_superuser | office_edits | (is_school_admin & mentee_at_own_school)

rules.add_perm("mentorship.view_lists", rules.is_superuser | is_office_member | is_school_admin)
rules.add_perm("mentorship.add_mentorship", rules.is_superuser | is_office_editor | is_school_admin)
rules.add_perm("mentorship.view_mentorship", manages | office_sees | participant)
rules.add_perm("mentorship.change_mentorship", manages)
rules.add_perm("mentorship.add_report", manages | participant)
