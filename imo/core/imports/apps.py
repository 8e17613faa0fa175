from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imo.core.imports"
    label = "imports"
    verbose_name = "Загрузка из Excel"
