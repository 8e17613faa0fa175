from django.urls import path, register_converter

from imo.reference import views
from imo.reference.catalogues import NAMED_CATALOGUES, Catalogue

app_name = "reference"


class NamedCatalogueConverter:
    """`subjects` / `positions` in the URL ↔ their Catalogue; any other segment does not match (404)."""

    regex = "|".join(NAMED_CATALOGUES)

    def to_python(self, value: str) -> Catalogue:
        return NAMED_CATALOGUES[value]

    def to_url(self, value: Catalogue | str) -> str:
        return value.key if isinstance(value, Catalogue) else value


register_converter(NamedCatalogueConverter, "reference_catalogue")

urlpatterns = [
    path("", views.index, name="index"),
    path("grades/", views.grade_list_view, name="grade_list"),
    path("grades/export/", views.grade_export, name="grade_export"),
    path("grades/<int:pk>/archive/", views.grade_archive_view, name="grade_archive"),
    path("grades/<int:pk>/unarchive/", views.grade_unarchive_view, name="grade_unarchive"),
    path("academic-years/", views.academic_year_list_view, name="academic_year_list"),
    path("academic-years/export/", views.academic_year_export, name="academic_year_export"),
    path("academic-years/new/", views.academic_year_create_view, name="academic_year_create"),
    path("academic-years/<int:pk>/archive/", views.academic_year_archive_view, name="academic_year_archive"),
    path(
        "academic-years/<int:pk>/unarchive/",
        views.academic_year_unarchive_view,
        name="academic_year_unarchive",
    ),
    path("academic-years/<int:pk>/delete/", views.academic_year_delete_view, name="academic_year_delete"),
    path("<reference_catalogue:catalogue>/", views.item_list_view, name="item_list"),
    path("<reference_catalogue:catalogue>/export/", views.item_export, name="item_export"),
    path("<reference_catalogue:catalogue>/new/", views.item_create_view, name="item_create"),
    path("<reference_catalogue:catalogue>/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("<reference_catalogue:catalogue>/<int:pk>/archive/", views.item_archive_view, name="item_archive"),
    path(
        "<reference_catalogue:catalogue>/<int:pk>/unarchive/",
        views.item_unarchive_view,
        name="item_unarchive",
    ),
    path("<reference_catalogue:catalogue>/<int:pk>/delete/", views.item_delete_view, name="item_delete"),
]
