"""Demo attestation history (issue #5, item 8) for the demo educators: about 30 % highest, 35 % first,
some методист / наставник on top of a highest, many older five-year categories ending over the next two
years, conformity attestations for many of those without a category, a few exemptions. bulk_create only."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from imo.attestation.models import (
    NEW_ORDER_FROM,
    ConformityAttestation,
    Exemption,
    QualificationCategory,
    add_years,
    default_valid_until,
)
from imo.staff.models import Educator

Kind = QualificationCategory.Kind
BATCH = 2000


@dataclass(frozen=True)
class DemoAttestation:
    categories: int
    conformity: int
    exemptions: int


def _day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _order(rng: random.Random, day: dt.date) -> tuple[str, dt.date]:
    return f"{rng.randint(100, 2999)}-п", day - dt.timedelta(days=rng.randint(0, 10))


def _category(rng: random.Random, educator_id: int, kind: str, awarded_on: dt.date) -> QualificationCategory:
    number, order_date = _order(rng, awarded_on)
    return QualificationCategory(
        educator_id=educator_id,
        kind=kind,
        order_number=number,
        order_date=order_date,
        awarded_on=awarded_on,
        valid_until=default_valid_until(awarded_on),
    )


def _award_date(rng: random.Random, today: dt.date) -> dt.date:
    """Half before 01.09.2023 (five-year term ending over the next two years, a few already ended), half
    under the new order (no term)."""
    old_last = min(NEW_ORDER_FROM - dt.timedelta(days=1), today)
    draw = rng.random()
    if draw < 0.5:
        return _day_between(rng, add_years(today, -5) + dt.timedelta(days=1), old_last)
    if draw < 0.57:
        return _day_between(rng, add_years(today, -8), add_years(today, -5))
    return _day_between(rng, min(NEW_ORDER_FROM, today), today)


def seed(*, rng: random.Random, today: dt.date) -> DemoAttestation:
    """History for every demo educator. Run once, after the staff seed."""
    categories: list[QualificationCategory] = []
    conformity: list[ConformityAttestation] = []
    exemptions: list[Exemption] = []
    for educator_id in Educator.objects.order_by("pk").values_list("pk", flat=True).iterator():
        draw = rng.random()
        if draw < 0.30:
            awarded_on = _award_date(rng, today)
            if rng.random() < 0.4:  # the first category before it
                earlier = add_years(awarded_on, -rng.randint(3, 6))
                categories.append(_category(rng, educator_id, Kind.FIRST, earlier))
            categories.append(_category(rng, educator_id, Kind.HIGHEST, awarded_on))
            valid_until = default_valid_until(awarded_on)
            if rng.random() < 0.15 and (valid_until is None or valid_until >= today):
                extra_from = max(awarded_on, NEW_ORDER_FROM)
                if extra_from <= today:
                    kind = rng.choice((Kind.METHODIST, Kind.MENTOR))
                    categories.append(_category(rng, educator_id, kind, _day_between(rng, extra_from, today)))
        elif draw < 0.65:
            categories.append(_category(rng, educator_id, Kind.FIRST, _award_date(rng, today)))
        elif rng.random() < 0.6:
            day = _day_between(rng, add_years(today, -6), today - dt.timedelta(days=60))
            number, order_date = _order(rng, day)
            result = (
                ConformityAttestation.Result.CONFORMS
                if rng.random() < 0.98
                else ConformityAttestation.Result.DOES_NOT_CONFORM
            )
            conformity.append(
                ConformityAttestation(
                    educator_id=educator_id,
                    date=day,
                    result=result,
                    order_number=number,
                    order_date=order_date,
                )
            )
        if rng.random() < 0.02:
            basis = rng.choice(list(Exemption.Basis))
            until = today + dt.timedelta(days=rng.randint(-60, 900))
            exemptions.append(Exemption(educator_id=educator_id, basis=basis, until=until))
    QualificationCategory.objects.bulk_create(categories, batch_size=BATCH)
    ConformityAttestation.objects.bulk_create(conformity, batch_size=BATCH)
    Exemption.objects.bulk_create(exemptions, batch_size=BATCH)
    return DemoAttestation(len(categories), len(conformity), len(exemptions))
