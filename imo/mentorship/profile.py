"""The «Наставничество» section of an educator's profile: their mentorships as mentor and as mentee."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from imo.mentorship.models import Mentorship
from imo.mentorship.selectors import is_early_career_on, mentorships_of, mentorships_visible_to
from imo.staff.models import Educator


def section_context(request: HttpRequest, educator: Educator) -> dict[str, Any] | None:
    as_mentor, as_mentee = mentorships_of(educator=educator)
    rows = [*as_mentor, *as_mentee]
    # Most educators have no mentorship: the scope's query is not even built for them.
    visible = (
        set(
            mentorships_visible_to(user=request.user)
            .filter(pk__in=[m.pk for m in rows])
            .values_list("pk", flat=True)
        )
        if rows
        else set()
    )
    for mentorship in rows:
        mentorship.link = mentorship.pk in visible  # type: ignore[attr-defined]
    add_url = None
    has_active = any(m.status == Mentorship.Status.ACTIVE for m in as_mentee)
    if (
        not has_active
        and is_early_career_on(educator, timezone.localdate())
        and request.user.has_perm("mentorship.add_mentorship")
    ):
        add_url = f"{reverse('mentorship:create')}?mentee={educator.pk}"
    return {"as_mentor": as_mentor, "as_mentee": as_mentee, "add_url": add_url}
