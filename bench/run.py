"""`make bench`: server time and SQL queries of the pages in bench/entries.py at region scale.

What it does, for SQLite and (when a server answers) PostgreSQL:

1. Builds the region-scale data set once and keeps it under var/bench/:
   `imo demo --scale region --no-serve --seed N` into var/bench/sqlite/bench.sqlite3, and into the
   PostgreSQL database `imo_bench` (created when missing). A marker file var/bench/<db>.version holds
   a hash of the demo generator (imo/*/demo.py, the demo command, imo/*/data/*) and of the scale and
   seed; when it changes, the data set is dropped and built again. Otherwise the demo command only
   migrates (it leaves existing data alone).
2. Measures in a fresh subprocess per database (the settings read DATABASE_URL at import): Django is
   set up in-process and each entry's page is fetched with `django.test.Client` as the entry's user
   (force_login): 2 warm-up requests, then the median of 20 timed ones, and the SQL query count of
   one more request (CaptureQueriesContext, kept out of the timed requests since capturing costs).
   The baseline (Django admin's changelist of the same rows, as a superuser) is measured the same
   way in the same process, so the ratio compares like with like on this machine, today.
   DEBUG is off and the settings are production ones except plain http and plain static storage.
3. Runs the THROUGHPUT entries (imports, exports: bench/throughput.py) in the same child, each
   inside a transaction it rolls back, with its baseline measured in the same run on the same rows.
4. Prints a table and writes bench/results/latest.json: a list of objects
   {"name", "db", "value", "unit", "baseline", "ratio", "target", "met", ...}: one per entry in ms
   and one named "<entry>.queries" in queries (baseline = the admin page's count).

Timings vary with the machine; that is why they are never asserted in tests, and why each page is
compared with a baseline measured in the same run.

    python bench/run.py [--db sqlite|postgresql|all] [--only orgs.list,...] [--requests 20]
                        [--rebuild] [--seed 2026]

Exit code: 0 when every page answered 200 (whether or not targets were met), 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` and `imo` importable
    sys.path.insert(0, str(ROOT))

from bench.entries import ENTRIES, THROUGHPUT, Entry, Throughput  # noqa: E402

BENCH_VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results" / "latest.json"
SCALE = "region"
DEFAULT_SEED = 2026
PG_DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/imo_bench"
PG_DATABASE = "imo_bench"
# The demo command builds ~500 organisations with their users; generous, but bounded.
BUILD_TIMEOUT_S = 30 * 60
MEASURE_TIMEOUT_S = 30 * 60


# --- data sets ----------------------------------------------------------------------------------


@dataclass
class Target:
    """One database to measure on: its name in the results and the environment that selects it."""

    db: str  # "sqlite" | "postgresql"
    url: str
    var_dir: Path

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="imo.settings",
            DATABASE_URL=self.url,
            IMO_VAR_DIR=str(self.var_dir),
            # Production settings, minus what a test client cannot do: https and a collectstatic'd
            # manifest. `testserver` is the host django.test.Client sends.
            DEBUG="0",
            IMO_PLAIN_STATIC="1",
            # The work of each page, not a hit of the page cache (imo/core/pagecache.py): the same page
            # asked 20 times would be computed once.
            IMO_PAGE_CACHE="0",
            SECURE_SSL_REDIRECT="0",
            SESSION_COOKIE_SECURE="0",
            CSRF_COOKIE_SECURE="0",
            ALLOWED_HOSTS="testserver",
            LOG_LEVEL="ERROR",
            PYTHONDONTWRITEBYTECODE="1",
        )
        return env


def data_version(seed: int) -> str:
    """A hash of everything that decides the demo data: generator code, its data files, scale, seed."""
    files = sorted(
        {
            *ROOT.glob("imo/*/demo.py"),
            *ROOT.glob("imo/*/management/commands/demo.py"),
            *(p for p in ROOT.glob("imo/*/data/**/*") if p.is_file()),
        }
    )
    digest = hashlib.sha256(f"scale={SCALE} seed={seed}\n".encode())
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def sqlite_target() -> Target:
    var_dir = BENCH_VAR / "sqlite"
    # Four slashes: dj-database-url's form of an absolute path.
    return Target("sqlite", f"sqlite:///{var_dir / 'bench.sqlite3'}", var_dir)


def postgres_target() -> Target | None:
    """`imo_bench` on the server of DATABASE_URL when that is PostgreSQL, else on 127.0.0.1:5432."""
    configured = os.environ.get("DATABASE_URL", "")
    base = configured if configured.startswith(("postgres://", "postgresql://")) else PG_DEFAULT_URL
    url = urlsplit(base)._replace(path=f"/{PG_DATABASE}").geturl()
    try:
        import psycopg

        with psycopg.connect(url, dbname="postgres", connect_timeout=3):
            pass
    except Exception as exc:  # ImportError or any connection error: just no PostgreSQL run
        print(f"PostgreSQL not reachable ({str(exc).strip()}): measuring SQLite only.", flush=True)
        return None
    return Target("postgresql", url, BENCH_VAR / "postgresql")


def drop_data(target: Target) -> None:
    """Remove the data set so the demo command starts from an empty database."""
    if target.db == "sqlite":
        db_file = Path(target.url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(target.url, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(PG_DATABASE)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(PG_DATABASE)))


def ensure_postgres_database(target: Target) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(target.url, dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DATABASE]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(PG_DATABASE)))


def postgres_version_comment(target: Target, version: str | None = None) -> str:
    """Read (or, given `version`, write) the data version kept as the database's COMMENT.

    The server is shared by every checkout on the machine while var/bench/ is per checkout, so the
    database itself says which generator filled it; the marker file alone could be stale.
    """
    import psycopg
    from psycopg import sql

    with psycopg.connect(target.url, dbname="postgres", autocommit=True) as conn:
        if version is not None:
            conn.execute(
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                    sql.Identifier(PG_DATABASE), sql.Literal(f"imo bench data {version}")
                )
            )
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [PG_DATABASE]
        ).fetchone()
    comment = (row[0] if row else None) or ""
    return comment.removeprefix("imo bench data ")


def ensure_data(target: Target, *, seed: int, rebuild: bool) -> None:
    """Build the region-scale data set unless the one there was built from the same generator."""
    target.var_dir.mkdir(parents=True, exist_ok=True)
    # whitenoise warns about a missing STATIC_ROOT (var_dir/static) when the middleware starts.
    (target.var_dir / "static").mkdir(exist_ok=True)
    marker = BENCH_VAR / f"{target.db}.version"
    version = data_version(seed)
    current = marker.read_text().strip() if marker.exists() else ""
    if target.db == "postgresql":
        ensure_postgres_database(target)
        if postgres_version_comment(target) != current:
            current = ""
    if rebuild or current != version:
        print(f"[{target.db}] building the {SCALE}-scale data set (seed {seed})…", flush=True)
        # The marker goes first, so an interrupted build is never mistaken for a finished one.
        marker.unlink(missing_ok=True)
        drop_data(target)
    else:
        print(f"[{target.db}] reusing the data set (version {version}); migrating if needed", flush=True)
    # On an existing data set the demo command only migrates: it never refills a filled database.
    cmd = [sys.executable, "-m", "imo.cli", "demo", "--scale", SCALE, "--no-serve", "--seed", str(seed)]
    started = time.monotonic()
    completed = subprocess.run(
        cmd, check=False, cwd=ROOT, env=target.env(), timeout=BUILD_TIMEOUT_S, capture_output=True, text=True
    )
    if completed.returncode != 0:
        sys.stdout.write(completed.stdout)
        sys.stderr.write(completed.stderr)
        raise RuntimeError(f"[{target.db}] `imo demo` failed (exit {completed.returncode})")
    if target.db == "postgresql":
        postgres_version_comment(target, version)
    marker.write_text(version + "\n")
    print(f"[{target.db}] data ready in {time.monotonic() - started:.0f} s", flush=True)


# --- measuring (runs in the child process, with Django set up for one database) ----------------


class PageError(Exception):
    """A page that did not answer 200: reported in the results, the others still measured."""


@dataclass
class Measurement:
    url: str  # as requested, placeholders filled in
    median_ms: float
    queries: int
    samples: int


@dataclass
class Persona:
    """A user to measure as, and the values an entry's URLs may use: {user_id}, {org_id}, {org_path}."""

    user: Any
    params: dict[str, str]


def pick_personas() -> dict[str, Persona | None]:
    """The user for each `Entry.user` / `Entry.baseline_user` in ENTRIES (see bench/entries.py)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser

    from imo.orgs.models import Membership, Organization

    wanted = {e.user for e in ENTRIES} | {e.baseline_user for e in ENTRIES if e.baseline_url}
    personas: dict[str, Persona | None] = {}
    for kind in sorted(wanted):
        if kind == "anonymous":
            personas[kind] = Persona(AnonymousUser(), {})
        elif kind == "superuser":
            superuser = (
                get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
            )
            personas[kind] = Persona(superuser, {"user_id": str(superuser.pk)}) if superuser else None
        else:
            # The holder of this role with the widest scope: most organisations at or below theirs,
            # so the page shows the most rows any such user can see.
            memberships = list(
                Membership.objects.filter(role=kind, user__is_active=True)
                .select_related("user", "organization")
                .order_by("pk")
            )
            best = max(
                memberships,
                key=lambda m: Organization.objects.filter(path__startswith=m.organization.path).count(),
                default=None,
            )
            personas[kind] = (
                Persona(
                    best.user,
                    {
                        "user_id": str(best.user.pk),
                        "org_id": str(best.organization.pk),
                        "org_path": best.organization.path,
                    },
                )
                if best
                else None
            )
    return personas


def lookup_params(lookups: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Entry.lookups: placeholder → the pk of the row of `app_label.Model` with that `name`."""
    from django.apps import apps

    params: dict[str, str] = {}
    for placeholder, (model_label, name) in lookups.items():
        pk = apps.get_model(model_label).objects.filter(name=name).values_list("pk", flat=True).first()
        if pk is None:
            raise PageError(f"no {model_label} named {name!r} in the data set")
        params[placeholder] = str(pk)
    return params


def expand(url: str, params: dict[str, str]) -> str:
    """Fill {placeholders} from the page user's persona (URL-quoted), e.g. the admin filtered to
    the same subtree: /django-admin/orgs/organization/?path__startswith={org_path}."""
    try:
        return url.format_map({k: quote(v, safe="") for k, v in params.items()})
    except KeyError as exc:
        raise PageError(f"{url}: no value for {exc} for this user") from None


def measure(client: Any, url: str, headers: dict[str, str], *, warmup: int, requests: int) -> Measurement:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def fetch() -> Any:
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            where = response.get("Location", "")
            raise PageError(f"GET {url} answered {response.status_code} {where}".strip())
        return response

    for _ in range(warmup):
        fetch()
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        fetch()
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        fetch()
    return Measurement(url, statistics.median(timings), len(captured.captured_queries), requests)


def measure_all(db: str, *, only: set[str], warmup: int, requests: int) -> list[dict[str, Any]]:
    """Runs in the child: Django set up on `db`'s data set; returns the result rows."""
    import django

    django.setup()
    rows = measure_pages(db, only=only, warmup=warmup, requests=requests)
    rows.extend(measure_throughput(db, only=only))
    return rows


def measure_throughput(db: str, *, only: set[str]) -> list[dict[str, Any]]:
    """The THROUGHPUT entries: each function measures itself (and its baseline) on `db`."""
    import importlib
    import traceback

    rows: list[dict[str, Any]] = []
    for entry in THROUGHPUT:
        if only and entry.name not in only:
            continue
        print(f"[{db}] {entry.name}…", flush=True)
        _vacuum(db)
        module_name, _, function_name = entry.function.rpartition(".")
        try:
            measured = getattr(importlib.import_module(module_name), function_name)(db)
        except Exception as exc:  # reported in the results; the other entries still run
            traceback.print_exc()
            error = f"{type(exc).__name__}: {exc}"
            rows.append(throughput_row(entry, db, value=None, baseline=None, extra={}, error=error))
            continue
        rows.append(
            throughput_row(entry, db, value=measured.value, baseline=measured.baseline, extra=measured.extra)
        )
    return rows


def _vacuum(db: str) -> None:
    """Throughput entries write tens of thousands of rows and roll them back: the dead rows stay in
    PostgreSQL's tables until a vacuum (autovacuum may be off or late), and every later run would be
    slower than the one before. Each entry starts from clean tables, so runs compare like with like."""
    if db != "postgresql":
        return
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def throughput_row(
    entry: Throughput,
    db: str,
    *,
    value: float | None,
    baseline: float | None,
    extra: dict[str, Any],
    error: str = "",
) -> dict[str, Any]:
    """{"name","db","value","unit","baseline","ratio","target","met", …}: `met` when the value reaches
    the target for this database (if any) and the ratio to the baseline reaches `min_ratio` (if any)."""
    target = entry.target.get(db)
    ratio = round(value / baseline, 3) if value is not None and baseline else None
    checks: list[bool] = []
    if target is not None:
        checks.append(value is not None and (value >= target if entry.higher_is_better else value <= target))
    if entry.min_ratio is not None:
        if entry.higher_is_better:
            checks.append(ratio is not None and ratio >= entry.min_ratio)
        else:
            checks.append(ratio is not None and ratio <= entry.min_ratio)
    result: dict[str, Any] = {
        "name": entry.name,
        "db": db,
        "value": None if value is None else round(value, 2),
        "unit": entry.unit,
        "baseline": None if baseline is None else round(baseline, 2),
        "ratio": ratio,
        "target": target,
        "met": (all(checks) if checks else None) if not error else False,
        "kind": "throughput",
        "higher_is_better": entry.higher_is_better,
    }
    if entry.min_ratio is not None:
        result["min_ratio"] = entry.min_ratio
    result.update(extra)
    if error:
        result["error"] = error
    return result


def measure_pages(db: str, *, only: set[str], warmup: int, requests: int) -> list[dict[str, Any]]:
    """The page ENTRIES, each with its baseline, as the same user."""
    from django.test import Client

    if only and not any(entry.name in only for entry in ENTRIES):
        return []
    personas = pick_personas()
    clients: dict[str, Any] = {}

    def persona(kind: str) -> Persona:
        found = personas.get(kind)
        if found is None:
            raise PageError(f"no user for {kind!r} in the data set")
        return found

    def client_for(kind: str) -> Any:
        if kind not in clients:
            client = Client()
            user = persona(kind).user
            if user.is_authenticated:
                client.force_login(user)
            clients[kind] = client
        return clients[kind]

    def params_for(entry: Entry) -> dict[str, str]:
        return {**persona(entry.user).params, **lookup_params(entry.lookups)}

    baselines: dict[tuple[str, str], Measurement | str] = {}
    rows: list[dict[str, Any]] = []
    for entry in ENTRIES:
        if only and entry.name not in only:
            continue
        base: Measurement | str | None = None
        if entry.baseline_url:
            try:
                # The baseline's URL takes the *page* user's values: same rows, other code path.
                base_url = expand(entry.baseline_url, params_for(entry))
                key = (entry.baseline_user, base_url)
                if key not in baselines:
                    client = client_for(entry.baseline_user)
                    baselines[key] = measure(client, base_url, {}, warmup=warmup, requests=requests)
                base = baselines[key]
            except PageError as exc:
                base = f"baseline: {exc}"
        try:
            url = expand(entry.url, params_for(entry))
            page = measure(client_for(entry.user), url, entry.headers, warmup=warmup, requests=requests)
        except PageError as exc:
            rows.extend(result_rows(entry, db, None, base, error=str(exc)))
        else:
            rows.extend(result_rows(entry, db, page, base))
    return rows


def result_rows(
    entry: Entry, db: str, page: Measurement | None, base: Measurement | str | None, error: str = ""
) -> list[dict[str, Any]]:
    """The two result objects of one entry: time in ms and query count."""
    base_m = base if isinstance(base, Measurement) else None
    if isinstance(base, str):
        error = "; ".join(filter(None, [error, base]))

    def row(
        suffix: str,
        unit: str,
        *,
        value: float | None,
        baseline: float | None,
        target: float | None,
        max_ratio: float | None,
    ) -> dict[str, Any]:
        ratio = round(value / baseline, 3) if value is not None and baseline else None
        checks: list[bool] = []
        if target is not None:
            checks.append(value is not None and value <= target)
        if max_ratio is not None and entry.baseline_url:
            checks.append(ratio is not None and ratio <= max_ratio)
        result: dict[str, Any] = {
            "name": entry.name + suffix,
            "db": db,
            "value": None if value is None else round(value, 2),
            "unit": unit,
            "baseline": None if baseline is None else round(baseline, 2),
            "ratio": ratio,
            "target": target,
            "met": (all(checks) if checks else None) if not error else False,
            "url": page.url if page else entry.url,
            "user": entry.user,
        }
        if entry.baseline_url:
            result["baseline_url"] = base_m.url if base_m else entry.baseline_url
        if max_ratio is not None and entry.baseline_url:
            result["max_ratio"] = max_ratio
        if page is not None:
            result["samples"] = page.samples
        if error:
            result["error"] = error
        return result

    return [
        row(
            "",
            "ms",
            value=page.median_ms if page else None,
            baseline=base_m.median_ms if base_m else None,
            target=entry.target_ms,
            max_ratio=entry.max_ratio,
        ),
        # Queries: the admin's count is shown for comparison; only max_queries is a target.
        row(
            ".queries",
            "queries",
            value=page.queries if page else None,
            baseline=base_m.queries if base_m else None,
            target=entry.max_queries,
            max_ratio=None,
        ),
    ]


# --- the parent: orchestrate, print, save -------------------------------------------------------


def run_child(target: Target, args: argparse.Namespace) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="imo-bench-") as tmp:
        out = Path(tmp) / "rows.json"
        cmd = [
            sys.executable, str(Path(__file__).resolve()), "--measure", target.db, "--out", str(out),
            "--requests", str(args.requests), "--warmup", str(args.warmup), "--only", args.only,
        ]  # fmt: skip
        print(f"[{target.db}] measuring {args.requests} requests per page…", flush=True)
        completed = subprocess.run(cmd, check=False, cwd=ROOT, env=target.env(), timeout=MEASURE_TIMEOUT_S)
        if completed.returncode != 0 or not out.exists():
            raise RuntimeError(f"[{target.db}] measuring failed (exit {completed.returncode})")
        rows: list[dict[str, Any]] = json.loads(out.read_text())
        return rows


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def print_table(rows: list[dict[str, Any]]) -> None:
    by_key = {(r["name"], r["db"]): r for r in rows}
    header = ["page", "db", "median ms", "queries", "baseline ms", "ratio", "target", "met"]
    lines = [header]
    for r in rows:
        if r["unit"] != "ms":
            continue
        q = by_key.get((r["name"] + ".queries", r["db"]), {})
        queries = fmt(q.get("value"), 0)
        if q.get("baseline") is not None:
            queries += f" (admin {fmt(q['baseline'], 0)})"
        target = []
        if r["target"] is not None:
            target.append(f"≤{fmt(r['target'], 0)} ms")
        if r.get("max_ratio") is not None:
            target.append(f"ratio ≤{r['max_ratio']}")
        lines.append([
            r["name"], r["db"], fmt(r["value"]), queries, fmt(r["baseline"]), fmt(r["ratio"], 2),
            ", ".join(target) or "—", fmt(r["met"]),
        ])  # fmt: skip
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    print()
    for n, line in enumerate(lines):
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    for r in rows:
        if r.get("error") and r["unit"] == "ms":
            print(f"! {r['name']} [{r['db']}]: {r['error']}")
    print_throughput(rows)


def print_throughput(rows: list[dict[str, Any]]) -> None:
    jobs = [r for r in rows if r.get("kind") == "throughput"]
    if not jobs:
        return
    header = ["job", "db", "value", "baseline", "ratio", "limit", "target", "met"]
    lines = [header]
    for r in jobs:
        target = []
        if r["target"] is not None:
            target.append(f"{'≥' if r['higher_is_better'] else '≤'}{fmt(r['target'], 0)} {r['unit']}")
        if r.get("min_ratio") is not None:
            target.append(f"ratio {'≥' if r['higher_is_better'] else '≤'}{r['min_ratio']}")
        lines.append([
            r["name"], r["db"], f"{fmt(r['value'])} {r['unit']}", fmt(r["baseline"]), fmt(r["ratio"], 2),
            fmt(r.get("limit")), ", ".join(target) or "—", fmt(r["met"]),
        ])  # fmt: skip
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    print()
    for n, line in enumerate(lines):
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    for r in jobs:
        if r.get("error"):
            print(f"! {r['name']} [{r['db']}]: {r['error']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument("--only", default="", help="comma-separated entry names (default: all)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--rebuild", action="store_true", help="build the data sets again even if current")
    parser.add_argument("--measure", metavar="DB", help=argparse.SUPPRESS)  # child mode
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    only = {name for name in args.only.split(",") if name}
    unknown = only - {e.name for e in ENTRIES} - {e.name for e in THROUGHPUT}
    if unknown:
        parser.error(f"unknown entries: {', '.join(sorted(unknown))}")

    if args.measure:  # child: environment already selects the database
        measured = measure_all(args.measure, only=only, warmup=args.warmup, requests=args.requests)
        Path(args.out).write_text(json.dumps(measured, ensure_ascii=False))
        return 0

    targets: list[Target] = []
    if args.db in ("sqlite", "all"):
        targets.append(sqlite_target())
    if args.db in ("postgresql", "all"):
        pg = postgres_target()
        if pg is not None:
            targets.append(pg)
        elif args.db == "postgresql":
            return 1

    rows: list[dict[str, Any]] = []
    failed = False
    for target in targets:
        try:
            ensure_data(target, seed=args.seed, rebuild=args.rebuild)
            rows.extend(run_child(target, args))
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            print(f"!! {exc}", flush=True)
            failed = True

    print_table(rows)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    tmp = RESULTS.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    shutil.move(tmp, RESULTS)
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")
    return 1 if failed or any(r.get("error") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
