from django.urls import URLPattern, path

from imo.attestation.schedule import views

urlpatterns: list[URLPattern] = [
    path("", views.schedule_page, name="schedule"),
    path("build/", views.schedule_build, name="schedule_build"),
    path("add/", views.entry_add, name="schedule_add"),
    path("<int:pk>/", views.entry_edit, name="schedule_edit"),
    path("<int:pk>/delete/", views.entry_delete, name="schedule_delete"),
    path("export/", views.schedule_export, name="schedule_export"),
    path("docx/", views.schedule_docx_view, name="schedule_docx"),
]
