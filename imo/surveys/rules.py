"""Page-level permissions of surveys. Object access (which surveys a user sees, answers, analyses) goes
through `imo.surveys.selectors`."""

from __future__ import annotations

import rules

from imo.staff.rules import is_office_editor, is_office_member, is_school_admin, is_superuser, is_teacher

#: The office builds surveys and templates, publishes them, sends reminders.
rules.add_perm("surveys.manage_surveys", is_superuser | is_office_editor)
#: The office (observers read) sees tracking and results of the district; a school admin those of their
#: school (against the district's) and who at their school has not answered (named surveys).
rules.add_perm("surveys.view_results", is_superuser | is_office_member | is_school_admin)
#: Educators answer educators' surveys; school admins answer schools' monitorings (and educators' ones
#: when they are educators too).
rules.add_perm("surveys.answer", is_superuser | is_office_member | is_school_admin | is_teacher)
