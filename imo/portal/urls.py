from django.urls import path

from imo.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("office/contacts/", views.office_contacts_edit, name="office_contacts"),
]
