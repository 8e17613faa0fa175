"""The load of `make loadtest`: who uses the system at once, and what they do (issue #10, item 3).

A realistic mix for a working day in a region, by weight of simulated users:
- office staff (head, methodists, secretary, observer) browse lists and statistics: educators with
  filters, organisations, staff statistics, olympiad results and analytics, library search;
- school admins preview a small Excel import of educators and save an educator card of their school;
- teachers answer a survey: the answer page, a draft save, and one submit per token;
- anonymous visitors read the public home, news and published olympiad results.

Each simulated user signs in once (a session, as a browser would) and then only browses. Who signs in
as whom comes from the plan loadtest/run.py writes (LOADTEST_PLAN); teachers' tokens are handed out in
order, so an anonymous survey is answered at most once per token. Writes that succeeded are counted in
LOADTEST_EVENTS (one JSON line per write or failure), which the PostgreSQL restart check compares with
the rows in the database afterwards.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import itertools
import json
import os
import random
import re
import threading
import time
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["LOADTEST_PLAN"], encoding="utf-8") as _plan:
    PLAN: dict[str, Any] = json.load(_plan)
EVENTS_PATH = os.environ.get("LOADTEST_EVENTS", "")
PASSWORD = PLAN["password"]
# What the Russian error pages say (imo/core/views.py and the outage page of imo/core/middleware.py).
RUSSIAN_ERROR = re.compile("[А-Яа-яЁё]{3,}")

_lock = threading.Lock()
_counters: dict[str, itertools.count[int]] = {}


def _next(kind: str) -> int:
    """The next index into PLAN[kind], shared by every simulated user of this process."""
    with _lock:
        return next(_counters.setdefault(kind, itertools.count()))


def _record(event: dict[str, Any]) -> None:
    if not EVENTS_PATH:
        return
    line = json.dumps({"t": time.time(), **event}, ensure_ascii=False)
    with _lock, open(EVENTS_PATH, "a", encoding="utf-8") as out:
        out.write(line + "\n")


@events.request.add_listener
def _on_request(
    request_type: str, name: str, response: Any, exception: Any, response_time: float, **_: Any
) -> None:
    """Every failed request, with whether its page was a Russian one (the outage check reads these)."""
    if exception is None:
        return
    status = getattr(response, "status_code", None)
    body = getattr(response, "text", "") or ""
    _record({
        "kind": "failure", "name": name, "method": request_type, "status": status,
        "russian": bool(RUSSIAN_ERROR.search(body)), "error": str(exception)[:200],
    })  # fmt: skip


def _saved(response: Any) -> bool:
    """A save the server accepted: the redirect after a good POST, followed to a page that answered."""
    return response is not None and bool(response.history) and 200 <= response.status_code < 400


class FormFields(HTMLParser):
    """The fields of the page's main POST form as a browser would send them unchanged: text values,
    the checked radio buttons and boxes (the first radio of a group when none is checked), the selected
    options. The logout form in the header is skipped."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._form: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []
        self._radios: dict[str, bool] = {}

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:  # noqa: PLR0912
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "form":
            is_post = attrs.get("method", "").lower() == "post"
            self._form = [] if is_post and "logout" not in attrs.get("action", "") else None
            self._radios = {}
            return
        if self._form is None or ("name" not in attrs and tag != "option"):
            return
        name = attrs.get("name", "")
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind == "radio":
                checked = "checked" in attrs
                if checked or name not in self._radios:
                    self._form[:] = [(k, v) for k, v in self._form if k != name]
                    self._form.append((name, attrs.get("value", "on")))
                self._radios[name] = self._radios.get(name, False) or checked
            elif kind == "checkbox":
                if "checked" in attrs:
                    self._form.append((name, attrs.get("value", "on")))
            else:
                self._form.append((name, attrs.get("value", "")))
        elif tag == "select":
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs and not self._select_chosen:
                self._form.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._form is None:
            return
        if tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self._form.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form.append((self._textarea, "".join(self._text).strip("\n")))
            self._textarea = None
        elif tag == "form":
            self.forms.append(self._form)
            self._form = None


def form_fields(html: str) -> list[tuple[str, str]]:
    """The biggest POST form of the page (the one the page is about)."""
    parser = FormFields()
    parser.feed(html)
    return max(parser.forms, key=len, default=[])


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1) if found else ""


def _snils(body: str) -> str:
    """A valid СНИЛС for a 9-digit body (the checksum rule of the Pension Fund)."""
    total = sum(int(digit) * weight for digit, weight in zip(body, range(9, 0, -1), strict=True))
    check = total % 101 if total > 99 else total
    check = 0 if check in (100, 101) else check
    return f"{body[:3]}-{body[3:6]}-{body[6:]} {check:02d}"


def small_import_file(rng: random.Random) -> bytes:
    """A staff list of three people in the template's columns, as a school would upload it."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([
        "Ф.И.О.", "Пол", "Дата рождения", "СНИЛС", "Должность", "Предмет(ы)",
        "Основное/совместительство", "Нагрузка, ч/нед", "Дата приёма", "Дата увольнения",
        "Стаж пед.", "Категория",
    ])  # fmt: skip
    people = (("Нагрузкина", "Мария Петровна"), ("Тестова", "Анна Ивановна"), ("Пробная", "Ольга Юрьевна"))
    for surname, name in people:
        sheet.append([
            f"{surname} {name}", "ж", dt.date(1980 + rng.randrange(15), 3, 15),
            _snils(f"{rng.randrange(100_000_000, 999_999_999)}"), "Учитель", "Математика", "основное",
            18, dt.date(2015, 9, 1), "", "8 лет", "первая",
        ])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


IMPORT_FILES = 32


@functools.cache
def import_files() -> tuple[bytes, ...]:
    """Staff lists to upload, made once per load process: building one with openpyxl takes ~15 ms of
    CPU, which the load tool would take from the server on every upload. 32 differ in dates and СНИЛС."""
    return tuple(small_import_file(random.Random(seed)) for seed in range(IMPORT_FILES))


class Browsing(FastHttpUser):
    """A browser: keeps its cookies and kept-alive connections, follows redirects.

    FastHttpUser (geventhttpclient) rather than HttpUser (requests): the load tool runs on the same two
    cores as the server, and requests spent ~2 ms of CPU per page the server did not get.

    A GET is resent once when a kept-alive connection was closed under it, as browsers do (without this
    the race would be counted as a server error); geventhttpclient never resends a POST (RFC 9110).
    A 503 with Retry-After (the outage page) is an answer to count, not to resend: only failed
    connections are retried, never an HTTP status.
    """

    abstract = True
    max_retries = 1

    def post_form(self, url: str, fields: list[tuple[str, str]], name: str, **kwargs: Any) -> Any:
        """POST fields as a browser's form does (repeated names kept, in order)."""
        body: Any = urlencode(fields).encode()  # bytes go out as they are (the type hint says str)
        headers = {
            "Referer": f"{self.host}{url}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Content-Length": str(len(body)),
        }
        return self.client.post(url, data=body, name=name, headers=headers, **kwargs)


class SignedIn(Browsing):
    """A user who signs in once, at the start, as the next account of PLAN[self.accounts]."""

    abstract = True
    accounts = ""
    account: dict[str, Any]

    def on_start(self) -> None:
        pool = PLAN[self.accounts]
        self.account = pool[_next(self.accounts) % len(pool)]
        page = self.client.get("/accounts/login/", name="login (form)")
        fields = [
            ("username", self.account["username"]),
            ("password", PASSWORD),
            ("csrfmiddlewaretoken", csrf_of(page.text or "")),
        ]
        response = self.post_form("/accounts/login/", fields, "login", allow_redirects=False)
        if response.status_code != 302:
            raise RuntimeError(f"cannot sign in as {self.account['username']}: {response.status_code}")

    def save_form(self, url: str, name: str, extra: dict[str, str] | None = None) -> Any:
        """GET a form page and POST it back as it is (plus `extra`): what a user saving it does."""
        page = self.client.get(url, name=f"{name} (form)")
        if page.status_code != 200:
            return None
        fields = [*form_fields(page.text or ""), *(extra or {}).items()]
        return self.post_form(url, fields, name)


class OfficeStaff(SignedIn):
    """Head, methodists, secretary, observer: lists and statistics all day."""

    weight = 4
    accounts = "office"
    wait_time = between(1, 3)

    @task(4)
    def educators(self) -> None:
        self.client.get("/staff/?per_page=100", name="/staff/ list")

    @task(3)
    def educators_filtered(self) -> None:
        query = random.choice(PLAN["educator_filters"])
        self.client.get(f"/staff/?{query}", name="/staff/ list filtered")

    @task(2)
    def organizations(self) -> None:
        self.client.get("/organizations/?per_page=100", name="/organizations/")

    @task(2)
    def statistics(self) -> None:
        self.client.get("/staff/statistics/", name="/staff/statistics/")

    @task(1)
    def olympiad_analytics(self) -> None:
        self.client.get("/olympiads/analytics/", name="/olympiads/analytics/")

    @task(1)
    def olympiad_results(self) -> None:
        self.client.get("/olympiads/results/office/", name="/olympiads/results/office/")

    @task(2)
    def library_search(self) -> None:
        query = random.choice(PLAN["library_queries"])
        self.client.get(f"/library/?{urlencode({'q': query})}", name="/library/?q=")

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="/ (signed in)")


class SchoolAdmin(SignedIn):
    """A school's deputy head: uploads a staff list to see the preview, corrects an educator card."""

    weight = 3
    accounts = "school_admins"
    wait_time = between(1, 3)

    @task(3)
    def educators(self) -> None:
        self.client.get("/staff/", name="/staff/ list (school)")

    @task(3)
    def edit_educator(self) -> None:
        pk = random.choice(self.account["educators"])
        response = self.save_form(f"/staff/{pk}/edit/", "/staff/[id]/edit/ save")
        if _saved(response):
            _record({"kind": "write", "what": "educator_save"})

    @task(1)
    def import_preview(self) -> None:
        page = self.client.get("/staff/import/", name="/staff/import/ (form)")
        if page.status_code != 200:
            return  # no form, nothing to upload (the failure is counted already)
        data = {"csrfmiddlewaretoken": csrf_of(page.text or "")}
        content = random.choice(import_files())
        with self.client.post(
            "/staff/import/",
            data=data,
            files={"file": ("педагоги.xlsx", content, "application/octet-stream")},
            headers={"Referer": f"{self.host}/staff/import/"},
            name="/staff/import/ upload",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or "/staff/import/" not in location:
                # The form again: the file was refused (a broken load, not a slow server).
                response.failure(f"upload refused: {response.status_code}")
                return
        _record({"kind": "write", "what": "import_run"})
        self.client.get(location, name="/staff/import/[id]/ preview")


class Teacher(SignedIn):
    """A teacher with an open survey: opens it, saves a draft now and then, sends it once."""

    weight = 2
    accounts = "teachers"
    wait_time = between(2, 5)
    drafts_before_submit = 3

    def on_start(self) -> None:
        super().on_start()
        self.drafts = 0
        self.sent = False

    @task(1)
    def my_surveys(self) -> None:
        self.client.get("/surveys/answer/", name="/surveys/answer/")

    @task(3)
    def answer(self) -> None:
        url = f"/surveys/answer/{self.account['survey']}/"
        if self.sent:
            self.client.get(url, name="/surveys/answer/[id]/ (sent)")
            return
        submit = self.drafts >= self.drafts_before_submit
        name = "/surveys/answer/[id]/ submit" if submit else "/surveys/answer/[id]/ draft"
        response = self.save_form(url, name, {"submit" if submit else "draft": "1"})
        if _saved(response):
            if submit:
                self.sent = True
                _record({"kind": "write", "what": "survey_submit"})
            else:
                self.drafts += 1
                _record({"kind": "write", "what": "survey_draft"})


class Visitor(Browsing):
    """Anyone on the internet: the public home, news and the published olympiad results."""

    weight = 3
    wait_time = between(1, 4)

    @task(2)
    def home(self) -> None:
        self.client.get("/", name="/ (public)")

    @task(2)
    def news(self) -> None:
        self.client.get("/news/", name="/news/")

    @task(3)
    def olympiad_results(self) -> None:
        index = self.client.get("/olympiads/results/", name="/olympiads/results/")
        links = sorted(set(re.findall(r'href="(/olympiads/results/[^"?#]+/)"', index.text or "")))
        links = [link for link in links if "/office/" not in link and "/check/" not in link]
        if links:
            self.client.get(random.choice(links), name="/olympiads/results/[page]")
