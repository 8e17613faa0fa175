"""Reads of the digest part: the subscribers an office editor may list."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from imo.library.models import DigestSubscription
from imo.orgs.models import OFFICE_EDITOR_ROLES, Membership
from imo.orgs.selectors import filter_by_scope


def subscriptions_visible_to(user: Any) -> QuerySet[DigestSubscription]:
    """Subscriptions of the users who hold a role in the editor's scope (their municipality and its
    schools); a superuser sees all. EXISTS, so a user with several roles is one row."""
    rows = DigestSubscription.objects.select_related("user").prefetch_related("subjects")
    if getattr(user, "is_superuser", False) and user.is_active:
        return rows
    memberships = filter_by_scope(Membership.objects.all(), user=user, roles=OFFICE_EDITOR_ROLES)
    return rows.filter(Exists(memberships.filter(user_id=OuterRef("user_id"))))
