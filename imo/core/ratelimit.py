"""Counting requests in fixed windows with Django's cache (the "ratelimit" cache, shared by the server's
worker processes): `allow(...)` answers whether one more request of a kind from a key is within its limit.

Fixed windows (e.g. each clock hour) are enough for abuse limits: at most twice the limit passes around a
window's edge. Keys are hashed, so e-mail addresses never appear in the cache's files.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import caches

CACHE_ALIAS = "ratelimit"


def allow(*, scope: str, key: str, limit: int, period: int) -> bool:
    """Count one request of `scope` by `key`; True while at most `limit` were counted in this period."""
    if limit <= 0:
        return True  # a limit of 0 switches the check off
    cache = caches[CACHE_ALIAS]
    window = int(time.time() // period)
    digest = hashlib.sha256(key.strip().lower().encode("utf-8")).hexdigest()[:32]
    cache_key = f"rl:{scope}:{window}:{digest}"
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period)
        count = 1
    return count <= limit
