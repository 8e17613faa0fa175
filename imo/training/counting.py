"""The rules of training.md as pure functions: minimum hours, whether a course counts for the three-year rule,
when an educator falls due. Every part of the app (forms, services, the import, the compliance page's SQL,
the demo) follows these; the SQL of imo.training.compliance mirrors `due_on` and is tested against it.

Kinds: both a refresher course and a retraining are additional professional education (273-ФЗ ст. 47 ч. 5
п. 2 speaks of «дополнительное профессиональное образование»), so both keep an educator within the rule; the
minimum volume differs by kind (16 / 250 hours, TrainingSettings).
"""

from __future__ import annotations

import datetime as dt

from imo.training.models import CourseKind, CourseRecord, ProviderKind, TrainingSettings


def add_years(day: dt.date, years: int) -> dt.date:
    """`day` moved by whole years (29 February → 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def minimum_hours(kind: str, settings: TrainingSettings) -> int:
    if kind == CourseKind.RETRAINING:
        return settings.retraining_min_hours
    return settings.refresher_min_hours


def hours_message(kind: str, settings: TrainingSettings) -> str:
    """The Russian message for a course shorter than its kind's minimum."""
    if kind == CourseKind.RETRAINING:
        return (
            f"Профессиональная переподготовка — не менее {settings.retraining_min_hours} часов "
            "(приказ Минобрнауки России № 266)."
        )
    return (
        f"Повышение квалификации — не менее {settings.refresher_min_hours} часов "
        "(приказ Минобрнауки России № 266)."
    )


def provider_not_counting(provider_kind: str, ends_on: dt.date | None, settings: TrainingSettings) -> bool:
    """A course of an "other" provider ending after the cut-off (31.08.2025 by default) does not count."""
    return (
        provider_kind == ProviderKind.OTHER
        and ends_on is not None
        and ends_on > settings.other_providers_count_until
    )


def counts_for_rule(*, status: str, provider_kind: str, ends_on: dt.date, settings: TrainingSettings) -> bool:
    """What CourseRecord.counts holds: confirmed, and not an "other" provider's course after the cut-off."""
    return status == CourseRecord.Status.CONFIRMED and not provider_not_counting(
        provider_kind, ends_on, settings
    )


def due_on(
    *, last_counting_end: dt.date | None, teaching_start: dt.date | None, settings: TrainingSettings
) -> dt.date | None:
    """The day by which the educator needs the next counting course: `rule_years` after the last counting
    course ended, or after they started teaching when that is later (a newcomer is not overdue on day one).
    None: nothing is known (no counting course, no start date) — the compliance page lists them as overdue
    with «нет сведений о курсах»."""
    starts = [day for day in (last_counting_end, teaching_start) if day is not None]
    if not starts:
        return None
    return add_years(max(starts), settings.rule_years)


def is_overdue(due: dt.date | None, on: dt.date) -> bool:
    """Overdue on `on`: the due day has passed (due on `on` itself is not overdue yet) or is unknown."""
    return due is None or due < on


# The Russian messages of the rules, shared by the forms, the services and the provider-list import.
MSG_ENDS_BEFORE_START = "Дата окончания не может быть раньше даты начала."
MSG_ENDS_IN_FUTURE = "Курс ещё не окончен: дата окончания пройденного курса не может быть в будущем."
MSG_DUPLICATE_DOCUMENT = (
    "Документ с номером «{number}» этой организации уже записан ({who}). Проверьте номер документа."
)
MSG_OTHER_PROVIDER = (
    "Курс окончен после {until:%d.%m.%Y} в организации типа «иная организация»: для учителей он не "
    "засчитывается в трёхлетний срок повышения квалификации (с 01.09.2025 засчитываются курсы "
    "государственных и муниципальных организаций, организаций, учреждённых государством, «Сириуса», "
    "«Сколково» и общероссийских спортивных федераций)."
)


def document_key(number: str) -> str:
    """A document number compared without case, spaces and the "№" sign: «№ 12 345» is «12345»."""
    return "".join(number.replace("№", "").split()).casefold()
