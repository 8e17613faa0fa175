"""The educators list and its Excel export (issue #4, item 3): filters, search, Russian order, columns,
all for a chosen date; the export is logged as an access to personal data."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import URLPattern, path

from imo.core.access import AppRequest, requires
from imo.staff.selectors import educators_visible_to
from imo.staff.tables import EducatorTable

LIST_CRUMB = {"label": "Педагогические работники"}


def _table(request: AppRequest) -> EducatorTable:
    return EducatorTable(request, queryset=educators_visible_to(user=request.user))


@requires("staff.view_educator_list")
def educator_list(request: AppRequest) -> HttpResponse:
    user = request.user
    return _table(request).render(
        "staff/records/list.html",
        {
            "can_add": user.has_perm("staff.add_educator"),
            "can_import": user.has_perm("staff.import_educators"),
            "breadcrumbs": [LIST_CRUMB],
        },
    )


@requires("staff.export_educators")
def educator_export(request: AppRequest) -> HttpResponse:
    return _table(request).export_response()


urlpatterns: list[URLPattern] = [
    path("", educator_list, name="list"),
    path("export/", educator_export, name="export"),
]
