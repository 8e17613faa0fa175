"""Permissions of the office's attestation settings page.

- settings: office editors (head, methodist, secretary, admin) and superusers change them; the observer
  reads them; school admins and teachers get 403;
"""

from __future__ import annotations

import rules

from imo.orgs.rules import is_office_editor, is_office_member, is_superuser

VIEW_SETTINGS = "attestation.view_settings"
CHANGE_SETTINGS = "attestation.change_settings"

rules.add_perm(VIEW_SETTINGS, is_superuser | is_office_member)
rules.add_perm(CHANGE_SETTINGS, is_superuser | is_office_editor)
