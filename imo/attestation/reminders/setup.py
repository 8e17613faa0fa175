"""Registrations of this part of the attestation app (navigation, documents, chores); run from ready()."""

import datetime as dt


def ready() -> None:
    from imo.attestation.reminders import rules  # registers the permissions
    from imo.attestation.reminders.services import run_reminders
    from imo.core.jobs.chores import register_chore
    from imo.core.navigation import Direction, NavItem, register

    register(
        NavItem(
            Direction.ADMINISTRATION, "Настройки аттестации", "attestation:settings", rules.VIEW_SETTINGS, 40
        )
    )
    # Daily: the reminders before a category's term ends and about overdue application steps (each once).
    register_chore("attestation.reminders", run_reminders, every=dt.timedelta(days=1))
