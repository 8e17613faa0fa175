from django.urls import path

from imo.surveys.tracking import views

urlpatterns = [
    path("<int:pk>/", views.tracking, name="tracking"),
    path("<int:pk>/export/", views.tracking_export, name="tracking_export"),
    path("<int:pk>/remind/", views.remind, name="remind"),
]
