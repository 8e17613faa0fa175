from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "imo.library"
    label = "library"
    verbose_name = "Банк документов и новости"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from imo.library import (
            models,
            personal_data,
            rules,  # noqa: F401  (registers the permissions)
        )
        from imo.library.digest import setup as digest_setup
        from imo.library.documents import setup as documents_setup
        from imo.library.files import setup as files_setup
        from imo.library.news import setup as news_setup
        from imo.library.search import setup as search_setup

        excluded = ["created_at", "updated_at", "search_title", "download_count"]
        for model in (models.DocumentKind, models.Document, models.NewsPost, models.LibrarySettings):
            auditlog.register(model, exclude_fields=excluded)
        auditlog.register(models.DocumentFile, exclude_fields=["text", "text_status", "text_error"])
        auditlog.register(
            models.DigestSubscription, exclude_fields=["created_at", "updated_at", "last_sent_at"]
        )
        for part in (search_setup, files_setup, documents_setup, news_setup, digest_setup):
            part.ready()
        personal_data.ready()  # sheet of the educator's subject-access export, erasure
