"""Registrations of surveys/tracking (the reminders chore); run from ready()."""

import datetime as dt


def ready() -> None:
    from imo.core.jobs.chores import register_chore
    from imo.surveys.tracking.services import reminders_chore

    # Hourly, so a survey opening in the morning gets its first letters that day even after a restart;
    # `reminded_on` keeps it to one letter per respondent every `reminder_every_days` days.
    register_chore("surveys.reminders", reminders_chore, every=dt.timedelta(hours=1))
