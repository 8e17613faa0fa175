"""The fault of issue #10 item 4 run under load: PostgreSQL restarted in the middle of `make loadtest`.

`make loadtest ARGS=--restart-postgres` (loadtest/run.py) starts a `Fault` beside locust: after a delay
it restarts the PostgreSQL server (`pg_ctlcluster <version> <cluster> restart` for the cluster on the
database's port, found with `pg_lsclusters`; else `service postgresql restart`; or --pg-restart-cmd)
and probes a page that reads the database every 0.25 s until it answers 200 again. `judge` then checks
and writes bench/results/pg_restart.json:

- the server kept running (the same `imo serve` process, never restarted);
- requests failed only during the outage (from the restart until the first good probe, plus a grace
  of a few seconds for requests already in flight), and every failed page was a Russian one;
- requests succeeded again within RECOVERY_LIMIT_S of the restart (CONN_HEALTH_CHECKS drops the dead
  connections; nothing restarts the server);
- no data lost: every write the load was told succeeded is in the database afterwards (rows counted
  before and after the run against the successful writes locust recorded).
"""

from __future__ import annotations

import json
import shlex
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "pg_restart.json"
RECOVERY_LIMIT_S = 30.0
# Requests that started before the restart may fail just after the server is back.
GRACE_S = 5.0


def restart_command(url: str) -> list[str]:
    """How to restart the PostgreSQL server of `url` on this machine (Debian's cluster tools first)."""
    port = str(urlsplit(url).port or 5432)
    try:
        listed = subprocess.run(["pg_lsclusters", "--no-header"], check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError):
        return ["service", "postgresql", "restart"]
    for line in listed.stdout.splitlines():
        version, cluster, cluster_port, *_ = line.split()
        if cluster_port == port:
            return ["pg_ctlcluster", version, cluster, "restart"]
    return ["service", "postgresql", "restart"]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
    except OSError as error:
        return 0, str(error)


@dataclass
class Fault:
    """Restart PostgreSQL after `delay` seconds and time the way back (run in a thread)."""

    url: str
    probe: str
    delay: float
    command: str | None = None
    restart_started: float | None = None
    restart_finished: float | None = None
    recovered: float | None = None
    restart_exit: int | None = None
    probe_failures: list[dict[str, Any]] = field(default_factory=list)
    used_command: list[str] = field(default_factory=list)

    def run(self) -> None:
        time.sleep(self.delay)
        self.used_command = shlex.split(self.command) if self.command else restart_command(self.url)
        print(f"[fault] restarting PostgreSQL: {' '.join(self.used_command)}", flush=True)
        self.restart_started = time.time()
        # No pipes: a postmaster started by the command would inherit them and keep this call waiting.
        completed = subprocess.run(
            self.used_command, check=False, cwd="/", stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL
        )
        self.restart_finished = time.time()
        self.restart_exit = completed.returncode
        deadline = self.restart_started + 120
        while time.time() < deadline:
            status, body = _get(self.probe)
            if status == 200:
                self.recovered = time.time()
                break
            self.probe_failures.append({"status": status, "russian": _is_russian(body)})
            time.sleep(0.25)
        took = f"{self.recovered - self.restart_started:.1f} s" if self.recovered else "no recovery"
        print(f"[fault] PostgreSQL restart exit {self.restart_exit}; pages answer again: {took}", flush=True)


def _is_russian(body: str) -> bool:
    from loadtest.locustfile import RUSSIAN_ERROR

    return bool(RUSSIAN_ERROR.search(body))


def judge(
    fault: Fault,
    *,
    events: Path,
    before: dict[str, int],
    after: dict[str, int],
    server_alive: bool,
    load: dict[str, Any],
    out: Path = RESULTS,
) -> dict[str, Any]:
    """Check the outcome, write it to `out`, print a summary; returns the outcome."""
    lines = events.read_text(encoding="utf-8").splitlines() if events.exists() else []
    recorded = [json.loads(line) for line in lines]
    failures = [e for e in recorded if e["kind"] == "failure"]
    writes: dict[str, int] = {}
    for event in recorded:
        if event["kind"] == "write":
            writes[event["what"]] = writes.get(event["what"], 0) + 1

    start = fault.restart_started
    end = (fault.recovered or float("inf")) + GRACE_S
    outside = [f for f in failures if start is None or not (start <= f["t"] <= end)]
    # A dropped connection (status 0) is no Russian page either: the user would see the browser's error.
    not_russian = [f for f in failures if not f["russian"]]
    recovery_s = round(fault.recovered - start, 2) if fault.recovered and start else None
    imported = after["import_runs"] - before["import_runs"]
    submitted = after["tokens_responded"] - before["tokens_responded"]
    checks = {
        "restart_ran": fault.restart_exit == 0,
        "server_kept_running": server_alive,
        "errors_only_during_outage": not outside,
        "error_pages_russian": not not_russian,
        "recovered_by_itself": recovery_s is not None and recovery_s <= RECOVERY_LIMIT_S,
        "no_import_lost": imported >= writes.get("import_run", 0),
        "no_answer_lost": submitted >= writes.get("survey_submit", 0),
    }
    outcome = {
        "passed": all(checks.values()),
        "checks": checks,
        "restart_command": " ".join(fault.used_command),
        "recovery_s": recovery_s,
        "recovery_limit_s": RECOVERY_LIMIT_S,
        "failed_requests": len(failures),
        "failed_outside_outage": len(outside),
        "failed_statuses": sorted({str(f.get("status")) for f in failures}),
        "failed_not_russian": len(not_russian),
        "failures": [
            {**f, "t": round(f["t"] - start, 2) if start else None} for f in failures[:30]
        ],  # t: seconds after the restart began
        "probe_failures": len(fault.probe_failures),
        "probe_statuses": sorted({str(p["status"]) for p in fault.probe_failures}),
        "writes_acknowledged": writes,
        "rows_before": before,
        "rows_after": after,
        "load": {k: load[k] for k in ("rps", "p50_ms", "p95_ms", "p99_ms", "requests", "errors")},
        "commit": load.get("commit"),
        "date": load.get("date"),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(outcome, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("\nPostgreSQL restart under load:")
    for name, passed in checks.items():
        print(f"  {'ok ' if passed else 'NO '} {name.replace('_', ' ')}")
    print(
        f"  recovery {recovery_s} s; {len(failures)} failed requests ({len(outside)} outside the outage, "
        f"statuses {', '.join(sorted({str(f.get('status')) for f in failures})) or '—'}); "
        f"acknowledged writes {writes}; "
        f"rows {before} → {after}"
    )
    print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return outcome
