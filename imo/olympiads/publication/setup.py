"""Registrations of olympiads/publication (permissions, document kinds, menu); run from ready()."""


def ready() -> None:
    from imo.core.navigation import Direction, NavItem, register
    from imo.olympiads.publication import (
        documents,
        rules,  # noqa: F401  (registers the permissions)
    )

    documents.register()
    register(
        NavItem(
            Direction.ORGANISATIONAL,
            "Олимпиады: итоги, документы, дипломы",
            "olympiads:publication_list",
            "olympiads.view_publication",
            65,
        )
    )
