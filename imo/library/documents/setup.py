"""Registrations of library/documents; run from ready(): the menu entries of the bank and of its kinds."""


def ready() -> None:
    from imo.core.navigation import Direction, NavItem, register

    register(
        NavItem(Direction.INFORMATION, "Банк документов", "library:documents", "library.view_documents", 10),
        NavItem(Direction.ADMINISTRATION, "Виды документов", "library:kinds", "library.manage_kinds", 60),
    )
