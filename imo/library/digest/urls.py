from django.urls import path

from imo.library.digest import views

# Included under "library/digest/" in the `library` namespace.
urlpatterns = [
    path("", views.digest_page, name="digest"),
    path("unsubscribe/<str:token>/", views.digest_unsubscribe, name="digest_unsubscribe"),
    path("subscribers/", views.digest_subscribers, name="digest_subscribers"),
    path("subscribers/export/", views.digest_subscribers_export, name="digest_subscribers_export"),
]
