"""`make loadtest`: many people using `imo serve` at once on PostgreSQL with region-scale data.

What it does:

1. Gets the data set: by default a fresh copy (`imo_loadtest`) of the benchmark's region-scale
   PostgreSQL database `imo_bench`, which is built the way `make bench` builds it when missing or stale
   (bench/run.py's `ensure_data`, reused), so the load's writes never reach the benchmark's data;
   `--database-url` points it at another PostgreSQL database, used as it is (e.g. a district demo
   for a quick trial).
2. Prepares who signs in (a child process with Django on that database): office staff, school admins
   with the educators of their school, and teachers each with their own open survey token — demo
   users where they exist; teachers get `load_teacher_<n>` accounts (the demo password) linked to
   educators with open tokens when the demo has too few. Written to a plan file for the locustfile.
3. Starts `imo serve` (gunicorn, its default workers and threads) bound to 127.0.0.1 with production
   settings (DEBUG off, hashed static files served by WhiteNoise, persistent connections with health
   checks) except plain http, and waits for it to answer.
4. Runs locust headless on loopback with loadtest/locustfile.py's mix: first the ramp (every simulated user
   started and signed in, --users / --spawn-rate seconds), then LOADTEST_SECONDS (default 300) of steady
   load, the part the figures describe; failures count over the whole run. Then it stops the server and
   writes bench/results/loadtest.json:
   {"rps", "p50_ms", "p95_ms", "p99_ms", "requests", "errors", "duration_s", "ramp_s", "users", "mix",
   "target", "met", "server", "cpu", "machine", "commit", "date", "per_request"}.
   "cpu" is where the machine's CPU went during the steady load (loadtest/cpu.py): cores used by the
   server, PostgreSQL, the load tool and the rest, the idle share, and the server's CPU milliseconds per
   request — steadier between runs than requests/s on a shared machine, so the figure to compare commits
   by. "machine" holds the CPU count and how long a fixed Python loop took before the run.
5. With --restart-postgres, restarts the PostgreSQL server in the middle of the run and checks how the
   system lived through it (loadtest/pg_restart.py; bench/results/pg_restart.json).

    python loadtest/run.py [--seconds 300] [--users 200] [--spawn-rate 5] [--database-url URL]
                           [--restart-postgres [--restart-at 0.4] [--pg-restart-cmd "..."]]

Exit code: 0 when the run had no errors (and, with --restart-postgres, the fault checks passed).
The target (≥ 100 requests/s at p95 ≤ 500 ms) is reported, not enforced: it depends on the machine.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench`, `loadtest` and `imo` importable
    sys.path.insert(0, str(ROOT))

from bench.run import DEFAULT_SEED, Target, ensure_data, postgres_target  # noqa: E402
from loadtest.cpu import SteadyWindow, python_loop_seconds  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "loadtest.json"
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
TARGET_RPS = 100.0
TARGET_P95_MS = 500.0
# People at work at once across the region. Each waits 1–5 s between actions, as people reading a page do,
# so one simulated user asks ~0.5 requests/s: 100 requests/s needs ~200 of them (60 could never ask more
# than ~25/s however fast the server answered).
USERS = 200
# Teachers answering at once; each needs a token of their own (an anonymous survey takes one answer).
TEACHERS_WANTED = 60
MIX = {  # simulated users by kind: the weights of the locustfile's user classes
    "office staff: lists, statistics, olympiad results, library search": 4,
    "school admins: import preview, educator card save": 3,
    "teachers: survey answer page, draft, submit": 2,
    "anonymous visitors: home, news, public olympiad results": 3,
}


# --- 2. the plan (runs in a child with Django set up) -----------------------------------------------


def prepare_plan() -> dict[str, Any]:
    """Who signs in as what. Reuses the demo users; adds teacher accounts for open tokens if needed."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.db.models import Q
    from django.utils import timezone

    from imo.orgs.demo import DEMO_PASSWORD
    from imo.orgs.models import Membership, Role
    from imo.staff.models import Educator, Employment
    from imo.surveys.models import AudienceKind, RespondentToken

    office_roles = [Role.HEAD, Role.METHODIST, Role.SECRETARY, Role.OBSERVER]
    office = list(
        Membership.objects.filter(role__in=office_roles, user__is_active=True)
        .order_by("pk")
        .values_list("user__username", flat=True)
        .distinct()
    )
    school_admins = []
    admins = Membership.objects.filter(role=Role.SCHOOL_ADMIN, user__is_active=True).order_by("pk")
    for membership in admins.select_related("user")[:200]:
        educators = list(
            Employment.objects.filter(organization_id=membership.organization_id, ends_on__isnull=True)
            .order_by("educator_id")
            .values_list("educator_id", flat=True)[:20]
        )
        if educators:
            school_admins.append({"username": membership.user.username, "educators": educators})

    now = timezone.now()
    open_tokens = (
        RespondentToken.objects.filter(
            survey__audience=AudienceKind.EDUCATORS,
            survey__is_published=True,
            survey__is_template=False,
            responded=False,
            educator__erased_at__isnull=True,
        )
        .filter(Q(survey__opens_at__isnull=True) | Q(survey__opens_at__lte=now))
        .filter(Q(survey__closes_at__isnull=True) | Q(survey__closes_at__gt=now))
        .order_by("survey_id", "pk")
    )
    teachers: list[dict[str, Any]] = []
    users = get_user_model()
    taken: set[int] = set()
    with_accounts = open_tokens.filter(educator__user__isnull=False)
    for educator_id, username, survey_id in with_accounts.values_list(
        "educator_id", "educator__user__username", "survey_id"
    ):
        if educator_id not in taken:  # one token per person: they answer one survey at a time
            taken.add(educator_id)
            teachers.append({"username": username, "survey": survey_id})
    missing = TEACHERS_WANTED - len(teachers)
    if missing > 0:
        # The demo links only a few teachers to accounts; give more educators with open tokens one,
        # as the office would by inviting them. Named load_teacher_<educator id>, reused by later runs.
        password = make_password(DEMO_PASSWORD)
        without = open_tokens.filter(educator__user__isnull=True)
        with transaction.atomic():
            for educator_id, survey_id in without.values_list("educator_id", "survey_id")[: missing * 3]:
                if educator_id in taken or len(teachers) >= TEACHERS_WANTED:
                    continue
                educator = Educator.objects.get(pk=educator_id)
                school_id = (
                    Employment.objects.filter(educator=educator, ends_on__isnull=True)
                    .values_list("organization_id", flat=True)
                    .first()
                )
                if school_id is None:
                    continue
                user = users.objects.create(
                    username=f"load_teacher_{educator.pk}",
                    email=f"load_teacher_{educator.pk}@example.ru",
                    last_name=educator.last_name,
                    first_name=educator.first_name,
                    password=password,
                )
                Membership.objects.create(user=user, organization_id=school_id, role=Role.TEACHER)
                Educator.objects.filter(pk=educator.pk).update(user=user)
                taken.add(educator_id)
                teachers.append({"username": user.username, "survey": survey_id})
    return {
        "password": DEMO_PASSWORD,
        "office": [{"username": name} for name in office],
        "school_admins": school_admins,
        "teachers": teachers,
        "educator_filters": [
            "per_page=100&age=45-49",
            "per_page=50&sort=-experience",
            "q=%D0%B0%D0%BB%D0%B8",  # "али"
            "per_page=100&sort=age",
        ],
        "library_queries": ["программа", "урок", "олимпиада", "методические рекомендации", "математика"],
    }


def write_counts() -> dict[str, int]:
    """Rows the load writes, counted in the database (child with Django set up)."""
    import django

    django.setup()
    from imo.core.imports.models import ImportRun
    from imo.surveys.models import RespondentToken, Response

    return {
        "import_runs": ImportRun.objects.count(),
        "tokens_responded": RespondentToken.objects.filter(responded=True).count(),
        "responses": Response.objects.count(),
    }


# --- helpers of the parent ------------------------------------------------------------------------


def server_env(target: Target) -> dict[str, str]:
    env = target.env()
    env.update(
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        IMO_PLAIN_STATIC="0",  # the production manifest storage: collectstatic runs at start
        IMO_PAGE_CACHE="1",  # production serves with the page cache (the bench measures without it)
        STATIC_ROOT=str(target.var_dir / "static"),
        LOG_LEVEL="WARNING",
    )
    return env


def child(target: Target, mode: str, out: Path) -> Any:
    """Run this file in `mode` (plan | counts) with Django on the target's database."""
    cmd = [sys.executable, str(Path(__file__).resolve()), f"--{mode}", str(out)]
    completed = subprocess.run(cmd, check=False, cwd=ROOT, env=server_env(target), timeout=600)
    if completed.returncode != 0:
        raise RuntimeError(f"`{mode}` failed (exit {completed.returncode})")
    return json.loads(out.read_text(encoding="utf-8"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"`imo serve` exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"`imo serve` did not answer {url} in {timeout:.0f} s")


def start_server(target: Target, port: int, log: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "imo.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        return subprocess.Popen(cmd, cwd=ROOT, env=server_env(target), stdout=out, stderr=subprocess.STDOUT)


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()  # gunicorn stops its workers on SIGTERM
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def ramp_seconds(users: int, spawn_rate: float) -> int:
    """How long starting every simulated user (and signing each in) takes."""
    return math.ceil(users / spawn_rate)


def run_locust(
    *, host: str, seconds: int, users: int, spawn_rate: float, plan: Path, events: Path, prefix: Path
) -> int:
    """Locust for the ramp (every user started and signed in) plus `seconds` of steady load; the figures
    are those of the steady part (--reset-stats): people sign in once a day, not once per five minutes,
    so 200 Argon2 sign-ins in the first minute are not the load of any five minutes of a working day.
    Failures are counted over the whole run all the same (the events file: see `failures_in`)."""
    total = ramp_seconds(users, spawn_rate) + seconds
    cmd = [
        str(Path(sys.executable).with_name("locust")), "-f", str(LOCUSTFILE), "--headless",
        "--host", host, "--users", str(users), "--spawn-rate", str(spawn_rate), "--reset-stats",
        "--run-time", f"{total}s", "--stop-timeout", "10", "--csv", str(prefix), "--only-summary",
        "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]  # fmt: skip
    env = {**os.environ, "LOADTEST_PLAN": str(plan), "LOADTEST_EVENTS": str(events)}
    return subprocess.run(cmd, check=False, cwd=ROOT, env=env).returncode


def failures_in(events: Path) -> int:
    """Failed requests of the whole run, the ramp included (the locustfile records each one)."""
    if not events.exists():
        return 0
    with events.open(encoding="utf-8") as lines:
        return sum(1 for line in lines if '"kind": "failure"' in line)


def read_stats(prefix: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The Aggregated row and the per-request rows of locust's <prefix>_stats.csv."""
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        rows = list(csv.DictReader(stats))

    def row(r: dict[str, str]) -> dict[str, Any]:
        return {
            "name": f"{r['Type']} {r['Name']}".strip(),
            "requests": int(r["Request Count"]),
            "errors": int(r["Failure Count"]),
            "rps": round(float(r["Requests/s"]), 2),
            "p50_ms": float(r["50%"] or 0),
            "p95_ms": float(r["95%"] or 0),
            "p99_ms": float(r["99%"] or 0),
        }

    total = next(r for r in rows if r["Name"] == "Aggregated")
    return row(total), [row(r) for r in rows if r["Name"] != "Aggregated"]


def with_cost_per_request(cpu: dict[str, Any] | None, rps: float) -> dict[str, Any] | None:
    """The steady window's CPU figures plus the server's CPU milliseconds per request (None: no figures)."""
    if cpu is None:
        return None
    server_cores = cpu["cores"]["server"]
    return {**cpu, "server_ms_per_request": round(server_cores * 1000 / rps, 1) if rps else None}


def cpu_line(cpu: dict[str, Any] | None, machine: dict[str, Any]) -> str:
    """The summary's line about where the CPU went, for the console."""
    speed = f"a 5-million-step Python loop took {machine['python_loop_s']} s"
    if cpu is None:
        return f"CPU by process: not measured (no /proc, or the run ended early); {speed}"
    cores = cpu["cores"]
    idle = cpu["idle_share"]
    idle_text = f"{idle:.0%}" if idle is not None else "?"
    return (
        f"CPU during {cpu['window_s']} s of steady load, in cores of {machine['cpus']}: "
        f"server {cores['server']} ({cpu['server_ms_per_request']} ms per request), "
        f"PostgreSQL {cores['database']}, load tool {cores['load_tool']}, other {cores['other']}; "
        f"idle {idle_text}; {speed}"
    )


def git_commit() -> str:
    completed = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], check=False, cwd=ROOT, capture_output=True, text=True
    )
    return completed.stdout.strip()


def server_settings(workers: int | None, threads: int | None) -> dict[str, Any]:
    from imo.core.management.commands.serve import _default_workers

    return {
        "workers": workers or int(os.environ.get("IMO_WORKERS", _default_workers())),
        "threads": threads or int(os.environ.get("IMO_THREADS", "4")),
        "worker_class": "gthread",
        "debug": False,
        "conn_max_age_s": 60,
        "conn_health_checks": True,
        "static": "WhiteNoise, hashed and compressed",
    }


# --- main -------------------------------------------------------------------------------------------

LOAD_DATABASE = "imo_loadtest"


def fresh_copy(bench: Target) -> Target:
    """A copy of the benchmark's data set made for this run (CREATE DATABASE … TEMPLATE: a file copy,
    seconds): the load's writes (sign-ins, drafts, imports, saves) never reach the data `make bench`
    measures, and every run starts from the same state."""
    import psycopg

    admin_url = bench.url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{LOAD_DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{LOAD_DATABASE}" TEMPLATE "{bench.url.rsplit("/", 1)[-1]}"')
    url = bench.url.rsplit("/", 1)[0] + f"/{LOAD_DATABASE}"
    target = Target("postgresql", url, bench.var_dir.parent / "loadtest")
    target.var_dir.mkdir(parents=True, exist_ok=True)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("LOADTEST_SECONDS", "300")))
    parser.add_argument("--users", type=int, default=int(os.environ.get("LOADTEST_USERS", str(USERS))))
    parser.add_argument("--spawn-rate", type=float, default=5.0, help="users started per second")
    parser.add_argument("--database-url", help="a PostgreSQL database to use as it is (default: imo_bench)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--out", help=f"where the load figures go (default {RESULTS.name}; with --restart-postgres, var)"
    )
    parser.add_argument("--restart-postgres", action="store_true", help="restart PostgreSQL mid-run")
    parser.add_argument("--restart-at", type=float, default=0.4, help="when, as a share of the run")
    parser.add_argument("--pg-restart-cmd", help="how to restart the server (default: found on this machine)")
    parser.add_argument("--plan", metavar="OUT", help=argparse.SUPPRESS)  # child modes
    parser.add_argument("--counts", metavar="OUT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.plan:
        Path(args.plan).write_text(json.dumps(prepare_plan(), ensure_ascii=False), encoding="utf-8")
        return 0
    if args.counts:
        Path(args.counts).write_text(json.dumps(write_counts()), encoding="utf-8")
        return 0

    if args.database_url:
        if not args.database_url.startswith(("postgres://", "postgresql://")):
            parser.error("--database-url must be a PostgreSQL database")
        name = args.database_url.rsplit("/", 1)[-1]
        target = Target("postgresql", args.database_url, ROOT / "var" / "loadtest" / name)
        target.var_dir.mkdir(parents=True, exist_ok=True)
        # The data stay as they are; the schema follows the code (what ensure_data's demo run does).
        migrate = [sys.executable, "-m", "imo.cli", "migrate", "--noinput", "-v", "0"]
        subprocess.run(migrate, check=True, cwd=ROOT, env=server_env(target), timeout=600)
    else:
        found = postgres_target()
        if found is None:
            print("make loadtest needs PostgreSQL (127.0.0.1:5432 or DATABASE_URL).", file=sys.stderr)
            return 1
        ensure_data(found, seed=args.seed, rebuild=False)
        target = fresh_copy(found)

    work = Path(tempfile.mkdtemp(prefix="imo-loadtest-"))
    try:
        return run(args, target, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, target: Target, work: Path) -> int:
    from loadtest import pg_restart

    plan_file, events = work / "plan.json", work / "events.jsonl"
    plan = child(target, "plan", plan_file)
    print(
        f"plan: {len(plan['office'])} office staff, {len(plan['school_admins'])} school admins, "
        f"{len(plan['teachers'])} teachers with open surveys",
        flush=True,
    )
    if not plan["office"] or not plan["school_admins"] or not plan["teachers"]:
        print("the data set lacks users for the mix", file=sys.stderr)
        return 1
    before = child(target, "counts", work / "counts.json")
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    # The database is a new copy: pages an earlier run kept (imo/core/pagecache.py) describe another one.
    for kept in ("pages", "page_generations"):
        shutil.rmtree(target.var_dir / "cache" / kept, ignore_errors=True)
    machine = {"cpus": os.cpu_count(), "python_loop_s": python_loop_seconds()}  # before the load
    server = start_server(target, port, work / "server.log")
    fault: pg_restart.Fault | None = None
    window = SteadyWindow(
        server=server.pid, starts_in=ramp_seconds(args.users, args.spawn_rate), lasts=args.seconds
    )
    try:
        wait_until_up(f"{host}/", server)
        print(f"imo serve at {host}; locust for {args.seconds} s, {args.users} users…", flush=True)
        if args.restart_postgres:
            fault = pg_restart.Fault(
                url=target.url,
                probe=f"{host}/news/",
                delay=ramp_seconds(args.users, args.spawn_rate) + args.seconds * args.restart_at,
                command=args.pg_restart_cmd,
            )
            threading.Thread(target=fault.run, daemon=True).start()
        started = time.monotonic()
        window.start()
        run_locust(
            host=host, seconds=args.seconds, users=args.users, spawn_rate=args.spawn_rate,
            plan=plan_file, events=events, prefix=work / "locust",
        )  # fmt: skip
        duration = time.monotonic() - started - ramp_seconds(args.users, args.spawn_rate)
        server_alive = server.poll() is None
    finally:
        cpu = window.stop()
        stop_server(server)
        # Kept for reading afterwards (the temporary folder goes): var/…/loadtest-server.log.
        shutil.copy(work / "server.log", target.var_dir / "loadtest-server.log")
        log = (work / "server.log").read_text(encoding="utf-8", errors="replace")
        tail = log.strip().splitlines()[-15:]
        if tail:
            print("server log (last lines):\n  " + "\n  ".join(tail))
    after = child(target, "counts", work / "counts.json")

    total, per_request = read_stats(work / "locust")
    result = {
        "rps": total["rps"],
        "p50_ms": total["p50_ms"],
        "p95_ms": total["p95_ms"],
        "p99_ms": total["p99_ms"],
        "requests": total["requests"],
        "errors": max(total["errors"], failures_in(events)),
        "duration_s": round(duration, 1),
        "ramp_s": ramp_seconds(args.users, args.spawn_rate),
        "users": args.users,
        "mix": MIX,
        "target": {"rps": TARGET_RPS, "p95_ms": TARGET_P95_MS, "errors": 0},
        "met": total["rps"] >= TARGET_RPS and total["p95_ms"] <= TARGET_P95_MS and total["errors"] == 0,
        "server": server_settings(None, None),
        "cpu": with_cost_per_request(cpu, total["rps"]),
        "machine": machine,
        "database": target.url.rsplit("/", 1)[-1],
        "restart_postgres": bool(args.restart_postgres),
        "commit": git_commit(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "per_request": per_request,
    }
    out = Path(args.out) if args.out else results_path(args.restart_postgres, target.var_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print_summary(result)
    print(f"wrote {out}")
    ok = total["errors"] == 0
    if fault is not None:
        outcome = pg_restart.judge(
            fault, events=events, before=before, after=after, server_alive=server_alive, load=result
        )
        ok = outcome["passed"]
    return 0 if ok else 1


def results_path(restart_postgres: bool, var_dir: Path) -> Path:
    """Where the load figures go: a run with the restart fault must not replace the plain run's figures
    (its requests fail during the outage by design); its outcome goes to pg_restart.json."""
    return var_dir / "loadtest-restart.json" if restart_postgres else RESULTS


def print_summary(result: dict[str, Any]) -> None:
    width = max(len(r["name"]) for r in result["per_request"])
    print(f"\n{'request'.ljust(width)}  {'count':>6}  {'errors':>6}  {'p50':>6}  {'p95':>6}  {'p99':>6}")
    for r in sorted(result["per_request"], key=lambda r: -r["requests"]):
        print(
            f"{r['name'].ljust(width)}  {r['requests']:>6}  {r['errors']:>6}  "
            f"{r['p50_ms']:>6.0f}  {r['p95_ms']:>6.0f}  {r['p99_ms']:>6.0f}"
        )
    print(
        f"\nTOTAL {result['requests']} requests in {result['duration_s']} s: {result['rps']} req/s, "
        f"p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms, "
        f"errors {result['errors']}  (target ≥ {TARGET_RPS:.0f} req/s at p95 ≤ {TARGET_P95_MS:.0f} ms, "
        f"0 errors: {'met' if result['met'] else 'NOT met'})"
    )
    print(cpu_line(result["cpu"], result["machine"]))


if __name__ == "__main__":
    sys.exit(main())
