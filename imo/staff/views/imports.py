"""Staff lists from Excel: upload → preview → commit → result (the pages of imo.core.imports).

Who: the office's editors (into any active educational organisation of their scope, chosen on the form)
and school admins (into their own school only; the form offers nothing else and the import checks the
organisation again on the server). Observers and teachers get 403; another user's run answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, URLPattern, path, reverse

from imo.core.access import AppRequest, requires
from imo.core.imports import views as import_views
from imo.core.imports.selectors import import_run_get_for
from imo.staff.imports import EDUCATOR_IMPORT, EDUCATOR_TEMPLATE

PERMISSION = EDUCATOR_IMPORT.permission  # "staff.import_educators"
SPEC = EDUCATOR_IMPORT


def _list_url() -> str:
    try:
        return reverse("staff:list")
    except NoReverseMatch:  # the list is another part of the section
        return ""


def _crumbs(*extra: dict[str, str]) -> list[dict[str, str]]:
    first = {"label": "Педагогические работники", "url": _list_url()}
    return [first, {"label": "Загрузка из Excel", "url": reverse("staff:import")}, *extra]


@requires(PERMISSION)
def educator_import(request: AppRequest) -> HttpResponse:
    choosing = request.method == "POST" and not request.POST.get("scope")
    # Several organisations to choose from and none chosen: the list would go nowhere.
    if choosing and len(SPEC.scope_choices(request.user)) > 1:
        messages.error(request, "Выберите организацию, для которой загружается список педагогов.")
        return redirect("staff:import")
    return import_views.upload(
        request,
        spec=SPEC,
        breadcrumbs=[*_crumbs()[:1], {"label": "Загрузка из Excel"}],
        back_url=_list_url(),
    )


@requires(PERMISSION)
def educator_import_template(request: AppRequest) -> HttpResponse:
    return import_views.template_download(request, spec=EDUCATOR_TEMPLATE)


@requires(PERMISSION)
def educator_import_run(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=SPEC.kind)
    return import_views.run_page(
        request,
        spec=SPEC,
        run=run,
        breadcrumbs=_crumbs({"label": run.original_name}),
        done_url=_list_url(),
    )


@requires(PERMISSION)
def educator_import_status(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=SPEC.kind)
    return import_views.status(request, spec=SPEC, run=run)


@requires(PERMISSION)
def educator_import_commit(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=SPEC.kind)
    return import_views.commit(request, spec=SPEC, run=run)


@requires(PERMISSION)
def educator_import_errors(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=SPEC.kind)
    return import_views.errors_download(request, spec=SPEC, run=run)


urlpatterns: list[URLPattern] = [
    path("import/", educator_import, name="import"),
    path("import/template/", educator_import_template, name="import_template"),
    path("import/<int:pk>/", educator_import_run, name="import_run"),
    path("import/<int:pk>/status/", educator_import_status, name="import_status"),
    path("import/<int:pk>/commit/", educator_import_commit, name="import_commit"),
    path("import/<int:pk>/errors/", educator_import_errors, name="import_errors"),
]
