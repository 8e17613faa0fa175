"""URLs of olympiads/ranking: namespace "olympiads" (mounted at /olympiads/ranking/)."""

from django.urls import URLPattern, URLResolver, path

from imo.olympiads.ranking import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="ranking_index"),
    path("subject/<int:pk>/", views.subject_ranking, name="ranking_subject"),
    path("subject/<int:pk>/recompute/", views.subject_recompute, name="ranking_recompute"),
    path("participation/<int:pk>/", views.participation_detail, name="ranking_participation"),
    path("participation/<int:pk>/appeal/", views.appeal_file, name="ranking_appeal_file"),
    path("appeal/<int:pk>/decide/", views.appeal_decide, name="ranking_appeal_decide"),
    path("stage/<int:pk>/appeals/", views.stage_appeals, name="ranking_stage_appeals"),
    path("tool/", views.tool, name="ranking_tool"),
]
