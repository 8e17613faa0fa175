"""The pages `make bench` measures. Add yours here: one `Entry(...)` in ENTRIES.

    Entry(
        name="staff.list",                        # results key: "<name>" (ms) and "<name>.queries"
        url="/staff/?per_page=100",               # fetched with django.test.Client, GET
        user="head",                              # who asks (see below)
        baseline_url="/django-admin/staff/educator/",  # optional: the same rows in Django's admin
        target_ms=100,                            # optional: median must be at most this
    )

`user` is one of:
- a role of `imo.orgs.models.Role` ("head", "methodist", "school_admin", "teacher", …): an active user
  holding that role, the one whose organisation has the most organisations below it (the widest scope,
  so the heaviest page);
- "superuser": the first superuser (for Django admin pages, the usual baseline);
- "anonymous": nobody logged in (public pages).

URLs may contain placeholders filled from the page user (`user`), in both `url` and `baseline_url`:
{user_id}, {org_id} (the organisation of the chosen role) and {org_path} (its tree path) — e.g. a
detail page "/organizations/{org_id}/" or the admin filtered to the same rows
"/django-admin/orgs/organization/?path__startswith={org_path}". Literal braces: {{ and }}.

An entry is `met` when every target it declares holds: median ≤ target_ms, median / baseline median
≤ max_ratio (1.0 = not slower than the admin), queries ≤ max_queries. An entry with no target at all
is reported with `met: null`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Entry:
    name: str
    url: str
    user: str = "head"
    baseline_url: str | None = None
    baseline_user: str = "superuser"
    target_ms: float | None = None
    # Only applies with a baseline: the page may take at most max_ratio × the baseline's median.
    max_ratio: float | None = 1.0
    max_queries: int | None = None
    # Extra request headers, e.g. {"HX-Request": "true"} to measure an htmx partial.
    headers: dict[str, str] = field(default_factory=dict)


ENTRIES: list[Entry] = [
    # The office's list of organisations against Django admin's changelist of the same rows: the
    # head's subtree (admin allows filtering on a local field), 100 per page on both sides.
    Entry(
        name="orgs.list",
        url="/organizations/?per_page=100",
        user="head",
        baseline_url="/django-admin/orgs/organization/?path__startswith={org_path}",
        target_ms=100,
    ),
    # The same list for a regional administrator: every organisation of the region (~500) in scope.
    Entry(
        name="orgs.list.region",
        url="/organizations/?per_page=100",
        user="admin",
        baseline_url="/django-admin/orgs/organization/",
        target_ms=100,
    ),
]
