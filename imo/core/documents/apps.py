from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "imo.core.documents"
    label = "documents"
    verbose_name = "Документы"

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.utils.module_loading import autodiscover_modules

        from imo.core.documents.models import IssuedDocument, NumberingRule, TemplateVersion
        from imo.core.documents.permissions import MANAGE_TEMPLATES, VIEW_REGISTER
        from imo.core.navigation import Direction, NavItem, register

        # Each app declares its kinds of documents in its own `documents.py` (like admin.py for the admin).
        autodiscover_modules("documents")
        auditlog.register(TemplateVersion, exclude_fields=["sha256"])
        auditlog.register(NumberingRule, exclude_fields=["changed_at"])
        auditlog.register(IssuedDocument, exclude_fields=["file", "size"])
        register(
            NavItem(
                Direction.INFORMATION, "Реестр выданных документов", "documents:register", VIEW_REGISTER, 50
            ),
            NavItem(
                Direction.ADMINISTRATION, "Шаблоны документов", "documents:templates", MANAGE_TEMPLATES, 30
            ),
        )
