"""Reads of import runs: a run is seen only by the user who uploaded it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from imo.core.imports.models import ImportRun


def import_run_get_for(*, user: Any, pk: int, kind: str) -> ImportRun:
    """The user's own run of this kind, else 404 (whether or not it exists)."""
    run = ImportRun.objects.filter(pk=pk, kind=kind, created_by_id=user.pk).first()
    if run is None:
        raise Http404("Загрузка не найдена.")
    return run


def import_runs_recent(*, user: Any, kind: str, limit: int = 5) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(created_by_id=user.pk, kind=kind).order_by("-created_at", "-pk")[:limit]
