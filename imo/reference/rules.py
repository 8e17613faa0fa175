"""Permissions of the reference section: the whole office reads the catalogues, its editors change them.

Reference data is shared by the district (not scoped to an organisation), so the checks are role checks.
"""

from __future__ import annotations

import rules

from imo.orgs.rules import is_office_editor, is_office_member, is_superuser

rules.add_perm("reference.view_reference", is_superuser | is_office_member)
rules.add_perm("reference.change_reference", is_superuser | is_office_editor)
