"""URLs of training/plans: namespace "training" (mounted by imo/training/urls.py at plans/)."""

from django.urls import URLPattern, URLResolver, path

from imo.training.plans import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.plan_list, name="plans"),
    path("new/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/delete/", views.plan_delete, name="plan_delete"),
    path("<int:pk>/open/", views.plan_open, name="plan_open"),
    path("<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("<int:pk>/approve-nominations/", views.plan_approve_nominations, name="plan_approve_nominations"),
    path("<int:pk>/lines/add/", views.line_add, name="plan_line_add"),
    path("<int:pk>/progress/", views.plan_progress_page, name="plan_progress"),
    path("<int:pk>/export/", views.plan_export, name="plan_export"),
    path("<int:pk>/progress/export/", views.progress_export, name="plan_progress_export"),
    path("<int:pk>/docx/", views.plan_docx, name="plan_docx"),
    path("<int:pk>/report/docx/", views.report_docx, name="plan_report_docx"),
    path("lines/<int:pk>/edit/", views.line_edit, name="plan_line_edit"),
    path("lines/<int:pk>/delete/", views.line_delete, name="plan_line_delete"),
    path("lines/<int:pk>/quotas/", views.line_quotas, name="plan_line_quotas"),
    path("lines/<int:pk>/distribute/", views.line_distribute, name="plan_line_distribute"),
    path("lines/<int:pk>/nominate/", views.nominate, name="plan_nominate"),
    path("nominations/<int:pk>/withdraw/", views.nomination_withdraw, name="plan_nomination_withdraw"),
    path("nominations/<int:pk>/decide/", views.nomination_decide, name="plan_nomination_decide"),
]
