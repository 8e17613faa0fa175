"""URLs of training/catalogue: namespace "training" (mounted by imo/training/urls.py at catalogue/)."""

from django.urls import URLPattern, URLResolver, path

from imo.training.catalogue import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.provider_list, name="providers"),
    path("providers/export/", views.provider_export, name="providers_export"),
    path("providers/new/", views.provider_create, name="provider_create"),
    path("providers/<int:pk>/edit/", views.provider_edit, name="provider_edit"),
    path("providers/<int:pk>/deactivate/", views.provider_deactivate, name="provider_deactivate"),
    path("providers/<int:pk>/activate/", views.provider_activate, name="provider_activate"),
    path("providers/<int:pk>/delete/", views.provider_delete, name="provider_delete"),
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/export/", views.programme_export, name="programmes_export"),
    path("programmes/options/", views.programme_options, name="programme_options"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<int:pk>/deactivate/", views.programme_deactivate, name="programme_deactivate"),
    path("programmes/<int:pk>/activate/", views.programme_activate, name="programme_activate"),
    path("programmes/<int:pk>/delete/", views.programme_delete, name="programme_delete"),
    path("topics/", views.topic_list, name="topics"),
    path("topics/export/", views.topic_export, name="topics_export"),
    path("topics/new/", views.topic_create, name="topic_create"),
    path("topics/<int:pk>/edit/", views.topic_edit, name="topic_edit"),
    path("topics/<int:pk>/move/<str:direction>/", views.topic_move, name="topic_move"),
    path("topics/<int:pk>/delete/", views.topic_delete, name="topic_delete"),
    path("settings/", views.settings_edit, name="settings"),
]
