"""The static files' storage of production: WhiteNoise's hashed and compressed files, each file's address
worked out once per process.

`{% static %}` asks the storage for an address on every page (the base layout names six files): the
hashed name is looked up in the manifest, then the address joined and quoted, ~25 µs each. The manifest
is read when the process starts and does not change until the next `collectstatic` and restart, so the
answer is kept."""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class KeptURLStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kept_urls: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or name is None:
            return super().url(name, force)
        found = self._kept_urls.get(name)
        if found is None:
            found = self._kept_urls[name] = super().url(name)
        return found
