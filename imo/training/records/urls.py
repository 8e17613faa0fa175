"""URLs of training/records: namespace "training" (mounted at courses/ by imo/training/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from imo.training.records import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.record_list, name="records"),
    path("export/", views.record_export, name="records_export"),
    path("pending/", views.record_pending, name="records_pending"),
    path("educator/<int:educator_pk>/new/", views.record_add, name="record_add"),
    path("<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("<int:pk>/delete/", views.record_delete, name="record_delete"),
    path("<int:pk>/confirm/", views.record_confirm, name="record_confirm"),
    path("<int:pk>/reject/", views.record_reject, name="record_reject"),
    path("<int:pk>/scan/", views.record_scan, name="record_scan"),
]
