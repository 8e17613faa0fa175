"""The shared file cache lists its directory to cull at most every CULL_EVERY_SECONDS per process."""

from __future__ import annotations

from pathlib import Path

import pytest

from imo.core import filecache
from imo.core.filecache import SharedFileCache


@pytest.fixture
def cache(tmp_path: Path) -> SharedFileCache:
    return SharedFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 4, "CULL_FREQUENCY": 2}})


def _files(cache: SharedFileCache) -> int:
    return len(list(Path(cache._dir).glob("*.djcache")))  # type: ignore[attr-defined]


def test_sets_do_not_list_the_directory_between_culls(cache, monkeypatch) -> None:
    listings: list[int] = []
    original = SharedFileCache._list_cache_files  # type: ignore[attr-defined]

    def counted(self: SharedFileCache) -> list[str]:
        listings.append(1)
        return original(self)

    monkeypatch.setattr(SharedFileCache, "_list_cache_files", counted)
    for n in range(10):
        cache.set(f"k{n}", n)
    assert len(listings) == 1  # the first set looked, the next nine did not
    assert cache.get("k9") == 9


def test_an_overfull_directory_is_culled_at_the_next_look(cache, monkeypatch) -> None:
    for n in range(10):
        cache.set(f"k{n}", n)
    assert _files(cache) == 10  # more than MAX_ENTRIES: no look yet
    monkeypatch.setattr(filecache.time, "monotonic", lambda: 10**9)
    cache.set("late", 1)
    assert _files(cache) == 6  # half of the ten culled (CULL_FREQUENCY 2), then the new item
