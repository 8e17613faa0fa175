"""What the fault scenarios share: a scratch database of the kind the tests run on (a file SQLite database, or
a PostgreSQL database of its own on the server of DATABASE_URL), `imo …` subprocesses pointed at it, and
plain SQL from the test process to watch it while those processes run.

The scenarios need real processes (a worker killed with SIGKILL, a server with several workers), so they
cannot use pytest-django's test database: that one lives in the test process (SQLite in memory) or inside
its transaction.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.db import connection

REPO = Path(__file__).resolve().parents[2]


@dataclass
class ScratchDatabase:
    url: str
    vendor: str
    sqlite_path: Path | None = None

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "DATABASE_URL": self.url,
                "DEBUG": "0",
                "ALLOWED_HOSTS": "localhost,127.0.0.1",
                "PYTHONUNBUFFERED": "1",
                **extra,
            }
        )
        return env

    def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read from the test process (SQL with %s placeholders)."""
        if self.vendor == "sqlite":
            assert self.sqlite_path is not None
            with sqlite3.connect(self.sqlite_path, timeout=20) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(self.url) as db:
            return db.execute(sql, params).fetchall()  # type: ignore[arg-type]

    def write_locked(self) -> bool:
        """SQLite: another process holds the write lock right now (its write transaction is open)."""
        assert self.sqlite_path is not None
        db = sqlite3.connect(self.sqlite_path, timeout=0, isolation_level=None)
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                return True
            raise
        finally:
            db.close()


@contextmanager
def scratch_database(tmp_path: Path, suffix: str) -> Iterator[ScratchDatabase]:
    """A copy of the (migrated, empty) test database that other processes can open: a file for SQLite (the
    online backup API), a database made from it as a template for PostgreSQL (dropped afterwards).
    Copying instead of migrating keeps a scenario well under a minute. Needs `django_db(transaction=True)`:
    nothing of the test's own may be open in a transaction."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        import psycopg

        template = settings["NAME"]
        name = f"{template}_{suffix}"[:60]
        server = {
            "user": settings.get("USER") or "postgres",
            "host": settings.get("HOST") or "127.0.0.1",
            "port": str(settings.get("PORT") or 5432),
            "password": settings.get("PASSWORD") or "",
        }
        connection.close()  # a template must have no other connections
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        auth = quote(server["user"]) + (f":{quote(server['password'])}" if server["password"] else "")
        try:
            yield ScratchDatabase(
                url=f"postgres://{auth}@{server['host']}:{server['port']}/{name}", vendor="postgresql"
            )
        finally:
            with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path / f"{suffix}.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        yield ScratchDatabase(url=f"sqlite:///{path}", vendor="sqlite", sqlite_path=path)


def imo(database: ScratchDatabase, *args: str, timeout: float = 120, **env: str) -> str:
    """Run `imo <args>` against the scratch database; its output, or the test fails with it."""
    done = subprocess.run(
        [sys.executable, "-m", "imo.cli", *args],
        check=False,  # the assertion below shows the output
        cwd=REPO,
        env=database.env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"imo {' '.join(args)}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def python(database: ScratchDatabase, code: str, *, timeout: float = 120, **env: str) -> str:
    """Run `code` in `imo shell` against the scratch database (the project's code, not the test's)."""
    return imo(database, "shell", "--no-imports", "-c", code, timeout=timeout, **env)


def start(database: ScratchDatabase, *args: str, log: Path, **env: str) -> subprocess.Popen[bytes]:
    """Start `imo <args>` in the background in its own process group (so it is killed as a whole)."""
    return subprocess.Popen(
        [sys.executable, "-m", "imo.cli", *args],
        cwd=REPO,
        env=database.env(**env),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, wait: float = 20) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
    try:
        process.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=wait)


def wait_for(condition: Any, *, timeout: float, every: float = 0.05, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"waited {timeout} s for {what or condition}")


class FormFields(HTMLParser):
    """The values a browser would post from each POST form of a page (file inputs left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._in_form = False
        self._select: tuple[str, bool] | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
            self.forms.append([])
        if not self._in_form:
            return
        fields = self.forms[-1]
        name = a.get("name", "")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields.append((name, a.get("value", "on")))
            elif kind not in ("file", "submit", "button", "reset", "image"):
                fields.append((name, a.get("value", "")))
        elif tag == "select" and name and "disabled" not in a:
            self._select = (name, "multiple" in a)
            self._select_first, self._select_chosen = None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                fields.append((self._select[0], value))
                self._select_chosen = True
        elif tag == "textarea" and name and "disabled" not in a:
            self._textarea, self._text = name, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select" and self._select:
            name, multiple = self._select
            if not multiple and not self._select_chosen and self._select_first is not None:
                self.forms[-1].append((name, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.forms[-1].append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text += data
