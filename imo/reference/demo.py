"""The reference section's part of the demo: academic years around today (the catalogues of subjects,
positions and grades come from the seed migration)."""

from __future__ import annotations

import datetime as dt

from imo.reference.models import academic_year_start
from imo.reference.services import academic_year_ensure

YEARS_BACK = 3
YEARS_AHEAD = 1


def seed(*, today: dt.date) -> None:
    """Academic years from three before the current one to the next one. Running it again adds nothing."""
    current = academic_year_start(today)
    for start_year in range(current - YEARS_BACK, current + YEARS_AHEAD + 1):
        academic_year_ensure(on=dt.date(start_year, 9, 1))
