"""URLs of training/catalogue: namespace "training" (mounted by imo/training/urls.py)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
