"""URLs of training/development: namespace "training" (mounted by imo/training/urls.py at development/)."""

from django.urls import URLPattern, URLResolver, path

from imo.training.development import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.plan_list, name="development_plans"),
    path("export/", views.plan_export, name="development_plans_export"),
    path("new/", views.plan_create, name="development_plan_create"),
    path("<int:pk>/", views.plan_detail, name="development_plan"),
    path("<int:pk>/edit/", views.plan_edit, name="development_plan_edit"),
    path("<int:pk>/delete/", views.plan_delete, name="development_plan_delete"),
    path("<int:pk>/status/", views.plan_status, name="development_plan_status"),
    path("<int:pk>/gaps/", views.gap_add, name="development_gap_add"),
    path("<int:pk>/gaps/<int:gap_pk>/delete/", views.gap_delete, name="development_gap_delete"),
    path("<int:pk>/items/", views.item_add, name="development_item_add"),
    path("<int:pk>/items/<int:item_pk>/edit/", views.item_edit, name="development_item_edit"),
    path("<int:pk>/items/<int:item_pk>/progress/", views.item_progress, name="development_item_progress"),
    path("<int:pk>/items/<int:item_pk>/delete/", views.item_delete, name="development_item_delete"),
]
