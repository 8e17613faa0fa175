"""Reads of an educator's attestation history (three queries)."""

from __future__ import annotations

from dataclasses import dataclass

from imo.attestation.models import ConformityAttestation, Exemption, QualificationCategory
from imo.staff.models import Educator


@dataclass(frozen=True)
class History:
    categories: list[QualificationCategory]
    conformity: list[ConformityAttestation]
    exemptions: list[Exemption]


def history_of(*, educator: Educator) -> History:
    return History(
        categories=list(
            QualificationCategory.objects.filter(educator=educator).order_by("-awarded_on", "-pk")
        ),
        conformity=list(ConformityAttestation.objects.filter(educator=educator).order_by("-date", "-pk")),
        exemptions=list(Exemption.objects.filter(educator=educator).order_by("-until", "-pk")),
    )
