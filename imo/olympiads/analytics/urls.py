"""URLs of olympiads/analytics: namespace "olympiads" (mounted by imo/olympiads/urls.py at analytics/)."""

from django.urls import URLPattern, URLResolver, path

from imo.olympiads.analytics import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.analytics_page, name="analytics"),
    path("charts/", views.analytics_charts, name="analytics_charts"),
    path("export/", views.analytics_export, name="analytics_export"),
    path("report/", views.analytics_report, name="analytics_report"),
]
