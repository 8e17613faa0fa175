from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "imo.core.documents"
    label = "documents"
    verbose_name = "Документы"
