"""The file cache the worker processes share (page cache, rate-limit counters), culled now and then.

Django's FileBasedCache lists its whole directory on every set() to decide whether it must cull. The page
cache keeps an item per user and scope (menus, memberships, dashboards), so under `make loadtest` the
directory held hundreds of files after two minutes and each set() spent ~5 ms listing them, more than
computing most of the items it was keeping. Here each process looks at most every CULL_EVERY_SECONDS;
the directory may exceed MAX_ENTRIES by what is written in between, and is then culled as Django does.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY_SECONDS = 30.0


class SharedFileCache(FileBasedCache):
    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        super().__init__(dir, params)
        self._next_cull = 0.0

    def _cull(self) -> None:
        now = time.monotonic()
        if now < self._next_cull:
            return
        self._next_cull = now + CULL_EVERY_SECONDS
        super()._cull()  # type: ignore[misc]  # private in the stubs, present in Django
