from django.urls import path

app_name = "reference"

urlpatterns: list = []
