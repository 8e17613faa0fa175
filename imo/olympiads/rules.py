"""Permissions shared by the parts of the olympiads app. Each part keeps its own object-level rules in its
`rules.py`; these are the page-level ones several parts use.

Jury members hold no global role: a user is a jury member of a stage subject when their educator record
(Educator.user) is in its JuryMember rows. Jury pages check that per stage subject (imo/olympiads/scoring)."""

from __future__ import annotations

import rules

from imo.staff.rules import is_office_editor, is_office_member, is_school_admin, is_superuser

#: The office runs the olympiad: seasons, stages, subjects, jury, quotas, ranking, documents.
rules.add_perm("olympiads.manage", is_superuser | is_office_editor)
#: Reading the olympiad's pages (lists, results inside the system, analytics): the office and school admins.
rules.add_perm("olympiads.view", is_superuser | is_office_member | is_school_admin)
#: Students, consents and registration of a school: its school admin; the office for any school in scope.
rules.add_perm("olympiads.register", is_superuser | is_office_editor | is_school_admin)
