from django.urls import path

from imo.surveys.results import views

urlpatterns = [
    path("<int:pk>/", views.results_page, name="results"),
    path("<int:pk>/charts/", views.results_charts, name="results_charts"),
    path("<int:pk>/texts/<str:code>/", views.results_texts, name="results_texts"),
    path("<int:pk>/files/<str:code>/", views.results_files, name="results_files"),
    path(
        "<int:pk>/files/download/<int:answer_pk>/", views.results_file_download, name="results_file_download"
    ),
    path("<int:pk>/export/raw/", views.results_export_raw, name="results_export_raw"),
    path("<int:pk>/export/summary/", views.results_export_summary, name="results_export_summary"),
    path("<int:pk>/report/", views.results_docx_view, name="results_docx"),
    path("<int:pk>/gaps/", views.gaps_page, name="gaps"),
    path("<int:pk>/gaps/add/", views.gaps_add, name="gaps_add"),
]
