from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "imo.core.jobs"
    label = "jobs"
    verbose_name = "Фоновые задачи"
