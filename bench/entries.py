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
`lookups` adds placeholders for filters that take ids: {"subject_id": ("reference.Subject", "Математика")}
fills {subject_id} with the pk of the row of that model whose `name` is that value.

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
    # Placeholder → ("app_label.Model", name): the pk of the row with that name (ids in filter URLs).
    lookups: dict[str, tuple[str, str]] = field(default_factory=dict)


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
    # The educators list (issue #4, item 11): first page, default sort (name), no filter, 100 rows, as the
    # regional administrator (all 25,000 educators of the region data set). The issue's target is the
    # absolute 150 ms; the admin changelist of the same educators (list_per_page 100, five plain columns,
    # no employments) is reported as the ratio, not held to 1.0. The page counts with Exists subqueries
    # on employments and reads the rows' employments for the page only: its query count must not grow.
    Entry(
        name="educators.list",
        url="/staff/?per_page=100",
        user="admin",
        baseline_url="/django-admin/staff/educator/",
        target_ms=150,
        max_ratio=None,
        max_queries=10,
    ),
    # The same list filtered by a subject and an age band (list filters of imo/staff/tables.py:
    # `subject` takes Subject ids, `age` the keys of imo.staff.experience.AGE_BANDS).
    Entry(
        name="educators.list_filtered",
        url="/staff/?per_page=100&subject={subject_id}&age=45-49",
        user="admin",
        baseline_url="/django-admin/staff/educator/",
        target_ms=150,
        max_ratio=None,
        max_queries=10,
        lookups={"subject_id": ("reference.Subject", "Математика")},
    ),
    # Staff statistics of the whole region (issue #4, item 12) as the regional administrator: every
    # figure is aggregated in SQL. There is no admin page that computes the same, so the baseline is
    # the admin changelist of the same 25,000 educators, for scale only (no ratio target).
    Entry(
        name="educators.stats",
        url="/staff/statistics/",
        user="admin",
        baseline_url="/django-admin/staff/educator/",
        target_ms=300,
        max_ratio=None,
    ),
    # What the office must act on (issue #5, item 10) for the whole region as the regional
    # administrator: the six list sizes, the counts per school and one page of the conformity list,
    # all aggregated in SQL. No admin page computes the same: the baseline is for scale only.
    Entry(
        name="attestation.due",
        url="/attestation/due/",
        user="admin",
        baseline_url="/django-admin/staff/educator/",
        target_ms=200,
        max_ratio=None,
    ),
    # The regional attestation schedule (issue #5, item 4): per-month, per-kind and per-school counts and
    # the first page of lines. Baseline: the admin changelist of the same lines.
    Entry(
        name="attestation.schedule",
        url="/attestation/schedule/",
        user="admin",
        baseline_url="/django-admin/attestation/scheduleentry/",
        target_ms=300,
        max_ratio=None,
        max_queries=14,
    ),
    # The three-year rule of professional development (issue #6, item 9) for the whole region as the
    # regional administrator: counts per status, coverage per school and the first page of the overdue
    # list in one statement (imo/training/compliance/selectors.py). No admin page computes the same: the
    # baseline is for scale only. The charts load separately (htmx) and are not part of the page.
    Entry(
        name="training.compliance",
        url="/training/compliance/",
        user="admin",
        baseline_url="/django-admin/staff/educator/",
        target_ms=200,
        max_ratio=None,
        max_queries=14,
    ),
    # The public results of one subject (issue #7, item 7): anonymous, the latest published stage of
    # mathematics in Grozny (its stable public address; the largest subject of the region data set, about
    # 5,000 rows), names only with consent. The rows are one statement (imo/olympiads/publication/
    # selectors.py public_rows), 100 per page, plus the count without joins and the stage subject.
    Entry(
        name="olympiads.results_page",
        url="/olympiads/results/municipality/{municipality_id}/subject/{subject_id}/",
        user="anonymous",
        target_ms=150,
        max_queries=3,
        lookups={
            "municipality_id": ("orgs.Organization", "Управление образования: г. Грозный"),
            "subject_id": ("olympiads.OlympiadSubject", "Математика"),
        },
    ),
]


# --- throughput: work that is not a page (imports, exports, jobs) -------------------------------
#
#     Throughput(
#         name="core.import_rows_per_s",            # results key
#         function="bench.throughput.import_rows",  # called in the child as function(db) -> Measured
#         unit="rows/s",
#         higher_is_better=True,                    # rows/s: more is better; seconds: less is better
#         target={"postgresql": 5000},              # per database; missing db = no absolute target
#         min_ratio=5.0,                            # value / baseline at least this (baseline measured
#     )                                             # by the function in the same run, on the same rows)
#
# The function does its own set-up (files, rows) and measures inside a transaction it rolls back,
# so the region data set the pages are measured on never changes.


@dataclass(frozen=True)
class Throughput:
    name: str
    function: str
    unit: str
    higher_is_better: bool = True
    target: dict[str, float] = field(default_factory=dict)
    min_ratio: float | None = None  # higher_is_better: value/baseline ≥ this; else value/baseline ≤ this


THROUGHPUT: list[Throughput] = [
    # The organisations import end to end (read .xlsx, validate, upsert, audit log) of 25,000 rows,
    # against a naive loop (openpyxl read-only + Model.save() per row) on the same rows; the database's
    # own bulk path (COPY / executemany, no checks) is reported as the practical limit.
    Throughput(
        name="core.import_rows_per_s",
        function="bench.throughput.import_rows",
        unit="rows/s",
        target={"postgresql": 5000},
        min_ratio=5.0,
    ),
    # The organisations list's Excel export (imo.core.excel.write_xlsx) of 25,000 rows.
    Throughput(
        name="core.export_25k_s",
        function="bench.throughput.export_rows",
        unit="s",
        higher_is_better=False,
        target={"postgresql": 3.0, "sqlite": 3.0},
    ),
    # The educators import (issue #4, item 13) of a 25,000-row staff file end to end, against the
    # naive loop on the same rows (bench/staff_throughput.py).
    Throughput(
        name="educators.import_rows_per_s",
        function="bench.staff_throughput.import_rows",
        unit="rows/s",
        target={"postgresql": 5000},
        min_ratio=5.0,
    ),
    # A provider's list of graduates (issue #6, items 5 and 9): 5,000 rows end to end, matching included,
    # against a naive loop (queries and save() per row) on the same rows (bench/throughput.py).
    Throughput(
        name="training.import_rows_per_s",
        function="bench.throughput.course_import_rows",
        unit="rows/s",
        target={"postgresql": 2000, "sqlite": 2000},
        min_ratio=3.0,
    ),
    # Ranking and statuses of a municipal stage of 50,000 participations across every subject and grade
    # (issue #7, item 11): imo.olympiads.ranking.services.rank_stage, one read and one write.
    Throughput(
        name="olympiads.rank_municipal_50k_s",
        function="bench.throughput.rank_municipal",
        unit="s",
        higher_is_better=False,
        target={"postgresql": 2.0, "sqlite": 2.0},
    ),
    # `imo olympiad rank` on a 10,000-row protocol end to end in-process (read .xlsx, rank, write .xlsx).
    Throughput(
        name="olympiads.rank_cli_10k_s",
        function="bench.throughput.rank_cli",
        unit="s",
        higher_is_better=False,
        target={"postgresql": 3.0, "sqlite": 3.0},
    ),
    # The bank's document search (issue #8) at region scale (20,000 documents with text): the median of
    # `/library/?q=<two words>` as the head, against a naive icontains search of the same scope
    # (baseline) and the bare full-text SQL (extra "limit_ms") in the same run (bench/library_search.py).
    Throughput(
        name="library.search",
        function="bench.library_search.search",
        unit="ms",
        higher_is_better=False,
        target={"postgresql": 100, "sqlite": 200},
    ),
    # Text extraction and indexing of 1,000 uploaded library files (issue #8; DOCX and PDF with Russian
    # text) by the background job's function (bench/library_files.py); no target, reported in files/s.
    Throughput(
        name="library.index_files_per_s",
        function="bench.library_files.index_files",
        unit="files/s",
    ),
    # A survey's results page at region scale (issue #9, item 10): 25,000 responses × 30 questions, every
    # figure a GROUP BY in SQL (imo/surveys/results/aggregation.py); the charts load separately (htmx).
    # Baseline: every answer row read into Python and counted there (bench/surveys_bench.py).
    Throughput(
        name="surveys.results_25k",
        function="bench.surveys_bench.results_page",
        unit="ms",
        higher_is_better=False,
        target={"postgresql": 300, "sqlite": 300},
    ),
    # The raw Excel export of the same survey (every response × question), streamed, through the view.
    Throughput(
        name="surveys.export_raw_s",
        function="bench.surveys_bench.export_raw",
        unit="s",
        higher_is_better=False,
        target={"postgresql": 10.0, "sqlite": 10.0},
    ),
]
