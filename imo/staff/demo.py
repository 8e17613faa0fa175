"""The educators' part of the demo: ~2,000 educators in the demo district, ~25,000 at region scale.

The shares follow issue #4 (item 9) and what a district's staff usually looks like: ~80 % women; ages
22–70; teaching experience consistent with age (never started before 19) and total experience at least
as long; ~10 % early-career (under three years of teaching); education mostly higher pedagogical, some
secondary vocational, a few other, some people with two records; awards for ~15 %; positions from the
reference catalogue — mostly «Учитель» with one or two subjects, primary-school teachers, psychologists,
speech therapists, organisers, a director and deputies in each school; ~5 % part-timers with a second
employment in another organisation; ~3 % who left (an ended employment with its reason) and transfers
(an ended employment and a new one elsewhere); a few records without СНИЛС (the others valid and unique);
a few planted duplicates (same name and birth date, the copy without СНИЛС) for the duplicates page;
consent to processing for most. The demo teacher accounts get their own record at their school, and a
school's director (Organization.director) is an educator of that school under the same name.

Everything goes in with bulk_create: seeding is not an import, so there is no per-row validation and no
audit log (bulk_create sends no signals), and the region scale builds in seconds. The same rng state and
`today` give the same data.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from imo.accounts.demo import random_person
from imo.orgs.demo import DemoOrganizations
from imo.orgs.models import Membership, Organization, Role
from imo.reference.models import Position, Subject
from imo.staff.experience import add_years
from imo.staff.models import Award, Consent, EducationRecord, Educator, Employment
from imo.staff.services import refresh_derived

_DATA_FILE = Path(__file__).resolve().parent / "data" / "demo.json"

DISTRICT_EDUCATORS = 2_000
REGION_EDUCATORS = 25_000  # the demo district's and every other municipality's, together

EARLY_CAREER = 0.10
LEFT = 0.035  # of those past early career: ~3 % of everyone
TRANSFERRED = 0.12
PART_TIME = 0.05
NO_SNILS = 0.015
AWARDED = 0.17  # of those past early career: ~15 % of everyone
CONSENTED = 0.93
PUBLICATION_CONSENT = 0.2
EDUCATORS_PER_DUPLICATE = 400  # one planted duplicate per this many educators, at least two per municipality
BATCH = 1_000

# Share of women by position or subject where it differs from the usual ~86 % of a school's teachers.
WOMEN = 0.86
WOMEN_BY_POSITION = {
    "Директор": 0.4,
    "Заместитель директора по учебно-воспитательной работе": 0.7,
    "Преподаватель-организатор ОБЗР": 0.1,
    "Инструктор по физической культуре": 0.4,
    "Воспитатель": 0.98,
    "Старший воспитатель": 0.98,
    "Учитель начальных классов": 0.97,
}
WOMEN_BY_SUBJECT = {
    "Физическая культура": 0.25,
    "Основы безопасности и защиты Родины (ОБЗР)": 0.1,
    "Труд (технология)": 0.45,
    "Информатика": 0.6,
    "Физика": 0.65,
}

# What the «Учитель» of a school teach: (weight, subjects), one or two subjects each.
SUBJECT_SETS: tuple[tuple[float, tuple[str, ...]], ...] = (
    (14, ("Русский язык", "Литература")),
    (8, ("Математика",)),
    (3, ("Алгебра", "Геометрия")),
    (2, ("Математика", "Информатика")),
    (9, ("Английский язык",)),
    (1, ("Немецкий язык",)),
    (0.5, ("Французский язык",)),
    (10, ("Чеченский язык", "Чеченская литература")),
    (8, ("История", "Обществознание")),
    (1, ("Обществознание", "Право")),
    (3, ("Физика",)),
    (1, ("Физика", "Астрономия")),
    (2, ("Химия",)),
    (2, ("Химия", "Биология")),
    (3, ("Биология",)),
    (3, ("География",)),
    (0.5, ("География", "Экономика")),
    (2, ("Информатика",)),
    (6, ("Физическая культура",)),
    (3, ("Труд (технология)",)),
    (1.5, ("Музыка",)),
    (1.5, ("Изобразительное искусство",)),
    (0.5, ("Искусство (МХК)", "Музыка")),
    (0.5, ("Основы религиозных культур и светской этики", "История")),
)
_SUBJECT_WEIGHTS = [weight for weight, _ in SUBJECT_SETS]
PRIMARY = ("Начальные классы",)
OBZR = ("Основы безопасности и защиты Родины (ОБЗР)",)

TEACHER = "Учитель"
PRIMARY_TEACHER = "Учитель начальных классов"
DIRECTOR = "Директор"
MANAGERS = frozenset(
    {
        DIRECTOR,
        "Заместитель директора по учебно-воспитательной работе",
        "Заместитель директора по воспитательной работе",
        "Заместитель директора по научно-методической работе",
    }
)
TEACHING = frozenset(
    {TEACHER, PRIMARY_TEACHER, "Преподаватель-организатор ОБЗР", "Педагог дополнительного образования"}
)
# Staff of one organisation before its teachers: (position, how many, probability of having them).
STAFFING: dict[str, tuple[tuple[str, int, float], ...]] = {
    Organization.Kind.SCHOOL: (
        (DIRECTOR, 1, 1.0),
        ("Заместитель директора по учебно-воспитательной работе", 1, 1.0),
        ("Заместитель директора по учебно-воспитательной работе", 1, 0.5),
        ("Заместитель директора по воспитательной работе", 1, 1.0),
        ("Заместитель директора по научно-методической работе", 1, 0.3),
        ("Педагог-психолог", 1, 0.9),
        ("Социальный педагог", 1, 0.8),
        ("Учитель-логопед", 1, 0.6),
        ("Учитель-дефектолог", 1, 0.15),
        ("Педагог-организатор", 1, 0.7),
        ("Советник директора по воспитанию", 1, 0.8),
        ("Преподаватель-организатор ОБЗР", 1, 0.6),
        ("Педагог-библиотекарь", 1, 0.5),
        ("Тьютор", 1, 0.1),
        ("Педагог дополнительного образования", 1, 0.3),
    ),
    Organization.Kind.KINDERGARTEN: (
        ("Старший воспитатель", 1, 1.0),
        ("Музыкальный руководитель", 1, 1.0),
        ("Инструктор по физической культуре", 1, 0.8),
        ("Педагог-психолог", 1, 0.7),
        ("Учитель-логопед", 1, 0.7),
    ),
    Organization.Kind.ADDITIONAL_EDUCATION: (
        (DIRECTOR, 1, 1.0),
        ("Заместитель директора по учебно-воспитательной работе", 1, 1.0),
        ("Методист", 2, 1.0),
        ("Педагог-организатор", 1, 1.0),
    ),
}
# Who fills the rest: (position, share) by kind; «Учитель» gets subjects from SUBJECT_SETS.
REST: dict[str, tuple[tuple[str, float], ...]] = {
    Organization.Kind.SCHOOL: ((PRIMARY_TEACHER, 0.22), (TEACHER, 0.78)),
    Organization.Kind.KINDERGARTEN: (("Воспитатель", 1.0),),
    Organization.Kind.ADDITIONAL_EDUCATION: (("Педагог дополнительного образования", 1.0),),
}
AWARD_KINDS = (
    (Award.Kind.MUNICIPAL, 30),
    (Award.Kind.REGIONAL, 28),
    (Award.Kind.DEPARTMENTAL, 25),
    (Award.Kind.OTHER, 13),
    (Award.Kind.STATE, 4),
)


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_DATA_FILE.read_text(encoding="utf-8"))
    return data


@dataclass
class DemoStaff:
    """What was built: counts, and the planted duplicate pairs (original pk, copy pk)."""

    educators: int = 0
    employments: int = 0
    duplicates: list[tuple[int, int]] = field(default_factory=list)
    linked_users: int = 0


@dataclass
class _Job:
    organization: Organization
    position: str
    subjects: tuple[str, ...]
    weekly_hours: Decimal | None
    starts_on: dt.date | None
    is_main: bool = True
    ends_on: dt.date | None = None
    end_reason: str = ""


@dataclass
class _Person:
    educator: Educator
    jobs: list[_Job] = field(default_factory=list)
    education: list[EducationRecord] = field(default_factory=list)
    awards: list[Award] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    plain: bool = True  # a current employee with СНИЛС, no account: may get a planted duplicate


@dataclass(frozen=True)
class _Name:
    last_name: str
    first_name: str
    patronymic: str
    sex: str


def _sex_of(patronymic: str) -> str:
    return Educator.Sex.FEMALE if patronymic.endswith(("вна", "чна", "кызы")) else Educator.Sex.MALE


def _name_of(full_name: str) -> _Name | None:
    parts = full_name.split()
    if len(parts) != 3:
        return None
    return _Name(parts[0], parts[1], parts[2], _sex_of(parts[2]))


def _day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


class _Snils:
    """Valid, unique СНИЛС numbers (checksum of validation.md), none already in the database."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used = set(Educator.objects.exclude(snils="").values_list("snils", flat=True))

    def next(self) -> str:
        while True:
            body = f"{self.rng.randint(2_000_000, 999_999_999):09d}"
            total = sum(int(digit) * weight for digit, weight in zip(body, range(9, 0, -1), strict=True))
            check = total if total < 100 else 0 if total in (100, 101) else total % 101 % 100
            number = f"{body}{check:02d}"
            if number not in self.used:
                self.used.add(number)
                return number


def _person_inn(rng: random.Random) -> str:
    """A valid 12-digit ИНН of a person registered in the Chechen Republic (prefix 20)."""
    digits = "20" + "".join(str(rng.randint(0, 9)) for _ in range(8))
    for weights in ((7, 2, 4, 10, 3, 5, 9, 4, 6, 8), (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)):
        digits += str(sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10)
    return digits


def _phone(rng: random.Random) -> str:
    return f"+7 (9{rng.randint(10, 99)}) {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"


@cache
def _translit() -> dict[str, str]:
    """Cyrillic letter → Latin letters (data file: one entry per letter а…я, space-separated)."""
    return dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _data()["translit"].split(" "), strict=True))


def _email(rng: random.Random, name: _Name) -> str:
    letters = _translit()
    latin = "".join(letters.get(char, "") for char in name.last_name.lower()) or "pedagog"
    initial = letters.get(name.first_name[:1].lower(), "")
    return f"{latin}.{initial}{rng.randint(1, 999)}@example.ru"


# --- organisations: how many educators each, and in which positions ----------------------------


def _weight(rng: random.Random, organization: Organization) -> float:
    if organization.kind == Organization.Kind.KINDERGARTEN:
        return rng.uniform(12, 25)
    if organization.kind == Organization.Kind.ADDITIONAL_EDUCATION:
        return rng.uniform(10, 20)
    weight = rng.uniform(30, 80)
    return weight * 1.25 if organization.settlement.startswith("г.") else weight


def _counts(rng: random.Random, organizations: Sequence[Organization], total: int) -> list[int]:
    """`total` educators spread over the organisations in proportion to their (random) size."""
    weights = [_weight(rng, organization) for organization in organizations]
    scale = total / sum(weights)
    return [max(3, round(weight * scale)) for weight in weights]


def _staffing(
    rng: random.Random, organization: Organization, count: int
) -> list[tuple[str, tuple[str, ...]]]:
    kind = organization.kind if organization.kind in REST else Organization.Kind.SCHOOL
    slots: list[tuple[str, tuple[str, ...]]] = []
    for position, how_many, probability in STAFFING[kind]:
        if rng.random() < probability:
            slots.extend((position, OBZR if "ОБЗР" in position else ()) for _ in range(how_many))
    slots = slots[: max(count // 3, 1)]  # a tiny organisation is mostly teachers
    positions = [position for position, _ in REST[kind]]
    shares = [share for _, share in REST[kind]]
    while len(slots) < count:
        position = rng.choices(positions, shares)[0]
        if position == TEACHER:
            slots.append((position, rng.choices(SUBJECT_SETS, _SUBJECT_WEIGHTS)[0][1]))
        elif position == PRIMARY_TEACHER:
            slots.append((position, PRIMARY))
        else:
            slots.append((position, ()))
    # Accounts and directors are matched to their slots first: keep the head of the list in place.
    head, rest = slots[:1], slots[1:]
    rng.shuffle(rest)
    return head + rest


# --- one person --------------------------------------------------------------------------------


@dataclass
class _Context:
    rng: random.Random
    today: dt.date
    snils: _Snils
    data: dict[str, Any]


def _women_share(position: str, subjects: tuple[str, ...]) -> float:
    if position in WOMEN_BY_POSITION:
        return WOMEN_BY_POSITION[position]
    if position == TEACHER and subjects:
        return WOMEN_BY_SUBJECT.get(subjects[0], WOMEN)
    return WOMEN


def _dates(ctx: _Context, early: bool) -> tuple[dt.date, dt.date, dt.date]:
    """Birth date, teaching and total experience starts: experience never before 19, total ≥ teaching."""
    rng, today = ctx.rng, ctx.today
    age = min(22 + int(rng.expovariate(1 / 4)), 60) if early else int(rng.triangular(23, 71, 48))
    birth = add_years(today, -age) - dt.timedelta(days=rng.randint(1, 364))
    if early:
        teaching = today - dt.timedelta(days=rng.randint(30, 3 * 365 - 5))
    else:
        started_at = 19 + int(rng.expovariate(1 / 3.5))
        teaching = add_years(birth, started_at) + dt.timedelta(days=rng.randint(0, 364))
        latest = add_years(today, -3) - dt.timedelta(days=rng.randint(0, 300))
        teaching = max(min(teaching, latest), add_years(birth, 19))
    total = teaching
    if rng.random() < 0.35:
        total = max(teaching - dt.timedelta(days=rng.randint(180, 8 * 365)), add_years(birth, 18))
        total = min(total, teaching)
    return birth, teaching, total


def _subjects_of(ctx: _Context, position: str, subjects: tuple[str, ...]) -> tuple[str, ...]:
    """The subjects a manager (or a teacher without any) taught or teaches: for education and old jobs."""
    if position in MANAGERS or (position == TEACHER and not subjects):
        return ctx.rng.choices(SUBJECT_SETS, _SUBJECT_WEIGHTS)[0][1]
    return subjects


def _speciality(ctx: _Context, position: str, subjects: tuple[str, ...]) -> tuple[str, str]:
    specialities = ctx.data["specialities"]
    subjects = _subjects_of(ctx, position, subjects)
    speciality, qualification = specialities.get(
        subjects[0] if subjects else position, specialities["default"]
    )
    return speciality, qualification


def _record(
    ctx: _Context, level: str, pedagogical: bool, year: int, speciality: Sequence[str]
) -> EducationRecord:
    """One education record; the institution from the data file's list for its level (and kind)."""
    pool = (
        level
        if level == EducationRecord.Level.OTHER
        else f"{level}_{'' if pedagogical else 'non'}pedagogical"
    )
    return EducationRecord(
        level=level,
        is_pedagogical=pedagogical,
        institution=ctx.rng.choice(ctx.data["institutions"][pool]),
        graduation_year=year,
        speciality=speciality[0],
        qualification=speciality[1],
    )


def _education(
    ctx: _Context, position: str, subjects: tuple[str, ...], birth: dt.date
) -> list[EducationRecord]:
    """Mostly higher pedagogical, some secondary vocational, a few other; some people have two records."""
    rng, data, level = ctx.rng, ctx.data, EducationRecord.Level
    last_year = ctx.today.year - (1 if ctx.today.month < 7 else 0)
    vocational_share = 0.3 if position in (PRIMARY_TEACHER, "Воспитатель") else 0.09
    draw = rng.random()
    if draw < 0.03:
        year = min(birth.year + 22 + rng.randint(0, 10), last_year)
        return [_record(ctx, level.OTHER, True, year, data["retraining"])]
    if draw < 0.03 + vocational_share:
        pedagogical = rng.random() < 0.85
        year = min(birth.year + 19 + rng.choice((0, 0, 1)), last_year)
        first = _record(
            ctx,
            level.SECONDARY_VOCATIONAL,
            pedagogical,
            year,
            _speciality(ctx, position, subjects) if pedagogical else rng.choice(data["non_pedagogical"]),
        )
    else:
        pedagogical = draw >= 0.09 + vocational_share
        year = min(birth.year + 21 + rng.choice((0, 0, 1, 1, 2, 3)), last_year)
        first = _record(
            ctx,
            level.HIGHER,
            pedagogical,
            year,
            _speciality(ctx, position, subjects) if pedagogical else rng.choice(data["non_pedagogical"]),
        )
    # A second record: higher after a college, retraining after a non-pedagogical degree, management.
    later = min(year + rng.randint(3, 8), last_year)
    second: EducationRecord | None = None
    if later <= year:
        pass
    elif first.level == level.SECONDARY_VOCATIONAL and pedagogical and rng.random() < 0.4:
        second = _record(ctx, level.HIGHER, True, later, _speciality(ctx, position, subjects))
    elif first.level == level.HIGHER and not pedagogical and rng.random() < 0.6:
        second = _record(ctx, level.OTHER, True, later, data["retraining"])
    elif position in MANAGERS and rng.random() < 0.5:
        second = _record(ctx, level.OTHER, False, later, data["management"])
    elif rng.random() < 0.04:
        second = _record(ctx, level.HIGHER, True, later, _speciality(ctx, position, subjects))
    return [first] if second is None else [first, second]


def _awards(ctx: _Context, teaching: dt.date) -> list[Award]:
    rng = ctx.rng
    kinds = [kind for kind, _ in AWARD_KINDS]
    weights = [weight for _, weight in AWARD_KINDS]
    awards = []
    for _ in range(1 if rng.random() < 0.8 else 2):
        kind = rng.choices(kinds, weights)[0]
        awards.append(
            Award(
                kind=kind,
                title=rng.choice(ctx.data["awards"][kind]),
                awarded_on=_day_between(rng, add_years(teaching, 3), ctx.today - dt.timedelta(days=1)),
                order_number=f"№ {rng.randint(12, 980)}{rng.choice(('', '-к', '-п', '/01-05'))}",
            )
        )
    return awards


def _hours(rng: random.Random, position: str) -> Decimal | None:
    if position in TEACHING:
        return Decimal(int(rng.triangular(9, 37, 20)))
    if position == "Воспитатель":
        return Decimal(36)
    if position in MANAGERS and rng.random() < 0.5:
        return Decimal(rng.randint(9, 12))
    return None


def _person(
    ctx: _Context,
    *,
    municipality: Organization,
    organization: Organization,
    position: str,
    subjects: tuple[str, ...],
    others: Sequence[Organization],
    name: _Name | None = None,
    user: Any = None,
) -> _Person:
    rng, today = ctx.rng, ctx.today
    fixed = name is not None or user is not None  # a demo account or a director: an ordinary employee
    early = not fixed and position not in MANAGERS and rng.random() < EARLY_CAREER / 0.9
    if name is None:
        sex = Educator.Sex.FEMALE if rng.random() < _women_share(position, subjects) else Educator.Sex.MALE
        generated = random_person(rng, sex)
        name = _Name(generated.last_name, generated.first_name, generated.patronymic, sex)
    birth, teaching, total = _dates(ctx, early)
    has_snils = fixed or rng.random() >= NO_SNILS
    degree = Educator.AcademicDegree.CANDIDATE if rng.random() < 0.004 else ""
    educator = Educator(
        municipality=municipality,
        last_name=name.last_name,
        first_name=name.first_name,
        patronymic=name.patronymic,
        sex=name.sex,
        birth_date=birth,
        snils=ctx.snils.next() if has_snils else "",
        inn=_person_inn(rng) if rng.random() < 0.7 else "",
        phone=_phone(rng) if rng.random() < 0.9 else "",
        email=_email(rng, name) if rng.random() < 0.6 else "",
        academic_degree=degree,
        academic_title=Educator.AcademicTitle.DOCENT if degree and rng.random() < 0.3 else "",
        total_experience_start=total,
        teaching_experience_start=teaching,
        user=user,
    )
    refresh_derived(educator)
    person = _Person(educator, plain=has_snils and user is None)

    # Employments: the current main one, possibly after a transfer; or an ended one (left).
    main = _Job(organization, position, subjects, _hours(rng, position), teaching)
    if not early and rng.random() < 0.5:
        main.starts_on = _day_between(rng, teaching, today - dt.timedelta(days=30))
    draw = rng.random()
    earliest_move = max(add_years(teaching, 1), add_years(today, -12))
    latest_move = today - dt.timedelta(days=60)
    if not fixed and not early and draw < LEFT:
        main.ends_on = _day_between(
            rng, max(main.starts_on or teaching, add_years(today, -3)), today - dt.timedelta(days=1)
        )
        age = (today - birth).days // 365
        main.end_reason = (
            ctx.data["end_reasons"]["retired"]
            if age >= 58 and rng.random() < 0.7
            else rng.choice(ctx.data["end_reasons"]["left"])
        )
        person.plain = False
    elif others and not early and draw < LEFT + TRANSFERRED and earliest_move < latest_move:
        moved_on = _day_between(rng, earliest_move, latest_move)
        before = rng.choice(others)
        before_position = position if position not in MANAGERS else TEACHER
        person.jobs.append(
            _Job(
                before,
                before_position,
                _subjects_of(ctx, before_position, subjects),
                _hours(rng, before_position),
                teaching,
                ends_on=moved_on - dt.timedelta(days=1),
                end_reason=ctx.data["end_reasons"]["transfer"],
            )
        )
        main.starts_on = moved_on
    person.jobs.append(main)
    if others and main.ends_on is None and rng.random() < PART_TIME:
        second = rng.choice(others)
        second_position = position if position not in MANAGERS else TEACHER
        person.jobs.append(
            _Job(
                second,
                second_position,
                _subjects_of(ctx, second_position, subjects)[:1] if second_position == TEACHER else subjects,
                Decimal(rng.randint(9, 18)),
                _day_between(rng, max(teaching, add_years(today, -6)), today - dt.timedelta(days=30)),
                is_main=False,
            )
        )

    person.education = _education(ctx, position, subjects, birth)
    if not early and rng.random() < AWARDED:
        person.awards = _awards(ctx, teaching)
    if fixed or rng.random() < CONSENTED:
        given_on = _day_between(
            rng, max(main.starts_on or teaching, add_years(today, -6)), today - dt.timedelta(days=1)
        )
        person.consents.append(Consent(purpose=Consent.Purpose.PROCESSING, given_on=given_on))
        if rng.random() < PUBLICATION_CONSENT:
            person.consents.append(Consent(purpose=Consent.Purpose.DISTRIBUTION, given_on=given_on))
    return person


def _duplicate_of(ctx: _Context, original: _Person, organization: Organization) -> _Person:
    """The same person entered again by another school: same name and birth date, no СНИЛС."""
    rng, source = ctx.rng, original.educator
    main = next(job for job in original.jobs if job.is_main and job.ends_on is None)
    educator = Educator(
        municipality=source.municipality,
        last_name=source.last_name,
        first_name=source.first_name,
        patronymic=source.patronymic,
        sex=source.sex,
        birth_date=source.birth_date,
        phone=source.phone if rng.random() < 0.5 else "",
        teaching_experience_start=source.teaching_experience_start if rng.random() < 0.5 else None,
    )
    refresh_derived(educator)
    starts_on = ctx.today - dt.timedelta(days=rng.randint(30, 700))
    job = _Job(organization, main.position, main.subjects, main.weekly_hours, starts_on)
    return _Person(educator, jobs=[job], plain=False)


# --- the whole data set ------------------------------------------------------------------------


def _teacher_accounts(organizations: Sequence[Organization]) -> dict[int, list[Any]]:
    """The demo teacher accounts by organisation, not yet linked to a record."""
    accounts: dict[int, list[Any]] = {}
    memberships = (
        Membership.objects.filter(
            role=Role.TEACHER, organization__in=organizations, user__educator__isnull=True
        )
        .select_related("user")
        .order_by("pk")
    )
    for membership in memberships:
        accounts.setdefault(membership.organization_id, []).append(membership.user)
    return accounts


def _municipality_people(
    ctx: _Context,
    municipality: Organization,
    organizations: Sequence[Organization],
    counts: Sequence[int],
    accounts: dict[int, list[Any]],
) -> tuple[list[_Person], list[tuple[int, int]]]:
    """Everyone of one municipality, and the planted duplicates as (original, copy) list indices."""
    people: list[_Person] = []
    for organization, count in zip(organizations, counts, strict=True):
        others = [other for other in organizations if other.pk != organization.pk]
        director = _name_of(organization.director)
        users = list(accounts.get(organization.pk, ()))
        for position, subjects in _staffing(ctx.rng, organization, count):
            name, user = None, None
            if position == DIRECTOR and director is not None:
                name, director = director, None
            elif position not in MANAGERS and users:
                user = users.pop(0)
                name = _Name(user.last_name, user.first_name, user.patronymic, _sex_of(user.patronymic))
            people.append(
                _person(
                    ctx,
                    municipality=municipality,
                    organization=organization,
                    position=position,
                    subjects=subjects,
                    others=others,
                    name=name,
                    user=user,
                )
            )
    # Planted duplicates: a copy at another organisation (the same one when there is only one).
    plain = [index for index, person in enumerate(people) if person.plain]
    pairs = []
    wanted = min(max(2, round(len(people) / EDUCATORS_PER_DUPLICATE)), len(plain))
    for index in ctx.rng.sample(plain, wanted):
        here = next(job.organization for job in people[index].jobs if job.is_main and job.ends_on is None)
        elsewhere = [other for other in organizations if other.pk != here.pk] or list(organizations)
        people.append(_duplicate_of(ctx, people[index], ctx.rng.choice(elsewhere)))
        pairs.append((index, len(people) - 1))
    return people, pairs


def _educational(organizations: Sequence[Organization]) -> list[Organization]:
    return [organization for organization in organizations if organization.is_educational]


def _catalogue(model: type[Position] | type[Subject], names: set[str]) -> dict[str, Any]:
    """Reference items by name; the few a changed catalogue lacks are added (seeding needs them)."""
    found = {item.name: item for item in model.objects.filter(name__in=names)}
    for name in sorted(names - found.keys()):
        found[name] = model.objects.get_or_create(name=name)[0]
    return found


def _save(people: list[_Person]) -> int:
    """Insert everyone with bulk_create (pks come back on both databases), then their rows."""
    Educator.objects.bulk_create([person.educator for person in people], batch_size=BATCH)
    education, awards, consents = [], [], []
    for person in people:
        for record in person.education:
            record.educator = person.educator
        for award in person.awards:
            award.educator = person.educator
        for consent in person.consents:
            consent.educator = person.educator
        education.extend(person.education)
        awards.extend(person.awards)
        consents.extend(person.consents)
    EducationRecord.objects.bulk_create(education, batch_size=BATCH)
    Award.objects.bulk_create(awards, batch_size=BATCH)
    Consent.objects.bulk_create(consents, batch_size=BATCH)

    jobs = [(person.educator, job) for person in people for job in person.jobs]
    positions = _catalogue(Position, {job.position for _, job in jobs})
    subjects = _catalogue(Subject, {subject for _, job in jobs for subject in job.subjects})
    employments = Employment.objects.bulk_create(
        [
            Employment(
                educator=educator,
                organization=job.organization,
                position=positions[job.position],
                is_main=job.is_main,
                weekly_hours=job.weekly_hours,
                starts_on=job.starts_on,
                ends_on=job.ends_on,
                end_reason=job.end_reason,
            )
            for educator, job in jobs
        ],
        batch_size=BATCH,
    )
    through = Employment.subjects.through
    through.objects.bulk_create(
        [
            through(employment_id=employment.pk, subject_id=subjects[name].pk)
            for employment, (_, job) in zip(employments, jobs, strict=True)
            for name in job.subjects
        ],
        batch_size=BATCH * 5,
    )
    return len(employments)


def seed(
    *,
    rng: random.Random,
    orgs: DemoOrganizations,
    today: dt.date,
    district_count: int = DISTRICT_EDUCATORS,
    region_count: int = REGION_EDUCATORS,
) -> DemoStaff:
    """Educators of the demo district (`district_count`) and, at region scale, of the other
    municipalities (`region_count` in all). Run once, on organisations without educators."""
    ctx = _Context(rng, today, _Snils(rng), _data())
    plan: list[tuple[Organization, list[Organization], list[int]]] = []
    district = _educational(orgs.schools)
    plan.append((orgs.municipality, district, _counts(rng, district, district_count)))
    if orgs.other_municipalities:
        groups = [
            (municipality, _educational(schools)) for municipality, schools in orgs.other_municipalities
        ]
        every = [organization for _, schools in groups for organization in schools]
        counts = iter(_counts(rng, every, max(region_count - district_count, 0)))
        plan.extend(
            (municipality, schools, [next(counts) for _ in schools]) for municipality, schools in groups
        )
    accounts = _teacher_accounts([organization for _, schools, _ in plan for organization in schools])

    people: list[_Person] = []
    pairs: list[tuple[int, int]] = []
    for municipality, organizations, counts_of in plan:
        if not organizations:
            continue
        group, group_pairs = _municipality_people(ctx, municipality, organizations, counts_of, accounts)
        offset = len(people)
        people.extend(group)
        pairs.extend((offset + a, offset + b) for a, b in group_pairs)
    employments = _save(people)
    return DemoStaff(
        educators=len(people),
        employments=employments,
        duplicates=[(people[a].educator.pk, people[b].educator.pk) for a, b in pairs],
        linked_users=sum(1 for person in people if person.educator.user is not None),
    )
