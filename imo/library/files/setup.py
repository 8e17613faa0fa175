"""Registrations of library/files; run from ready()."""

import datetime as dt


def ready() -> None:
    from imo.core.jobs.chores import register_chore
    from imo.library.files.services import extract_pending_chore

    # Files still waiting for their text ten minutes after upload lost their job (the worker stopped,
    # the queue was cleared): extract them in batches every quarter of an hour.
    register_chore("library.files_extract", extract_pending_chore, every=dt.timedelta(minutes=15))
