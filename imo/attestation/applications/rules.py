"""Permissions of the application pipeline (issue #5, item 3). Object checks run after
`applications_visible_to` (404 outside the user's scope): they decide what a user who sees the application
may do with it. Statuses are checked by the services; the rules decide only who.

Imported at start-up by imo.attestation.applications.setup.ready().
"""

from __future__ import annotations

from typing import Any

import rules

from imo.attestation.models import Application
from imo.orgs.models import OFFICE_EDITOR_ROLES, OFFICE_ROLES, Role
from imo.orgs.selectors import scope_paths
from imo.staff.rules import (
    is_office_editor,
    is_office_member,
    is_school_admin,
    is_superuser,
    is_teacher,
    office_edits,
    own_record,
    own_school,
)
from imo.staff.selectors import at_own_school


def _in_paths(path: str | None, paths: list[str]) -> bool:
    return bool(path) and any(str(path).startswith(root) for root in paths)


def _office_reaches(user: Any, application: Application, roles: frozenset[str]) -> bool:
    paths = scope_paths(user, roles)
    if not paths:
        return False
    organization = application.organization
    return _in_paths(application.educator.municipality.path, paths) or (
        organization is not None and _in_paths(organization.path, paths)
    )


@rules.predicate
def office_sees_application(user: Any, application: Application | None) -> bool:
    return application is not None and _office_reaches(user, application, OFFICE_ROLES)


@rules.predicate
def office_edits_application(user: Any, application: Application | None) -> bool:
    return application is not None and _office_reaches(user, application, OFFICE_EDITOR_ROLES)


@rules.predicate
def school_of_application(user: Any, application: Application | None) -> bool:
    """A school admin of the school the application was filed from, or of one employing the educator now."""
    if application is None:
        return False
    schools = scope_paths(user, {Role.SCHOOL_ADMIN})
    if not schools:
        return False
    organization = application.organization
    if organization is not None and _in_paths(organization.path, schools):
        return True
    return at_own_school(user, application.educator)


@rules.predicate
def own_application(user: Any, application: Application | None) -> bool:
    return application is not None and own_record(user, application.educator)


#: Who may start an application for an educator (obj: Educator).
starts_for_educator = (
    is_superuser | (is_office_editor & office_edits) | (is_school_admin & own_school) | own_record
)
#: The same people, on an application (obj: Application).
starter_of_application = (
    is_superuser
    | (is_office_editor & office_edits_application)
    | (is_school_admin & school_of_application)
    | own_application
)
#: The office's check and the commission's result: office editors in scope only.
office_handles_application = is_superuser | (is_office_editor & office_edits_application)

rules.add_perm(
    "attestation.view_application",
    is_superuser | office_sees_application | school_of_application | own_application,
)
rules.add_perm(
    "attestation.view_applications", is_superuser | is_office_member | is_school_admin | is_teacher
)
rules.add_perm("attestation.start_application", starts_for_educator)
rules.add_perm("attestation.edit_application", starter_of_application)
rules.add_perm("attestation.withdraw_application", starter_of_application)
rules.add_perm("attestation.check_application", office_handles_application)
rules.add_perm("attestation.decide_application", office_handles_application)
