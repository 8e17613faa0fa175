"""Registrations of surveys/results (the DOCX report's kind); run from ready()."""


def ready() -> None:
    from imo.surveys.results import documents

    documents.register()
