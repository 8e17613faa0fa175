"""Registrations of olympiads/publication (permissions, document kinds); run from ready()."""


def ready() -> None:
    from imo.olympiads.publication import (
        documents,
        rules,  # noqa: F401  (registers the permissions)
    )

    documents.register()
