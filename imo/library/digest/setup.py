"""Registrations of library/digest (navigation, the weekly mailing chore); run from ready()."""

import datetime as dt


def ready() -> None:
    from imo.core.jobs.chores import register_chore
    from imo.core.navigation import Direction, NavItem, register
    from imo.library.digest.services import digest_chore

    register(
        NavItem(
            Direction.INFORMATION,
            "Дайджест новых материалов",
            "library:digest",
            "library.subscribe_digest",
            60,
        )
    )
    # Hourly, so the letters go out early on the office's weekday even after a restart; the chore itself
    # sends only on that weekday and at most once a week per subscriber.
    register_chore("library.digest", digest_chore, every=dt.timedelta(hours=1))
