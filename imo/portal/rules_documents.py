"""Who may use the documents app (imo.core.documents), and which documents of the register each user sees.

Core defines the permission names but cannot know roles (imo.orgs is a higher layer); this layer, which
reads every app, grants them and plugs the organisation scope into the register:

- the office (head, methodist, secretary, admin) issues documents, sees the register, manages templates;
- the observer (the department's management) sees the register and downloads documents, read-only;
- school admins, teachers and users without a role get 403.

A register line is visible to its issuer and to office members whose scope holds its organisation;
a line without an organisation only to its issuer (and superusers).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import rules
from django.db.models import Q, QuerySet

from imo.core.documents import hooks
from imo.core.documents.models import IssuedDocument
from imo.core.documents.permissions import ISSUE, MANAGE_TEMPLATES, VIEW_REGISTER
from imo.orgs.models import OFFICE_ROLES, Organization
from imo.orgs.rules import is_office_editor, is_office_member, is_superuser
from imo.orgs.selectors import organizations_visible_to

rules.add_perm(VIEW_REGISTER, is_superuser | is_office_member)
rules.add_perm(MANAGE_TEMPLATES, is_superuser | is_office_editor)
rules.add_perm(ISSUE, is_superuser | is_office_editor)


def register_scope(user: Any, queryset: QuerySet[IssuedDocument]) -> QuerySet[IssuedDocument]:
    if getattr(user, "is_superuser", False) and user.is_active:
        return queryset
    visible = organizations_visible_to(user=user, roles=OFFICE_ROLES).values("pk")
    return queryset.filter(Q(organization_id__in=visible) | Q(issued_by_id=user.pk))


def organization_names(ids: Collection[int]) -> dict[int, str]:
    return {
        pk: short or name
        for pk, short, name in Organization.objects.filter(pk__in=ids).values_list("pk", "short_name", "name")
    }


hooks.configure(scope=register_scope, organization_names=organization_names)
