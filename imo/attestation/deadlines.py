"""Deadlines of an application's current step (attestation.md, item 7), from AttestationSettings.

- on the office's check (submitted): `check_days` after it was handed in;
- waiting for the commission to take it up (forwarded): `take_up_days` after it was forwarded;
- under the commission's review (accepted): `total_days` after it was forwarded (the whole attestation).
A draft or a returned application waits for the educator and has no deadline; closed ones have none.
The Python rule and the ORM condition say the same; tests check they agree.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from imo.attestation.models import Application, AttestationSettings

Status = Application.Status


def step_deadline(application: Application, settings: AttestationSettings) -> dt.date | None:
    """The last day of the application's current step, or None when the step has no deadline."""
    if application.status == Status.SUBMITTED and application.submitted_on:
        return application.submitted_on + dt.timedelta(days=settings.check_days)
    if application.status == Status.FORWARDED and application.forwarded_on:
        return application.forwarded_on + dt.timedelta(days=settings.take_up_days)
    if application.status == Status.ACCEPTED and application.forwarded_on:
        return application.forwarded_on + dt.timedelta(days=settings.total_days)
    return None


def is_overdue(application: Application, settings: AttestationSettings, on: dt.date) -> bool:
    deadline = step_deadline(application, settings)
    return deadline is not None and deadline < on


def overdue_q(settings: AttestationSettings, on: dt.date) -> Q:
    """Applications whose current step is past its deadline on `on` (same rule as is_overdue)."""
    return (
        Q(status=Status.SUBMITTED, submitted_on__lt=on - dt.timedelta(days=settings.check_days))
        | Q(status=Status.FORWARDED, forwarded_on__lt=on - dt.timedelta(days=settings.take_up_days))
        | Q(status=Status.ACCEPTED, forwarded_on__lt=on - dt.timedelta(days=settings.total_days))
    )
