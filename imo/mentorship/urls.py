from django.urls import path

from imo.mentorship import views

app_name = "mentorship"

urlpatterns = [
    path("early-career/", views.early_career, name="early_career"),
    path("", views.mentorship_list, name="list"),
    path("new/", views.mentorship_create, name="create"),
    path("<int:pk>/", views.mentorship_detail, name="detail"),
    path("<int:pk>/edit/", views.mentorship_edit, name="edit"),
    path("<int:pk>/finish/", views.mentorship_finish, name="finish"),
    path("<int:pk>/plan/", views.plan_item_add, name="plan_item_add"),
    path("<int:pk>/plan/<int:item_pk>/done/", views.plan_item_done, name="plan_item_done"),
    path("<int:pk>/reports/", views.report_add, name="report_add"),
    path("<int:pk>/reports/<int:report_pk>/file/", views.report_document, name="report_document"),
]
