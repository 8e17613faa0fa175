"""Demo student olympiads (issue #7, item 9): students of the demo district's schools for this and last
academic year (class lists with parents' consents, last year's records linked by `previous`), the school and
municipal stages of both years with the 24 subjects, maxima and thresholds, juries and appeal commissions,
about 8,000 school-stage and 1,200 municipal participations with coded works, task scores, a few absent, a
deliberate tie at a quota boundary, about twenty appeals, statuses from the ranking part, published results
and diplomas.

At region scale (the staff demo built other municipalities) each other municipality gets the latest finished
school stage only (this year's from November, last year's before) — students, consents, participations and
works, ranked in memory and published — about 150,000 participations in all, for the publication bench.

Runs after the staff seed (it reads the educators once). Everything goes in with bulk_create — seeding is not
registration, so no per-row validation or audit. The same rng state and `today` give the same data.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import Any

from django.utils import timezone

import imo.accounts.demo
from imo.core.text import fold
from imo.olympiads.models import (
    Appeal,
    AppealMember,
    Certificate,
    CommitteeMember,
    Enrolment,
    GradeSetting,
    JuryMember,
    OlympiadSubject,
    Participation,
    Season,
    Stage,
    StageSubject,
    Student,
    StudentConsent,
    Work,
)
from imo.orgs.models import Membership, Organization, Role
from imo.reference.models import AcademicYear, Subject, academic_year_start
from imo.reference.services import academic_year_ensure
from imo.staff.models import Educator, Employment
from imo.staff.selectors import active_on

_DATA_FILE = Path(__file__).resolve().parent / "data" / "demo.json"
_NAMES_FILE = imo.accounts.demo._NAMES_FILE  # the demo's name lists (Chechen and a few Russian names)
BATCH = 5000

DISTRICT_PARTICIPATIONS = 8000  # school stage of this year in the demo district
MUNICIPAL_PARTICIPATIONS = 1200
REGION_PARTICIPATIONS = 150_000  # school stage of this year in the region's other municipalities
LAST_YEAR_SHARE = 0.7  # last year's season is smaller
LISTED = 0.85  # share of a grade the school lists (at full size)
CONSENT = 0.65  # students with a parent's written confirmation
PUBLICATION = 0.9  # of those, publication allowed
ABSENT = 0.02
MUNICIPAL_ABSENT = 0.04
CARRY_OVER = 0.93  # last year's students listed again this year
APPEALS = {Appeal.Decision.REJECTED: 10, Appeal.Decision.RAISED: 7, Appeal.Decision.LOWERED: 3}
DEMO_TEACHERS = ("teacher1", "teacher2", "teacher3")
SCHOOL_GRADES = range(4, 12)
MUNICIPAL_MIN_GRADE = 7
ZERO = Decimal("0")


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_DATA_FILE.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class DemoOlympiads:
    students: int  # both years, district and region
    consents: int
    seasons: int
    stage_subjects: int
    school_participations: int  # this year's school stage in the demo district
    municipal_participations: int  # this year's municipal stage in the demo district
    region_participations: int  # this year's school stages of the other municipalities
    works: int
    appeals: int
    certificates: int
    placeholder_ranking: bool  # the ranking part was not importable: statuses from _placeholder_rank


# --- helpers -----------------------------------------------------------------------------------


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=timezone.get_current_timezone())


def _day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _spread(first: dt.date, last: dt.date, count: int) -> list[dt.date]:
    """`count` days from `first` to `last`, evenly, in order."""
    if count <= 1:
        return [first] * count
    span = max((last - first).days, 0)
    return [first + dt.timedelta(days=round(i * span / (count - 1))) for i in range(count)]


def _birth_date(rng: random.Random, start_year: int, grade: int) -> dt.date:
    """Grade 1 in the year starting in September Y: born from September Y-7 to August Y-6."""
    first = dt.date(start_year - grade - 6, 9, 1)
    return _day_between(rng, first, dt.date(start_year - grade - 5, 8, 31))


def _split(rng: random.Random, total: int, task_max: Sequence[int]) -> list[int]:
    """Task scores summing to `total`, each within its task's maximum."""
    whole = sum(task_max)
    scores = [min(top, total * top // whole) for top in task_max]
    rest = total - sum(scores)
    while rest > 0:
        room = [index for index, top in enumerate(task_max) if scores[index] < top]
        scores[rng.choice(room)] += 1
        rest -= 1
    return scores


def _score(rng: random.Random, maximum: int, *, municipal: bool) -> int:
    fraction = rng.betavariate(2.4, 2.6) if municipal else rng.betavariate(2.0, 3.0)
    return max(0, min(maximum, round(fraction * maximum)))


# --- ranking: the ranking part's engine, or a placeholder ------------------------------------------


def _ranking_service() -> Callable[..., int] | None:
    try:
        from imo.olympiads.ranking.services import rank_stage
    except ImportError:
        return None
    return rank_stage


def _placeholder_rank(
    rows: Sequence[tuple[Any, str, Decimal, Decimal]],
) -> dict[Any, tuple[int | None, str, str]]:
    """PLACEHOLDER used only when imo.olympiads.ranking.engine is not importable: rows (key, name_key,
    score, max_score) of one group → (rank, status, reason) with the default quotas (45 % awards, 5 %
    winners, rounding down, an award needs more than half of the maximum; ties at the boundary all in or
    all out)."""
    ordered = sorted(rows, key=lambda row: (-row[2], row[1]))
    count = len(ordered)
    awards, winners = math.floor(count * 0.45), max(1, math.floor(count * 0.05))
    result: dict[Any, tuple[int | None, str, str]] = {}
    rank = 0
    for position, (key, _, score, maximum) in enumerate(ordered):
        if position == 0 or score != ordered[position - 1][2]:
            rank = position + 1
        half = score * 2 > maximum
        if half and rank <= winners:
            status, reason = (
                "winner",
                "Лучший результат в пределах квоты победителей, больше половины максимума.",
            )
        elif half and rank <= awards:
            status, reason = (
                "prize_winner",
                "В пределах квоты победителей и призёров, больше половины максимума.",
            )
        else:
            status, reason = "participant", "За пределами квоты или не больше половины максимального балла."
        result[key] = (rank, status, reason)
    return result


def _rank_rows(
    rows: Sequence[tuple[Any, str, Decimal, Decimal]], group: Any
) -> dict[Any, tuple[int | None, str, str]]:
    """One group's ranking in memory with the ranking part's engine (default quotas), else the placeholder."""
    try:
        from imo.olympiads.ranking.engine import Entry, QuotaRule, rank_entries
    except ImportError:
        return _placeholder_rank(rows)
    rule = QuotaRule(
        total_share=Decimal("45"), winners_share=Decimal("5"), min_award_share=Decimal("50"), rounding="down"
    )
    outcomes = rank_entries(
        [
            Entry(key=key, name_key=name, group=group, score=score, max_score=top)
            for key, name, score, top in rows
        ],
        rule,
    )
    return {key: (outcome.rank, outcome.status, outcome.reason) for key, outcome in outcomes.items()}


# --- who: educators, users, schools -------------------------------------------------------------


@dataclass
class _Staff:
    """Educators of the district's schools, read once: by school and school subject, and by subject."""

    by_school_subject: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    by_school: dict[int, list[int]] = field(default_factory=dict)
    by_subject: dict[int, list[int]] = field(default_factory=dict)
    anyone: list[int] = field(default_factory=list)
    demo: dict[str, tuple[int, int | None, list[int]]] = field(
        default_factory=dict
    )  # username → (pk, school, subjects)


def _staff(schools: Sequence[int], today: dt.date) -> _Staff:
    staff = _Staff()
    employment_school: dict[int, tuple[int, int]] = {}
    for pk, educator_id, organization_id in (
        Employment.objects.filter(
            active_on(today), organization_id__in=schools, educator__erased_at__isnull=True
        )
        .order_by("pk")
        .values_list("pk", "educator_id", "organization_id")
    ):
        employment_school[pk] = (educator_id, organization_id)
    by_school_subject: dict[tuple[int, int], set[int]] = defaultdict(set)
    by_school: dict[int, set[int]] = defaultdict(set)
    by_subject: dict[int, set[int]] = defaultdict(set)
    for employment_id, subject_id in Employment.subjects.through.objects.filter(
        employment_id__in=list(employment_school)
    ).values_list("employment_id", "subject_id"):
        educator_id, school_id = employment_school[employment_id]
        by_school_subject[(school_id, subject_id)].add(educator_id)
        by_school[school_id].add(educator_id)
        by_subject[subject_id].add(educator_id)
    staff.by_school_subject = {key: sorted(value) for key, value in by_school_subject.items()}
    staff.by_school = {key: sorted(value) for key, value in by_school.items()}
    staff.by_subject = {key: sorted(value) for key, value in by_subject.items()}
    staff.anyone = sorted({pk for value in by_school.values() for pk in value})
    users = dict(
        Educator.objects.filter(user__username__in=DEMO_TEACHERS).values_list("user__username", "pk")
    )
    for username, pk in users.items():
        school = next((s for e, s in employment_school.values() if e == pk), None)
        subjects = sorted(
            sid for (s, sid), people in by_school_subject.items() if s == school and pk in people
        )
        staff.demo[username] = (pk, school, subjects)
    return staff


@dataclass(frozen=True)
class _Users:
    admins: dict[int, int]  # school → its first school admin
    methodist_id: int | None


def _users(municipality: Organization) -> _Users:
    admins: dict[int, int] = {}
    methodist: int | None = None
    for organization_id, user_id, role in (
        Membership.objects.filter(role__in=(Role.SCHOOL_ADMIN, Role.METHODIST))
        .filter(organization__path__startswith=municipality.path)
        .order_by("pk")
        .values_list("organization_id", "user_id", "role")
    ):
        if role == Role.SCHOOL_ADMIN:
            admins.setdefault(organization_id, user_id)
        elif organization_id == municipality.pk and methodist is None:
            methodist = user_id
    return _Users(admins, methodist)


def _subjects() -> list[OlympiadSubject]:
    """The active subjects; their school subject linked from data/demo.json where the office left it empty.
    The federal list comes back first when a `flush` emptied it (tests on a flushed database, a reset)."""
    if not OlympiadSubject.objects.exists():
        from django.apps import apps as django_apps

        import_module("imo.olympiads.migrations.0002_subjects").add_subjects(django_apps, None)
    subjects = list(OlympiadSubject.objects.filter(is_active=True).order_by("order", "name"))
    catalogue = dict(Subject.objects.values_list("name", "pk"))
    changed = []
    for subject in subjects:
        info = _data()["subjects"].get(subject.name)
        if subject.school_subject_id is None and info:
            pk = next((catalogue[name] for name in info["teach"] if name in catalogue), None)
            if pk is not None:
                subject.school_subject_id = pk
                changed.append(subject)
    OlympiadSubject.objects.bulk_update(changed, ["school_subject"])
    return subjects


def _info(subject: OlympiadSubject) -> dict[str, Any]:
    info: dict[str, Any] = _data()["subjects"].get(subject.name) or {
        "weight": 1,
        "teach": [],
        "code": (subject.short_name or subject.name)[:2].upper(),
        "max": 100,
        "tasks": [],
    }
    return info


# --- in-memory rows ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Entry:
    """A participation before it is saved."""

    subject: _Subject
    student: Student
    grade: int
    teachers: list[int]
    source: str = Participation.Source.REGISTERED
    confirmed: bool = True
    absent: bool = False
    score: int | None = None
    tasks: list[int] = field(default_factory=list)
    work: Work | None = None
    row: Participation | None = None


@dataclass(slots=True)
class _Subject:
    """A stage subject being seeded: its row, the subject's demo info, whether it has been held."""

    row: StageSubject
    subject: OlympiadSubject
    info: dict[str, Any]
    done: bool = False  # held and scored
    published: bool = False
    ranked: bool = False
    entries: list[_Entry] = field(default_factory=list)

    @property
    def maximum(self) -> int:
        return int(self.info["max"])

    @property
    def tasks(self) -> list[int]:
        return list(self.info["tasks"])


def _stage_subjects(
    stage: Stage,
    subjects: Sequence[OlympiadSubject],
    dates: Sequence[dt.date],
    venue: Callable[[OlympiadSubject], str],
) -> list[_Subject]:
    school = stage.level == Stage.Level.SCHOOL
    made = []
    for subject, day in zip(subjects, dates, strict=True):
        online = school and subject.online_school_stage
        first = subject.min_grade_school if school else MUNICIPAL_MIN_GRADE
        row = StageSubject(
            stage=stage,
            subject=subject,
            min_grade=first,
            max_grade=11,
            held_on=day,
            venue="Платформа «Сириус.Курсы»" if online else venue(subject),
            online=online,
        )
        made.append(_Subject(row, subject, _info(subject)))
    StageSubject.objects.bulk_create([item.row for item in made])
    return made


def _grade_settings(items: Sequence[_Subject], thresholds: dict[tuple[int, int], int]) -> list[GradeSetting]:
    rows = []
    for item in items:
        for grade in range(item.row.min_grade, item.row.max_grade + 1):
            threshold = thresholds.get((item.row.pk, grade))
            rows.append(
                GradeSetting(
                    stage_subject=item.row,
                    grade=grade,
                    max_score=Decimal(item.maximum),
                    task_max=item.tasks if not item.row.online else [],
                    threshold=Decimal(threshold) if threshold is not None else None,
                )
            )
    return rows


def _score_entries(rng: random.Random, item: _Subject, *, municipal: bool, absent: float) -> None:
    for entry in item.entries:
        if not entry.confirmed:
            continue
        if rng.random() < absent:
            entry.absent = True
            continue
        entry.score = _score(rng, item.maximum, municipal=municipal)
        if item.tasks and not item.row.online:
            entry.tasks = _split(rng, entry.score, item.tasks)


def _plant_boundary_tie(rng: random.Random, item: _Subject) -> tuple[int, int] | None:
    """Make the last place inside the 45 % quota of the biggest grade tie with the first one outside it,
    both above half of the maximum (olympiads.md, 10: all of them become prize-winners)."""
    groups: dict[int, list[_Entry]] = defaultdict(list)
    for entry in item.entries:
        if entry.score is not None:
            groups[entry.grade].append(entry)
    if not groups:
        return None
    grade, group = max(groups.items(), key=lambda pair: len(pair[1]))
    quota = math.floor(len(group) * 0.45)
    if quota < 2 or quota >= len(group):
        return None
    group.sort(key=lambda entry: -(entry.score or 0))
    floor = math.ceil(item.maximum * 0.55)
    tie = max(group[quota - 1].score or 0, floor)
    # Those above the boundary keep their scores where they already beat the tie; else a gentle ladder from
    # the tie up to the maximum (only the first place may reach it — a real protocol has few full marks).
    for position in range(quota - 1):
        ladder = tie + math.ceil((quota - 1 - position) * (item.maximum - tie) / quota)
        group[position].score = min(item.maximum, max(group[position].score or 0, ladder))
    group[quota - 1].score = group[quota].score = tie
    for position in range(quota + 2, len(group)):  # nobody below the tie scores as much
        group[position].score = min(group[position].score or 0, (group[quota].score or 1) - 1)
    for entry in group:
        if item.tasks and not item.row.online:
            entry.tasks = _split(rng, entry.score or 0, item.tasks)
    return grade, quota


def _works(rng: random.Random, items: Sequence[_Subject]) -> list[Work]:
    """Coded works of the held offline subjects: «МА-7-0412», unique per stage subject."""
    works: list[Work] = []
    for item in items:
        if not item.done or item.row.online:
            continue
        by_grade: dict[int, list[_Entry]] = defaultdict(list)
        for entry in item.entries:
            if entry.confirmed:
                by_grade[entry.grade].append(entry)
        for grade, entries in sorted(by_grade.items()):
            digits = 4 if len(entries) < 9000 else 5
            numbers = rng.sample(range(1, 10**digits), len(entries))
            for entry, number in zip(entries, numbers, strict=True):
                entry.work = Work(
                    stage_subject=item.row,
                    code=f"{item.info['code']}-{grade}-{number:0{digits}d}",
                    grade=grade,
                    task_scores=list(entry.tasks),
                    score=None if entry.score is None else Decimal(entry.score),
                )
                works.append(entry.work)
    return works


def _public_codes(rng: random.Random, item: _Subject, letter: str) -> list[str]:
    return [f"{letter}{number:06d}" for number in rng.sample(range(1, 1_000_000), len(item.entries))]


def _participations(rng: random.Random, items: Sequence[_Subject], letter: str) -> list[Participation]:
    rows = []
    for item in items:
        codes = _public_codes(rng, item, letter)
        for entry, code in zip(item.entries, codes, strict=True):
            entry.row = Participation(
                stage_subject=item.row,
                student=entry.student,
                grade=entry.grade,
                source=entry.source,
                confirmed=entry.confirmed,
                absent=entry.absent and item.ranked,
                work=entry.work,
                score=Decimal(entry.score) if item.ranked and entry.score is not None else None,
                public_code=code if item.ranked else "",
            )
            rows.append(entry.row)
    return rows


# --- the demo district -----------------------------------------------------------------------------


class _District:
    def __init__(
        self,
        *,
        rng: random.Random,
        today: dt.date,
        municipality: Organization,
        schools: list[Organization],
        subjects: list[OlympiadSubject],
        participations: int,
        municipal: int,
    ) -> None:
        self.rng = rng
        self.today = today
        self.municipality = municipality
        self.schools = schools
        self.subjects = subjects
        self.target = participations
        self.municipal_target = municipal
        self.staff = _staff([school.pk for school in schools], today)
        self.users = _users(municipality)
        self.weights = {subject.pk: float(_info(subject)["weight"]) for subject in subjects}
        catalogue = dict(Subject.objects.values_list("name", "pk"))
        self.teach = {
            subject.pk: [catalogue[name] for name in _info(subject)["teach"] if name in catalogue]
            or ([subject.school_subject_id] if subject.school_subject_id else [])
            for subject in subjects
        }
        # school size: the first school (zam1's) is a big one
        self.size = {school.pk: rng.uniform(0.55, 1.25) for school in schools}
        if schools:
            self.size[schools[0].pk] = 1.3
        self.appeals = 0
        self.certificates = 0
        self.placeholder = False
        self.tie: tuple[int, int, int] | None = None  # stage subject, grade, quota

    # students -----------------------------------------------------------------------------
    def enrolment(self, year: AcademicYear) -> dict[tuple[int, int], int]:
        counts = {}
        for school in self.schools:
            for grade in range(1, 12):
                base = 38 * self.size[school.pk] * (0.8 if grade >= 10 else 1.0)
                counts[(school.pk, grade)] = max(15, min(60, round(self.rng.gauss(base, 5))))
        Enrolment.objects.bulk_create(
            [
                Enrolment(academic_year=year, school_id=school, grade=grade, students=count)
                for (school, grade), count in counts.items()
            ]
        )
        return counts

    def listed(self, enrolment: dict[tuple[int, int], int], target: int) -> dict[tuple[int, int], int]:
        share = min(LISTED, LISTED * target / DISTRICT_PARTICIPATIONS)
        return {
            key: max(1, round(count * share * self.rng.uniform(0.85, 1.05)))
            for key, count in enrolment.items()
            if key[1] in SCHOOL_GRADES
        }

    def new_student(self, year: AcademicYear, school: int, grade: int) -> Student:
        last, first, patronymic, _ = _person(self.rng)
        return _student(
            year,
            school,
            grade,
            (last, first, patronymic),
            birth=_birth_date(self.rng, year.start_year, grade),
            letter=self.rng.choice("АБВ"),
        )

    def students(
        self, year: AcademicYear, listed: dict[tuple[int, int], int], last: Sequence[Student]
    ) -> list[Student]:
        carried: dict[tuple[int, int], list[Student]] = defaultdict(list)
        for old in last:
            if old.grade < 11 and self.rng.random() < CARRY_OVER:
                carried[(old.school_id, old.grade + 1)].append(old)
        made = []
        for (school, grade), count in sorted(listed.items()):
            for old in carried.get((school, grade), [])[:count]:
                made.append(
                    _student(
                        year,
                        school,
                        grade,
                        (old.last_name, old.first_name, old.patronymic),
                        birth=old.birth_date,
                        letter=old.class_letter,
                        previous=old,
                    )
                )
            made.extend(
                self.new_student(year, school, grade)
                for _ in range(count - len(carried.get((school, grade), [])[:count]))
            )
        Student.objects.bulk_create(made, batch_size=BATCH)
        return made

    def consents(self, year: AcademicYear, students: Sequence[Student], had: set[int]) -> dict[int, bool]:
        """Consents of ~65 % of the students (more likely when there was one last year); 90 % allow
        publication. Returns student pk → publication allowed."""
        rows, allowed = [], {}
        first, last = dt.date(year.start_year, 8, 20), dt.date(year.start_year, 9, 1)
        for student in students:
            chance = 0.85 if student.previous_id in had else CONSENT * 0.9
            if self.rng.random() >= chance:
                continue
            publication = self.rng.random() < PUBLICATION
            allowed[student.pk] = publication
            parent = " ".join(_person(self.rng)[:3])
            rows.append(
                StudentConsent(
                    student=student,
                    parent_name=parent,
                    rules_accepted=True,
                    publication_allowed=publication,
                    signed_on=_day_between(self.rng, first, last),
                    recorded_by_id=self.users.admins.get(student.school_id),
                )
            )
        StudentConsent.objects.bulk_create(rows, batch_size=BATCH)
        return allowed

    # the season -------------------------------------------------------------------------------
    def season(
        self,
        year: AcademicYear,
        students: Sequence[Student],
        *,
        consented: dict[int, bool],
        target: int,
        municipal_target: int,
        awardees: dict[int, list[tuple[int, int]]],
        plant_tie: bool,
    ) -> tuple[dict[int, list[tuple[int, int]]], int, int, int]:
        """One year's season. `awardees`: this year's student pk → [(subject pk, grade)] of last year's
        municipal winners and prize-winners. Returns this season's municipal awardees (by student pk), the
        numbers of school and municipal participations and of works."""
        rng = self.rng
        start = year.start_year
        season = Season.objects.create(
            municipality=self.municipality,
            academic_year=year,
            title=f"Всероссийская олимпиада школьников {start}/{start + 1} учебного года",
        )
        school_stage = Stage.objects.create(
            season=season,
            level=Stage.Level.SCHOOL,
            starts_on=dt.date(start, 9, 15),
            ends_on=dt.date(start, 10, 25),
        )
        municipal_stage = Stage.objects.create(
            season=season,
            level=Stage.Level.MUNICIPAL,
            starts_on=dt.date(start, 11, 10),
            ends_on=dt.date(start, 12, 20),
        )
        venues = [school.name for school in self.schools[:5]]
        school_items = _stage_subjects(
            school_stage,
            self.subjects,
            _spread(school_stage.starts_on, school_stage.ends_on, len(self.subjects)),
            lambda _: "Общеобразовательные организации района",
        )
        municipal_items = _stage_subjects(
            municipal_stage,
            self.subjects,
            self.municipal_dates(municipal_stage),
            lambda subject: venues[subject.order % len(venues)] if venues else "",
        )
        self.people(school_stage, school_items, municipal_items)

        # school stage: registrations of consented students, scores, thresholds
        self.register(students, consented, school_items, target)
        for item in school_items:
            item.done = item.row.held_on is not None and item.row.held_on < self.today
            _score_entries(rng, item, municipal=False, absent=ABSENT)
        if plant_tie:
            biggest = max(
                (item for item in school_items if item.done and not item.row.online),
                key=lambda item: len(item.entries),
                default=None,
            )
            planted = _plant_boundary_tie(rng, biggest) if biggest else None
            if biggest and planted:
                self.tie = (biggest.row.pk, planted[0], planted[1])
        thresholds = self.thresholds(school_items, municipal_target)
        GradeSetting.objects.bulk_create(
            _grade_settings(school_items, thresholds) + _grade_settings(municipal_items, {}), batch_size=BATCH
        )

        # municipal stage: proposals from the thresholds and last year's awardees
        municipal_by_subject = {item.subject.pk: item for item in municipal_items}
        self.propose(school_items, municipal_by_subject, thresholds, awardees, students, consented=consented)
        for item in municipal_items:
            item.done = item.row.held_on is not None and item.row.held_on < self.today
            _score_entries(rng, item, municipal=True, absent=MUNICIPAL_ABSENT)
        self.schedule(school_items, municipal_items)

        all_items = school_items + municipal_items
        works = _works(rng, all_items)
        Work.objects.bulk_create(works, batch_size=BATCH)
        appeals = self.appeal_plan(school_items, municipal_items)
        rows = _participations(rng, school_items, "Ш") + _participations(rng, municipal_items, "М")
        Participation.objects.bulk_create(rows, batch_size=BATCH)
        through = Participation.teachers.through
        through.objects.bulk_create(
            [
                through(participation_id=entry.row.pk, educator_id=teacher)
                for item in all_items
                for entry in item.entries
                if entry.row is not None
                for teacher in dict.fromkeys(entry.teachers)
            ],
            batch_size=BATCH,
        )
        self.save_appeals(appeals)
        StageSubject.objects.bulk_update(
            [item.row for item in all_items],
            ["codes_issued_at", "scoring_closed_at", "scoring_closed_by", "codes_matched_at"],
        )
        self.rank(all_items)
        StageSubject.objects.bulk_update([item.row for item in all_items if item.published], ["published_at"])
        self.demo_teachers_prepared(all_items)
        self.diplomas(all_items, start)
        return (
            self.awardees(municipal_items),
            sum(len(item.entries) for item in school_items),
            sum(len(item.entries) for item in municipal_items),
            len(works),
        )

    def municipal_dates(self, stage: Stage) -> list[dt.date]:
        """Held days of the municipal subjects: when today falls inside the stage, most were held already."""
        count = len(self.subjects)
        if self.today <= stage.starts_on or self.today > stage.ends_on:
            return _spread(stage.starts_on, stage.ends_on, count)
        held = max(1, round(count * 0.8))
        before = _spread(stage.starts_on, max(stage.starts_on, self.today - dt.timedelta(days=1)), held)
        after = _spread(min(stage.ends_on, self.today + dt.timedelta(days=1)), stage.ends_on, count - held)
        return before + after

    def people(self, stage: Stage, school_items: list[_Subject], municipal_items: list[_Subject]) -> None:
        """Juries (3–5 teachers of the subject, one chair), appeal commissions (3), the organising committee;
        the demo teachers sit on juries of their subjects (teacher1 chairs one this year)."""
        rng = self.rng
        jury: list[JuryMember] = []
        commission: list[AppealMember] = []
        demo = self.staff.demo
        current = stage.season.academic_year.start_year == academic_year_start(self.today)
        chaired = False
        demo_pks = {pk for pk, _, _ in demo.values()}
        for item in school_items + municipal_items:
            teach = self.teach[item.subject.pk]
            pool = sorted({pk for sid in teach for pk in self.staff.by_subject.get(sid, [])})
            if len(pool) < 8:
                pool += rng.sample(self.staff.anyone, min(8, len(self.staff.anyone)))
            # the demo teachers sit only where they are put below (teacher1 chairs exactly one jury)
            pool = [pk for pk in dict.fromkeys(pool) if pk not in demo_pks]
            chosen = rng.sample(pool, min(len(pool), rng.randint(3, 5)))
            chair: int | None = chosen[0] if chosen else None
            if current:
                for username, (pk, _, subjects) in demo.items():
                    mine = set(teach) & set(subjects) or (not subjects and item.subject.order == 1)
                    if not mine:
                        continue
                    if pk not in chosen:
                        chosen.append(pk)
                    if username == "teacher1" and item.row.stage_id == stage.pk and not chaired:
                        chair, chaired = pk, True
            jury.extend(
                JuryMember(stage_subject=item.row, educator_id=pk, is_chair=pk == chair) for pk in chosen
            )
            rest = [pk for pk in pool if pk not in chosen] or pool
            members = rng.sample(rest, min(3, len(rest)))
            commission.extend(
                AppealMember(stage_subject=item.row, educator_id=pk, is_chair=index == 0)
                for index, pk in enumerate(members)
            )
            item.info = {**item.info, "commission": members}
        JuryMember.objects.bulk_create(jury, batch_size=BATCH)
        AppealMember.objects.bulk_create(commission, batch_size=BATCH)
        committee: list[CommitteeMember] = []
        for stage_row in {
            item.row.stage_id: item.row.stage for item in school_items + municipal_items
        }.values():
            members = rng.sample(self.staff.anyone, min(4, len(self.staff.anyone)))
            committee.extend(
                CommitteeMember(
                    stage=stage_row,
                    educator_id=pk,
                    role="председатель оргкомитета" if index == 0 else "член оргкомитета",
                )
                for index, pk in enumerate(members)
            )
        CommitteeMember.objects.bulk_create(committee)

    def teachers(self, school: int, subject: OlympiadSubject) -> list[int]:
        rng = self.rng
        pool = sorted(
            {
                pk
                for sid in self.teach[subject.pk]
                for pk in self.staff.by_school_subject.get((school, sid), [])
            }
        )
        if not pool:
            pool = self.staff.by_school.get(school) or self.staff.anyone
        if not pool:
            return []
        return rng.sample(pool, min(len(pool), 2 if rng.random() < 0.2 else 1))

    def register(
        self, students: Sequence[Student], consented: dict[int, bool], items: Sequence[_Subject], target: int
    ) -> None:
        """Registrations of consented students: about `target` in all, 1–5 subjects each by popularity."""
        rng = self.rng
        takers = [student for student in students if student.pk in consented]
        mean = target / max(1, len(takers))
        by_grade = {
            grade: [item for item in items if item.row.min_grade <= grade <= item.row.max_grade]
            for grade in SCHOOL_GRADES
        }
        for student in takers:
            options = by_grade[student.grade]
            count = min(len(options), max(0, round(rng.gauss(mean, 1.0))))
            if student.grade == 4:
                count = min(count, 2)
            chosen: dict[int, _Subject] = {}
            weights = [self.weights[item.subject.pk] for item in options]
            while len(chosen) < count:
                item = rng.choices(options, weights)[0]
                chosen[item.subject.pk] = item
            for item in chosen.values():
                # a few strong students write the tasks of a higher grade (olympiads.md, 3)
                grade = student.grade
                if grade < 11 and rng.random() < 0.02:
                    grade += 1
                item.entries.append(
                    _Entry(
                        item,
                        student,
                        grade,
                        self.teachers(student.school_id, item.subject),
                        source=Participation.Source.IMPORTED
                        if item.row.online
                        else Participation.Source.REGISTERED,
                    )
                )

    def thresholds(self, items: Sequence[_Subject], target: int) -> dict[tuple[int, int], int]:
        """Per subject and grade from 7: the score from which about `target` students go on in all."""
        scored = [
            entry
            for item in items
            for entry in item.entries
            if entry.score is not None and entry.grade >= MUNICIPAL_MIN_GRADE
        ]
        share = min(1.0, target * 0.82 / max(1, len(scored)))  # the rest: last year's awardees, ties
        result: dict[tuple[int, int], int] = {}
        for item in items:
            if not item.done:
                continue
            groups: dict[int, list[int]] = defaultdict(list)
            for entry in item.entries:
                if entry.score is not None and entry.grade >= MUNICIPAL_MIN_GRADE:
                    groups[entry.grade].append(entry.score)
            for grade in range(max(item.row.min_grade, MUNICIPAL_MIN_GRADE), 12):
                scores = sorted(groups.get(grade, []), reverse=True)
                if not scores:
                    result[(item.row.pk, grade)] = math.ceil(item.maximum * 0.5)
                    continue
                index = min(len(scores) - 1, max(0, math.ceil(len(scores) * share) - 1))
                result[(item.row.pk, grade)] = max(scores[index], math.ceil(item.maximum * 0.25))
        return result

    def propose(
        self,
        school_items: Sequence[_Subject],
        municipal: dict[int, _Subject],
        thresholds: dict[tuple[int, int], int],
        awardees: dict[int, list[tuple[int, int]]],
        students: Sequence[Student],
        *,
        consented: dict[int, bool],
    ) -> None:
        rng = self.rng
        seen: set[tuple[int, int]] = set()
        for item in school_items:
            target = municipal.get(item.subject.pk)
            if target is None:
                continue
            for entry in item.entries:
                threshold = thresholds.get((item.row.pk, entry.grade))
                if entry.score is None or threshold is None or entry.score < threshold:
                    continue
                if entry.grade < target.row.min_grade:
                    continue
                seen.add((target.subject.pk, entry.student.pk))
                target.entries.append(
                    _Entry(
                        target,
                        entry.student,
                        entry.grade,
                        list(entry.teachers),
                        source=Participation.Source.PROPOSED,
                    )
                )
        by_pk = {student.pk: student for student in students}
        for student_pk, subjects in awardees.items():
            student = by_pk.get(student_pk)
            if student is None or student_pk not in consented:  # no parent's confirmation this year
                continue
            for subject_pk, grade in subjects:
                target = municipal.get(subject_pk)
                if target is None or (subject_pk, student_pk) in seen:
                    continue
                seen.add((subject_pk, student_pk))
                performed = min(11, max(student.grade, grade))
                target.entries.append(
                    _Entry(
                        target,
                        student,
                        performed,
                        self.teachers(student.school_id, target.subject),
                        source=Participation.Source.PROPOSED,
                    )
                )
        for item in municipal.values():
            held = item.row.held_on is not None and item.row.held_on < self.today
            for entry in item.entries:
                entry.confirmed = held or rng.random() < 0.85

    def schedule(self, school_items: Sequence[_Subject], municipal_items: Sequence[_Subject]) -> None:
        """Timestamps of the held subjects (codes, closing, matching, ranking, publication). While the
        municipal stage is recent, its two latest held subjects are not published: one is ranked, the jury
        still checks the other (scores on the works, nothing matched yet)."""
        held = sorted(
            (item for item in municipal_items if item.done), key=lambda item: (item.row.held_on, item.row.pk)
        )
        stage_end = municipal_items[0].row.stage.ends_on if municipal_items else self.today
        recent = self.today <= stage_end + dt.timedelta(days=10)
        ranked_only, checking = (held[-2], held[-1]) if recent and len(held) >= 4 else (None, None)
        latest = self.today - dt.timedelta(days=1)
        for item in list(school_items) + list(municipal_items):
            day = item.row.held_on
            if not item.done or day is None:
                continue
            item.row.codes_issued_at = None if item.row.online else _at(day, 8)
            if item is checking:
                continue
            item.row.scoring_closed_at = _at(min(latest, day + dt.timedelta(days=3)), 17)
            item.row.scoring_closed_by_id = self.users.methodist_id
            item.row.codes_matched_at = _at(min(latest, day + dt.timedelta(days=4)), 10)
            item.ranked = True
            if item is not ranked_only:
                item.published = True
                item.row.published_at = _at(min(latest, day + dt.timedelta(days=7)), 15)

    def appeal_plan(
        self, school_items: Sequence[_Subject], municipal_items: Sequence[_Subject]
    ) -> list[tuple[_Entry, str, int, int]]:
        """About twenty appeals (two thirds on the municipal stage) decided before ranking: the new score
        goes to the work and the participation."""
        rng = self.rng
        candidates = [
            entry
            for item in list(municipal_items) + [i for i in school_items if not i.row.online]
            if item.ranked
            for entry in item.entries
            if entry.score is not None and entry.work is not None
        ]
        municipal = [entry for entry in candidates if entry.subject.row.stage.level == Stage.Level.MUNICIPAL]
        school = [entry for entry in candidates if entry.subject.row.stage.level == Stage.Level.SCHOOL]
        total = sum(APPEALS.values())
        picked = rng.sample(municipal, min(len(municipal), round(total * 2 / 3)))
        picked += rng.sample(school, min(len(school), total - len(picked)))
        decisions = [decision for decision, count in APPEALS.items() for _ in range(count)]
        plan = []
        for entry, wanted in zip(picked, decisions, strict=False):
            before = entry.score or 0
            maximum = entry.subject.maximum
            decision = wanted
            if wanted == Appeal.Decision.RAISED and before < maximum:
                after = min(maximum, before + rng.randint(1, 5))
            elif wanted == Appeal.Decision.LOWERED and before > 0:
                after = max(0, before - rng.randint(1, 3))
            else:
                decision, after = Appeal.Decision.REJECTED, before
            entry.score = after
            if entry.subject.tasks:
                entry.tasks = _split(rng, after, entry.subject.tasks)
            if entry.work is not None:
                entry.work.task_scores = list(entry.tasks)
                entry.work.score = Decimal(after)
            plan.append((entry, str(decision), before, after))
        return plan

    def save_appeals(self, plan: list[tuple[_Entry, str, int, int]]) -> None:
        rng = self.rng
        reasons = _data()["appeal_reasons"]
        appeals = []
        for entry, decision, before, after in plan:
            held = entry.subject.row.held_on or self.today
            filed = min(self.today, held + dt.timedelta(days=2))
            appeals.append(
                Appeal(
                    participation=entry.row,
                    filed_on=filed,
                    reason=rng.choice(reasons),
                    decision=decision,
                    score_before=Decimal(before),
                    score_after=Decimal(after),
                    decided_on=min(self.today, filed + dt.timedelta(days=1)),
                    decided_by_id=self.users.methodist_id,
                )
            )
        Appeal.objects.bulk_create(appeals)
        works = [entry.work for entry, _, _, _ in plan if entry.work is not None]
        Work.objects.bulk_update(works, ["task_scores", "score"])
        through = Appeal.members.through
        through.objects.bulk_create(
            [
                through(appeal_id=appeal.pk, educator_id=pk)
                for appeal, (entry, _, _, _) in zip(appeals, plan, strict=True)
                for pk in entry.subject.info.get("commission", [])
            ]
        )
        self.appeals += len(appeals)

    def rank(self, items: Sequence[_Subject]) -> None:
        """Statuses by the ranking part's service; without it, the placeholder (reported in the result)."""
        service = _ranking_service()
        if service is not None:
            for stage in {item.row.stage_id: item.row.stage for item in items}.values():
                service(stage=stage, by=None)
            # ranked when the codes were matched (the service stamps now), nothing for the open subjects
            for item in items:
                matched = item.row.codes_matched_at
                item.row.ranked_at = matched + dt.timedelta(hours=1) if item.ranked and matched else None
            StageSubject.objects.bulk_update([item.row for item in items], ["ranked_at"])
            return
        self.placeholder = True
        items = [item for item in items if item.ranked]
        changed: list[Participation] = []
        for item in items:
            groups: dict[int, list[tuple[Any, str, Decimal, Decimal]]] = defaultdict(list)
            by_pk: dict[int, Participation] = {}
            for entry in item.entries:
                row = entry.row
                if row is not None and row.score is not None and entry.confirmed and not row.absent:
                    by_pk[row.pk] = row
                    groups[entry.grade].append(
                        (row.pk, entry.student.name_key, row.score, Decimal(item.maximum))
                    )
            for rows in groups.values():
                for pk, (rank, status, reason) in _placeholder_rank(rows).items():
                    row = by_pk[pk]
                    row.rank, row.status, row.status_reason = rank, status, reason
                    changed.append(row)
            item.row.ranked_at = item.row.codes_matched_at
        Participation.objects.bulk_update(changed, ["rank", "status", "status_reason"], batch_size=BATCH)
        StageSubject.objects.bulk_update([item.row for item in items], ["ranked_at"])

    def demo_teachers_prepared(self, items: Sequence[_Subject]) -> None:
        """Each demo teacher prepared a few of the winners and prize-winners of their school, in the
        subjects they teach when there are such."""
        schools = {school for _, school, _ in self.staff.demo.values() if school is not None}
        awarded: dict[int, tuple[int, int]] = {
            pk: (school, subject)
            for pk, school, subject in Participation.objects.filter(
                stage_subject__in=[item.row for item in items if item.ranked],
                student__school_id__in=schools,
                status__in=("winner", "prize_winner"),
            ).values_list("pk", "student__school_id", "stage_subject__subject_id")
        }
        through = Participation.teachers.through
        existing = set(
            through.objects.filter(participation_id__in=list(awarded)).values_list(
                "participation_id", "educator_id"
            )
        )
        rows = []
        for pk, school, taught in self.staff.demo.values():
            mine = sorted(p for p, (s, _) in awarded.items() if s == school)
            theirs = [p for p in mine if set(self.teach[awarded[p][1]]) & set(taught)]
            mine = theirs if len(theirs) >= 2 else mine
            for participation in self.rng.sample(mine, min(len(mine), 4)):
                if (participation, pk) not in existing:
                    rows.append(through(participation_id=participation, educator_id=pk))
        through.objects.bulk_create(rows)

    def diplomas(self, items: Sequence[_Subject], start: int) -> None:
        published = {item.row.pk: item for item in items if item.published}
        rows: list[Certificate] = []
        for pk, stage_subject, status, level in (
            Participation.objects.filter(
                stage_subject_id__in=list(published), status__in=("winner", "prize_winner")
            )
            .order_by("stage_subject_id", "grade", "rank", "pk")
            .values_list("pk", "stage_subject_id", "status", "stage_subject__stage__level")
        ):
            item = published[stage_subject]
            issued = item.row.published_at.date() if item.row.published_at else self.today
            letter = "Ш" if level == Stage.Level.SCHOOL else "М"
            rows.append(
                Certificate(
                    participation_id=pk,
                    number=f"ВсОШ-{start}-{letter}-{self.certificates + len(rows) + 1:05d}",
                    token=f"{self.rng.getrandbits(128):032x}",
                    status=status,
                    issued_on=min(self.today, issued + dt.timedelta(days=14)),
                )
            )
        Certificate.objects.bulk_create(rows, batch_size=BATCH)
        self.certificates += len(rows)

    def awardees(self, items: Sequence[_Subject]) -> dict[int, list[tuple[int, int]]]:
        pks = [entry.row.pk for item in items for entry in item.entries if entry.row is not None]
        result: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for student, subject, grade in Participation.objects.filter(
            pk__in=pks, status__in=("winner", "prize_winner")
        ).values_list("student_id", "stage_subject__subject_id", "grade"):
            result[student].append((subject, grade))
        return dict(result)


def _student(
    year: AcademicYear,
    school: int,
    grade: int,
    name: tuple[str, str, str],
    *,
    birth: dt.date | None,
    letter: str,
    previous: Student | None = None,
) -> Student:
    last, first, patronymic = name
    name_key = fold(f"{last} {first} {patronymic}")
    return Student(
        academic_year_id=year.pk,
        school_id=school,
        last_name=last,
        first_name=first,
        patronymic=patronymic,
        birth_date=birth,
        grade=grade,
        class_letter=letter,
        previous_id=previous.pk if previous else None,
        name_key=name_key,
        person_key=f"{name_key}|{birth.isoformat() if birth else ''}",
    )


# --- the region's other municipalities -------------------------------------------------------------


@dataclass
class _RegionStage:
    """The region's other municipalities' school stages being seeded."""

    rng: random.Random
    today: dt.date
    year: AcademicYear
    subjects: Sequence[OlympiadSubject]
    items: dict[tuple[int, int], StageSubject] = field(default_factory=dict)  # (municipality, subject)
    students: list[Student] = field(default_factory=list)
    plans: list[list[tuple[int, int]]] = field(default_factory=list)  # per student: (subject index, grade)
    consents: int = 0
    works: int = 0
    participations: int = 0

    def stages(self, municipalities: Sequence[Organization]) -> None:
        start = self.year.start_year
        stage_start, stage_end = dt.date(start, 9, 15), dt.date(start, 10, 25)
        seasons = Season.objects.bulk_create(
            [
                Season(
                    municipality=municipality,
                    academic_year=self.year,
                    title=f"Всероссийская олимпиада школьников {start}/{start + 1} учебного года",
                )
                for municipality in municipalities
            ]
        )
        stages = Stage.objects.bulk_create(
            [
                Stage(season=season, level=level, starts_on=first, ends_on=last)
                for season in seasons
                for level, first, last in (
                    (Stage.Level.SCHOOL, stage_start, stage_end),
                    (Stage.Level.MUNICIPAL, dt.date(start, 11, 10), dt.date(start, 12, 20)),
                )
            ]
        )
        published_at = _at(min(self.today - dt.timedelta(days=1), stage_end + dt.timedelta(days=7)), 15)
        dates = _spread(stage_start, stage_end, len(self.subjects))
        school_stages = [stage for stage in stages if stage.level == Stage.Level.SCHOOL]
        for municipality, stage in zip(municipalities, school_stages, strict=True):
            for subject, day in zip(self.subjects, dates, strict=True):
                held, online = day < self.today, subject.online_school_stage
                self.items[(municipality.pk, subject.pk)] = StageSubject(
                    stage=stage,
                    subject=subject,
                    min_grade=subject.min_grade_school,
                    max_grade=11,
                    held_on=day,
                    venue="Платформа «Сириус.Курсы»" if online else "Общеобразовательные организации",
                    online=online,
                    codes_issued_at=_at(day, 8) if held and not online else None,
                    scoring_closed_at=_at(day + dt.timedelta(days=3), 17) if held else None,
                    codes_matched_at=_at(day + dt.timedelta(days=4), 10) if held else None,
                    ranked_at=_at(day + dt.timedelta(days=4), 11) if held else None,
                    published_at=published_at if held else None,
                )
        StageSubject.objects.bulk_create(list(self.items.values()), batch_size=BATCH)
        GradeSetting.objects.bulk_create(
            [
                GradeSetting(
                    stage_subject=row,
                    grade=grade,
                    max_score=Decimal(_info(row.subject)["max"]),
                    task_max=[] if row.online else list(_info(row.subject)["tasks"]),
                )
                for row in self.items.values()
                for grade in range(row.min_grade, 12)
            ],
            batch_size=BATCH,
        )

    def people(self, schools: Sequence[int], target: int) -> None:
        """Participants only at this scale (about 2.3 subjects each), all with a parent's consent."""
        rng, start = self.rng, self.year.start_year
        surnames, male, female = _data_names()
        weights = [float(_info(subject)["weight"]) for subject in self.subjects]
        options = {
            grade: [index for index, subject in enumerate(self.subjects) if subject.min_grade_school <= grade]
            for grade in SCHOOL_GRADES
        }
        per_school = target / max(1, len(schools))
        for school in schools:
            left = max(0, round(rng.gauss(per_school, per_school * 0.2)))
            while left > 0:
                grade = rng.randint(4, 11)
                allowed = options[grade]
                count = min(left, 2 if grade == 4 else 1 + min(4, int(rng.expovariate(0.8))))
                picked = set(rng.choices(allowed, [weights[i] for i in allowed], k=count))
                left -= len(picked)
                father, surname = rng.choice(male), rng.choice(surnames)
                name = (
                    (surname, rng.choice(male)[0], father[1])
                    if rng.random() < 0.5
                    else (surname + "а", rng.choice(female), father[2])
                )
                self.students.append(
                    _student(self.year, school, grade, name, birth=_birth_date(rng, start, grade), letter="А")
                )
                self.plans.append([(index, grade) for index in sorted(picked)])
        Student.objects.bulk_create(self.students, batch_size=BATCH)
        consents = [
            StudentConsent(
                student_id=student.pk,
                rules_accepted=True,
                publication_allowed=rng.random() < PUBLICATION,
                signed_on=dt.date(start, 9, 1),
            )
            for student in self.students
        ]
        StudentConsent.objects.bulk_create(consents, batch_size=BATCH)
        self.consents = len(consents)

    def results(self, municipality_of: dict[int, int]) -> None:
        """Participations and works, by stage subject for the codes, ranked in memory."""
        rng = self.rng
        entries: dict[int, list[tuple[Student, int]]] = defaultdict(list)  # id(stage subject) → …
        by_id: dict[int, StageSubject] = {}
        for student, plan in zip(self.students, self.plans, strict=True):
            for index, grade in plan:
                row = self.items[(municipality_of[student.school_id], self.subjects[index].pk)]
                by_id[id(row)] = row
                entries[id(row)].append((student, grade))
        works: list[Work] = []
        participations: list[Participation] = []
        worked: list[tuple[Participation, Work]] = []
        # ids rather than objects in the constructors: half a million rows, the descriptors cost seconds
        for key, group in entries.items():
            row = by_id[key]
            info = _info(row.subject)
            maximum, tasks = int(info["max"]), list(info["tasks"])
            held = row.held_on is not None and row.held_on < self.today
            codes = rng.sample(range(1, 1_000_000), len(group))
            numbers = iter(rng.sample(range(1, 100_000), len(group)))
            ranked: dict[int, list[tuple[Any, str, Decimal, Decimal]]] = defaultdict(list)
            for (student, grade), code in zip(group, codes, strict=True):
                absent = held and rng.random() < ABSENT
                score = None if absent or not held else _score(rng, maximum, municipal=False)
                work = None
                if held and not row.online:
                    work = Work(
                        stage_subject_id=row.pk,
                        code=f"{info['code']}-{grade}-{next(numbers):05d}",
                        grade=grade,
                        task_scores=_split(rng, score, tasks) if score is not None and tasks else [],
                        score=None if score is None else Decimal(score),
                    )
                    works.append(work)
                participation = Participation(
                    stage_subject_id=row.pk,
                    student_id=student.pk,
                    grade=grade,
                    source=Participation.Source.IMPORTED if row.online else Participation.Source.REGISTERED,
                    absent=absent,
                    score=None if score is None else Decimal(score),
                    public_code=f"Ш{code:06d}" if held else "",
                )
                participations.append(participation)
                if work is not None:
                    worked.append((participation, work))
                if score is not None:
                    ranked[grade].append(
                        (len(participations) - 1, student.name_key, Decimal(score), Decimal(maximum))
                    )
            for grade, group_rows in ranked.items():
                for index, (rank, status, reason) in _rank_rows(group_rows, grade).items():
                    participation = participations[index]
                    participation.rank, participation.status, participation.status_reason = (
                        rank,
                        status,
                        reason,
                    )
        Work.objects.bulk_create(works, batch_size=BATCH)
        for participation, work in worked:
            participation.work_id = work.pk
        Participation.objects.bulk_create(participations, batch_size=BATCH)
        self.works, self.participations = len(works), len(participations)


def _region(
    *,
    rng: random.Random,
    today: dt.date,
    year: AcademicYear,
    municipalities: Sequence[Organization],
    subjects: Sequence[OlympiadSubject],
    target: int,
) -> _RegionStage:
    """The school stage of `year` in every other municipality: students (participants only) with consents,
    participations and works, ranked in memory, published."""
    region = _RegionStage(rng, today, year, subjects)
    municipality_of = dict(
        Organization.objects.filter(
            parent_id__in=[municipality.pk for municipality in municipalities], kind=Organization.Kind.SCHOOL
        )
        .order_by("pk")
        .values_list("pk", "parent_id")
    )
    if not municipality_of:
        return region
    region.stages(municipalities)
    schools = sorted(municipality_of)
    Enrolment.objects.bulk_create(
        [
            Enrolment(academic_year=year, school_id=school, grade=grade, students=rng.randint(15, 60))
            for school in schools
            for grade in range(1, 12)
        ],
        batch_size=BATCH,
    )
    region.people(schools, target)
    region.results(municipality_of)
    return region


@cache
def _names() -> dict[str, Any]:
    names: dict[str, Any] = json.loads(_NAMES_FILE.read_text(encoding="utf-8"))
    return names


def _data_names() -> tuple[list[str], list[list[str]], list[str]]:
    names = _names()
    return (
        list(names["surnames_male_form"]),
        list(names["male_given_with_patronymics"]),
        list(names["female_given"]),
    )


def _person(rng: random.Random, sex: str | None = None) -> tuple[str, str, str, str]:
    """(last, first, patronymic, sex) like imo.accounts.demo.random_person, with the name lists read once."""
    names = _names()
    sex = sex or rng.choice(("male", "female"))
    russian = rng.random() < 0.05
    pool = names["russian"] if russian else names
    fathers = pool["male"] if russian else pool["male_given_with_patronymics"]
    surnames = pool["surnames"] if russian else pool["surnames_male_form"]
    father, surname = rng.choice(fathers), rng.choice(surnames)
    if sex == "male":
        return surname, rng.choice(fathers)[0], father[1], sex
    given = rng.choice(pool["female"] if russian else pool["female_given"])
    last = surname if surname.endswith(("а", "я", "о", "и", "ь")) else surname + "а"
    return last, given, father[2], sex


# --- the whole data set ------------------------------------------------------------------------


def _district() -> Organization | None:
    """The demo district: the first municipality (the demo creates it before the region's others)."""
    return Organization.objects.filter(kind=Organization.Kind.MUNICIPALITY).order_by("pk").first()


def _year(start_year: int) -> AcademicYear:
    return AcademicYear.objects.filter(start_year=start_year).first() or academic_year_ensure(
        on=dt.date(start_year, 9, 1)
    )


def seed(
    *,
    rng: random.Random,
    today: dt.date,
    district_participations: int = DISTRICT_PARTICIPATIONS,
    municipal_participations: int = MUNICIPAL_PARTICIPATIONS,
    region_participations: int = REGION_PARTICIPATIONS,
) -> DemoOlympiads:
    """The olympiads of the demo district (this and last year) and, at region scale, this year's school
    stage of the other municipalities. Run once, after the staff seed."""
    municipality = _district()
    subjects = _subjects()
    current = academic_year_start(today)
    this_year, last_year = _year(current), _year(current - 1)
    counts = dict.fromkeys(
        ("students", "consents", "seasons", "school", "municipal", "works", "region", "subjects"), 0
    )
    district: _District | None = None
    if municipality is not None:
        schools = list(
            Organization.objects.filter(parent=municipality, kind=Organization.Kind.SCHOOL).order_by("pk")
        )
        district = _District(
            rng=rng,
            today=today,
            municipality=municipality,
            schools=schools,
            subjects=subjects,
            participations=district_participations,
            municipal=municipal_participations,
        )
        last_target = round(district_participations * LAST_YEAR_SHARE)
        last_listed = district.listed(district.enrolment(last_year), last_target)
        enrolment_now = district.enrolment(this_year)
        old = district.students(last_year, last_listed, [])
        old_consents = district.consents(last_year, old, set())
        awardees_old, _, _, works_old = district.season(
            last_year,
            old,
            consented=old_consents,
            target=last_target,
            municipal_target=round(municipal_participations * LAST_YEAR_SHARE),
            awardees={},
            plant_tie=False,
        )
        new = district.students(this_year, district.listed(enrolment_now, district_participations), old)
        new_consents = district.consents(this_year, new, set(old_consents))
        previous_of = {student.previous_id: student.pk for student in new if student.previous_id}
        carried = {
            previous_of[pk]: subjects_of for pk, subjects_of in awardees_old.items() if pk in previous_of
        }
        _, school, municipal, works_new = district.season(
            this_year,
            new,
            consented=new_consents,
            target=district_participations,
            municipal_target=municipal_participations,
            awardees=carried,
            plant_tie=True,
        )
        counts.update(
            students=len(old) + len(new),
            consents=len(old_consents) + len(new_consents),
            seasons=2,
            school=school,
            municipal=municipal,
            works=works_old + works_new,
            subjects=4 * len(subjects),
        )
    others = list(
        Organization.objects.filter(kind=Organization.Kind.MUNICIPALITY)
        .exclude(pk=municipality.pk if municipality else 0)
        .order_by("pk")
    )
    if others:
        # the latest school stage that is over and published (the publication bench reads one), whatever
        # the day the demo is built: this year's from November, last year's before
        region_year = this_year if today > dt.date(current, 11, 1) else last_year
        region = _region(
            rng=rng,
            today=today,
            year=region_year,
            municipalities=others,
            subjects=subjects,
            target=region_participations,
        )
        counts["students"] += len(region.students)
        counts["consents"] += region.consents
        counts["region"] = region.participations
        counts["works"] += region.works
        counts["seasons"] += len(others) if region.items else 0
        counts["subjects"] += len(region.items)
    return DemoOlympiads(
        students=counts["students"],
        consents=counts["consents"],
        seasons=counts["seasons"],
        stage_subjects=counts["subjects"],
        school_participations=counts["school"],
        municipal_participations=counts["municipal"],
        region_participations=counts["region"],
        works=counts["works"],
        appeals=district.appeals if district else 0,
        certificates=district.certificates if district else 0,
        placeholder_ranking=district.placeholder if district else _ranking_service() is None,
    )
