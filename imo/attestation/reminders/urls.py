from django.urls import URLPattern, path

from imo.attestation.reminders import views

urlpatterns: list[URLPattern] = [
    path("settings/", views.settings_page, name="settings"),
]
