"""URLs of training/graduates: namespace "training" (mounted by imo/training/urls.py under graduates/)."""

from django.urls import URLPattern, URLResolver, path

from imo.training.graduates import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("import/", views.course_import, name="import"),
    path("import/template/", views.course_import_template, name="import_template"),
    path("import/<int:pk>/", views.course_import_run, name="import_run"),
    path("import/<int:pk>/status/", views.course_import_status, name="import_status"),
    path("import/<int:pk>/commit/", views.course_import_commit, name="import_commit"),
    path("import/<int:pk>/errors/", views.course_import_errors, name="import_errors"),
    path("pending/", views.pending_graduates, name="pending_graduates"),
    path("pending/<int:pk>/", views.pending_graduate, name="pending_graduate"),
]
