"""The section «Олимпиады: результаты учеников» of an educator's profile: the students they prepared
(Participation.teachers), per season — surname and initials, subject, stage, grade, score, status.

Shown to those who see the profile (staff.view_educator); a school admin who is not in the office sees only
their own school's students (children's data of another school stays there). Hidden when there is nothing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from imo.olympiads.analytics.selectors import prepared_students
from imo.orgs.models import OFFICE_ROLES, Role
from imo.orgs.selectors import has_role, scope_paths
from imo.staff.models import Educator


def section_context(request: HttpRequest, educator: Educator) -> dict[str, Any] | None:
    user: Any = request.user
    if not user.has_perm("staff.view_educator", educator):
        return None
    own = educator.user_id is not None and educator.user_id == user.pk
    paths: list[str] | None = None
    if not (user.is_superuser or own or has_role(user, OFFICE_ROLES)):
        paths = scope_paths(user, {Role.SCHOOL_ADMIN})
    seasons = prepared_students(educator=educator, paths=paths)
    if not seasons:
        return None
    return {"seasons": seasons}
