"""The «Индивидуальный образовательный маршрут» section of an educator's profile: the current plan with its
progress and a link, or a «create» link for those who may make one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from imo.staff.models import Educator
from imo.training.development.selectors import CURRENT_STATUSES, plan_current_of


def section_context(request: HttpRequest, educator: Educator) -> dict[str, Any] | None:
    user: Any = request.user
    plan = plan_current_of(educator=educator)
    if plan is not None and not user.has_perm("training.view_development_plan", plan):
        return None
    can_add = user.has_perm("training.add_development_plan_for", educator)
    if plan is None and not can_add:
        return None
    add_url = None
    if can_add and (plan is None or plan.status not in CURRENT_STATUSES):
        add_url = f"{reverse('training:development_plan_create')}?educator={educator.pk}"
    return {"plan": plan, "add_url": add_url}
