"""Registrations of library/news; run from ready(): the editors' navigation entry. Readers reach the
public list from the home pages (the lead includes `library/news/_home_block.html`)."""


def ready() -> None:
    from imo.core.navigation import Direction, NavItem, register

    register(
        NavItem(
            Direction.INFORMATION, "Новости и объявления", "library:news_manage", "library.manage_news", 40
        )
    )
