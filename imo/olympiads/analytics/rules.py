"""Permissions of olympiads/analytics. The page itself needs olympiads.view (the office and school admins;
a school admin's rows are their school's, with the district in total); the district's DOCX report is the
office's."""

from __future__ import annotations

import rules

from imo.staff.rules import is_office_member, is_superuser

VIEW = "olympiads.view"
REPORT = "olympiads.analytics_report"

rules.add_perm(REPORT, is_superuser | is_office_member)
