from django.urls import include, path

app_name = "olympiads"

urlpatterns = [
    path("seasons/", include("imo.olympiads.setup.urls")),
    path("students/", include("imo.olympiads.students.urls")),
    path("registration/", include("imo.olympiads.registration.urls")),
    path("jury/", include("imo.olympiads.scoring.urls")),
    path("ranking/", include("imo.olympiads.ranking.urls")),
    path("results/", include("imo.olympiads.publication.urls")),  # public pages live here too
    path("analytics/", include("imo.olympiads.analytics.urls")),
]
