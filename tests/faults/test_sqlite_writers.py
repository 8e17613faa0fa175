"""Fault: many people save at once on the default SQLite database (one writer at a time).

`imo serve` (gunicorn, several processes and threads) on a file database; 8 office users each save an
educator's card 25 times, all at the same time. Every answer is a redirect (saved), none a 500 or the
«database unavailable» page, and each of the 200 saves is in the database (its own audit log entry).
WAL and IMMEDIATE transactions make writers queue on SQLite's lock instead of failing on it; the busy timeout
(SQLITE_OPTIONS in imo/settings.py) is how long one may wait. The same scenario runs on PostgreSQL when the
tests do.
"""

from __future__ import annotations

import json
import socket
import threading
from collections import Counter

import pytest
import requests

from imo.core.conflicts import VERSION_FIELD
from tests.faults.support import FormFields, python, scratch_database, start, stop, wait_for

pytestmark = pytest.mark.django_db(transaction=True)  # the scenario copies the migrated test database

USERS = 8
SAVES = 25

PREPARE = f"""
import json
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from imo.orgs.tests.factories import make_district, make_user_with_role
from imo.staff.tests.factories import make_educator

district = make_district()
people = []
for n in range({USERS}):
    user = make_user_with_role("methodist", district.municipality, username=f"methodist{{n}}")
    educator = make_educator(municipality=district.municipality, school=district.school_a)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "imo.accounts.backends.UsernameOrEmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    people.append({{"session": session.session_key, "educator": educator.pk}})
print(json.dumps(people))
"""

PROBE = """
import json
from auditlog.models import LogEntry
from imo.staff.models import Educator
result = {}
for educator in Educator.objects.all():
    updates = LogEntry.objects.get_for_object(educator).filter(action=LogEntry.Action.UPDATE)
    result[educator.pk] = {"phone": educator.phone, "updates": updates.count()}
print(json.dumps(result))
"""

CSRF = "a" * 32  # an unmasked secret, sent as both the cookie and the header


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_concurrent_saves_all_succeed(tmp_path):
    with scratch_database(tmp_path, "sqlite_writers") as database:
        people = json.loads(python(database, PREPARE, timeout=180).strip().splitlines()[-1])
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = start(
            database,
            "serve",
            "--port",
            str(port),
            "--workers",
            "3",
            "--threads",
            "4",
            "--no-with-worker",
            log=tmp_path / "serve.log",
        )
        statuses: Counter[int] = Counter()
        problems: list[str] = []
        lock = threading.Lock()
        try:

            def up() -> bool:
                try:
                    return requests.get(f"{base}/", timeout=5).status_code < 500
                except requests.RequestException:
                    return False

            wait_for(up, timeout=120, every=0.5, what="imo serve to answer")
            barrier = threading.Barrier(len(people))

            def save_many(person: dict, index: int) -> None:
                session = requests.Session()
                session.cookies.set("sessionid", person["session"])
                session.cookies.set("csrftoken", CSRF)
                url = f"{base}/staff/{person['educator']}/edit/"
                page = session.get(url, timeout=60)
                parser = FormFields()
                parser.feed(page.text)
                form = next(fields for fields in parser.forms if any(n == VERSION_FIELD for n, _ in fields))
                data = {name: value for name, value in form if name != VERSION_FIELD}
                barrier.wait(timeout=120)
                for n in range(SAVES):
                    data["phone"] = f"8-900-{index:03d}-{n:02d}-00"
                    try:
                        answer = session.post(
                            url,
                            data=data,
                            headers={"X-CSRFToken": CSRF, "Referer": url},
                            allow_redirects=False,
                            timeout=120,
                        )
                    except requests.RequestException as error:
                        with lock:
                            problems.append(f"{index}/{n}: {error}")
                        continue
                    with lock:
                        statuses[answer.status_code] += 1
                        if answer.status_code != 302:
                            problems.append(f"{index}/{n}: {answer.status_code} {answer.text[:300]}")

            threads = [
                threading.Thread(target=save_many, args=(person, index))
                for index, person in enumerate(people)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=600)
        finally:
            stop(server)
        log = (tmp_path / "serve.log").read_text(errors="replace")
        assert not problems, f"{statuses}\n" + "\n".join(problems[:10]) + f"\n{log[-3000:]}"
        assert statuses == Counter({302: USERS * SAVES})
        assert "database is locked" not in log

        saved = json.loads(python(database, PROBE).strip().splitlines()[-1])
        for index, person in enumerate(people):
            educator = saved[str(person["educator"])]
            assert educator["phone"] == f"8-900-{index:03d}-{SAVES - 1:02d}-00"
            assert educator["updates"] == SAVES  # every save is in the database, none lost
