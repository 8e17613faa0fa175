from django.urls import include, path

app_name = "library"

urlpatterns = [
    path("library/", include("imo.library.documents.urls")),
    path("library/files/", include("imo.library.files.urls")),
    path("library/digest/", include("imo.library.digest.urls")),
    path("news/", include("imo.library.news.urls")),
]
