"""Olympiad analytics (issue #7, item 8): participants, share of students taking part, winners and
prize-winners per school, subject, teacher and year, several years side by side.

Every figure is counted in SQL (values() grouping with filtered Count); the page reads a fixed number of
statements whatever the number of participations. A participation counts when it is confirmed and the
student was not absent; the status (winner / prize-winner) is the one the ranking stored.

The share of students taking part is the number of distinct participating students of a school divided by
the school's enrolment (Enrolment) in the grades of the stage (the lowest to the highest grade of the
stage's subjects that year, of the chosen subject when one is chosen); without enrolment it is None («—»).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, overload

from django.db.models import Count, Max, Min, Q

from imo.core.prepared import prepared
from imo.core.text import fold
from imo.olympiads.models import Enrolment, OlympiadSubject, Participation, Season, Stage, StageSubject
from imo.orgs.models import OFFICE_ROLES, Organization, Role
from imo.orgs.selectors import has_role, memberships_of, paths_q, scope_paths
from imo.reference.models import AcademicYear
from imo.staff.models import Educator

YEAR = "stage_subject__stage__season__academic_year__start_year"
LEVEL = "stage_subject__stage__level"
SUBJECT = "stage_subject__subject_id"
SCHOOL = "student__school_id"
WINNER = Participation.Status.WINNER
PRIZE_WINNER = Participation.Status.PRIZE_WINNER
MAX_YEARS = 5
DEFAULT_YEARS = 3
SORTS = ("name", "students", "participations", "share", "awarded", "awarded_share")
SORT_CHOICES = (*SORTS, *(f"-{key}" for key in SORTS))


def percent(part: int, whole: int | None) -> Decimal | None:
    """12 of 40 → 30.0 (one digit, half up); no whole → None."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    students: int = 0
    participations: int = 0
    winners: int = 0
    prize_winners: int = 0
    enrolled: int | None = None

    @property
    def awarded(self) -> int:
        return self.winners + self.prize_winners

    @property
    def share(self) -> Decimal | None:
        """Distinct participating students per 100 enrolled students of the grades of the stage."""
        return percent(self.students, self.enrolled)

    @property
    def awarded_share(self) -> Decimal | None:
        """Winners and prize-winners per 100 participations."""
        return percent(self.awarded, self.participations)


EMPTY = Figures()


@dataclass(frozen=True)
class YearRef:
    start_year: int
    name: str


@dataclass(frozen=True)
class Row:
    key: int | None
    label: str
    cells: tuple[Figures, ...]  # one per year of the query, in its order
    sort_name: str = ""

    @property
    def last(self) -> Figures:
        return self.cells[-1] if self.cells else EMPTY


@dataclass(frozen=True)
class TeacherCell:
    students: int = 0
    winners: int = 0
    prize_winners: int = 0

    @property
    def awarded(self) -> int:
        return self.winners + self.prize_winners


@dataclass(frozen=True)
class TeacherRow:
    educator_id: int
    name: str
    subject: str
    cells: tuple[TeacherCell, ...]

    @property
    def awarded(self) -> int:
        return sum(c.awarded for c in self.cells)

    @property
    def students(self) -> int:
        return sum(c.students for c in self.cells)


@dataclass(frozen=True)
class Scope:
    """Detailed rows come from `paths`; `district_paths` give the totals a school admin compares with."""

    paths: tuple[str, ...]
    district_paths: tuple[str, ...]
    school_only: bool
    label: str


@dataclass(frozen=True)
class Filters:
    level: str = Stage.Level.SCHOOL
    years: tuple[int, ...] = ()
    subject_id: int | None = None
    school_id: int | None = None


class PackedTeacherRows(Sequence[TeacherRow]):
    """Teachers' rows held as plain tuples, made TeacherRow when read (a page shows 25 of them).

    Analytics are kept in the page cache and unpickled on every visit: a region's 2,000 teachers as
    frozen dataclasses (a row and a cell per year each) took ~11 ms of CPU to unpickle, as tuples ~1 ms."""

    def __init__(self, rows: Iterable[TeacherRow] = ()) -> None:
        self._packed = [
            (
                row.educator_id,
                row.name,
                row.subject,
                tuple((c.students, c.winners, c.prize_winners) for c in row.cells),
            )
            for row in rows
        ]

    def __len__(self) -> int:
        return len(self._packed)

    @overload
    def __getitem__(self, index: int) -> TeacherRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[TeacherRow]: ...
    def __getitem__(self, index: int | slice) -> TeacherRow | list[TeacherRow]:
        if isinstance(index, slice):
            return [_unpacked(packed) for packed in self._packed[index]]
        return _unpacked(self._packed[index])


def _unpacked(packed: tuple[Any, ...]) -> TeacherRow:
    educator_id, name, subject, cells = packed
    return TeacherRow(educator_id, name, subject, tuple(TeacherCell(*cell) for cell in cells))


@dataclass
class Analytics:
    years: tuple[YearRef, ...]
    schools: list[Row]
    subjects: list[Row]
    totals: Row
    district: Row | None
    teachers: Sequence[TeacherRow] = field(default_factory=PackedTeacherRows)


# --- scope --------------------------------------------------------------------------------------------


def analytics_scope(*, user: Any) -> Scope:
    """The office sees its subtree; a school admin sees their school in detail and the district in total."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Scope(("",), ("",), False, "Все муниципалитеты")
    if has_role(user, OFFICE_ROLES):
        paths = tuple(scope_paths(user, OFFICE_ROLES))
        offices = [m.organization for m in memberships_of(user) if m.role in OFFICE_ROLES]
        label = (offices[0].short_name or offices[0].name) if len(offices) == 1 else "Все доступные"
        return Scope(paths, paths, False, label)
    schools = [m.organization for m in memberships_of(user) if m.role == Role.SCHOOL_ADMIN]
    parents = [s.parent_id for s in schools if s.parent_id]
    district = tuple(
        sorted(Organization.objects.filter(pk__in=parents).values_list("path", flat=True))
    ) or tuple(s.path for s in schools)
    label = ", ".join(s.short_name or s.name for s in schools)
    return Scope(tuple(sorted(s.path for s in schools)), district, True, label)


def years_available(*, scope: Scope) -> list[YearRef]:
    """Academic years with a season in the district, the latest first."""
    ids = Season.objects.filter(paths_q(scope.district_paths, "municipality__")).values("academic_year_id")
    return [
        YearRef(start_year, f"{start_year}/{start_year + 1}")
        for start_year in AcademicYear.objects.filter(pk__in=ids)
        .order_by("-start_year")
        .values_list("start_year", flat=True)
    ]


def schools_in(*, scope: Scope) -> list[Organization]:
    rows = list(
        Organization.objects.filter(paths_q(scope.paths), kind=Organization.Kind.SCHOOL).only(
            "pk", "name", "short_name", "path"
        )
    )
    return sorted(rows, key=lambda o: fold(o.short_name or o.name))


def subjects_all() -> list[OlympiadSubject]:
    return list(OlympiadSubject.objects.order_by("order", "name").only("pk", "name", "order"))


# --- counting -------------------------------------------------------------------------------------------


def participations_q(*, paths: Sequence[str], filters: Filters, prefix: str = "", level: bool = True) -> Q:
    """The counted participations of the filters inside `paths` (prefix: the way from the model asked)."""
    q = Q(**{f"{prefix}confirmed": True, f"{prefix}absent": False})
    q &= paths_q(paths, f"{prefix}student__school__")
    if level:
        q &= Q(**{f"{prefix}{LEVEL}": filters.level})
    if filters.years:
        q &= Q(**{f"{prefix}{YEAR}__in": list(filters.years)})
    if filters.subject_id:
        q &= Q(**{f"{prefix}{SUBJECT}": filters.subject_id})
    if filters.school_id:
        q &= Q(**{f"{prefix}{SCHOOL}": filters.school_id})
    return q


def grouped_counts(q: Q, group: Sequence[str]) -> list[dict[str, Any]]:
    """One statement: participations of `q` grouped by `group` with the four counts."""
    return list(
        Participation.objects.filter(q)
        .values(*group)
        .annotate(
            students=Count("student_id", distinct=True),
            participations=Count("pk"),
            winners=Count("pk", filter=Q(status=WINNER)),
            prize_winners=Count("pk", filter=Q(status=PRIZE_WINNER)),
        )
        .order_by()
    )


def _figures(row: dict[str, Any] | None, enrolled: int | None = None) -> Figures:
    if row is None:
        return Figures(enrolled=enrolled)
    return Figures(
        students=row["students"],
        participations=row["participations"],
        winners=row["winners"],
        prize_winners=row["prize_winners"],
        enrolled=enrolled,
    )


class Enrolments:
    """Enrolment of the stage's grades per school and year (two statements: grade ranges, enrolment)."""

    def __init__(self, *, scope: Scope, filters: Filters) -> None:
        ranges = (
            StageSubject.objects.filter(
                paths_q(scope.district_paths, "stage__season__municipality__"),
                stage__level=filters.level,
                stage__season__academic_year__start_year__in=list(filters.years),
            )
            .values("stage__season__academic_year__start_year", "subject_id")
            .annotate(low=Min("min_grade"), high=Max("max_grade"))
            .order_by()
        )
        self.grades: dict[int, tuple[int, int]] = {}  # year → (lowest, highest) over the subjects
        self.subject_grades: dict[tuple[int, int], tuple[int, int]] = {}
        for r in ranges:
            year = r["stage__season__academic_year__start_year"]
            self.subject_grades[(year, r["subject_id"])] = (r["low"], r["high"])
            if filters.subject_id and r["subject_id"] != filters.subject_id:
                continue
            low, high = self.grades.get(year, (r["low"], r["high"]))
            self.grades[year] = (min(low, r["low"]), max(high, r["high"]))
        enrolment = Enrolment.objects.filter(
            paths_q(scope.district_paths, "school__"), academic_year__start_year__in=list(filters.years)
        )
        if filters.school_id:
            enrolment = enrolment.filter(school_id=filters.school_id)
        # school → year → grade → students
        self.by_school: dict[int, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
        self.paths: dict[int, str] = {}
        for school_id, year, grade, students, path in enrolment.values_list(
            "school_id", "academic_year__start_year", "grade", "students", "school__path"
        ):
            self.by_school[school_id][year][grade] = students
            self.paths[school_id] = path

    @staticmethod
    def _sum(grades: dict[int, int], bounds: tuple[int, int] | None) -> int | None:
        if bounds is None:
            return None
        inside = [n for grade, n in grades.items() if bounds[0] <= grade <= bounds[1]]
        return sum(inside) if inside else None

    def school(self, school_id: int, year: int) -> int | None:
        return self._sum(self.by_school.get(school_id, {}).get(year, {}), self.grades.get(year))

    def total(self, year: int, paths: Sequence[str], *, subject_id: int | None = None) -> int | None:
        """Enrolment of the schools under `paths` (every school entered, else None)."""
        bounds = self.subject_grades.get((year, subject_id)) if subject_id else self.grades.get(year)
        values = [
            self._sum(years.get(year, {}), bounds)
            for school_id, years in self.by_school.items()
            if any(self.paths[school_id].startswith(p) for p in paths)
        ]
        known = [v for v in values if v is not None]
        return sum(known) if known else None


def _sort_rows(rows: list[Row], sort: str) -> list[Row]:
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    if key not in SORTS or key == "name":
        return sorted(rows, key=lambda r: r.sort_name, reverse=descending)
    missing = Decimal(-1)

    def value(row: Row) -> Any:
        figure = row.last
        raw = getattr(figure, key)
        return (raw if raw is not None else missing, row.sort_name)

    ordered = sorted(rows, key=lambda r: r.sort_name)
    return sorted(ordered, key=lambda r: value(r)[0], reverse=descending)


def analytics_read(
    *,
    scope: Scope,
    filters: Filters,
    years: Sequence[YearRef],
    schools: Iterable[Organization],
    subjects: Iterable[OlympiadSubject],
    sort: str = "name",
    with_teachers: bool = True,
) -> Analytics:
    """The tables of the analytics page for `filters` (years in the order given)."""
    order = [y.start_year for y in years]
    enrolments = Enrolments(scope=scope, filters=filters)
    detail_q = participations_q(paths=scope.paths, filters=filters)

    by_school: dict[tuple[int, int], dict[str, Any]] = {
        (r[SCHOOL], r[YEAR]): r for r in grouped_counts(detail_q, (SCHOOL, YEAR))
    }
    school_rows = []
    for school in schools:
        if filters.school_id and school.pk != filters.school_id:
            continue
        cells = tuple(
            _figures(by_school.get((school.pk, year)), enrolments.school(school.pk, year)) for year in order
        )
        if not any(c.participations for c in cells) and not any(c.enrolled for c in cells):
            continue
        label = school.short_name or school.name
        school_rows.append(Row(school.pk, label, cells, fold(label)))

    by_subject = {(r[SUBJECT], r[YEAR]): r for r in grouped_counts(detail_q, (SUBJECT, YEAR))}
    detail_paths = (
        tuple(s.path for s in schools if s.pk == filters.school_id) if filters.school_id else scope.paths
    )
    subject_rows = []
    for number, subject in enumerate(subjects):
        if filters.subject_id and subject.pk != filters.subject_id:
            continue
        cells = tuple(
            _figures(
                by_subject.get((subject.pk, year)),
                enrolments.total(year, detail_paths, subject_id=subject.pk),
            )
            for year in order
        )
        if any(c.participations for c in cells):
            subject_rows.append(Row(subject.pk, subject.name, cells, f"{number:04d}"))

    totals_by_year = {r[YEAR]: r for r in grouped_counts(detail_q, (YEAR,))}
    totals = Row(
        None,
        "Итого" if not scope.school_only else "Моя школа",
        tuple(
            _figures(
                totals_by_year.get(year),
                enrolments.total(year, detail_paths, subject_id=filters.subject_id),
            )
            for year in order
        ),
    )
    district = None
    if scope.school_only:
        district_filters = Filters(filters.level, filters.years, filters.subject_id, None)
        district_q = participations_q(paths=scope.district_paths, filters=district_filters)
        district_by_year = {r[YEAR]: r for r in grouped_counts(district_q, (YEAR,))}
        district = Row(
            None,
            "Район в целом",
            tuple(
                _figures(
                    district_by_year.get(year),
                    enrolments.total(year, scope.district_paths, subject_id=filters.subject_id),
                )
                for year in order
            ),
        )
    subject_names = {s.pk: s.name for s in subjects}
    teachers = teacher_rows(scope=scope, filters=filters, years=order, subject_names=subject_names)
    return Analytics(
        years=tuple(years),
        schools=_sort_rows(school_rows, sort),
        subjects=subject_rows,
        totals=totals,
        district=district,
        teachers=PackedTeacherRows(teachers if with_teachers else ()),
    )


def teacher_rows(
    *,
    scope: Scope,
    filters: Filters,
    years: Sequence[int],
    subject_names: dict[int, str],
    only_awarded: bool = True,
) -> list[TeacherRow]:
    """Per teacher who prepared students (Participation.teachers) and subject: students prepared, winners
    and prize-winners per year; with `only_awarded` the teachers whose students won (two statements)."""
    through: Any = Participation.teachers.through
    q = participations_q(paths=scope.paths, filters=filters, prefix="participation__")
    counts = (
        through.objects.filter(q)
        .values("educator_id", f"participation__{SUBJECT}", f"participation__{YEAR}")
        .annotate(
            students=Count("participation__student_id", distinct=True),
            winners=Count("participation_id", filter=Q(participation__status=WINNER)),
            prize_winners=Count("participation_id", filter=Q(participation__status=PRIZE_WINNER)),
        )
        .order_by()
    )
    cells: dict[tuple[int, int], dict[int, TeacherCell]] = defaultdict(dict)
    for r in counts:
        key = (r["educator_id"], r[f"participation__{SUBJECT}"])
        cells[key][r[f"participation__{YEAR}"]] = TeacherCell(r["students"], r["winners"], r["prize_winners"])
    if only_awarded:
        cells = defaultdict(dict, {k: v for k, v in cells.items() if any(c.awarded for c in v.values())})
    educators = {
        e.pk: e
        for e in Educator.objects.filter(pk__in={k[0] for k in cells}).only(
            "pk", "last_name", "first_name", "patronymic", "name_key"
        )
    }
    rows = [
        TeacherRow(
            educator_id=educator_id,
            name=educators[educator_id].full_name,
            subject=subject_names.get(subject_id, ""),
            cells=tuple(by_year.get(year, TeacherCell()) for year in years),
        )
        for (educator_id, subject_id), by_year in cells.items()
        if educator_id in educators
    ]
    names = {pk: e.name_key or fold(e.full_name) for pk, e in educators.items()}
    rows.sort(key=lambda r: (names[r.educator_id], r.subject))
    rows.sort(key=lambda r: -r.awarded)
    return rows


# --- the educator's profile ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedStudent:
    student: str
    subject: str
    stage: str
    grade: int
    score: Decimal | None
    status: str


@dataclass(frozen=True)
class PreparedSeason:
    name: str
    rows: tuple[PreparedStudent, ...]


# Asked for every educator card (imo/core/prepared.py).
_PREPARED_ANY = prepared(
    lambda educator: Participation.teachers.through.objects.filter(educator_id=educator),
    educator=int,
    exists=True,
)


def prepared_students(*, educator: Educator, paths: Sequence[str] | None = None) -> list[PreparedSeason]:
    """The students `educator` prepared, per season (the latest first): one statement. `paths` limits
    them to students of those schools (None: all). Most educators prepared nobody: a look at the link
    table first spares them the statement's nine joins."""
    if not _PREPARED_ANY.exists(educator=educator.pk):
        return []
    participations = (
        Participation.objects.filter(teachers=educator, confirmed=True)
        .select_related("student", "stage_subject__subject", "stage_subject__stage__season__academic_year")
        .only(
            "grade",
            "score",
            "status",
            "absent",
            "student__last_name",
            "student__first_name",
            "student__patronymic",
            "student__name_key",
            "stage_subject__subject__name",
            "stage_subject__subject__order",
            "stage_subject__stage__level",
            "stage_subject__stage__season__academic_year__start_year",
        )
        .order_by(
            f"-{YEAR}", "-stage_subject__stage__level", "stage_subject__subject__order", "student__name_key"
        )
    )
    if paths is not None:
        participations = participations.filter(paths_q(paths, "student__school__"))
    seasons: dict[int, list[PreparedStudent]] = {}
    for p in participations:
        stage = p.stage_subject.stage
        year = stage.season.academic_year.start_year
        status = "не явился" if p.absent else (p.get_status_display() if p.status else "")
        seasons.setdefault(year, []).append(
            PreparedStudent(
                student=p.student.short_name,
                subject=p.stage_subject.subject.name,
                stage=stage.get_level_display(),
                grade=p.grade,
                score=p.score,
                status=status,
            )
        )
    return [PreparedSeason(f"{year}/{year + 1}", tuple(rows)) for year, rows in seasons.items()]
