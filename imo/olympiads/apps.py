import datetime as dt

from django.apps import AppConfig


class OlympiadsConfig(AppConfig):
    name = "imo.olympiads"
    label = "olympiads"
    verbose_name = "Олимпиады школьников"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from imo.core.jobs.chores import register_chore
        from imo.olympiads import (
            models,
            privacy,
            rules,  # noqa: F401  (registers the permissions)
        )
        from imo.olympiads.analytics import setup as analytics_setup
        from imo.olympiads.publication import setup as publication_setup
        from imo.olympiads.ranking import setup as ranking_setup
        from imo.olympiads.registration import setup as registration_setup
        from imo.olympiads.scoring import setup as scoring_setup
        from imo.olympiads.setup import registrations as setup_registrations
        from imo.olympiads.students import setup as students_setup

        excluded = ["created_at", "updated_at"]
        for model in (
            models.OlympiadSubject,
            models.Season,
            models.Stage,
            models.StageSubject,
            models.GradeSetting,
            models.JuryMember,
            models.AppealMember,
            models.CommitteeMember,
            models.Student,
            models.StudentConsent,
            models.Work,
            models.Participation,
            models.Appeal,
            models.Certificate,
            models.Enrolment,
        ):
            auditlog.register(model, exclude_fields=excluded)
        for part in (
            setup_registrations,
            students_setup,
            registration_setup,
            scoring_setup,
            ranking_setup,
            publication_setup,
            analytics_setup,
        ):
            part.ready()
        privacy.ready()  # sheets of the educator's subject-access export
        auditlog.register(models.RetentionSettings)
        # Daily: works and parents' statements whose retention period ran out, destroyed with an act.
        register_chore("olympiads.retention", privacy.retention_chore, every=dt.timedelta(days=1))
