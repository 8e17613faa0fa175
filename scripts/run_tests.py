"""Every check the project has, in the order that fails fastest; `make test` and CI call this.

Steps (each ends as passed, failed or skipped; a summary table closes the run):

  ruff          ruff check . and ruff format --check .
  mypy          mypy imo (configuration in pyproject.toml)
  imports       lint-imports: the layer contracts in pyproject.toml
  migrations    imo makemigrations --check --dry-run
  sqlite        pytest, everything except tests marked e2e, on SQLite (parallel with pytest-xdist)
  postgresql    the same on PostgreSQL when a server is reachable (DATABASE_URL if it is a postgres
                URL, else postgres@127.0.0.1:5432); skipped otherwise
  browser       pytest -m e2e tests/e2e with Playwright driving /usr/bin/chromium (installed with
                apt-get when missing and we are root; never `playwright install`: no browser downloads)

With CI=true a skipped step is a failure: CI must prove everything, including "no tests collected"
(pytest's exit code 5). The exit code is non-zero when any step failed.

The last line is `total: N passed, M failed[, K skipped]`: the tests pytest ran plus each other check
counted as one, so a reader (or CI) sees at a glance whether tests ran at all.

Options: --only STEP[,STEP]  run just these steps;  --skip STEP[,STEP];  extra arguments after `--`
go to every pytest call (e.g. `-- -k orgs -x`). Environment: IMO_TEST_WORKERS=N|auto|0 for the
number of pytest-xdist workers (0 runs serially).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The venv's bin/ (ruff, mypy, lint-imports live beside its python); `make test` runs us with it, and a
# plain `python3 scripts/run_tests.py` still finds the project's .venv.
BIN = Path(sys.executable).parent
if not (BIN / "ruff").exists() and (ROOT / ".venv" / "bin" / "ruff").exists():
    BIN = ROOT / ".venv" / "bin"
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_PACKAGES = ["chromium", "fonts-dejavu-core", "fonts-liberation2"]
PG_TEST_URL = "postgres://postgres@127.0.0.1:5432/imo_test_base"
# A hung step must not eat CI's whole time budget (90 min); generous compared with normal runs.
STEP_TIMEOUT_S = 25 * 60
IS_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@dataclass
class Result:
    name: str
    status: str = "skipped"  # passed | failed | skipped
    note: str = ""
    seconds: float = 0.0
    # Test counts read from pytest's JUnit XML; a non-pytest check counts as one test.
    tests_passed: int = 0
    tests_failed: int = 0
    tests_skipped: int = 0


@dataclass
class Context:
    tmp: Path
    pytest_args: list[str]
    workers: str
    results: list[Result] = field(default_factory=list)


def banner(text: str) -> None:
    print(f"\n===== {text} " + "=" * max(0, 70 - len(text)), flush=True)


# The step running now (at most one), for the signal handler below.
_running: list[subprocess.Popen[bytes]] = []


def _stop_current(signum: int, _frame: object) -> None:
    """On SIGTERM/SIGHUP (CI stopping us, a closed terminal) stop the running step's whole group too."""
    for proc in _running:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    raise SystemExit(128 + signum)


def run(cmd: Sequence[str], env: dict[str, str] | None = None) -> int:
    """Run a command in its own process group, streaming its output; kill the whole group on timeout.

    A process group, because pytest-xdist workers and Chromium are grandchildren that a plain
    `subprocess.run(timeout=…)` would leave running.
    """
    print("$ " + " ".join(cmd), flush=True)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    _running.append(proc)
    try:
        return proc.wait(timeout=STEP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        print(f"!! timed out after {STEP_TIMEOUT_S} s, stopping", flush=True)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return 124
    except KeyboardInterrupt:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()
        raise
    finally:
        _running.remove(proc)


def base_env(ctx: Context, **extra: str) -> dict[str, str]:
    """The environment for child processes: the project on SQLite in a throw-away var directory.

    A scratch IMO_VAR_DIR keeps the checks away from the developer's demo database and media in var/.
    """
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env["IMO_VAR_DIR"] = str(ctx.tmp / "var")
    env["DJANGO_SETTINGS_MODULE"] = "imo.settings"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def check(ctx: Context, result: Result, *cmds: Sequence[str]) -> None:
    """A non-pytest check: passes when every command exits 0 (all are run, to show every problem)."""
    codes = [run(cmd, base_env(ctx)) for cmd in cmds]
    failed = [code for code in codes if code != 0]
    result.status = "failed" if failed else "passed"
    result.note = f"exit {failed[0]}" if failed else ""
    if failed:
        result.tests_failed = 1
    else:
        result.tests_passed = 1


def read_junit(path: Path) -> tuple[int, int, int]:
    """(passed, failed, skipped) from pytest's JUnit XML; errors count as failures."""
    if not path.exists():
        return 0, 0, 0
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    total = failed = skipped = 0
    for suite in suites:
        total += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return max(0, total - failed - skipped), failed, skipped


def pytest_step(ctx: Context, result: Result, args: list[str], env: dict[str, str]) -> None:
    junit = ctx.tmp / f"junit-{result.name}.xml"
    cmd = [str(BIN / "python"), "-m", "pytest", *args, f"--junitxml={junit}", *ctx.pytest_args]
    code = run(cmd, env)
    result.tests_passed, result.tests_failed, result.tests_skipped = read_junit(junit)
    if code == 0:
        result.status = "passed"
        result.note = f"{result.tests_passed} tests"
    elif code == 5:
        # pytest's "no tests collected". Locally that only means nobody wrote tests yet; CI turns it
        # into a failure (see finish()), so an empty or mis-selected suite can never pass silently.
        result.status = "skipped"
        result.note = "no tests collected (pytest exit 5)"
    else:
        result.status = "failed"
        result.note = f"pytest exit {code}, {result.tests_failed} failed"


def xdist_args(ctx: Context) -> list[str]:
    """`-n auto` when pytest-xdist is installed, unless IMO_TEST_WORKERS says otherwise.

    Each worker gets its own test database (SQLite in memory; PostgreSQL test_<name>_gwN), so the
    suite parallelises without shared state; IMO_TEST_WORKERS=0 is the escape hatch for debugging.
    """
    if ctx.workers in {"", "0", "1", "no"}:
        return []
    try:
        import xdist  # noqa: F401
    except ImportError:
        return []
    return ["-n", ctx.workers, "--dist", "load"]


# --- the steps ----------------------------------------------------------------------------------


def step_ruff(ctx: Context, result: Result) -> None:
    # Concise: one line per finding, so a CI log stays readable when there are many.
    check(
        ctx,
        result,
        [str(BIN / "ruff"), "check", "--output-format", "concise", "."],
        [str(BIN / "ruff"), "format", "--check", "."],
    )


def step_mypy(ctx: Context, result: Result) -> None:
    check(ctx, result, [str(BIN / "mypy"), "imo"])


def step_imports(ctx: Context, result: Result) -> None:
    check(ctx, result, [str(BIN / "lint-imports")])


def step_migrations(ctx: Context, result: Result) -> None:
    # `python -m imo.cli` rather than the `imo` script: works even before `pip install -e .`.
    check(ctx, result, [str(BIN / "python"), "-m", "imo.cli", "makemigrations", "--check", "--dry-run"])


def step_sqlite(ctx: Context, result: Result) -> None:
    # Browser tests are excluded twice over: by marker (tests anywhere marked e2e) and by path, so
    # that tests/e2e/conftest.py (which allows sync ORM calls inside Playwright's loop) is not loaded.
    args = ["-m", "not e2e", "--ignore=tests/e2e", *xdist_args(ctx)]
    pytest_step(ctx, result, args, base_env(ctx))


def postgres_url() -> str | None:
    """The URL to test on, or None when no PostgreSQL server answers."""
    configured = os.environ.get("DATABASE_URL", "")
    url = configured if configured.startswith(("postgres://", "postgresql://")) else PG_TEST_URL
    try:
        import psycopg
    except ImportError:
        return None
    try:
        # The maintenance database `postgres` always exists; pytest-django creates test_… itself.
        with psycopg.connect(url, dbname="postgres", connect_timeout=3):
            pass
    except psycopg.Error as exc:
        print(f"PostgreSQL not reachable at {url.split('@')[-1]}: {str(exc).strip()}", flush=True)
        return None
    return url


def step_postgresql(ctx: Context, result: Result) -> None:
    url = postgres_url()
    if url is None:
        result.note = "PostgreSQL not reachable (set DATABASE_URL or start a server on 127.0.0.1:5432)"
        print(result.note, flush=True)
        return
    args = ["-m", "not e2e", "--ignore=tests/e2e", *xdist_args(ctx)]
    pytest_step(ctx, result, args, base_env(ctx, DATABASE_URL=url))


def ensure_chromium() -> str | None:
    """Return None when /usr/bin/chromium is there (installing Debian's package as root if needed)."""
    if CHROMIUM.exists():
        return None
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return f"{CHROMIUM} missing; install it with: apt-get install -y {' '.join(BROWSER_PACKAGES)}"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update"], env)
    run(["apt-get", "install", "-y", *BROWSER_PACKAGES], env)
    return None if CHROMIUM.exists() else f"{CHROMIUM} still missing after apt-get install"


def step_browser(ctx: Context, result: Result) -> None:
    tests = sorted((ROOT / "tests" / "e2e").glob("**/test_*.py"))
    if not tests:
        result.note = "no browser tests yet (tests/e2e/test_*.py)"
        print(result.note, flush=True)
        return
    problem = ensure_chromium()
    if problem:
        result.note = problem
        print(problem, flush=True)
        return
    # Serial: one Chromium per core is already all a 2-core machine has. Screenshots of failures go to
    # test-results/ (git-ignored) for whoever reads the CI log.
    args = ["-m", "e2e", "tests/e2e", "-p", "no:xdist", "--screenshot", "only-on-failure"]
    pytest_step(ctx, result, args, base_env(ctx))


STEPS: dict[str, Callable[[Context, Result], None]] = {
    "ruff": step_ruff,
    "mypy": step_mypy,
    "imports": step_imports,
    "migrations": step_migrations,
    "sqlite": step_sqlite,
    "postgresql": step_postgresql,
    "browser": step_browser,
}


def finish(results: list[Result]) -> int:
    if IS_CI:
        for result in results:
            if result.status == "skipped":
                result.status = "failed"
                result.note = f"skipped under CI=true: {result.note}"
                result.tests_failed += 1
    width = max((len(r.name) for r in results), default=4)
    banner("summary")
    print(f"{'step':<{width}}  {'status':<7}  {'time':>6}  note")
    for r in results:
        print(f"{r.name:<{width}}  {r.status:<7}  {r.seconds:5.0f}s  {r.note}")
    counts = {s: sum(r.status == s for r in results) for s in ("passed", "failed", "skipped")}
    print(f"steps: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    passed = sum(r.tests_passed for r in results)
    failed = sum(r.tests_failed for r in results)
    skipped = sum(r.tests_skipped for r in results) + counts["skipped"]
    print(f"total: {passed} passed, {failed} failed, {skipped} skipped", flush=True)
    return 1 if counts["failed"] else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--only", default="", help="comma-separated steps to run: " + ", ".join(STEPS))
    parser.add_argument("--skip", default="", help="comma-separated steps not to run")
    opts = parser.parse_args(argv)
    only = [s for s in opts.only.split(",") if s]
    skip = {s for s in opts.skip.split(",") if s}
    unknown = (set(only) | skip) - set(STEPS)
    if unknown:
        parser.error(f"unknown step(s): {', '.join(sorted(unknown))}")

    signal.signal(signal.SIGTERM, _stop_current)
    signal.signal(signal.SIGHUP, _stop_current)
    with tempfile.TemporaryDirectory(prefix="imo-test-") as tmp:
        ctx = Context(tmp=Path(tmp), pytest_args=extra, workers=os.environ.get("IMO_TEST_WORKERS", "auto"))
        (ctx.tmp / "var").mkdir()
        for name, step in STEPS.items():
            if (only and name not in only) or name in skip:
                continue  # left out of the summary too, so CI=true does not count it as skipped
            result = Result(name)
            ctx.results.append(result)
            banner(name)
            started = time.monotonic()
            try:
                step(ctx, result)
            except Exception as exc:  # a broken step is reported, and the others still run
                result.status, result.note = "failed", f"{type(exc).__name__}: {exc}"
                result.tests_failed = max(result.tests_failed, 1)
            result.seconds = time.monotonic() - started
        return finish(ctx.results)


if __name__ == "__main__":
    sys.exit(main())
