from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "imo.training"
    label = "training"
    verbose_name = "Повышение квалификации"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from imo.training import (
            models,
            personal_data,
            rules,  # noqa: F401  (registers the permissions)
        )
        from imo.training.catalogue import setup as catalogue_setup
        from imo.training.compliance import setup as compliance_setup
        from imo.training.development import setup as development_setup
        from imo.training.graduates import setup as graduates_setup
        from imo.training.plans import setup as plans_setup
        from imo.training.records import setup as records_setup

        excluded = ["created_at", "updated_at"]
        for model in (
            models.Provider,
            models.Topic,
            models.Programme,
            models.CourseRecord,
            models.TrainingPlan,
            models.PlanLine,
            models.PlanQuota,
            models.Nomination,
            models.PendingGraduate,
            models.DevelopmentPlan,
            models.DevelopmentGap,
            models.DevelopmentItem,
        ):
            auditlog.register(model, exclude_fields=excluded)
        auditlog.register(models.TrainingSettings)
        for part in (
            catalogue_setup,
            records_setup,
            compliance_setup,
            plans_setup,
            graduates_setup,
            development_setup,
        ):
            part.ready()
        personal_data.ready()  # sheets of the educator's subject-access export, erasure
