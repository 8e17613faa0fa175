"""Permissions of the reminders' pages: the office's attestation settings, and the mail log of imo.core.mail
(core only names its permission; roles live here, above it).

- settings: office editors (head, methodist, secretary, admin) and superusers change them; the observer
  reads them; school admins and teachers get 403;
- the mail log: the technical administrator (role «Администратор системы») and superusers.
"""

from __future__ import annotations

from typing import Any

import rules

from imo.core.mail.permissions import VIEW_LOG
from imo.orgs.models import Role
from imo.orgs.rules import is_office_editor, is_office_member, is_superuser
from imo.orgs.selectors import has_role


@rules.predicate
def is_system_admin(user: Any) -> bool:
    return has_role(user, {Role.ADMIN})


VIEW_SETTINGS = "attestation.view_settings"
CHANGE_SETTINGS = "attestation.change_settings"

rules.add_perm(VIEW_SETTINGS, is_superuser | is_office_member)
rules.add_perm(CHANGE_SETTINGS, is_superuser | is_office_editor)
rules.add_perm(VIEW_LOG, is_superuser | is_system_admin)
