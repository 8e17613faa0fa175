"""URLs of library/news: namespace "library" (mounted by imo/library/urls.py at news/)."""

from django.urls import URLPattern, URLResolver, path

from imo.library.news import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.news_list, name="news"),
    path("feed/", views.news_feed, name="news_feed"),
    path("<int:pk>/", views.news_detail, name="news_detail"),
    path("<int:pk>/files/<int:attachment_pk>/", views.news_attachment, name="news_attachment"),
    path("manage/", views.news_manage, name="news_manage"),
    path("manage/export/", views.news_export, name="news_export"),
    path("manage/new/", views.news_create, name="news_create"),
    path("manage/preview/", views.news_preview, name="news_preview"),
    path("manage/<int:pk>/edit/", views.news_edit, name="news_edit"),
    path("manage/<int:pk>/delete/", views.news_delete, name="news_delete"),
]
