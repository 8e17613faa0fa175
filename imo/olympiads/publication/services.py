"""Writes of olympiad results: publishing (with the public codes of students without consent) and
diplomas for winners and prize-winners."""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from imo.olympiads.models import Certificate, Participation, Stage, StageSubject
from imo.olympiads.publication.selectors import AWARDED, RANKED

CODE_PREFIX = "У-"
LEVEL_LETTERS: dict[str, str] = {Stage.Level.SCHOOL.value: "Ш", Stage.Level.MUNICIPAL.value: "М"}


def public_codes_assign(*, stage_subject: StageSubject) -> int:
    """Give every ranked participation without a public code a random one unique in the stage subject
    («У-0417»): the public sees it instead of the name when the parents did not allow publication."""
    rows = list(
        Participation.objects.filter(stage_subject=stage_subject, status__in=RANKED).only("pk", "public_code")
    )
    missing = [row for row in rows if not row.public_code]
    if not missing:
        return 0
    taken = {row.public_code for row in rows if row.public_code}
    digits = max(4, len(str(len(rows) * 10)))
    generator = secrets.SystemRandom()
    for row in missing:
        while True:
            code = f"{CODE_PREFIX}{generator.randrange(10**digits):0{digits}d}"
            if code not in taken:
                break
        taken.add(code)
        row.public_code = code
    Participation.objects.bulk_update(missing, ["public_code"], batch_size=1000)
    return len(missing)


@transaction.atomic
def results_publish(*, stage_subject: StageSubject, by: Any) -> StageSubject:
    """Publish the results: they must be ranked first; students without consent get their public codes."""
    if stage_subject.ranked_at is None and not (
        Participation.objects.filter(stage_subject=stage_subject, status__in=RANKED).exists()
    ):
        raise ValidationError("Рейтинг по предмету ещё не рассчитан: публиковать нечего.")
    public_codes_assign(stage_subject=stage_subject)
    stage_subject.published_at = timezone.now()
    stage_subject.save(update_fields=["published_at", "updated_at"])
    return stage_subject


@transaction.atomic
def results_unpublish(*, stage_subject: StageSubject, by: Any) -> StageSubject:
    if stage_subject.published_at is None:
        raise ValidationError("Результаты по предмету не опубликованы.")
    stage_subject.published_at = None
    stage_subject.save(update_fields=["published_at", "updated_at"])
    return stage_subject


def number_prefix(stage_subject: StageSubject) -> str:
    stage = stage_subject.stage
    year = stage.season.academic_year.start_year
    return f"ВсОШ-{year}-{LEVEL_LETTERS.get(stage.level, 'Ш')}-"


def _next_number(prefix: str) -> int:
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    numbers = Certificate.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    return max((int(m.group(1)) for n in numbers if (m := pattern.match(n))), default=0) + 1


@transaction.atomic
def certificates_issue(*, stage_subject: StageSubject, by: Any) -> int:
    """Diplomas for the winners and prize-winners of a ranked stage subject that have none yet; numbers
    run on through the year and level («ВсОШ-2026-М-000123»). A diploma whose holder's status changed
    (an appeal) takes the new status. Returns how many were issued."""
    awarded = list(
        Participation.objects.filter(stage_subject=stage_subject, status__in=AWARDED)
        .select_related("certificate", "student")
        .order_by("grade", "rank", "student__name_key", "pk")
    )
    if not awarded:
        raise ValidationError("Победителей и призёров по предмету нет: дипломы выдавать некому.")
    if any(not p.public_code for p in awarded):
        public_codes_assign(stage_subject=stage_subject)
        for participation in awarded:
            participation.refresh_from_db(fields=["public_code"])
    prefix = number_prefix(stage_subject)
    # Serialise numbering: lock the stage subject row for the length of the transaction.
    StageSubject.objects.select_for_update().filter(pk=stage_subject.pk).first()
    following = _next_number(prefix)
    today = timezone.localdate()
    issued = 0
    for participation in awarded:
        existing = getattr(participation, "certificate", None)
        if existing is not None:
            if existing.status != participation.status:
                existing.status = participation.status
                existing.save(update_fields=["status", "updated_at"])
            continue
        Certificate.objects.create(
            participation=participation,
            number=f"{prefix}{following:06d}",
            token=secrets.token_urlsafe(16),
            status=participation.status,
            issued_on=today,
        )
        following += 1
        issued += 1
    return issued
