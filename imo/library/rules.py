"""Page-level permissions of the library. Object access goes through `imo.library.selectors`."""

from __future__ import annotations

import rules

from imo.staff.rules import is_office_editor, is_office_member, is_school_admin, is_superuser, is_teacher

#: Signed-in readers of the bank (anonymous visitors read the public part through public views).
rules.add_perm("library.view_documents", is_superuser | is_office_member | is_school_admin | is_teacher)
rules.add_perm("library.manage_documents", is_superuser | is_office_editor)
rules.add_perm("library.manage_kinds", is_superuser | is_office_editor)
rules.add_perm("library.manage_settings", is_superuser | is_office_editor)
rules.add_perm("library.manage_news", is_superuser | is_office_editor)
#: The weekly digest: educators and school admins subscribe (office staff may too, to see what goes out).
rules.add_perm("library.subscribe_digest", is_superuser | is_office_member | is_school_admin | is_teacher)
