"""Permissions of the attestation pages. Object checks run after `educators_visible_to` (404 outside the
user's scope): seeing the history follows staff.view_educator, changing it follows staff.change_educator."""

from __future__ import annotations

import rules

from imo.staff.rules import (
    edits_educator,
    is_office_editor,
    is_school_admin,
    is_superuser,
    office_sees,
    own_record,
    own_school,
    sees_educators,
)

rules.add_perm("attestation.view_due", sees_educators)
rules.add_perm("attestation.view_history", is_superuser | office_sees | own_school | own_record)
rules.add_perm("attestation.change_history", edits_educator)
# Loading category history from Excel: the office's editors (their municipalities) and school admins (their
# school's current staff); imo.attestation.imports narrows the rows to that scope.
rules.add_perm("attestation.import_categories", is_superuser | is_office_editor | is_school_admin)
