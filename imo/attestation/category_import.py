"""The category history import: its bulk write and its pages (upload → preview → commit → result).

`category_import_many` is to this import what `imo.staff.bulk.educator_import_many` is to the staff list:
new categories inserted in one statement (COPY / executemany), changed ones in bulk_update, one audit entry
per created or changed category as django-auditlog's signals would write it.

Pages (the framework's, imo.core.imports.views) under /attestation/import/, URL names attestation:import,
attestation:import_template, attestation:import_run, attestation:import_status, attestation:import_commit,
attestation:import_errors. Who: office editors and the superuser (their scope), school admins (the
educators working at their school now); observers and teachers get 403, another user's run 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from imo.attestation.imports import CATEGORY_IMPORT, PERMISSION
from imo.attestation.models import QualificationCategory
from imo.core.access import AppRequest, requires
from imo.core.imports import views as import_views
from imo.core.imports.audit import log_bulk_changes
from imo.core.imports.bulk import insert, reserve_ids, validate_fields
from imo.core.imports.selectors import import_run_get_for
from imo.core.imports.spec import Progress, no_progress

SPEC = CATEGORY_IMPORT
_UPDATE_BATCH = 500
_FIELDS = ("kind", "order_number", "order_date", "awarded_on", "valid_until")


@transaction.atomic
def category_import_many(
    *,
    creates: list[dict[str, Any]],
    updates: list[tuple[QualificationCategory, dict[str, Any]]],
    by: Any | None = None,
    progress: Progress = no_progress,
) -> tuple[list[QualificationCategory], list[QualificationCategory]]:
    """Create categories (`educator_id`, kind, awarded_on, order_number, order_date, valid_until) and
    change existing ones ({field: new value}) in a few statements. The rules of `category_clean` are the
    caller's (the import checks every row against the database and the file before); the model's field
    checks and its constraint (end date not before the award) run here, and a broken row saves nothing.
    Returns (created, changed)."""
    new = [
        QualificationCategory(
            educator_id=data["educator_id"],
            **{key: data.get(key) for key in _FIELDS},
        )
        for data in creates
    ]
    for category in new:
        category.order_number = category.order_number or ""
    pairs: list[tuple[QualificationCategory | None, QualificationCategory]] = [(None, c) for c in new]
    concrete = QualificationCategory._meta.concrete_fields
    changed: list[QualificationCategory] = []
    names: set[str] = set()
    now = timezone.now()
    for category, data in updates:
        old = QualificationCategory(**{f.attname: getattr(category, f.attname) for f in concrete})
        for key, value in data.items():
            if key not in _FIELDS:
                raise ValueError(f"Поле {key} загрузкой не меняется.")
            setattr(category, key, "" if key == "order_number" and value is None else value)
            names.add(key)
        category.updated_at = now
        changed.append(category)
        pairs.append((old, category))
    errors = [
        f"{category}: {' '.join(messages)}"
        for category, messages in validate_fields([*new, *changed], exclude=["educator"])
    ]
    errors.extend(
        f"{category}: срок действия не может закончиться раньше даты присвоения."
        for category in (*new, *changed)
        if category.valid_until is not None and category.valid_until < category.awarded_on
    )
    if errors:
        raise ValidationError(errors[:20])
    progress(20, f"Сохранение категорий: новых {len(new)}…")
    for category, pk in zip(new, reserve_ids(QualificationCategory, len(new)), strict=True):
        category.pk = pk
    insert(new)
    for category in new:
        category._state.adding = False
        category._state.db = "default"
    if changed:
        progress(60, f"Изменение категорий: {len(changed)}…")
        QualificationCategory.objects.bulk_update(
            changed, sorted(names | {"updated_at"}), batch_size=_UPDATE_BATCH
        )
    progress(85, "Запись в журнал изменений…")
    log_bulk_changes(pairs, by=by)
    progress(100, "Сохранено")
    return new, changed


# --- pages ---------------------------------------------------------------------------------------


def _due_url() -> str:
    return reverse("attestation:due")


def _crumbs(*extra: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"label": "Аттестация: что требует внимания", "url": _due_url()},
        {"label": "Загрузка категорий из Excel", "url": reverse("attestation:import")},
        *extra,
    ]


@requires(PERMISSION)
def category_import(request: AppRequest) -> HttpResponse:
    return import_views.upload(
        request,
        spec=SPEC,
        breadcrumbs=[*_crumbs()[:1], {"label": "Загрузка категорий из Excel"}],
        back_url=_due_url(),
    )


@requires(PERMISSION)
def category_import_template(request: AppRequest) -> HttpResponse:
    return import_views.template_download(request, spec=SPEC)


@requires(PERMISSION)
def category_import_run(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=SPEC.kind)
    return import_views.run_page(
        request, spec=SPEC, run=run, breadcrumbs=_crumbs({"label": run.original_name}), done_url=_due_url()
    )


@requires(PERMISSION)
def category_import_status(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=SPEC.kind)
    return import_views.status(request, spec=SPEC, run=run)


@requires(PERMISSION)
def category_import_commit(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=SPEC.kind)
    return import_views.commit(request, spec=SPEC, run=run)


@requires(PERMISSION)
def category_import_errors(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=SPEC.kind)
    return import_views.errors_download(request, spec=SPEC, run=run)


# Included by imo/attestation/urls.py under "import/" (names in the "attestation" namespace).
urlpatterns: list[URLPattern] = [
    path("", category_import, name="import"),
    path("template/", category_import_template, name="import_template"),
    path("<int:pk>/", category_import_run, name="import_run"),
    path("<int:pk>/status/", category_import_status, name="import_status"),
    path("<int:pk>/commit/", category_import_commit, name="import_commit"),
    path("<int:pk>/errors/", category_import_errors, name="import_errors"),
]
