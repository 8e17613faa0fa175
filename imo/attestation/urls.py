from django.urls import path

from imo.attestation import views

app_name = "attestation"

urlpatterns = [
    path("due/", views.due_page, name="due"),
    path("due/export/", views.due_export, name="due_export"),
]
