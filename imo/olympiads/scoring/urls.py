"""URLs of olympiads/scoring: namespace "olympiads" (mounted at /olympiads/jury/ by imo/olympiads/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from imo.olympiads.scoring import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.jury_home, name="jury_home"),
    path("<int:pk>/", views.jury_grid, name="jury_grid"),
    path("<int:pk>/works/<int:work_pk>/", views.jury_work_save, name="jury_work_save"),
    path("<int:pk>/works/<int:work_pk>/absent/", views.jury_work_absent, name="jury_work_absent"),
    path("<int:pk>/close/", views.jury_close, name="jury_close"),
    path("<int:pk>/office/", views.scoring_office, name="scoring_office"),
    path("<int:pk>/office/codes/", views.scoring_codes_issue, name="scoring_codes_issue"),
    path("<int:pk>/office/codes.xlsx", views.scoring_code_sheet, name="scoring_code_sheet"),
    path("<int:pk>/office/reopen/", views.scoring_reopen, name="scoring_reopen"),
    path("<int:pk>/office/match/", views.scoring_codes_match, name="scoring_codes_match"),
    path("<int:pk>/office/protocol/", views.scoring_protocol, name="scoring_protocol"),
    path("sirius/", views.scoring_sirius, name="scoring_sirius"),
    path("sirius/template/", views.scoring_sirius_template, name="scoring_sirius_template"),
    path("sirius/<int:pk>/", views.scoring_sirius_run, name="scoring_sirius_run"),
    path("sirius/<int:pk>/status/", views.scoring_sirius_status, name="scoring_sirius_status"),
    path("sirius/<int:pk>/commit/", views.scoring_sirius_commit, name="scoring_sirius_commit"),
    path("sirius/<int:pk>/errors/", views.scoring_sirius_errors, name="scoring_sirius_errors"),
]
