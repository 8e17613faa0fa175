"""Import declarations by kind. Apps declare theirs in `<app>/imports.py` (found on first use)."""

from __future__ import annotations

from django.utils.module_loading import autodiscover_modules

from imo.core.imports.spec import ImportSpec

_registry: dict[str, ImportSpec] = {}
_discovered = {"done": False}


def register(spec: ImportSpec) -> ImportSpec:
    _registry[spec.kind] = spec
    return spec


def _discover() -> None:
    if not _discovered["done"]:
        _discovered["done"] = True
        autodiscover_modules("imports")


def get(kind: str) -> ImportSpec | None:
    if kind not in _registry:
        _discover()
    return _registry.get(kind)


def kinds() -> list[str]:
    _discover()
    return sorted(_registry)
