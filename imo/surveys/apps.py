from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "imo.surveys"
    label = "surveys"
    verbose_name = "Анкетирование и мониторинги"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from imo.surveys import (
            models,
            personal_data,
            rules,  # noqa: F401  (registers the permissions)
        )
        from imo.surveys.answering import setup as answering_setup
        from imo.surveys.builder import setup as builder_setup
        from imo.surveys.results import setup as results_setup
        from imo.surveys.tracking import setup as tracking_setup

        # The questionnaire is audited; responses, answers and respondent tokens are not: an audit row
        # names its actor, which would tie an anonymous response to a person.
        excluded = ["created_at", "updated_at"]
        auditlog.register(
            models.Survey, exclude_fields=excluded, m2m_fields={"schools", "subjects", "positions"}
        )
        for model in (models.SurveyVersion, models.Section, models.Question):
            auditlog.register(model)
        for part in (builder_setup, answering_setup, tracking_setup, results_setup):
            part.ready()
        personal_data.ready()  # sheet of the educator's subject-access export, erasure
