"""Permission predicates for organisations, users and roles.

Role predicates look at the user's memberships (read once per request); object predicates add "the
object is inside the user's scope". Superusers pass every check (the technical administrator).
"""

from __future__ import annotations

from typing import Any

import rules

from imo.core.mail.permissions import VIEW_LOG as VIEW_MAIL_LOG
from imo.orgs.models import OFFICE_EDITOR_ROLES, OFFICE_ROLES, USER_MANAGER_ROLES, Organization, Role
from imo.orgs.selectors import ORGANIZATION_VIEWER_ROLES, has_role, organization_in_scope


def _role_predicate(name: str, roles: frozenset[str]) -> rules.Predicate:
    @rules.predicate(name=name)
    def predicate(user: Any) -> bool:
        return has_role(user, roles)

    return predicate


is_superuser = rules.is_superuser
is_office_member = _role_predicate("is_office_member", frozenset(OFFICE_ROLES))
is_office_editor = _role_predicate("is_office_editor", frozenset(OFFICE_EDITOR_ROLES))
is_user_manager = _role_predicate("is_user_manager", frozenset(USER_MANAGER_ROLES))
is_school_admin = _role_predicate("is_school_admin", frozenset({Role.SCHOOL_ADMIN}))
is_teacher = _role_predicate("is_teacher", frozenset({Role.TEACHER}))
sees_organizations = _role_predicate("sees_organizations", frozenset(ORGANIZATION_VIEWER_ROLES))


@rules.predicate
def organization_in_office_scope(user: Any, organization: Organization | None) -> bool:
    return organization is not None and organization_in_scope(user, organization, OFFICE_EDITOR_ROLES)


@rules.predicate
def organization_is_own_school(user: Any, organization: Organization | None) -> bool:
    """The school admin's own organisation (their role is held on it, not above it)."""
    return organization is not None and organization_in_scope(user, organization, {Role.SCHOOL_ADMIN})


@rules.predicate
def organization_is_educational(user: Any, organization: Organization | None) -> bool:
    return organization is not None and organization.is_educational


@rules.predicate
def organization_is_active(user: Any, organization: Organization | None) -> bool:
    return organization is not None and not organization.is_closed


can_edit_organizations = is_superuser | is_office_editor

rules.add_perm("orgs.view_organization_list", is_superuser | sees_organizations)
rules.add_perm("orgs.add_organization", can_edit_organizations)
rules.add_perm(
    "orgs.change_organization",
    is_superuser | (is_office_editor & organization_in_office_scope) | organization_is_own_school,
)
rules.add_perm(
    "orgs.close_organization",
    (is_superuser | (is_office_editor & organization_in_office_scope))
    & organization_is_educational
    & organization_is_active,
)
rules.add_perm("orgs.export_organizations", is_superuser | sees_organizations)
# Users: the head and the admin manage everyone in their municipality; a school admin invites teachers.
rules.add_perm("orgs.manage_users", is_superuser | is_user_manager | is_school_admin)
rules.add_perm("orgs.manage_office_roles", is_superuser | is_user_manager)

# The mail log (imo.core.mail names the permission; roles live here): it holds every address and text the
# system sent, so only the technical administrator and superusers read it.
is_system_admin = _role_predicate("is_system_admin", frozenset({Role.ADMIN}))
rules.add_perm(VIEW_MAIL_LOG, is_superuser | is_system_admin)
