"""URLs of surveys/answering (namespace "surveys", mounted at surveys/answer/)."""

from django.urls import URLPattern, URLResolver, path

from imo.surveys.answering import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.my_surveys, name="my"),
    path("<int:pk>/", views.answer, name="answer"),
    path("<int:pk>/file/<str:code>/", views.answer_file, name="answer_file"),
    path("t/<str:token>/", views.answer_by_link, name="answer_by_link"),
]
