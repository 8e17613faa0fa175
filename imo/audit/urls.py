from django.urls import path

from imo.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.log_list, name="log"),
    path("export/", views.log_export, name="export"),
    path("<int:pk>/", views.log_detail, name="detail"),
]
