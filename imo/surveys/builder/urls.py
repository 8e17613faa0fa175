"""URLs of surveys/builder (namespace "surveys", mounted at surveys/). Only <int:pk> converters and fixed
words, so they never shadow answer/, tracking/ and results/."""

from django.urls import URLPattern, URLResolver, path

from imo.surveys.builder import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.survey_list, name="list"),
    path("export/", views.survey_export, name="export"),
    path("templates/", views.template_list, name="templates"),
    path("templates/use/", views.template_use, name="template_use"),
    path("new/", views.survey_create, name="create"),
    path("<int:pk>/edit/", views.survey_edit, name="edit"),
    path("<int:pk>/questions/", views.builder, name="builder"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/copy/", views.survey_copy, name="copy"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/unpublish/", views.unpublish, name="unpublish"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/sections/new/", views.section_create, name="section_create"),
    path("<int:pk>/sections/<int:section_pk>/edit/", views.section_edit, name="section_edit"),
    path("<int:pk>/sections/<int:section_pk>/delete/", views.section_delete, name="section_delete"),
    path(
        "<int:pk>/sections/<int:section_pk>/up/", views.section_move, {"direction": "up"}, name="section_up"
    ),
    path(
        "<int:pk>/sections/<int:section_pk>/down/",
        views.section_move,
        {"direction": "down"},
        name="section_down",
    ),
    path("<int:pk>/sections/<int:section_pk>/questions/new/", views.question_create, name="question_create"),
    path("<int:pk>/questions/<int:question_pk>/edit/", views.question_edit, name="question_edit"),
    path("<int:pk>/questions/<int:question_pk>/delete/", views.question_delete, name="question_delete"),
    path(
        "<int:pk>/questions/<int:question_pk>/up/",
        views.question_move,
        {"direction": "up"},
        name="question_up",
    ),
    path(
        "<int:pk>/questions/<int:question_pk>/down/",
        views.question_move,
        {"direction": "down"},
        name="question_down",
    ),
]
