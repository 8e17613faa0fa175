"""Who loads providers' lists of graduates and resolves the rows that found nobody (or several people)."""

from __future__ import annotations

import rules

from imo.staff.rules import is_office_editor, is_school_admin, is_superuser

#: The office's editors (their municipalities) and school admins (the people working at their school now).
rules.add_perm("training.import_courses", is_superuser | is_office_editor | is_school_admin)
#: The office's editors: every row of their municipality; school admins: rows whose candidates work at their
#: school now (imo.training.graduates.selectors).
rules.add_perm("training.resolve_graduates", is_superuser | is_office_editor | is_school_admin)
