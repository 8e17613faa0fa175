"""Writes of the olympiad's settings: seasons, stages with their quota settings, stage subjects, grade
maxima and thresholds, the jury, the appeal commission, the organising committee, and the yearly copy.

Rules (shared/domain/olympiads.md): grades 2 (school stage 5–11, 4–11 for Russian and mathematics — the
subject's `min_grade_school`; municipal 7–11), deadlines 5 (school stage ends by 1 November, municipal by
25 December: a warning, not a refusal), quotas 9 (the organiser's settings; winners ≤ all awarded).
Every function is keyword-only, atomic, and raises a Russian ValidationError with nothing saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from imo.core.conflicts import ensure_unchanged
from imo.core.text import fold
from imo.olympiads.models import (
    AppealMember,
    CommitteeMember,
    GradeSetting,
    JuryMember,
    OlympiadSubject,
    QuotaBasis,
    Rounding,
    Season,
    Stage,
    StageSubject,
)
from imo.orgs.models import Organization
from imo.reference.models import AcademicYear
from imo.staff.models import Educator

MAX_GRADE = 11
MUNICIPAL_MIN_GRADE = 7
QUOTA_FIELDS = ("total_share", "winners_share", "min_award_share", "rounding", "quota_basis")
SHARE_LABELS = {
    "total_share": "Доля победителей и призёров",
    "winners_share": "Доля победителей",
    "min_award_share": "Наименьшая доля от максимального балла",
}
MSG_WINNERS_OVER_TOTAL = "Доля победителей не может быть больше доли победителей и призёров."
MSG_ONE_CHAIR = "Назначьте председателя: у {what} должен быть ровно один председатель."
MSG_TWO_CHAIRS = "Председатель у {what} может быть только один."


# --- quotas -----------------------------------------------------------------------------------------


def quota_clean(
    *,
    total_share: Decimal | None,
    winners_share: Decimal | None,
    min_award_share: Decimal | None,
    rounding: str = Rounding.DOWN,
    quota_basis: str = QuotaBasis.GRADE,
) -> None:
    """Check one set of (effective) quota settings: shares 0–100 %, winners ≤ winners + prize-winners,
    a known rounding and basis. Raises ValidationError keyed by field; returns nothing."""
    errors: dict[str, str] = {}
    values = {"total_share": total_share, "winners_share": winners_share, "min_award_share": min_award_share}
    for name, value in values.items():
        if value is None:
            errors[name] = f"{SHARE_LABELS[name]}: укажите число от 0 до 100."
        elif not Decimal("0") <= Decimal(value) <= Decimal("100"):
            errors[name] = f"{SHARE_LABELS[name]} должна быть от 0 до 100 %."
    if (
        "total_share" not in errors
        and "winners_share" not in errors
        and Decimal(winners_share or 0) > Decimal(total_share or 0)
    ):
        errors["winners_share"] = MSG_WINNERS_OVER_TOTAL
    if rounding not in Rounding.values:
        errors["rounding"] = "Выберите правило округления из списка."
    if quota_basis not in QuotaBasis.values:
        errors["quota_basis"] = "Выберите, как считается квота: по классам или по предмету."
    if errors:
        raise ValidationError(errors)


def effective_quota(stage_subject: StageSubject) -> dict[str, Any]:
    """The stage subject's quota settings with the blanks filled from its stage."""
    stage = stage_subject.stage
    values: dict[str, Any] = {}
    for name in QUOTA_FIELDS:
        own = getattr(stage_subject, name)
        values[name] = getattr(stage, name) if own in (None, "") else own
    return values


# --- seasons and stages ----------------------------------------------------------------------------


@transaction.atomic
def season_create(
    *, municipality: Organization, academic_year: AcademicYear, title: str = "", by: Any = None
) -> Season:
    """The olympiad of an academic year in a municipality (one per year)."""
    if municipality.kind != Organization.Kind.MUNICIPALITY:
        raise ValidationError({"municipality": "Олимпиаду заводит муниципалитет."})
    if Season.objects.filter(municipality=municipality, academic_year=academic_year).exists():
        raise ValidationError({"academic_year": f"Олимпиада на {academic_year} учебный год уже заведена."})
    season = Season(municipality=municipality, academic_year=academic_year, title=title.strip())
    season.full_clean()
    season.save()
    return season


@transaction.atomic
def season_update(*, season: Season, title: str, by: Any = None) -> Season:
    season.title = title.strip()
    season.full_clean()
    season.save(update_fields=["title", "updated_at"])
    return season


def stage_deadline(*, level: str, academic_year: AcademicYear) -> dt.date:
    """The last day of the stage by the federal schedule (olympiads.md, 5)."""
    year = academic_year.start_year
    return dt.date(year, 11, 1) if level == Stage.Level.SCHOOL else dt.date(year, 12, 25)


def stage_warnings(*, level: str, ends_on: dt.date | None, academic_year: AcademicYear) -> list[str]:
    """Warnings (never refusals) about a stage's dates: past the federal deadline."""
    if ends_on is None:
        return []
    deadline = stage_deadline(level=level, academic_year=academic_year)
    if ends_on <= deadline:
        return []
    what = "Школьный этап" if level == Stage.Level.SCHOOL else "Муниципальный этап"
    return [
        f"{what} по Порядку проведения олимпиады должен закончиться не позднее {deadline:%d.%m.%Y}, "
        f"а указано окончание {ends_on:%d.%m.%Y}. Этап сохранён; проверьте даты."
    ]


@transaction.atomic
def stage_save(
    *,
    season: Season,
    level: str,
    starts_on: dt.date,
    ends_on: dt.date,
    total_share: Decimal | None = Decimal("45"),
    winners_share: Decimal | None = Decimal("5"),
    min_award_share: Decimal | None = Decimal("50"),
    rounding: str = Rounding.DOWN,
    quota_basis: str = QuotaBasis.GRADE,
    stage: Stage | None = None,
    by: Any = None,
) -> Stage:
    """Create (stage=None) or change a stage: dates and quota settings. Late dates only warn (see
    `stage_warnings`)."""
    errors: dict[str, Any] = {}
    if level not in Stage.Level.values:
        errors["level"] = "Выберите этап: школьный или муниципальный."
    elif Stage.objects.filter(season=season, level=level).exclude(pk=stage.pk if stage else 0).exists():
        errors["level"] = "Этот этап уже заведён."
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = "Окончание этапа не может быть раньше начала."
    try:
        quota_clean(
            total_share=total_share,
            winners_share=winners_share,
            min_award_share=min_award_share,
            rounding=rounding,
            quota_basis=quota_basis,
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if stage is None:
        stage = Stage(season=season)
    elif stage.level != level and stage.subjects.exists():
        raise ValidationError({"level": "У этапа уже есть предметы: его уровень менять нельзя."})
    stage.level = level
    stage.starts_on = starts_on
    stage.ends_on = ends_on
    stage.total_share = Decimal(total_share or 0)
    stage.winners_share = Decimal(winners_share or 0)
    stage.min_award_share = Decimal(min_award_share or 0)
    stage.rounding = rounding
    stage.quota_basis = quota_basis
    stage.full_clean()
    stage.save()
    return stage


# --- stage subjects ---------------------------------------------------------------------------------


def grade_bounds(*, stage: Stage, subject: OlympiadSubject) -> tuple[int, int]:
    """The grades a subject may have at a stage (olympiads.md, 2)."""
    if stage.level == Stage.Level.SCHOOL:
        return subject.min_grade_school, MAX_GRADE
    return MUNICIPAL_MIN_GRADE, MAX_GRADE


def _grade_errors(
    *, stage: Stage, subject: OlympiadSubject, min_grade: Any, max_grade: Any
) -> dict[str, str]:
    low, high = grade_bounds(stage=stage, subject=subject)
    level = "школьном" if stage.level == Stage.Level.SCHOOL else "муниципальном"
    allowed = f"На {level} этапе по предмету «{subject}» участвуют обучающиеся {low}–{high} классов."
    errors: dict[str, str] = {}
    if min_grade is None:
        errors["min_grade"] = "Укажите, с какого класса."
    elif not low <= min_grade <= high:
        errors["min_grade"] = allowed
    if max_grade is None:
        errors["max_grade"] = "Укажите, по какой класс."
    elif not low <= max_grade <= high:
        errors["max_grade"] = allowed
    if not errors and max_grade < min_grade:
        errors["max_grade"] = "«По класс» не может быть меньше «с класса»."
    return errors


@transaction.atomic
def stage_subject_save(
    *,
    stage: Stage,
    subject: OlympiadSubject,
    min_grade: int | None = None,
    max_grade: int | None = None,
    held_on: dt.date | None = None,
    venue: str = "",
    online: bool | None = None,
    total_share: Decimal | None = None,
    winners_share: Decimal | None = None,
    min_award_share: Decimal | None = None,
    rounding: str = "",
    quota_basis: str = "",
    stage_subject: StageSubject | None = None,
    by: Any = None,
    version: str | None = None,
) -> StageSubject:
    """Add (stage_subject=None) or change a subject of a stage. Blank grades take the defaults of the
    stage (school: from the subject's first grade; municipal: 7) to 11; `online` defaults to the subject's
    «Сириус.Курсы» flag at the school stage. Quota overrides left blank follow the stage; the effective
    settings must pass `quota_clean`. Grade settings outside a narrowed range are removed."""
    if stage_subject is not None:
        ensure_unchanged(stage_subject, version)
    if stage_subject is None:
        if StageSubject.objects.filter(stage=stage, subject=subject).exists():
            raise ValidationError({"subject": f"Предмет «{subject}» уже есть на этапе."})
        stage_subject = StageSubject(stage=stage, subject=subject)
    low, high = grade_bounds(stage=stage, subject=subject)
    min_grade = low if min_grade is None and stage_subject.pk is None else min_grade
    max_grade = high if max_grade is None and stage_subject.pk is None else max_grade
    if online is None:
        online = stage.level == Stage.Level.SCHOOL and subject.online_school_stage
    errors: dict[str, Any] = _grade_errors(
        stage=stage, subject=subject, min_grade=min_grade, max_grade=max_grade
    )
    if held_on and not stage.starts_on <= held_on <= stage.ends_on:
        errors["held_on"] = (
            "Дата проведения должна быть в сроках этапа: "
            f"{stage.starts_on:%d.%m.%Y}–{stage.ends_on:%d.%m.%Y}."
        )
    overrides = {
        "total_share": total_share,
        "winners_share": winners_share,
        "min_award_share": min_award_share,
        "rounding": rounding or "",
        "quota_basis": quota_basis or "",
    }
    effective: dict[str, Any] = {
        name: getattr(stage, name) if value in (None, "") else value for name, value in overrides.items()
    }
    try:
        quota_clean(**effective)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    stage_subject.min_grade = min_grade  # type: ignore[assignment]
    stage_subject.max_grade = max_grade  # type: ignore[assignment]
    stage_subject.held_on = held_on
    stage_subject.venue = venue.strip()
    stage_subject.online = online
    for name, value in overrides.items():
        setattr(stage_subject, name, value)
    stage_subject.full_clean()
    stage_subject.save()
    stage_subject.grade_settings.exclude(grade__gte=min_grade, grade__lte=max_grade).delete()
    return stage_subject


@transaction.atomic
def stage_subjects_add_all(*, stage: Stage, by: Any = None) -> int:
    """Add every active subject not yet on the stage, with the default grades; returns how many."""
    present = set(stage.subjects.values_list("subject_id", flat=True))
    added = 0
    for subject in OlympiadSubject.objects.filter(is_active=True).exclude(pk__in=present):
        if stage.level == Stage.Level.MUNICIPAL or subject.min_grade_school <= MAX_GRADE:
            stage_subject_save(stage=stage, subject=subject, by=by)
            added += 1
    return added


@transaction.atomic
def stage_subject_delete(*, stage_subject: StageSubject, by: Any = None) -> None:
    if stage_subject.participations.exists() or stage_subject.works.exists():
        raise ValidationError("На предмет уже зарегистрированы участники: удалить его с этапа нельзя.")
    stage_subject.delete()


# --- grade settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GradeRow:
    """One grade of the grid: blank max and tasks → the grade has no setting (removed)."""

    grade: int
    max_score: Decimal | None = None
    task_max: Sequence[Decimal] = ()
    threshold: Decimal | None = None


def task_max_parse(text: str) -> list[Decimal]:
    """«10, 10, 15» (or «10; 10; 15», «2,5; 3») → [10, 10, 15]. Raises ValidationError in Russian."""
    text = (text or "").strip()
    if not text:
        return []
    separator = ";" if ";" in text else ","
    parts = [part.strip() for part in text.split(separator) if part.strip()]
    values: list[Decimal] = []
    for part in parts:
        try:
            value = Decimal(part.replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            raise ValidationError(
                f"«{part}» — не число. Перечислите максимумы заданий через запятую: «10, 10, 15»."
            ) from None
        if not value.is_finite() or value <= 0:
            raise ValidationError("Максимум за задание должен быть больше нуля.")
        values.append(value.quantize(Decimal("0.01")))
    return values


def task_max_json(values: Iterable[Decimal]) -> list[int | str]:
    """JSON of the task maxima: whole numbers as numbers, fractions as decimal strings («2.5»).
    Read back with Decimal(str(item))."""
    return [int(value) if value == value.to_integral_value() else str(value.normalize()) for value in values]


def task_max_text(values: Iterable[Any]) -> str:
    """[10, 10, 15] → «10, 10, 15»; with fractions [2, "2.5"] → «2; 2,5» (as parsed back)."""
    texts = [str(value) for value in values]
    if any("." in text for text in texts):
        return "; ".join(text.replace(".", ",") for text in texts)
    return ", ".join(texts)


@transaction.atomic
def grade_settings_save(
    *, stage_subject: StageSubject, rows: Iterable[GradeRow], by: Any = None
) -> list[GradeSetting]:
    """Store the grid of a stage subject's grades. The maximum is the sum of the task maxima when they are
    given; the threshold (school stage only) lies between 0 and the maximum. A row with neither maximum nor
    tasks removes that grade's setting. All rows or none."""
    is_school = stage_subject.stage.level == Stage.Level.SCHOOL
    existing = {setting.grade: setting for setting in stage_subject.grade_settings.all()}
    errors: list[str] = []
    keep: list[GradeSetting] = []
    remove: list[int] = []
    for row in rows:
        prefix = f"{row.grade} класс: "
        if not stage_subject.min_grade <= row.grade <= stage_subject.max_grade:
            errors.append(
                f"{prefix}класса нет среди классов предмета "
                f"({stage_subject.min_grade}–{stage_subject.max_grade})."
            )
            continue
        tasks = [Decimal(value) for value in row.task_max]
        if not tasks and row.max_score is None:
            if row.threshold is not None:
                errors.append(f"{prefix}укажите максимальный балл, чтобы задать проходной балл.")
            remove.append(row.grade)
            continue
        if any(value <= 0 for value in tasks):
            errors.append(f"{prefix}максимум за задание должен быть больше нуля.")
            continue
        max_score = sum(tasks, Decimal("0")) if tasks else Decimal(row.max_score or 0)
        if tasks and row.max_score is not None and Decimal(row.max_score) != max_score:
            errors.append(
                f"{prefix}максимальный балл {row.max_score} не равен сумме максимумов заданий {max_score}."
            )
            continue
        if max_score <= 0:
            errors.append(f"{prefix}максимальный балл должен быть больше нуля.")
            continue
        if row.threshold is not None:
            if not is_school:
                errors.append(f"{prefix}проходной балл на следующий этап задаётся только на школьном этапе.")
                continue
            if not Decimal("0") <= Decimal(row.threshold) <= max_score:
                errors.append(
                    f"{prefix}проходной балл должен быть от 0 до максимального балла ({max_score})."
                )
                continue
        setting = existing.get(row.grade) or GradeSetting(stage_subject=stage_subject, grade=row.grade)
        setting.max_score = max_score.quantize(Decimal("0.01"))
        setting.task_max = task_max_json(tasks)
        setting.threshold = (
            None if row.threshold is None else Decimal(row.threshold).quantize(Decimal("0.01"))
        )
        keep.append(setting)
    if errors:
        raise ValidationError(errors)
    stage_subject.grade_settings.filter(grade__in=remove).delete()
    for setting in keep:
        setting.full_clean()
        setting.save()
    return sorted(keep, key=lambda setting: setting.grade)


# --- jury, appeal commission, organising committee --------------------------------------------------


def _members_set(
    *,
    model: type[JuryMember] | type[AppealMember],
    stage_subject: StageSubject,
    members: Sequence[tuple[Educator, bool]],
    what: str,
) -> None:
    seen: set[int] = set()
    for educator, _chair in members:
        if educator.pk in seen:
            raise ValidationError(f"Педагог {educator} указан дважды.")
        seen.add(educator.pk)
    chairs = sum(1 for _educator, chair in members if chair)
    if members and chairs == 0:
        raise ValidationError(MSG_ONE_CHAIR.format(what=what))
    if chairs > 1:
        raise ValidationError(MSG_TWO_CHAIRS.format(what=what))
    current = {row.educator_id: row for row in model.objects.filter(stage_subject=stage_subject)}
    model.objects.filter(stage_subject=stage_subject).exclude(educator_id__in=seen).delete()
    # chairs off first, so the one-chair constraint holds at every step
    model.objects.filter(stage_subject=stage_subject, is_chair=True).update(is_chair=False)
    wanted_chair: Educator | None = None
    for educator, chair in members:
        if chair:
            wanted_chair = educator
        elif educator.pk not in current:
            model.objects.create(stage_subject=stage_subject, educator=educator, is_chair=False)
    if wanted_chair is not None:
        model.objects.update_or_create(
            stage_subject=stage_subject, educator=wanted_chair, defaults={"is_chair": True}
        )


@transaction.atomic
def jury_set(
    *, stage_subject: StageSubject, members: Sequence[tuple[Educator, bool]], by: Any = None
) -> None:
    """Replace the jury of a stage subject: (educator, is_chair) pairs, exactly one chair (or nobody)."""
    _members_set(model=JuryMember, stage_subject=stage_subject, members=members, what="жюри")


@transaction.atomic
def appeal_commission_set(
    *, stage_subject: StageSubject, members: Sequence[tuple[Educator, bool]], by: Any = None
) -> None:
    """Replace the appeal commission of a stage subject, the same rules as the jury."""
    _members_set(
        model=AppealMember, stage_subject=stage_subject, members=members, what="апелляционной комиссии"
    )


@transaction.atomic
def committee_member_add(
    *, stage: Stage, educator: Educator | None = None, full_name: str = "", role: str = "", by: Any = None
) -> CommitteeMember:
    """A member of a stage's organising committee: an educator of the district or a typed name."""
    full_name = full_name.strip()
    if educator is None and not full_name:
        raise ValidationError({"educator": "Выберите педагога или впишите ФИО."})
    if educator is not None and full_name:
        raise ValidationError({"full_name": "Укажите либо педагога, либо ФИО — не то и другое сразу."})
    if educator is not None and stage.committee.filter(educator=educator).exists():
        raise ValidationError({"educator": f"{educator} уже в оргкомитете."})
    member = CommitteeMember(stage=stage, educator=educator, full_name=full_name, role=role.strip())
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def committee_member_remove(*, member: CommitteeMember, by: Any = None) -> None:
    member.delete()


# --- subjects of the olympiad -----------------------------------------------------------------------


@transaction.atomic
def olympiad_subject_save(
    *, subject: OlympiadSubject | None = None, data: dict[str, Any], by: Any = None
) -> OlympiadSubject:
    """Create or change a subject of the olympiad (name, short name, first school grade 1–11, …)."""
    subject = subject or OlympiadSubject()
    first = data.get("min_grade_school")
    if first is not None and not 1 <= int(first) <= MAX_GRADE:
        raise ValidationError({"min_grade_school": "Укажите класс от 1 до 11."})
    name = str(data.get("name", subject.name)).strip()
    names = OlympiadSubject.objects.exclude(pk=subject.pk).values_list("name", flat=True)
    if any(fold(other) == fold(name) for other in names):  # case and ё folded on both databases
        raise ValidationError({"name": f"Предмет «{name}» уже есть в списке."})
    for key, value in data.items():
        setattr(subject, key, value.strip() if isinstance(value, str) else value)
    subject.full_clean()
    subject.save()
    return subject


# --- the copy for the next year ---------------------------------------------------------------------


def _shift(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def season_copy(*, season: Season, academic_year: AcademicYear, by: Any = None) -> Season:
    """A new season of the same municipality for `academic_year` with the settings of `season`: stages
    (dates moved by whole years), quota settings, stage subjects (without results or timestamps), grade
    settings, jury, appeal commission, organising committee. Students and results stay behind."""
    years = academic_year.start_year - season.academic_year.start_year
    if years == 0:
        raise ValidationError({"academic_year": "Выберите другой учебный год."})
    new = season_create(municipality=season.municipality, academic_year=academic_year, title="", by=by)
    stages = Stage.objects.filter(season=season).prefetch_related(
        "committee", "subjects__grade_settings", "subjects__jury", "subjects__appeal_commission"
    )
    for stage in stages:
        copy = Stage.objects.create(
            season=new,
            level=stage.level,
            starts_on=_shift(stage.starts_on, years),
            ends_on=_shift(stage.ends_on, years),
            **{name: getattr(stage, name) for name in QUOTA_FIELDS},
        )
        CommitteeMember.objects.bulk_create(
            CommitteeMember(
                stage=copy, educator_id=member.educator_id, full_name=member.full_name, role=member.role
            )
            for member in stage.committee.all()
        )
        for subject in stage.subjects.all():
            subject_copy = StageSubject.objects.create(
                stage=copy,
                subject_id=subject.subject_id,
                min_grade=subject.min_grade,
                max_grade=subject.max_grade,
                held_on=_shift(subject.held_on, years) if subject.held_on else None,
                venue=subject.venue,
                online=subject.online,
                **{name: getattr(subject, name) for name in QUOTA_FIELDS},
            )
            GradeSetting.objects.bulk_create(
                GradeSetting(
                    stage_subject=subject_copy,
                    grade=setting.grade,
                    max_score=setting.max_score,
                    task_max=list(setting.task_max),
                    threshold=setting.threshold,
                )
                for setting in subject.grade_settings.all()
            )
            JuryMember.objects.bulk_create(
                JuryMember(stage_subject=subject_copy, educator_id=row.educator_id, is_chair=row.is_chair)
                for row in subject.jury.all()
            )
            AppealMember.objects.bulk_create(
                AppealMember(stage_subject=subject_copy, educator_id=row.educator_id, is_chair=row.is_chair)
                for row in subject.appeal_commission.all()
            )
    return new
