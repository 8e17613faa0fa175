"""Permissions of olympiads/registration.

Registering (and importing the list): the office's editors and school admins (olympiads.register; a school
admin only their own school's students — another school's answers 404). Lists: the office (observers too)
and school admins (olympiads.view). The municipal stage's proposed list: the office reads it, its editors
confirm it (olympiads.manage)."""

from __future__ import annotations

import rules

from imo.staff.rules import is_office_editor, is_office_member, is_superuser

rules.add_perm("olympiads.view_proposals", is_superuser | is_office_member)
rules.add_perm("olympiads.confirm_proposals", is_superuser | is_office_editor)
