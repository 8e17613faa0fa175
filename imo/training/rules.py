"""Permissions shared by the parts of the training app. Each part (catalogue/, records/, plans/, …) keeps
its own object-level rules in its `rules.py`; these are the page-level ones several parts use."""

from __future__ import annotations

import rules

from imo.staff.rules import is_office_editor, is_office_member, is_school_admin, is_superuser, is_teacher

#: Anyone who works with the system may read the catalogues (to pick a programme when entering a course).
rules.add_perm("training.view_catalogue", is_superuser | is_office_member | is_school_admin | is_teacher)
rules.add_perm("training.manage_catalogue", is_superuser | is_office_editor)
rules.add_perm("training.manage_settings", is_superuser | is_office_editor)
#: The three-year rule and the district's plan: the office (observers read) and school admins (their school).
rules.add_perm("training.view_compliance", is_superuser | is_office_member | is_school_admin)
