"""Pages and figures that many people read and few change, kept for a while in the shared "pages" cache.

What is cached: the public pages anonymous visitors open (published olympiad results, news, the front
page) and the heavy figures of dashboards and analytics, keyed by what decides them (the user's scope,
the filters). Never a page with a form token, a message or a cookie of its own (see `anonymous_page`).

Three guards keep what is shown current:
- generations: each topic (an app's data: "olympiads", "library", …) has a generation in the cache, and a
  cached item's key holds the generations it was computed under, so a change to the topic makes every
  such item unreachable at once — across gunicorn's processes, without listing keys. Every statement that
  writes to a table of a topic's app bumps it (see `connect`).
  A bump inside a transaction takes effect when it commits: bumping before, a reader in between could
  store the old data under the new generation.
- your own writes: until it commits, the thread that bumped a topic reads that topic's items afresh, so
  a page right after a save shows the save.
- a lifetime (TIMEOUT), the bound on staleness for a write that escapes both (made outside this program).
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.signals import request_started
from django.db import connection, connections, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

CACHE_ALIAS = "pages"
# The generations live apart from the items: culling the items' cache (it holds at most MAX_ENTRIES)
# must never drop a generation, which would make items of an older one reachable again.
GENERATIONS_ALIAS = "page_generations"
TIMEOUT = 120  # seconds; see the module's docstring
# Apps whose data the cached items show; a row saved in any other app (sessions, the audit log, jobs)
# changes nothing cached.
TOPICS = frozenset(
    {
        "orgs",
        "staff",
        "reference",
        "olympiads",
        "library",
        "surveys",
        "attestation",
        "training",
        "mentorship",
        "portal",
    }
)

T = TypeVar("T")

_local = threading.local()


def _cache() -> Any:
    return caches[CACHE_ALIAS]


def _generations() -> Any:
    return caches[GENERATIONS_ALIAS]


def _dirty() -> set[str]:
    dirty: set[str] | None = getattr(_local, "dirty", None)
    if dirty is None:
        dirty = _local.dirty = set()
    return dirty


def _set_generations(topics: Iterable[str]) -> None:
    stamp = time.time_ns()
    _generations().set_many({f"gen:{topic}": stamp for topic in topics}, timeout=None)


def _committed(topics: frozenset[str]) -> None:
    _set_generations(topics)
    _dirty().difference_update(topics)


def _in_transaction() -> bool:
    return bool(connection.in_atomic_block)


def bump(*topics: str) -> None:
    """The data of `topics` changed: its cached items are stale (now, or once the transaction commits)."""
    changed = frozenset(topics)
    if not changed:
        return
    if _in_transaction():
        fresh = changed - _dirty()
        if fresh:
            _dirty().update(fresh)
            transaction.on_commit(functools.partial(_committed, fresh))
        return
    _set_generations(changed)


def clear() -> None:
    """Forget every kept item and generation: the database was replaced under the cache (a restore, a
    flush, a new copy), and generations count changes, not states."""
    _cache().clear()
    _generations().clear()


def forget_own_writes() -> None:
    """Drop the thread's marks of its own writes (a rolled-back transaction leaves them behind)."""
    _dirty().clear()


def _request_started(**kwargs: Any) -> None:
    """A request begins outside any transaction, so the thread's marks are leftovers: drop them. Inside
    one (a test's transaction around its requests) they are the writes the request must see."""
    if not _in_transaction():
        forget_own_writes()


def _key(name: str, parts: Iterable[Any], topics: tuple[str, ...]) -> str:
    generations = _generations().get_many([f"gen:{topic}" for topic in topics])
    stamps = (f"{topic}={generations.get(f'gen:{topic}', 0)}" for topic in topics)
    text = "\x1f".join([name, *(str(part) for part in parts), *stamps])
    return "item:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def user_parts(user: Any) -> tuple[Any, ...]:
    """The `parts` of an item kept per user: who they are and what of their account decides what they
    may see (the scope itself comes from memberships, a topic's data)."""
    return (user.pk, getattr(user, "is_superuser", False), getattr(user, "is_active", False))


def cached(
    name: str,
    *,
    topics: Iterable[str],
    parts: Iterable[Any],
    compute: Callable[[], T],
    timeout: int = TIMEOUT,
    own_writes: Iterable[str] = (),
) -> T:
    """`compute()`, or its value stored earlier for the same `name` and `parts` under the topics' current
    generations, at most `timeout` seconds ago. `parts` must hold everything the value depends on besides
    the topics' data (the user's scope, the filters); the value must pickle. `own_writes`: apps the value
    also reads but whose changes may show late (within `timeout`), except to the thread that made them."""
    ordered = tuple(sorted(set(topics)))
    if not settings.IMO_PAGE_CACHE or _dirty().intersection(ordered) or _dirty().intersection(own_writes):
        return compute()
    key = _key(name, parts, ordered)
    found = _cache().get(key)
    if found is not None:
        return found[0]
    value = compute()
    _cache().set(key, (value,), timeout=timeout)  # a tuple: a stored None is a value too
    return value


def rendered(
    name: str,
    *,
    topics: Iterable[str],
    parts: Iterable[Any],
    template: str,
    context: Callable[[], dict[str, Any]],
    own_writes: Iterable[str] = (),
    timeout: int = TIMEOUT,
) -> SafeString:
    """`template` rendered with `context()` (no request, so no context processors: the part of a page
    that is the same for everyone with the same `parts`), kept as `cached` keeps a value. For the tables
    of figures that cost more to draw than to count (a school × year grid of a few thousand cells)."""
    html = cached(
        name,
        topics=topics,
        parts=parts,
        own_writes=own_writes,
        timeout=timeout,
        compute=lambda: render_to_string(template, context()),
    )
    return mark_safe(html)  # rendered, and escaped, by Django's templates


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    # A visitor with a session or pending messages may see something of their own on the page.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    # A page holding a form token (the view called get_token) or setting a cookie belongs to one visitor.
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def anonymous_page(*topics: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator for public pages: anonymous visitors get the page as rendered for the last one
    (same address, same topics' generations); signed-in users always get it rendered for them."""

    ordered = tuple(sorted(topics))

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        name = f"page:{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if (
                not settings.IMO_PAGE_CACHE
                or not _cacheable_request(request)
                or _dirty().intersection(ordered)
            ):
                return view(request, *args, **kwargs)
            htmx = request.headers.get("HX-Request", "")
            key = _key(name, [request.get_full_path(), htmx], ordered)
            found = _cache().get(key)
            if found is not None:
                content, content_type = found
                return HttpResponse(content, content_type=content_type)
            # base.html leaves out the htmx form token on such a page: the page has no form of its own
            # (a page that has one asks for the token, and is then not kept: _cacheable_response).
            request.imo_shared_page = True  # type: ignore[attr-defined]
            response = view(request, *args, **kwargs)
            if _cacheable_response(request, response):
                _cache().set(key, (response.content, response["Content-Type"]), timeout=TIMEOUT)
            return response

        return wrapped

    return decorator


_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(([a-z0-9]+)_[a-z0-9_]*)', re.IGNORECASE)
# Tables written as a side effect of reading: the log of who viewed personal data gets a row per profile
# page an office or school admin opens. No kept page shows it, and bumping "staff" for it would throw away
# every kept staff page each time someone merely looked at a card.
NOT_TOPICS = frozenset({"staff_personaldataaccess", "staff_personaldataaccess_educators"})


def _topic_of(sql: str) -> str | None:
    """The topic a statement writes to: the app label its table's name starts with (Django names tables
    <app>_<model>, and no app label of the project has an underscore)."""
    found = _WRITE.match(sql)
    if found is None or found.group(1).lower() in NOT_TOPICS:
        return None
    app = found.group(2).lower()
    return app if app in TOPICS else None


def _watch_writes(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
    result = execute(sql, params, many, context)
    topic = _topic_of(sql) if isinstance(sql, str) else None
    if topic is not None:
        _local.writes = writes_seen() + 1
        bump(topic)
    return result


def writes_seen() -> int:
    """How many statements this thread has written to topics' tables: an answer remembered for the
    length of a request (a permission asked a dozen times on one page) is good while this is unchanged."""
    return int(getattr(_local, "writes", 0))


def _install(sender: Any, connection: Any, **kwargs: Any) -> None:
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def _after_migrate(**kwargs: Any) -> None:
    clear()


def connect() -> None:
    """Watch every statement each database connection runs: one that inserts, updates or deletes rows of a
    topic's table bumps the topic — ORM saves, bulk operations and the services' own SQL alike, so no
    write path can forget to. Called once, from CoreConfig.ready."""
    connection_created.connect(_install, dispatch_uid="imo.pagecache.connection")
    # `migrate` and `flush` (the demo's reset, a test's flush) both end with post_migrate.
    post_migrate.connect(_after_migrate, dispatch_uid="imo.pagecache.migrate")
    request_started.connect(_request_started, dispatch_uid="imo.pagecache.request")
    for existing in connections.all(initialized_only=True):
        _install(None, existing)
