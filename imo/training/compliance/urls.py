"""URLs of training/compliance: namespace "training" (mounted by imo/training/urls.py at compliance/)."""

from django.urls import URLPattern, URLResolver, path

from imo.training.compliance import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.compliance_page, name="compliance"),
    path("charts/", views.compliance_charts, name="compliance_charts"),
    path("export/", views.compliance_export, name="compliance_export"),
]
