"""The «Заявления на аттестацию» section of an educator's profile (imo.core.profile registry): the
applications the viewer may see, and the «Подать заявление» button for those who may start one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from imo.attestation.applications.selectors import applications_visible_to
from imo.attestation.applications.tables import badge_class
from imo.attestation.models import Application
from imo.core.prepared import prepared
from imo.staff.models import Educator

_HAS_ANY = prepared(
    lambda educator: Application.objects.filter(educator_id=educator), educator=int, exists=True
)


def section_context(request: HttpRequest, educator: Educator) -> dict[str, Any] | None:
    user = request.user
    # Most educators have no application: a plain look first, the viewer's scope only when there are some.
    has_any = _HAS_ANY.exists(educator=educator.pk)
    applications = (
        list(applications_visible_to(user=user).filter(educator=educator).order_by("-created_at", "-pk"))
        if has_any
        else []
    )
    start_url = ""
    if educator.erased_at is None and user.has_perm("attestation.start_application", educator):
        start_url = f"{reverse('attestation:application_start')}?educator={educator.pk}"
    if not applications and not start_url:
        return None
    for application in applications:
        application.badge = badge_class(application.status)  # type: ignore[attr-defined]
    return {"applications": applications, "start_url": start_url}
