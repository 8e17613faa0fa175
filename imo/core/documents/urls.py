from django.urls import path

from imo.core.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.register_list, name="register"),
    path("export/", views.register_export, name="register_export"),
    path("<int:pk>/download/", views.issued_download, name="download"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<str:code>/", views.template_detail, name="template"),
    path("templates/<str:code>/revert/", views.template_revert_view, name="template_revert"),
    path("templates/<str:code>/numbering/", views.template_numbering_view, name="template_numbering"),
    path("templates/<str:code>/builtin.docx", views.template_builtin_download, name="template_builtin"),
    path("templates/<str:code>/sample.<str:fmt>", views.template_sample_download, name="template_sample"),
    path("templates/<str:code>/versions/<int:pk>/", views.template_version_download, name="template_version"),
    path(
        "templates/<str:code>/versions/<int:pk>/activate/",
        views.template_activate_view,
        name="template_activate",
    ),
]
