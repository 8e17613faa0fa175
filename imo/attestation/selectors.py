"""Reads of an educator's attestation history (three queries)."""

from __future__ import annotations

from dataclasses import dataclass

from imo.attestation.models import ConformityAttestation, Exemption, QualificationCategory
from imo.core.prepared import prepared
from imo.staff.models import Educator


@dataclass(frozen=True)
class History:
    categories: list[QualificationCategory]
    conformity: list[ConformityAttestation]
    exemptions: list[Exemption]


# Read for every educator card (prepared: imo/core/prepared.py).
_CATEGORIES = prepared(
    lambda educator: QualificationCategory.objects.filter(educator_id=educator).order_by(
        "-awarded_on", "-pk"
    ),
    educator=int,
)
_CONFORMITY = prepared(
    lambda educator: ConformityAttestation.objects.filter(educator_id=educator).order_by("-date", "-pk"),
    educator=int,
)
_EXEMPTIONS = prepared(
    lambda educator: Exemption.objects.filter(educator_id=educator).order_by("-until", "-pk"), educator=int
)


def history_of(*, educator: Educator) -> History:
    return History(
        categories=_CATEGORIES(educator=educator.pk),
        conformity=_CONFORMITY(educator=educator.pk),
        exemptions=_EXEMPTIONS(educator=educator.pk),
    )
