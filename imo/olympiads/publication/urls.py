"""URLs of olympiads/publication: namespace "olympiads" (mounted at /olympiads/results/)."""

from django.urls import URLPattern, URLResolver, path

from imo.olympiads.publication import views

urlpatterns: list[URLPattern | URLResolver] = [
    # public (anonymous)
    path("", views.public_index, name="public_index"),
    path("<int:pk>/", views.public_results, name="public_results"),
    path(
        "municipality/<int:municipality_id>/subject/<int:subject_id>/",
        views.public_results_latest,
        name="public_results_latest",
    ),
    path("check/<str:token>/", views.certificate_check, name="certificate_check"),
    # the office
    path("office/", views.office_list, name="publication_list"),
    path("office/<int:pk>/", views.office_subject, name="publication_subject"),
    path("office/<int:pk>/publish/", views.publish, name="publication_publish"),
    path("office/<int:pk>/unpublish/", views.unpublish, name="publication_unpublish"),
    path("office/<int:pk>/diplomas/issue/", views.diplomas_issue, name="publication_diplomas_issue"),
    path("office/<int:pk>/diplomas.pdf", views.diplomas_pdf, name="publication_diplomas_pdf"),
    path("office/<int:pk>/documents/<str:name>", views.document, name="publication_document"),
]
