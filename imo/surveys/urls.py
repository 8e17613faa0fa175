from django.urls import include, path

app_name = "surveys"

urlpatterns = [
    path("", include("imo.surveys.builder.urls")),
    path("answer/", include("imo.surveys.answering.urls")),
    path("tracking/", include("imo.surveys.tracking.urls")),
    path("results/", include("imo.surveys.results.urls")),
]
