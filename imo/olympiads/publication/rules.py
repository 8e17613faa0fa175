"""Permissions of olympiad results: publishing, documents and diplomas are the office editors' work.

The public pages (published results, diploma verification) need no permission at all: they show only
what the office published, names only with the parents' consent."""

from __future__ import annotations

import rules

from imo.staff.rules import is_office_editor, is_office_member, is_superuser

#: Publish and unpublish a stage subject's results, issue diplomas, download the documents.
rules.add_perm("olympiads.publish", is_superuser | is_office_editor)
#: See the office's results page of a stage subject (the observer reads it too).
rules.add_perm("olympiads.view_publication", is_superuser | is_office_member)
