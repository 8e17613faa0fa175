from django.urls import include, path

app_name = "training"

urlpatterns = [
    path("catalogue/", include("imo.training.catalogue.urls")),
    path("courses/", include("imo.training.records.urls")),
    path("compliance/", include("imo.training.compliance.urls")),
    path("plans/", include("imo.training.plans.urls")),
    path("graduates/", include("imo.training.graduates.urls")),
    path("development/", include("imo.training.development.urls")),
]
