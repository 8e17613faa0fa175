from django.urls import include, path

from imo.attestation import history_views, views

app_name = "attestation"

urlpatterns = [
    path("due/", views.due_page, name="due"),
    path("due/export/", views.due_export, name="due_export"),
    path("educator/<int:pk>/<slug:kind>/add/", history_views.record_edit, name="add"),
    path("educator/<int:pk>/<slug:kind>/<int:record_pk>/", history_views.record_edit, name="edit"),
    path("educator/<int:pk>/<slug:kind>/<int:record_pk>/delete/", history_views.record_delete, name="delete"),
    path("applications/", include("imo.attestation.applications.urls")),
    path("schedule/", include("imo.attestation.schedule.urls")),
    path("reminders/", include("imo.attestation.reminders.urls")),
    path("import/", include("imo.attestation.category_import")),  # загрузка истории категорий из Excel
]
