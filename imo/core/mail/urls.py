from django.urls import path

from imo.core.mail import views

app_name = "mail"

urlpatterns = [
    path("", views.log_list, name="log"),
    path("export/", views.log_export, name="export"),
    path("<int:pk>/", views.log_detail, name="detail"),
]
