"""Demo professional development (issue #6, item 7): the catalogue of providers and programmes, about five
years of completed courses for every demo educator, the demo district's training plans (this academic
year's, nominations under way, and last year's, approved), a few provider-list rows waiting to be matched
and about forty individual development plans (ИОМ).

Shares: about 15 % of the educators past their first three years are overdue (the last counting course ended
more than three years ago, or none is known); the others had one within three years, some falling due over
the coming months; a few per cent retrained; about one in five took an "other" provider's course after
31.08.2025, which does not count (training.md, 3); a few dozen courses entered by teachers wait for their
school in the demo district, a few were rejected. The demo teacher accounts get a story each: teacher1 is in
order with a course waiting for confirmation, teacher2 falls due soon and has an uncounted course, teacher3
is overdue with a rejected entry.

Runs after the staff seed (it reads the educators once). Everything goes in with bulk_create — seeding is
not an import, so no per-row validation or audit; `counts` is set with counting.counts_for_rule as the
services do. At region scale (~25,000 educators, ~100,000 courses) topic tags of courses, the plans, the
pending rows and the ИОМ are written for the demo district only. The same rng state and `today` give the
same data.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import Any

from django.utils import timezone

from imo.accounts.demo import random_person
from imo.core.text import fold
from imo.orgs.models import Membership, Organization, Role
from imo.reference.models import AcademicYear, Subject
from imo.reference.services import academic_year_ensure
from imo.staff.models import Educator, Employment
from imo.staff.selectors import active_on
from imo.staff.services import name_key_of
from imo.training.counting import add_years, counts_for_rule, due_on, is_overdue
from imo.training.models import (
    CourseKind,
    CourseRecord,
    DevelopmentGap,
    DevelopmentItem,
    DevelopmentPlan,
    Nomination,
    PendingGraduate,
    PlanLine,
    PlanQuota,
    Programme,
    Provider,
    ProviderKind,
    Topic,
    TrainingPlan,
    TrainingSettings,
)

_DATA_FILE = Path(__file__).resolve().parent / "data" / "demo.json"
BATCH = 2000

OVERDUE = 0.165  # of the educators past their first three years
NEVER = 0.3  # of the overdue: no course known at all
NEWCOMER_WITHOUT = 0.45  # newcomers without any course yet (not overdue: the term runs from their start)
OTHER_AFTER_CUTOFF = 0.2  # took an "other" provider's course after the cut-off (it does not count)
OTHER_BEFORE = 0.3  # share of "other" providers among courses ending before the cut-off
TYPED = 0.07  # provider typed in, not from the catalogue
RETRAINING = 0.04
DISTRICT_PENDING = 36
DISTRICT_REJECTED = 8
DEVELOPMENT_PLANS = 40
LAST_LINE_BEFORE_YEAR_END = 75  # the plan's courses end by mid-June (summer holidays)
IMPORTING = frozenset({"iro", "mc", "cspu", "academy"})  # providers that send graduate lists

# Who a programme is for, by position (codes of data/demo.json); everyone also matches "all".
AUDIENCE_BY_POSITION: dict[str, frozenset[str]] = {
    "Учитель": frozenset({"teacher"}),
    "Учитель начальных классов": frozenset({"teacher", "primary"}),
    "Преподаватель-организатор ОБЗР": frozenset({"teacher"}),
    "Директор": frozenset({"management"}),
    "Заместитель директора по учебно-воспитательной работе": frozenset({"management", "teacher"}),
    "Заместитель директора по воспитательной работе": frozenset({"management", "upbringing"}),
    "Заместитель директора по научно-методической работе": frozenset({"management", "teacher"}),
    "Педагог-психолог": frozenset({"specialist"}),
    "Социальный педагог": frozenset({"specialist", "upbringing"}),
    "Учитель-логопед": frozenset({"specialist"}),
    "Учитель-дефектолог": frozenset({"specialist"}),
    "Тьютор": frozenset({"specialist"}),
    "Педагог-организатор": frozenset({"upbringing"}),
    "Советник директора по воспитанию": frozenset({"upbringing"}),
    "Педагог-библиотекарь": frozenset(),
    "Педагог дополнительного образования": frozenset({"additional"}),
    "Методист": frozenset({"additional", "management"}),
    "Воспитатель": frozenset({"preschool"}),
    "Старший воспитатель": frozenset({"preschool", "management"}),
    "Музыкальный руководитель": frozenset({"preschool"}),
    "Инструктор по физической культуре": frozenset({"preschool"}),
}
TEACHING_AUDIENCE = frozenset({"teacher", "primary"})
DEMO_TEACHERS = ("teacher1", "teacher2", "teacher3")


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_DATA_FILE.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class DemoTraining:
    providers: int
    programmes: int
    records: int
    pending: int
    rejected: int
    overdue: int  # educators in force today whose course is overdue (compliance page's count)
    plans: int
    plan_lines: int
    nominations: int
    pending_graduates: int
    development_plans: int


@dataclass(frozen=True, slots=True)
class _Programme:
    pk: int
    key: str  # provider key of data/demo.json
    provider: Provider
    title: str
    kind: str
    hours: int
    form: str
    topic_ids: tuple[int, ...]
    subject_ids: tuple[int, ...]
    subjects: frozenset[str]
    audience: frozenset[str]

    def fits(self, audience: frozenset[str], subjects: frozenset[str]) -> bool:
        if "all" in self.audience or self.audience & audience:
            return True
        return "subject" in self.audience and bool(self.subjects & subjects)


@dataclass(slots=True)
class _Person:
    pk: int
    municipality_id: int
    teaching_start: dt.date | None
    name_key: str
    full_name: str
    birth_date: dt.date | None
    school_id: int | None = None
    audience: frozenset[str] = frozenset()
    subjects: frozenset[str] = frozenset()
    last_counting: dt.date | None = None
    records: list[CourseRecord] = field(default_factory=list)

    def overdue(self, today: dt.date, settings: TrainingSettings) -> bool:
        due = due_on(
            last_counting_end=self.last_counting, teaching_start=self.teaching_start, settings=settings
        )
        return is_overdue(due, today)


def _day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _org_inn(rng: random.Random, region: str, used: set[str]) -> str:
    """A valid 10-digit ИНН with the region's prefix (generated: not the organisation's real one)."""
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    while True:
        body = region + "".join(str(rng.randint(0, 9)) for _ in range(7))
        inn = body + str(sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11 % 10)
        if inn not in used:
            used.add(inn)
            return inn


def _snils(rng: random.Random, used: set[str]) -> str:
    while True:
        body = f"{rng.randint(2_000_000, 999_999_999):09d}"
        total = sum(int(digit) * weight for digit, weight in zip(body, range(9, 0, -1), strict=True))
        check = total if total < 100 else 0 if total in (100, 101) else total % 101 % 100
        number = f"{body}{check:02d}"
        if number not in used:
            used.add(number)
            return number


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime(
        day.year,
        day.month,
        day.day,
        rng.randint(9, 17),
        rng.randint(0, 59),
        tzinfo=timezone.get_current_timezone(),
    )


# --- the catalogue -----------------------------------------------------------------------------


def _topics() -> dict[str, int]:
    """The topic list by name; the starting list of migration 0002 is put back when missing (`imo demo
    --reset` flushes the tables that migration filled)."""
    topics = dict(Topic.objects.values_list("name", "pk"))
    if not topics:
        starting: tuple[str, ...] = import_module("imo.training.migrations.0002_topics").TOPICS
        Topic.objects.bulk_create(
            Topic(name=name, order=order) for order, name in enumerate(starting, start=1)
        )
        topics = dict(Topic.objects.values_list("name", "pk"))
    return topics


def _catalogue(rng: random.Random) -> tuple[dict[str, Provider], list[_Programme]]:
    """Providers and programmes of data/demo.json (the ones already in the catalogue are kept)."""
    data = _data()
    existing = {provider.name_key: provider for provider in Provider.objects.all()}
    used_inns = {provider.inn for provider in existing.values() if provider.inn}
    providers: dict[str, Provider] = {}
    new: list[Provider] = []
    for item in data["providers"]:
        provider = existing.get(fold(item["name"]))
        if provider is None:
            provider = Provider(
                name=item["name"],
                short_name=item["short_name"],
                inn=_org_inn(rng, item["region"], used_inns),
                kind=item["kind"],
                name_key=fold(item["name"]),
            )
            new.append(provider)
        providers[item["key"]] = provider
    Provider.objects.bulk_create(new)
    if any(provider.pk is None for provider in new):  # a database that returns no ids
        by_key = {provider.name_key: provider for provider in Provider.objects.all()}
        providers = {key: by_key[provider.name_key] for key, provider in providers.items()}

    topics = _topics()
    subjects = dict(Subject.objects.values_list("name", "pk"))
    existing_programmes = {
        (programme.provider_id, programme.title_key): programme for programme in Programme.objects.all()
    }
    rows: list[tuple[dict[str, Any], Programme]] = []
    new_programmes: list[Programme] = []
    for item in data["programmes"]:
        provider = providers[item["provider"]]
        programme = existing_programmes.get((provider.pk, fold(item["title"])))
        if programme is None:
            programme = Programme(
                title=item["title"],
                provider=provider,
                kind=item.get("kind", CourseKind.REFRESHER),
                hours=item["hours"],
                form=item["form"],
                title_key=fold(item["title"]),
            )
            new_programmes.append(programme)
        rows.append((item, programme))
    Programme.objects.bulk_create(new_programmes)
    if any(programme.pk is None for programme in new_programmes):
        by_title = {(p.provider_id, p.title_key): p for p in Programme.objects.all()}
        rows = [(item, by_title[(p.provider.pk, p.title_key)]) for item, p in rows]
    created = {programme.pk for programme in new_programmes}
    topic_links = Programme.topics.through
    subject_links = Programme.subjects.through
    topic_links.objects.bulk_create(
        [
            topic_links(programme_id=programme.pk, topic_id=topics[name])
            for item, programme in rows
            if programme.pk in created
            for name in item["topics"]
            if name in topics
        ]
    )
    subject_links.objects.bulk_create(
        [
            subject_links(programme_id=programme.pk, subject_id=subjects[name])
            for item, programme in rows
            if programme.pk in created
            for name in item["subjects"]
            if name in subjects
        ]
    )
    catalogue = [
        _Programme(
            pk=programme.pk,
            key=item["provider"],
            provider=providers[item["provider"]],
            title=programme.title,
            kind=programme.kind,
            hours=programme.hours,
            form=programme.form,
            topic_ids=tuple(topics[name] for name in item["topics"] if name in topics),
            subject_ids=tuple(subjects[name] for name in item["subjects"] if name in subjects),
            subjects=frozenset(item["subjects"]),
            audience=frozenset(item["audience"]),
        )
        for item, programme in rows
    ]
    return providers, catalogue


# --- the educators, read once ------------------------------------------------------------------


def _people(today: dt.date) -> dict[int, _Person]:
    """Every educator with their main employment in force today (school, position, subjects)."""
    people = {
        pk: _Person(
            pk=pk,
            municipality_id=municipality_id,
            teaching_start=teaching_start,
            name_key=name_key,
            full_name=" ".join(part for part in (last, first, patronymic) if part),
            birth_date=birth_date,
        )
        for pk, municipality_id, teaching_start, name_key, last, first, patronymic, birth_date in (
            Educator.objects.filter(erased_at__isnull=True)
            .order_by("pk")
            .values_list(
                "pk",
                "municipality_id",
                "teaching_experience_start",
                "name_key",
                "last_name",
                "first_name",
                "patronymic",
                "birth_date",
            )
        )
    }
    employments: dict[int, int] = {}
    for employment_id, educator_id, organization_id, position in (
        Employment.objects.filter(active_on(today), is_main=True)
        .order_by("pk")
        .values_list("pk", "educator_id", "organization_id", "position__name")
    ):
        person = people.get(educator_id)
        if person is None or person.school_id is not None:
            continue
        person.school_id = organization_id
        person.audience = AUDIENCE_BY_POSITION.get(position, frozenset({"teacher"}))
        employments[employment_id] = educator_id
    subjects: dict[int, set[str]] = defaultdict(set)
    for employment_id, name in Employment.subjects.through.objects.values_list(
        "employment_id", "subject__name"
    ):
        if employment_id in employments:
            subjects[employments[employment_id]].add(name)
    for educator_id, names in subjects.items():
        people[educator_id].subjects = frozenset(names)
    return people


# --- course records ----------------------------------------------------------------------------


class _Builder:
    """Builds CourseRecord instances in memory: programmes that fit the person, dates that fit the hours,
    document numbers unique per provider, `counts` by the rule."""

    def __init__(self, rng: random.Random, today: dt.date, catalogue: list[_Programme]) -> None:
        self.rng = rng
        self.today = today
        self.settings = TrainingSettings.current()
        self.cutoff = self.settings.other_providers_count_until
        self.catalogue = catalogue
        self.typed = _data()["typed_providers"]
        self.typed_titles = _data()["typed_titles"]
        self.reasons = _data()["rejection_reasons"]
        self._pools: dict[tuple[frozenset[str], frozenset[str]], tuple[list[_Programme], ...]] = {}
        self._prefixes: dict[str, str] = {}
        self._numbers: dict[str, int] = {}
        self._registrations: dict[tuple[str, int], int] = {}
        existing = CourseRecord.objects.values_list("provider_id", "provider_key", "document_number")
        self._taken = {(str(provider_id or key), number) for provider_id, key, number in existing}
        self._tz = timezone.get_current_timezone()

    # programmes that fit a person: (counting refreshers, subject-specific ones among them, "other"
    # providers' refreshers, retrainings)
    def pools(self, person: _Person) -> tuple[list[_Programme], ...]:
        key = (person.audience, person.subjects)
        if key not in self._pools:
            fitting = [p for p in self.catalogue if p.fits(person.audience, person.subjects)]
            refreshers = [p for p in fitting if p.kind == CourseKind.REFRESHER]
            counting = [p for p in refreshers if p.provider.kind != ProviderKind.OTHER]
            specific = [p for p in counting if p.subjects & person.subjects]
            other = [p for p in refreshers if p.provider.kind == ProviderKind.OTHER]
            retraining = [p for p in fitting if p.kind == CourseKind.RETRAINING]
            self._pools[key] = (counting, specific, other, retraining)
        return self._pools[key]

    def pick(self, person: _Person, *, other: bool = False, retraining: bool = False) -> _Programme | None:
        counting, specific, others, retrainings = self.pools(person)
        if retraining:
            return self.rng.choice(retrainings) if retrainings else None
        if other:
            return self.rng.choice(others) if others else None
        if specific and self.rng.random() < 0.5:
            return self.rng.choice(specific)
        return self.rng.choice(counting) if counting else None

    def duration(self, hours: int, kind: str, form: str) -> int:
        if kind == CourseKind.RETRAINING:
            return max(60, round(hours / self.rng.uniform(1.5, 3)))
        per_day = self.rng.uniform(2, 5) if form == "distance" else self.rng.uniform(4, 8)
        return max(1, round(hours / per_day))

    def number(self, owner: str, region: str, kind: str, year: int) -> tuple[str, str]:
        """A document number unique for the provider, and a registration number of its year."""
        if owner not in self._prefixes:
            self._prefixes[owner] = f"{region}{self.rng.randint(1000, 9999)}"
            self._numbers[owner] = self.rng.randint(100, 5000)
        while True:
            self._numbers[owner] += self.rng.randint(1, 40)
            number = f"{self._prefixes[owner]}{self._numbers[owner]:06d}"
            if (owner, number) not in self._taken:
                self._taken.add((owner, number))
                break
        self._registrations[(owner, year)] = self._registrations.get((owner, year), 0) + self.rng.randint(
            1, 9
        )
        mark = "ПП" if kind == CourseKind.RETRAINING else "ПК"
        return number, f"{mark}-{year}/{self._registrations[(owner, year)]:04d}"

    def record(
        self,
        person: _Person,
        programme: _Programme | None,
        ends_on: dt.date,
        *,
        status: str = CourseRecord.Status.CONFIRMED,
        source: str | None = None,
        typed: dict[str, str] | None = None,
        starts_on: dt.date | None = None,
        plan_line_id: int | None = None,
    ) -> CourseRecord:
        rng = self.rng
        ends_on = min(ends_on, self.today - dt.timedelta(days=1))
        if programme is not None:
            title, kind, hours, form = programme.title, programme.kind, programme.hours, programme.form
            provider_kind = programme.provider.kind
            provider_name, provider_key, owner = "", "", str(programme.provider.pk)
            region = programme.provider.inn[:2] or "20"
        else:
            typed = typed or rng.choice(self.typed)
            title = rng.choice(self.typed_titles)
            kind = CourseKind.REFRESHER
            hours = rng.choice((16, 18, 24, 36, 36, 72, 72, 108))
            form = rng.choice(("distance", "distance", "mixed", "in_person"))
            provider_kind, provider_name = typed["kind"], typed["name"]
            provider_key = owner = fold(provider_name)
            region = "05" if "Дагестан" in provider_name else "26" if "Ставрополь" in provider_name else "77"
        if starts_on is None:
            starts_on = ends_on - dt.timedelta(days=self.duration(hours, kind, form) - 1)
        issued_on = min(ends_on + dt.timedelta(days=rng.choice((0, 0, 0, 1, 2, 3, 5, 7))), self.today)
        number, registration = self.number(owner, region, kind, issued_on.year)
        if source is None:
            if programme is not None and programme.key in IMPORTING and rng.random() < 0.6:
                source = CourseRecord.Source.IMPORT
            else:
                source = rng.choices(
                    (CourseRecord.Source.EDUCATOR, CourseRecord.Source.SCHOOL, CourseRecord.Source.OFFICE),
                    (3, 4, 3),
                )[0]
        if provider_kind == ProviderKind.OTHER:
            funding = rng.choices(("own", "employer"), (7, 3))[0]
        elif provider_kind in (ProviderKind.SIRIUS, ProviderKind.SKOLKOVO):
            funding = "budget"
        else:
            funding = rng.choices(("budget", "employer", "own"), (85, 10, 5))[0]
        confirmed = status == CourseRecord.Status.CONFIRMED
        record = CourseRecord(
            educator_id=person.pk,
            programme_id=programme.pk if programme is not None else None,
            title=title,
            kind=kind,
            provider=programme.provider if programme is not None else None,
            provider_name=provider_name,
            provider_kind=provider_kind,
            provider_key=provider_key,
            hours=hours,
            starts_on=starts_on,
            ends_on=ends_on,
            form=form,
            document_kind=(
                CourseRecord.DocumentKind.DIPLOMA
                if kind == CourseKind.RETRAINING
                else CourseRecord.DocumentKind.CERTIFICATE
            ),
            document_number=number,
            registration_number=registration,
            issued_on=issued_on,
            funding=funding,
            status=status,
            source=source,
            rejection_reason=rng.choice(self.reasons) if status == CourseRecord.Status.REJECTED else "",
            confirmed_at=_at(min(issued_on + dt.timedelta(days=rng.randint(1, 20)), self.today), rng)
            if confirmed
            else None,
            plan_line_id=plan_line_id,
            counts=counts_for_rule(
                status=status, provider_kind=provider_kind, ends_on=ends_on, settings=self.settings
            ),
        )
        person.records.append(record)
        if record.counts and (person.last_counting is None or ends_on > person.last_counting):
            person.last_counting = ends_on
        return record

    def course(self, person: _Person, ends_on: dt.date, *, retraining: bool = False) -> CourseRecord | None:
        """A counting course (a counting provider; before the cut-off "other" providers too)."""
        rng = self.rng
        before_cutoff = ends_on <= self.cutoff
        if not retraining and rng.random() < TYPED:
            typed = [t for t in self.typed if before_cutoff or t["kind"] != ProviderKind.OTHER]
            return self.record(person, None, ends_on, typed=rng.choice(typed))
        other = before_cutoff and not retraining and rng.random() < OTHER_BEFORE
        programme = self.pick(person, other=other, retraining=retraining) or self.pick(person)
        if programme is None:
            return None
        return self.record(person, programme, ends_on)

    def other_after_cutoff(self, person: _Person) -> CourseRecord | None:
        """An "other" provider's course after the cut-off: kept, but it does not count."""
        first = max(self.cutoff + dt.timedelta(days=1), person.teaching_start or self.cutoff)
        last = self.today - dt.timedelta(days=3)
        if first > last:
            return None
        programme = self.pick(person, other=True)
        ends_on = _day_between(self.rng, first, last)
        if programme is None or self.rng.random() < 0.2:
            typed = [t for t in self.typed if t["kind"] == ProviderKind.OTHER]
            return self.record(person, None, ends_on, typed=self.rng.choice(typed))
        return self.record(person, programme, ends_on)

    def _last_end(self, profile: str) -> dt.date | None:
        """When the last counting course of a compliant or overdue person ended (None: no course)."""
        rng, today = self.rng, self.today
        term_start = add_years(today, -self.settings.rule_years)
        if profile == "compliant":
            return _day_between(rng, term_start + dt.timedelta(days=1), today - dt.timedelta(days=3))
        if rng.random() < NEVER:
            return None
        return _day_between(rng, add_years(today, -5), term_start - dt.timedelta(days=1))

    def history(self, person: _Person, *, last: dt.date | None = None, profile: str | None = None) -> None:
        """About five years of courses. `profile`: "compliant", "overdue" or "newcomer" (drawn when None);
        `last`: the end of the last counting course (drawn when None)."""
        rng, today = self.rng, self.today
        start = person.teaching_start
        if profile is None:
            if start is not None and start > add_years(today, -self.settings.rule_years):
                profile = "newcomer"
            else:
                profile = "overdue" if rng.random() < OVERDUE else "compliant"
        earliest = max(add_years(today, -6), (start or dt.date.min) + dt.timedelta(days=30))
        if profile == "newcomer":
            if rng.random() >= NEWCOMER_WITHOUT:
                for _ in range(rng.choice((1, 1, 2))):
                    self.course(person, _day_between(rng, earliest, today - dt.timedelta(days=3)))
        else:
            last = last or self._last_end(profile)
            retrain_at = rng.randint(0, 3) if rng.random() < RETRAINING else -1
            index = 0
            while last is not None and last >= earliest:
                self.course(person, last, retraining=index == retrain_at)
                last -= dt.timedelta(days=rng.randint(200, 640))
                index += 1
        if rng.random() < OTHER_AFTER_CUTOFF:
            self.other_after_cutoff(person)

    def entered(self, person: _Person, status: str) -> CourseRecord | None:
        """A recent course a teacher entered: waiting for the school, or rejected by it."""
        rng = self.rng
        ends_on = self.today - dt.timedelta(days=rng.randint(3, 120))
        if rng.random() < 0.3:
            typed = [t for t in self.typed if t["kind"] != ProviderKind.OTHER]
            return self.record(
                person,
                None,
                ends_on,
                status=status,
                source=CourseRecord.Source.EDUCATOR,
                typed=rng.choice(typed),
            )
        programme = self.pick(person)
        if programme is None:
            return None
        return self.record(person, programme, ends_on, status=status, source=CourseRecord.Source.EDUCATOR)


def _demo_teachers(builder: _Builder, people: dict[int, _Person]) -> list[_Person]:
    """The demo teacher accounts' stories (see the module's docstring)."""
    today, years = builder.today, builder.settings.rule_years
    linked = dict(
        Educator.objects.filter(user__username__in=DEMO_TEACHERS).values_list("user__username", "pk")
    )
    stories = []
    for username in DEMO_TEACHERS:
        person = people.get(linked.get(username, 0))
        if person is None or person.school_id is None:
            continue
        if username == "teacher1":
            builder.history(person, profile="compliant", last=today - dt.timedelta(days=400))
            builder.entered(person, CourseRecord.Status.PENDING)
        elif username == "teacher2":
            builder.history(
                person, profile="compliant", last=add_years(today, -years) + dt.timedelta(days=45)
            )
            builder.other_after_cutoff(person)
            builder.entered(person, CourseRecord.Status.PENDING)
        else:
            builder.history(person, profile="overdue", last=add_years(today, -years) - dt.timedelta(days=120))
            builder.entered(person, CourseRecord.Status.REJECTED)
        stories.append(person)
    return stories


# --- the district's training plans ---------------------------------------------------------------


@dataclass
class _Plans:
    plans: int = 0
    lines: int = 0
    nominations: int = 0
    finished: list[tuple[PlanLine, _Programme]] = field(default_factory=list)


def _spread(rng: random.Random, first: dt.date, last: dt.date, count: int) -> list[dt.date]:
    if count <= 0:
        return []
    step = max((last - first).days // count, 1)
    return [
        first + dt.timedelta(days=index * step + rng.randint(0, max(step // 2, 0))) for index in range(count)
    ]


def _quotas(total: int, sizes: dict[int, int]) -> dict[int, int]:
    """`total` places spread over the schools in proportion to `sizes` (largest remainder)."""
    whole = sum(sizes.values())
    if not whole:
        return {}
    exact = {school: total * size / whole for school, size in sizes.items()}
    places = {school: int(value) for school, value in exact.items()}
    rest = total - sum(places.values())
    for school in sorted(exact, key=lambda s: (places[s] - exact[s], s))[:rest]:
        places[school] += 1
    return {school: count for school, count in places.items() if count}


@dataclass
class _Planner:
    """The district's plans: last year's (approved, every line over, courses done by most nominees) and
    this year's (nominations under way; the lines already over have their courses)."""

    builder: _Builder
    municipality: Organization
    people: list[_Person]
    admins: dict[int, int]  # school → its admin user (who nominates)
    head_id: int | None
    told: set[int]  # the demo teachers: their stories are fixed
    result: _Plans = field(default_factory=_Plans)

    def run(self, catalogue: list[_Programme]) -> _Plans:
        today = self.builder.today
        by_title = {programme.title: programme for programme in catalogue}
        current = academic_year_ensure(on=today)
        previous = academic_year_ensure(on=current.starts_on - dt.timedelta(days=1))
        for year, lines_data in (
            (previous, _data()["plans"]["previous"]),
            (current, _data()["plans"]["current"]),
        ):
            if TrainingPlan.objects.filter(municipality=self.municipality, academic_year=year).exists():
                continue
            lines = [(by_title[title], audience) for title, audience in lines_data if title in by_title]
            self.plan(year, lines, is_current=year.pk == current.pk)
        return self.result

    def plan(self, year: AcademicYear, lines_data: list[tuple[_Programme, str]], *, is_current: bool) -> None:
        builder, rng, today = self.builder, self.builder.rng, self.builder.today
        plan = TrainingPlan.objects.create(
            municipality=self.municipality,
            academic_year=year,
            title=f"План повышения квалификации педагогических работников на {year.name} учебный год",
            status=TrainingPlan.Status.NOMINATING if is_current else TrainingPlan.Status.APPROVED,
            nominations_until=(
                today + dt.timedelta(days=14) if is_current else year.starts_on + dt.timedelta(days=20)
            ),
            approved_by_id=None if is_current else self.head_id,
            approved_at=None if is_current else _at(year.starts_on + dt.timedelta(days=25), rng),
        )
        self.result.plans += 1
        programmes = [programme for programme, _ in lines_data]
        ends = _line_ends(rng, year, today, len(programmes), is_current=is_current)
        lines: list[PlanLine] = []
        for order, ((programme, audience), ends_on) in enumerate(zip(lines_data, ends, strict=True), start=1):
            days = builder.duration(programme.hours, programme.kind, programme.form)
            lines.append(
                PlanLine(
                    plan=plan,
                    programme_id=programme.pk,
                    provider=programme.provider,
                    kind=programme.kind,
                    hours=programme.hours,
                    starts_on=ends_on - dt.timedelta(days=days - 1),
                    ends_on=ends_on,
                    audience=audience,
                    order=order,
                )
            )
        PlanLine.objects.bulk_create(lines)
        if any(line.pk is None for line in lines):
            lines = list(PlanLine.objects.filter(plan=plan).order_by("order"))
        self.result.lines += len(lines)
        through = PlanLine.subjects.through
        through.objects.bulk_create(
            [
                through(planline_id=line.pk, subject_id=subject_id)
                for line, programme in zip(lines, programmes, strict=True)
                for subject_id in programme.subject_ids
            ]
        )
        quotas: list[PlanQuota] = []
        nominations: list[Nomination] = []
        nominated: set[int] = set()
        for line, programme in zip(lines, programmes, strict=True):
            self.line(line, programme, quotas, nominations, nominated)
        PlanQuota.objects.bulk_create(quotas, batch_size=BATCH)
        Nomination.objects.bulk_create(nominations, batch_size=BATCH)
        self.result.nominations += len(nominations)

    def line(
        self,
        line: PlanLine,
        programme: _Programme,
        quotas: list[PlanQuota],
        nominations: list[Nomination],
        nominated: set[int],
    ) -> None:
        """Quotas in proportion to the schools' staff the programme is for; nominees up to the quota (all
        of it when the course is over; then most of the approved have the course done)."""
        rng = self.builder.rng
        assert line.ends_on is not None
        finished = line.ends_on < self.builder.today
        eligible: dict[int, list[_Person]] = defaultdict(list)
        for person in self.people:
            if person.school_id is not None and programme.fits(person.audience, person.subjects):
                eligible[person.school_id].append(person)
        sizes = {school: len(group) for school, group in eligible.items()}
        total = min(max(10, round(sum(sizes.values()) * rng.uniform(0.15, 0.3))), 60)
        for school, places in _quotas(total, sizes).items():
            quotas.append(PlanQuota(line=line, school_id=school, places=places))
            for person in self.nominees(eligible[school], places, nominated, finished=finished):
                nominated.add(person.pk)
                if finished:
                    status = rng.choices((Nomination.Status.APPROVED, Nomination.Status.REJECTED), (19, 1))[0]
                else:
                    status = rng.choice((Nomination.Status.NOMINATED, Nomination.Status.APPROVED))
                due_soon = person.last_counting is not None and not finished and rng.random() < 0.3
                nominations.append(
                    Nomination(
                        line=line,
                        educator_id=person.pk,
                        school_id=school,
                        status=status,
                        nominated_by_id=self.admins.get(school),
                        comment="Срок повышения квалификации истекает в этом учебном году."
                        if due_soon
                        else "",
                    )
                )
                if finished and status == Nomination.Status.APPROVED and rng.random() < 0.85:
                    self.builder.record(
                        person,
                        programme,
                        line.ends_on,
                        starts_on=line.starts_on,
                        source=CourseRecord.Source.IMPORT,
                        plan_line_id=line.pk,
                    )
        if finished:
            self.result.finished.append((line, programme))

    def nominees(
        self, group: list[_Person], places: int, nominated: set[int], *, finished: bool
    ) -> list[_Person]:
        """Who a school puts forward: for a course ahead, those falling due first; for one that is over,
        people in order (their course is added; the demo teachers keep their stories)."""
        builder, rng = self.builder, self.builder.rng
        if finished:
            wanted = places if rng.random() < 0.8 else max(places - 1, 0)
            group = [p for p in group if p.pk not in self.told]
            preferred = [p for p in group if not p.overdue(builder.today, builder.settings)]
        else:
            wanted = rng.randint(0, places)
            soon = add_years(builder.today, -(builder.settings.rule_years - 1))
            preferred = [p for p in group if p.last_counting is None or p.last_counting < soon]
        fresh = [p for p in preferred if p.pk not in nominated]
        taken = {p.pk for p in fresh}
        rest = [p for p in group if p.pk not in taken]
        rng.shuffle(fresh)
        rng.shuffle(rest)
        return (fresh + rest)[:wanted]


def _line_ends(
    rng: random.Random, year: AcademicYear, today: dt.date, count: int, *, is_current: bool
) -> list[dt.date]:
    """End dates of the plan's lines across the year: all past for last year's plan; this year's two
    first ones already over when the year has run a month or more, the rest ahead."""
    if not is_current:
        last_day = min(
            year.ends_on - dt.timedelta(days=LAST_LINE_BEFORE_YEAR_END), today - dt.timedelta(days=3)
        )
        return sorted(_spread(rng, year.starts_on + dt.timedelta(days=30), last_day, count))
    past: list[dt.date] = []
    if (today - year.starts_on).days >= 40 and count:
        past = _spread(rng, year.starts_on + dt.timedelta(days=25), today - dt.timedelta(days=7), 2)
        past = [min(day, today - dt.timedelta(days=3)) for day in past]
    ahead_from = today + dt.timedelta(days=30)
    last_day = max(year.ends_on - dt.timedelta(days=LAST_LINE_BEFORE_YEAR_END), ahead_from)
    ahead = _spread(rng, ahead_from, last_day, count - len(past))
    return sorted(past) + sorted(ahead)


# --- provider-list rows waiting to be matched ----------------------------------------------------


def _pending_graduates(
    builder: _Builder,
    *,
    municipality: Organization,
    people: list[_Person],
    finished: list[tuple[PlanLine, _Programme]],
    catalogue: list[_Programme],
    school_names: dict[int, str],
) -> int:
    """Rows of one graduate list of the district's institute: two names found nowhere, one namesake."""
    rng, today = builder.rng, builder.today
    if finished:
        line, programme = finished[-1]
        assert line.starts_on is not None and line.ends_on is not None
        starts_on, ends_on, line_id = line.starts_on, line.ends_on, line.pk
    else:
        programme = next(p for p in catalogue if p.key == "iro" and p.kind == CourseKind.REFRESHER)
        ends_on = today - dt.timedelta(days=20)
        starts_on = ends_on - dt.timedelta(days=builder.duration(programme.hours, programme.kind, "") - 1)
        line_id = None

    def course() -> dict[str, Any]:
        number, registration = builder.number(
            str(programme.provider.pk), programme.provider.inn[:2] or "20", programme.kind, ends_on.year
        )
        return {
            "title": programme.title,
            "kind": programme.kind,
            "programme_id": programme.pk,
            "provider_id": programme.provider.pk,
            "provider_name": programme.provider.name,
            "provider_kind": programme.provider.kind,
            "provider_key": programme.provider.name_key,
            "hours": programme.hours,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "document_number": number,
            "registration_number": registration,
            "issued_on": ends_on.isoformat(),
            "document_kind": CourseRecord.DocumentKind.CERTIFICATE,
            "plan_line_id": line_id,
        }

    known = {person.name_key for person in people}
    namesakes: dict[str, list[_Person]] = defaultdict(list)
    for person in people:
        if person.school_id is not None:
            namesakes[person.name_key].append(person)
    groups = [group for group in namesakes.values() if len(group) > 1]
    # Namesakes of different birth dates first (true namesakes rather than the planted duplicates).
    groups.sort(key=lambda group: (len({p.birth_date for p in group}) == 1, group[0].pk))
    schools = sorted(school_names)
    used_snils = set(Educator.objects.exclude(snils="").values_list("snils", flat=True))
    rows: list[PendingGraduate] = []
    for row_number in (7, 19):
        while True:
            name = random_person(rng)
            if name_key_of(name.last_name, name.first_name, name.patronymic) not in known:
                break
        rows.append(
            PendingGraduate(
                municipality=municipality,
                row_number=row_number,
                full_name=f"{name.last_name} {name.first_name} {name.patronymic}",
                snils=_snils(rng, used_snils) if row_number == 7 else "",
                school_name=school_names[rng.choice(schools)] if schools else "",
                data=course(),
                reason=PendingGraduate.Reason.UNMATCHED,
            )
        )
    if groups:
        group = groups[0]
        rows.append(
            PendingGraduate(
                municipality=municipality,
                row_number=12,
                full_name=group[0].full_name,
                school_name="",
                data=course(),
                reason=PendingGraduate.Reason.AMBIGUOUS,
                candidates=[person.pk for person in group],
            )
        )
    PendingGraduate.objects.bulk_create(rows)
    return len(rows)


# --- individual development plans ----------------------------------------------------------------


def _development_people(
    builder: _Builder, people: list[_Person], stories: Sequence[_Person]
) -> list[_Person]:
    """Teachers with an ИОМ: the first demo teacher, then others, the overdue more likely."""
    rng, today = builder.rng, builder.today
    teachers = [p for p in people if p.school_id is not None and p.audience & TEACHING_AUDIENCE]
    chosen = [p for p in stories if p.school_id is not None][:1]
    rest = [p for p in teachers if p not in chosen]
    weights = [3.0 if p.overdue(today, builder.settings) else 1.0 for p in rest]
    while len(chosen) < DEVELOPMENT_PLANS and rest:
        index = rng.choices(range(len(rest)), weights)[0]
        chosen.append(rest.pop(index))
        weights.pop(index)
    return chosen


def _development(
    builder: _Builder, *, people: list[_Person], stories: Sequence[_Person], admins: dict[int, int]
) -> list[tuple[DevelopmentPlan, _Person, AcademicYear]]:
    """About forty ИОМ of the district: this year's mostly (under way, a few drafts), some of last year
    (completed); a mentor among the school's experienced colleagues for most."""
    rng, today = builder.rng, builder.today
    current = academic_year_ensure(on=today)
    previous = academic_year_ensure(on=current.starts_on - dt.timedelta(days=1))
    experienced: dict[int, list[int]] = defaultdict(list)
    ten_years = add_years(today, -10)
    for person in people:
        if person.school_id and person.teaching_start and person.teaching_start <= ten_years:
            experienced[person.school_id].append(person.pk)
    plans: list[tuple[DevelopmentPlan, _Person, AcademicYear]] = []
    for index, person in enumerate(_development_people(builder, people, stories)):
        assert person.school_id is not None
        year = previous if index and rng.random() < 0.15 else current
        if year.pk == previous.pk:
            status = DevelopmentPlan.Status.COMPLETED
        elif index == 0 or rng.random() < 0.8:
            status = DevelopmentPlan.Status.ACTIVE
        else:
            status = DevelopmentPlan.Status.DRAFT
        mentors = [pk for pk in experienced.get(person.school_id, []) if pk != person.pk]
        plan = DevelopmentPlan(
            educator_id=person.pk,
            title=f"Индивидуальный образовательный маршрут на {year.name} учебный год",
            starts_on=year.starts_on,
            ends_on=year.ends_on,
            mentor_id=rng.choice(mentors) if mentors and rng.random() < 0.7 else None,
            status=status,
            created_by_id=admins.get(person.school_id),
        )
        plans.append((plan, person, year))
    DevelopmentPlan.objects.bulk_create([plan for plan, _, _ in plans])
    return plans


def _development_steps(
    builder: _Builder, plans: list[tuple[DevelopmentPlan, _Person, AcademicYear]], catalogue: list[_Programme]
) -> None:
    """Gaps (typed or from the survey) and the steps against each: a course (the one taken this year when
    there is one), an event or self-study; work with the mentor."""
    rng = builder.rng
    data = _data()["development"]
    by_title = {programme.title: programme for programme in catalogue}
    gaps: list[tuple[DevelopmentGap, str]] = []
    for plan, _, year in plans:
        for text, programme_title in rng.sample(data["gaps"], rng.randint(1, 3)):
            survey = rng.random() < 0.4
            gap = DevelopmentGap(
                plan=plan,
                text=text,
                source=DevelopmentGap.Source.SURVEY if survey else DevelopmentGap.Source.TYPED,
                source_ref=f"{data['survey_ref']} {year.start_year} г." if survey else "",
            )
            gaps.append((gap, programme_title))
    DevelopmentGap.objects.bulk_create([gap for gap, _ in gaps])
    by_plan: dict[int, list[tuple[DevelopmentGap, str]]] = defaultdict(list)
    for gap, programme_title in gaps:
        by_plan[gap.plan.pk].append((gap, programme_title))

    items: list[DevelopmentItem] = []
    for plan, person, year in plans:
        span = (year.ends_on - year.starts_on).days
        done = [
            r
            for r in person.records
            if r.pk is not None
            and r.status != CourseRecord.Status.REJECTED
            and year.starts_on <= r.ends_on <= builder.today
        ]
        for gap, programme_title in by_plan[plan.pk]:
            record = done.pop() if done else None
            programme = by_title.get(programme_title)
            if record is not None:
                title, due, programme_id = record.title, record.ends_on, record.programme_id
            else:
                title = programme.title if programme else programme_title
                due = year.starts_on + dt.timedelta(days=rng.randint(span // 3, span - 30))
                programme_id = programme.pk if programme else None
            items.append(
                _item(
                    builder,
                    plan,
                    DevelopmentItem.Kind.COURSE,
                    title,
                    due=due,
                    gap=gap,
                    programme_id=programme_id,
                    record=record,
                )
            )
            kind = rng.choice((DevelopmentItem.Kind.EVENT, DevelopmentItem.Kind.SELF_STUDY))
            pool = data["events"] if kind == DevelopmentItem.Kind.EVENT else data["self_study"]
            due = year.starts_on + dt.timedelta(days=rng.randint(20, span - 10))
            items.append(_item(builder, plan, kind, rng.choice(pool), due=due, gap=gap))
        if plan.mentor_id:
            due = year.starts_on + dt.timedelta(days=rng.randint(30, span // 2))
            items.append(
                _item(builder, plan, DevelopmentItem.Kind.MENTORING, rng.choice(data["mentoring"]), due=due)
            )
    DevelopmentItem.objects.bulk_create(items, batch_size=BATCH)


def _item(
    builder: _Builder,
    plan: DevelopmentPlan,
    kind: str,
    title: str,
    *,
    due: dt.date,
    gap: DevelopmentGap | None = None,
    programme_id: int | None = None,
    record: CourseRecord | None = None,
) -> DevelopmentItem:
    """A step of the plan: done (mostly) when its day has passed, under way when it is near."""
    rng, today = builder.rng, builder.today
    results = _data()["development"]["results"]
    done_on: dt.date | None = None
    result = ""
    if record is not None:
        if record.status == CourseRecord.Status.CONFIRMED:
            status, done_on, result = DevelopmentItem.Status.DONE, record.ends_on, results[2]
        else:
            status = DevelopmentItem.Status.IN_PROGRESS
    elif due < today and plan.status != DevelopmentPlan.Status.DRAFT:
        if rng.random() < 0.88:
            status = DevelopmentItem.Status.DONE
            done_on = min(due - dt.timedelta(days=rng.randint(0, 12)), today)
            result = rng.choice(results)
        else:
            status = DevelopmentItem.Status.CANCELLED
    elif due <= today + dt.timedelta(days=45) and plan.status != DevelopmentPlan.Status.DRAFT:
        status = DevelopmentItem.Status.IN_PROGRESS
    else:
        status = DevelopmentItem.Status.PLANNED
    return DevelopmentItem(
        plan=plan,
        kind=kind,
        title=title,
        programme_id=programme_id,
        gap=gap,
        due_on=due,
        done_on=done_on,
        status=status,
        result=result,
        course_record=record,
    )


# --- the whole data set ------------------------------------------------------------------------


def _district() -> Organization | None:
    """The demo district: the first municipality (the demo creates it before the region's others)."""
    return Organization.objects.filter(kind=Organization.Kind.MUNICIPALITY).order_by("pk").first()


@dataclass(frozen=True)
class _Users:
    admins: dict[int, int]  # school → its first school admin
    head_id: int | None
    methodist_id: int | None


def _users(municipality: Organization) -> _Users:
    """Who acts in the district's data: each school's first school admin, the head, a methodist."""
    admins: dict[int, int] = {}
    office: dict[str, int] = {}
    for organization_id, user_id, role in (
        Membership.objects.filter(role__in=(Role.SCHOOL_ADMIN, Role.HEAD, Role.METHODIST))
        .filter(organization__path__startswith=municipality.path)
        .order_by("pk")
        .values_list("organization_id", "user_id", "role")
    ):
        if role == Role.SCHOOL_ADMIN:
            admins.setdefault(organization_id, user_id)
        elif organization_id == municipality.pk:
            office.setdefault(role, user_id)
    return _Users(admins, office.get(Role.HEAD), office.get(Role.METHODIST))


def _confirmers(people: list[_Person], users: _Users) -> None:
    """Who confirmed the district's courses: the school for what teachers and schools entered, the
    methodist for the office's entries and the providers' lists."""
    by_school = (CourseRecord.Source.EDUCATOR, CourseRecord.Source.SCHOOL)
    for person in people:
        admin = users.admins.get(person.school_id or 0)
        for record in person.records:
            if record.status == CourseRecord.Status.CONFIRMED:
                record.confirmed_by_id = admin if record.source in by_school else users.methodist_id


def seed(*, rng: random.Random, today: dt.date) -> DemoTraining:
    """The training data of every demo educator. Run once, after the staff (and attestation, mentoring)
    seeds; the catalogue's rows already present are kept."""
    providers, catalogue = _catalogue(rng)
    people = _people(today)
    builder = _Builder(rng, today, catalogue)
    municipality = _district()
    stories = _demo_teachers(builder, people)
    told = {person.pk for person in stories}
    for person in people.values():
        if person.pk not in told:
            builder.history(person)

    district = [
        p for p in people.values() if municipality is not None and p.municipality_id == municipality.pk
    ]
    plans = _Plans()
    admins: dict[int, int] = {}
    school_names: dict[int, str] = {}
    if municipality is not None and district:
        users = _users(municipality)
        admins = users.admins
        plans = _Planner(builder, municipality, district, admins, users.head_id, told).run(catalogue)
        employed = [p for p in district if p.school_id is not None and p.pk not in told]
        for status, count in (
            (CourseRecord.Status.PENDING, DISTRICT_PENDING),
            (CourseRecord.Status.REJECTED, DISTRICT_REJECTED),
        ):
            for person in rng.sample(employed, min(count, len(employed))):
                builder.entered(person, status)
        school_names = dict(
            Organization.objects.filter(pk__in={p.school_id for p in district if p.school_id}).values_list(
                "pk", "name"
            )
        )
        _confirmers(district, users)

    records = [record for person in people.values() for record in person.records]
    CourseRecord.objects.bulk_create(records, batch_size=BATCH)
    ids_returned = all(record.pk is not None for record in records[:1])
    if ids_returned and municipality is not None:
        topics = {programme.pk: programme.topic_ids for programme in catalogue}
        through = CourseRecord.topics.through
        through.objects.bulk_create(
            [
                through(courserecord_id=record.pk, topic_id=topic_id)
                for person in district
                for record in person.records
                for topic_id in topics.get(record.programme_id or 0, ())
            ],
            batch_size=BATCH * 5,
        )
    pending = sum(1 for r in records if r.status == CourseRecord.Status.PENDING)
    rejected = sum(1 for r in records if r.status == CourseRecord.Status.REJECTED)
    graduates = developments = 0
    if municipality is not None and district:
        graduates = _pending_graduates(
            builder,
            municipality=municipality,
            people=district,
            finished=plans.finished,
            catalogue=catalogue,
            school_names=school_names,
        )
        if ids_returned:
            plans_made = _development(builder, people=district, stories=stories, admins=admins)
            if all(plan.pk is not None for plan, _, _ in plans_made):
                _development_steps(builder, plans_made, catalogue)
            developments = len(plans_made)
    overdue = sum(
        1
        for person in people.values()
        if person.school_id is not None and person.overdue(today, builder.settings)
    )
    return DemoTraining(
        providers=len(providers),
        programmes=len(catalogue),
        records=len(records),
        pending=pending,
        rejected=rejected,
        overdue=overdue,
        plans=plans.plans,
        plan_lines=plans.lines,
        nominations=plans.nominations,
        pending_graduates=graduates,
        development_plans=developments,
    )
