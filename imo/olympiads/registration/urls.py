"""URLs of olympiads/registration: namespace "olympiads" (mounted by imo/olympiads/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from imo.olympiads.registration import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.registration, name="registration"),
    path("<int:pk>/withdraw/", views.registration_withdraw, name="registration_withdraw"),
    path("participants/", views.participations, name="participations"),
    path("participants/export/", views.participations_export, name="participations_export"),
    path("municipal/", views.proposals, name="proposals"),
    path("import/", views.registration_import, name="registration_import"),
    path("import/template/", views.registration_import_template, name="registration_import_template"),
    path("import/<int:pk>/", views.registration_import_run, name="registration_import_run"),
    path("import/<int:pk>/status/", views.registration_import_status, name="registration_import_status"),
    path("import/<int:pk>/commit/", views.registration_import_commit, name="registration_import_commit"),
    path("import/<int:pk>/errors/", views.registration_import_errors, name="registration_import_errors"),
]
