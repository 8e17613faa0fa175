"""URLs of library/documents (namespace "library", mounted at library/). Only <int:pk> converters: the
other parts live under library/files/ and library/digest/, which these patterns never match."""

from django.urls import URLPattern, URLResolver, path

from imo.library.documents import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.document_list, name="documents"),
    path("export/", views.document_export, name="documents_export"),
    path("new/", views.document_create, name="document_create"),
    path("<int:pk>/", views.document_detail, name="document"),
    path("<int:pk>/download/", views.document_download, name="document_download"),
    path(
        "<int:pk>/versions/<int:version>/", views.document_version_download, name="document_version_download"
    ),
    path("<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("<int:pk>/upload/", views.document_upload, name="document_upload"),
    path("<int:pk>/publish/", views.document_publish, name="document_publish"),
    path("<int:pk>/unpublish/", views.document_unpublish, name="document_unpublish"),
    path("<int:pk>/delete/", views.document_delete, name="document_delete"),
    path("kinds/", views.kind_list, name="kinds"),
    path("kinds/new/", views.kind_create, name="kind_create"),
    path("kinds/<int:pk>/edit/", views.kind_edit, name="kind_edit"),
    path("kinds/<int:pk>/archive/", views.kind_archive, name="kind_archive"),
    path("kinds/<int:pk>/delete/", views.kind_delete, name="kind_delete"),
    path("settings/", views.settings_edit, name="settings"),
]
