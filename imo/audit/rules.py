"""Who sees the change log: the head of the methodical office and the system administrator."""

from __future__ import annotations

import rules

from imo.orgs.rules import is_superuser, is_user_manager

# The head and the admin (is_user_manager) are the ones who answer for personal data in the office.
rules.add_perm("audit.view_log", is_superuser | is_user_manager)
