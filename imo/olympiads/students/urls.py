"""URLs of olympiads/students: namespace "olympiads" (mounted by imo/olympiads/urls.py)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
