"""URLs of the application pipeline: namespace "attestation", mounted at /attestation/applications/."""

from django.urls import path

from imo.attestation.applications import views

urlpatterns = [
    path("", views.application_list, name="applications"),
    path("export/", views.application_export, name="applications_export"),
    path("new/", views.application_start, name="application_start"),
    path("<int:pk>/", views.application_detail, name="application"),
    path("<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("<int:pk>/comment/", views.application_comment, name="application_comment"),
    path("<int:pk>/return/", views.application_return, name="application_return"),
    path("<int:pk>/forward/", views.application_forward, name="application_forward"),
    path("<int:pk>/accept/", views.application_accept, name="application_accept"),
    path("<int:pk>/decide/", views.application_decide, name="application_decide"),
    path("<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("<int:pk>/cover-letter/", views.application_cover_letter, name="application_cover_letter"),
    path("<int:pk>/files/", views.application_file_add, name="application_file_add"),
    path("<int:pk>/files/<int:file_pk>/", views.application_file, name="application_file"),
    path(
        "<int:pk>/files/<int:file_pk>/remove/", views.application_file_remove, name="application_file_remove"
    ),
]
