"""URLs of olympiads/setup: namespace "olympiads" (mounted at /olympiads/seasons/)."""

from django.urls import URLPattern, URLResolver, path

from imo.olympiads.setup import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.season_list, name="season_list"),
    path("export/", views.season_export, name="season_export"),
    path("new/", views.season_create, name="season_create"),
    path("subjects/", views.olympiad_subject_list, name="olympiad_subjects"),
    path("subjects/export/", views.olympiad_subject_export, name="olympiad_subject_export"),
    path("subjects/new/", views.olympiad_subject_create, name="olympiad_subject_create"),
    path("subjects/<int:pk>/edit/", views.olympiad_subject_edit, name="olympiad_subject_edit"),
    path("<int:pk>/", views.season_detail, name="season_detail"),
    path("<int:pk>/copy/", views.season_copy, name="season_copy"),
    path(
        "<int:pk>/stage-subjects.xlsx",
        views.season_stage_subjects_export,
        name="season_stage_subjects_export",
    ),
    path("<int:pk>/stages/new/", views.stage_create, name="stage_create"),
    path("stages/<int:pk>/edit/", views.stage_edit, name="stage_edit"),
    path("stages/<int:pk>/add-all/", views.stage_add_all_subjects, name="stage_add_all_subjects"),
    path("stages/<int:pk>/add-subject/", views.stage_subject_add, name="stage_subject_add"),
    path("stages/<int:pk>/committee/add/", views.committee_add, name="committee_add"),
    path("committee/<int:pk>/remove/", views.committee_remove, name="committee_remove"),
    path("stage-subjects/<int:pk>/", views.stage_subject_detail, name="stage_subject_detail"),
    path("stage-subjects/<int:pk>/edit/", views.stage_subject_edit, name="stage_subject_edit"),
    path("stage-subjects/<int:pk>/delete/", views.stage_subject_delete, name="stage_subject_delete"),
    path("stage-subjects/<int:pk>/grades/", views.stage_subject_grades, name="stage_subject_grades"),
    path("stage-subjects/<int:pk>/<str:kind>/add/", views.member_add, name="stage_subject_member_add"),
    path(
        "stage-subjects/<int:pk>/<str:kind>/<int:educator>/chair/",
        views.member_chair,
        name="stage_subject_member_chair",
    ),
    path(
        "stage-subjects/<int:pk>/<str:kind>/<int:educator>/remove/",
        views.member_remove,
        name="stage_subject_member_remove",
    ),
]
