from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "imo.staff"
    label = "staff"
    verbose_name = "Педагогические работники"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from imo.core.navigation import Direction, NavItem, register
        from imo.core.personal_data import register_access_loggers
        from imo.staff import access_log, rules  # noqa: F401  (rules registers the permissions)
        from imo.staff.models import Award, Consent, EducationRecord, Educator, Employment
        from imo.staff.sections import BUILTIN_SECTIONS  # noqa: F401  (registers the built-in profile sections)
        from imo.staff.views import proposals  # noqa: F401  (registers its profile section)

        excluded = ["search_text", "name_key", "created_at", "updated_at"]
        auditlog.register(Educator, exclude_fields=excluded, mask_fields=["snils", "inn"])
        auditlog.register(EducationRecord, exclude_fields=["created_at", "updated_at"])
        auditlog.register(Award, exclude_fields=["created_at", "updated_at"])
        auditlog.register(Employment, exclude_fields=["created_at", "updated_at"], m2m_fields={"subjects"})
        auditlog.register(Consent, exclude_fields=["created_at", "updated_at"])
        # The access log for the pages of the layers below staff (users and roles in orgs).
        register_access_loggers(
            log=access_log.personal_data_access_log, log_table=access_log.log_table_access
        )
        # Links whose page does not exist (yet) or that the user may not open are not shown.
        analytics, administration = Direction.ANALYTICS, Direction.ADMINISTRATION
        register(
            NavItem(analytics, "Педагогические работники", "staff:list", "staff.view_educator_list", 10),
            NavItem(
                analytics, "Педагогические кадры: статистика", "staff:statistics", "staff.view_statistics", 11
            ),
            NavItem(analytics, "Изменения от педагогов", "staff:proposals", "staff.decide_proposals", 12),
            NavItem(analytics, "Моя карточка педагога", "staff:me", "staff.view_own_record", 13),
            NavItem(
                administration, "Возможные дубли педагогов", "staff:duplicates", "staff.merge_educators", 40
            ),
            NavItem(administration, "Журнал доступа к ПДн", "staff:access_log", "staff.view_access_log", 41),
        )
