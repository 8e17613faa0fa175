"""Organisations from Excel: upload → preview → commit → result (the pages of imo.core.imports).

Office editors import into the municipalities they work in; school admins and observers get 403.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse

from imo.core.access import AppRequest, requires
from imo.core.imports import views as import_views
from imo.core.imports.selectors import import_run_get_for
from imo.orgs.imports import ORGANIZATION_IMPORT

PERMISSION = ORGANIZATION_IMPORT.permission  # "orgs.add_organization": the office's editors


def _crumbs(*extra: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"label": "Образовательные организации", "url": reverse("orgs:list")},
        {"label": "Загрузка из Excel", "url": reverse("orgs:import")},
        *extra,
    ]


@requires(PERMISSION)
def organization_import(request: AppRequest) -> HttpResponse:
    return import_views.upload(
        request,
        spec=ORGANIZATION_IMPORT,
        breadcrumbs=[*_crumbs()[:1], {"label": "Загрузка из Excel"}],
        back_url=reverse("orgs:list"),
    )


@requires(PERMISSION)
def organization_import_template(request: AppRequest) -> HttpResponse:
    return import_views.template_download(request, spec=ORGANIZATION_IMPORT)


@requires(PERMISSION)
def organization_import_run(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=ORGANIZATION_IMPORT.kind)
    return import_views.run_page(
        request,
        spec=ORGANIZATION_IMPORT,
        run=run,
        breadcrumbs=_crumbs({"label": run.original_name}),
        done_url=reverse("orgs:list"),
    )


@requires(PERMISSION)
def organization_import_status(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=ORGANIZATION_IMPORT.kind)
    return import_views.status(request, spec=ORGANIZATION_IMPORT, run=run)


@requires(PERMISSION)
def organization_import_commit(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=ORGANIZATION_IMPORT.kind)
    return import_views.commit(request, spec=ORGANIZATION_IMPORT, run=run)


@requires(PERMISSION)
def organization_import_errors(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=ORGANIZATION_IMPORT.kind)
    return import_views.errors_download(request, spec=ORGANIZATION_IMPORT, run=run)
