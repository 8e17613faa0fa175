"""The results of a survey, counted in SQL (issue #9, item 5).

Every figure is a GROUP BY over Answer rows (question code, option / row / number), so a page runs the
same few statements whether a survey has ten responses or 25,000. Results of several versions are
counted together by the question's stable `code`; the newest version's questions give the wording.

Shares are of the respondents who answered the question, not of all responses: a question hidden by
skip logic was never asked, so it is not «не ответили». For multiple choice the shares add up to more
than 100 %.

Filters narrow the responses (school, an answer to a choice question, dates); breakdowns split the
chosen questions' figures into groups: the respondent's school, subject, experience band and category
(named educators' surveys: these come from the educator's record today), or the answer to another
question (any survey).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from imo.staff.experience import EXPERIENCE_BANDS, start_range
from imo.staff.facets import NONE, facet_get
from imo.staff.models import Educator
from imo.surveys.models import (
    Answer,
    AudienceKind,
    Mode,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Survey,
)
from imo.surveys.tallies import OTHER, RESPONDENTS, RESPONSES, tallies_of

CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
NUMBER_KINDS = (QuestionKind.SCALE, QuestionKind.NUMBER)
TEXT_KINDS = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)
#: Questions a breakdown or a filter can be built on (a fixed, short list of values).
GROUPING_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE)
OTHER_LABEL = "Другое"
TEXTS_ON_PAGE = 5  # free-text answers shown per question on the results page; the rest on its own page
MAX_BREAKDOWN_QUESTIONS = 5
#: An anonymous survey's breakdown line with fewer respondents than this shows no figures: in a small group
#: (the only physics teacher of a school) the answers themselves could name the person (decision 0014).
ANONYMOUS_MIN_GROUP = 3
#: Counted results are kept this long at most (a new answer or response anywhere changes the key anyway).
CACHE_SECONDS = 600

SCHOOL, SUBJECT, EXPERIENCE, CATEGORY, QUESTION = "school", "subject", "experience", "category", "question"
BREAKDOWN_LABELS = {
    SCHOOL: "по организациям",
    SUBJECT: "по предметам",
    EXPERIENCE: "по педагогическому стажу",
    CATEGORY: "по квалификационной категории",
    QUESTION: "по ответу на вопрос",
}


# --- filters -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """Which responses are counted. `school_ids` empty = every school (a school admin's are forced)."""

    school_ids: tuple[int, ...] = ()
    answer_code: str = ""  # only respondents who chose `answer_value` in the question with this code
    answer_value: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def with_schools(self, school_ids: tuple[int, ...]) -> Filters:
        return Filters(school_ids, self.answer_code, self.answer_value, self.date_from, self.date_to)


def responses_of(survey: Survey, filters: Filters) -> QuerySet[Response]:
    """The submitted responses of the survey that pass the filters (drafts are never counted)."""
    responses = Response.objects.filter(survey=survey, status=ResponseStatus.SUBMITTED)
    if filters.school_ids:
        responses = responses.filter(school_id__in=filters.school_ids)
    if filters.date_from:
        responses = responses.filter(submitted_on__gte=filters.date_from)
    if filters.date_to:
        responses = responses.filter(submitted_on__lte=filters.date_to)
    if filters.answer_code and filters.answer_value is not None:
        chosen = Answer.objects.filter(
            question__version__survey=survey, question__code=filters.answer_code
        ).filter(Q(option=filters.answer_value) | Q(option__isnull=True, number=filters.answer_value))
        responses = responses.filter(pk__in=chosen.values("response_id"))
    return responses


def answers_of(survey: Survey, filters: Filters) -> QuerySet[Answer]:
    answers = Answer.objects.filter(response__survey=survey, response__status=ResponseStatus.SUBMITTED)
    if filters.school_ids or filters.date_from or filters.date_to or filters.answer_code:
        answers = answers.filter(response__in=responses_of(survey, filters).values("pk"))
    return answers


def questions_of(survey: Survey) -> list[Question]:
    """The newest version's questions in order, with their sections (one query)."""
    newest = survey.versions.order_by("-number").values("pk")[:1]
    return list(
        Question.objects.filter(version_id__in=newest)
        .select_related("section")
        .order_by("section__order", "section__pk", "order", "pk")
    )


# --- results per question ------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    count: int
    share: float | None  # % of those who answered the question


@dataclass
class GridRow:
    label: str
    count: int
    average: float | None


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    rows: list[Row] = field(default_factory=list)  # choices (and «другое»), scale values
    average: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    grid: list[GridRow] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # the newest TEXTS_ON_PAGE
    first_date: dt.date | None = None
    last_date: dt.date | None = None

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def more_texts(self) -> bool:
        return self.answered > len(self.texts)


@dataclass
class Results:
    survey: Survey
    total: int
    questions: list[QuestionResult]

    def by_code(self) -> dict[str, QuestionResult]:
        return {item.question.code: item for item in self.questions}


def percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _float(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)


def _scale_labels(question: Question) -> list[int]:
    return list(range(question.scale_min, question.scale_max + 1))


def results_read(
    *,
    survey: Survey,
    filters: Filters,
    questions: list[Question] | None = None,
    codes: set[str] | None = None,
) -> Results:
    """Every question's figures (or those of `codes`): a fixed number of statements."""
    questions = questions if questions is not None else questions_of(survey)
    if codes is not None:
        questions = [q for q in questions if q.code in codes]
    wanted = {q.code for q in questions}
    # Every version's questions (results of all versions count together by code): ids → (code, kind).
    known = {
        pk: (code, kind)
        for pk, code, kind in Question.objects.filter(version__survey=survey).values_list(
            "pk", "code", "kind"
        )
        if code in wanted
    }
    cached = _count_from_tallies(survey, known) if filters == Filters() else None
    if cached is None:
        key = _cache_key(survey, filters, known)
        cached = cache.get(key)
        if cached is None:
            cached = _count(survey, filters, known)
            cache.set(key, cached, CACHE_SECONDS)
    total, counted = cached
    items = [counted.item(question) for question in questions]
    return Results(survey=survey, total=total, questions=items)


def _count(survey: Survey, filters: Filters, known: dict[int, tuple[str, str]]) -> tuple[int, _Counted]:
    """The statements behind results_read: a fixed number whatever the number of responses."""
    ids_of_kinds = _ids_by_kind(known)
    answers = Answer.objects.filter(
        question_id__in=list(known), response_id__in=responses_of(survey, filters).values("pk")
    )
    total = responses_of(survey, filters).count()

    answered, options, others, values, grid_values = _distribution(answers, known)
    # Choices and grids may have several rows per respondent: count the respondents themselves.
    # A single choice may hold an option and a typed «другое» too.
    several = (
        ids_of_kinds[QuestionKind.SINGLE]
        + ids_of_kinds[QuestionKind.MULTIPLE]
        + ids_of_kinds[QuestionKind.GRID]
    )
    if several:
        for question_id, n in (
            answers.filter(question_id__in=several)
            .values_list("question_id")
            .annotate(n=Count("response_id", distinct=True))
            .order_by()
        ):
            answered[known[question_id][0]] += n
    numbers = {code: _figures(counts) for code, counts in values.items()}
    scale_counts = {(code, int(number)): n for code, counts in values.items() for number, n in counts.items()}
    grid = {key: (sum(counts.values()), _figures(counts)["avg"]) for key, counts in grid_values.items()}
    dates: dict[str, tuple[dt.date, dt.date]] = {}
    if ids_of_kinds[QuestionKind.DATE]:
        for question_id, low, high in (
            answers.filter(question_id__in=ids_of_kinds[QuestionKind.DATE], date__isnull=False)
            .values_list("question_id")
            .annotate(low=Min("date"), high=Max("date"))
            .order_by()
        ):
            dates[known[question_id][0]] = (low, high)
    texts = _newest_texts(
        answers, ids_of_kinds[QuestionKind.SHORT_TEXT] + ids_of_kinds[QuestionKind.LONG_TEXT], known
    )
    return total, _Counted(answered, options, others, numbers, scale_counts, grid, dates, texts)


def _count_from_tallies(survey: Survey, known: dict[int, tuple[str, str]]) -> tuple[int, _Counted] | None:
    """Every response's figures from the running tallies (imo/surveys/tallies.py): two small reads and
    the newest free-text answers. None when the tallies disagree with the responses count (rows inserted
    in bulk and not yet counted): the caller then counts the answers themselves."""
    total = responses_of(survey, Filters()).count()
    counts = tallies_of(survey)
    if counts.get(RESPONSES, 0) != total:
        return None
    kinds = dict(known.values())
    answered: dict[str, int] = {}
    options: dict[tuple[str, int], int] = {}
    others: dict[str, int] = {}
    values: dict[str, dict[Decimal, int]] = defaultdict(dict)
    grid_values: dict[tuple[str, int], dict[Decimal, int]] = defaultdict(dict)
    days: dict[str, list[dt.date]] = defaultdict(list)
    for (code, name), n in counts.items():
        if code not in kinds:
            continue
        head, _, rest = name.partition(":")
        if head == RESPONDENTS:
            answered[code] = n
        elif head == "o":
            options[(code, int(rest))] = n
        elif head == OTHER:
            others[code] = n
        elif head == "v":
            values[code][Decimal(rest)] = n
        elif head == "g":
            row, _, value = rest.partition(":")
            grid_values[(code, int(row))][Decimal(value)] = n
        elif head == "d":
            days[code].append(dt.date.fromisoformat(rest))
    text_ids = [pk for pk, (_, kind) in known.items() if kind in TEXT_KINDS]
    answers = Answer.objects.filter(response__survey=survey, response__status=ResponseStatus.SUBMITTED)
    return total, _Counted(
        answered,
        options,
        others,
        {code: _figures(counts) for code, counts in values.items()},
        {(code, int(v)): n for code, counts in values.items() for v, n in counts.items()},
        {key: (sum(counts.values()), _figures(counts)["avg"]) for key, counts in grid_values.items()},
        {code: (min(found), max(found)) for code, found in days.items()},
        _newest_texts(answers, text_ids, known),
    )


def _newest_texts(
    answers: QuerySet[Answer], text_ids: list[int], known: dict[int, tuple[str, str]]
) -> dict[str, list[str]]:
    """The newest TEXTS_ON_PAGE free-text answers of each text question: one statement."""
    texts: dict[str, list[str]] = defaultdict(list)
    if not text_ids:
        return texts
    newest = (
        answers.filter(question_id__in=text_ids)
        .exclude(text="")
        .annotate(position=Window(RowNumber(), partition_by=[F("question_id")], order_by=F("pk").desc()))
        .filter(position__lte=TEXTS_ON_PAGE)
        .values_list("question_id", "text")
    )
    for question_id, text in newest:
        texts[known[question_id][0]].append(text)
    return texts


def _cache_key(survey: Survey, filters: Filters, known: dict[int, tuple[str, str]]) -> str:
    """The key of a survey's counted results: the filters, the questions and the data's version — the
    newest answer row anywhere (answers are only ever inserted: editing a response deletes its rows and
    inserts new ones) and the number and newest of the survey's submitted responses (a draft sent). Any
    change makes a new key, so a cached figure is never stale; two cheap index lookups."""
    newest_answer = Answer.objects.aggregate(last=Max("pk"))["last"]
    submitted = Response.objects.filter(survey=survey, status=ResponseStatus.SUBMITTED).aggregate(
        n=Count("pk"), last=Max("pk")
    )
    raw = repr((sorted(known.items()), filters, newest_answer, submitted["n"], submitted["last"]))
    return f"surveys:results:{survey.pk}:{hashlib.sha256(raw.encode()).hexdigest()}"


Distribution = tuple[
    dict[str, int],
    dict[tuple[str, int], int],
    dict[str, int],
    dict[str, dict[Decimal, int]],
    dict[tuple[str, int], dict[Decimal, int]],
]


def _distribution(answers: QuerySet[Answer], known: dict[int, tuple[str, str]]) -> Distribution:
    """One scan: answers counted by (question, option, row, number). A text, date or file answer falls in
    the group (question, -, -, -): for those kinds its count is the number of respondents; for a choice it
    is «другое» (the typed text, stored with the option empty). Returns, by question code: respondents
    (one-row kinds only), option counts, «другое» counts, value counts (scales, numbers), grid value
    counts per row."""
    answered: dict[str, int] = defaultdict(int)
    options: dict[tuple[str, int], int] = {}
    others: dict[str, int] = {}
    values: dict[str, dict[Decimal, int]] = defaultdict(dict)
    grid_values: dict[tuple[str, int], dict[Decimal, int]] = defaultdict(dict)
    for question_id, option, row, number, n in (
        answers.values_list("question_id", "option", "row", "number").annotate(n=Count("pk")).order_by()
    ):
        code, kind = known[question_id]
        if option is not None:
            options[(code, option)] = options.get((code, option), 0) + n
        elif row is not None and number is not None:
            grid_values[(code, row)][number] = grid_values[(code, row)].get(number, 0) + n
        elif number is not None:
            values[code][number] = values[code].get(number, 0) + n
        elif kind in CHOICE_KINDS:
            others[code] = others.get(code, 0) + n
        if kind not in (*CHOICE_KINDS, QuestionKind.GRID):
            answered[code] += n  # one answer row per respondent
    return answered, options, others, values, grid_values


def _ids_by_kind(known: dict[int, tuple[str, str]]) -> dict[str, list[int]]:
    ids: dict[str, list[int]] = {kind: [] for kind in QuestionKind.values}
    for pk, (_, kind) in known.items():
        ids[kind].append(pk)
    return ids


def _figures(counts: dict[Decimal, int]) -> dict[str, Any]:
    """Average, least and greatest of values given as value → how many times."""
    n = sum(counts.values())
    return {
        "avg": sum(value * k for value, k in counts.items()) / n if n else None,
        "low": min(counts) if counts else None,
        "high": max(counts) if counts else None,
    }


@dataclass(frozen=True)
class _Counted:
    """The statements' rows by question code (and option / value / row)."""

    answered: dict[str, int]
    options: dict[tuple[str, int], int]
    others: dict[str, int]
    numbers: dict[str, dict[str, Any]]
    scale_counts: dict[tuple[str, int], int]
    grid: dict[tuple[str, int], tuple[int, Any]]
    dates: dict[str, tuple[dt.date, dt.date]]
    texts: dict[str, list[str]]

    def item(self, question: Question) -> QuestionResult:
        code = question.code
        item = QuestionResult(question=question, answered=self.answered.get(code, 0))
        if question.kind in CHOICE_KINDS:
            for index, label in enumerate(question.options):
                n = self.options.get((code, index), 0)
                item.rows.append(Row(str(label), n, percent(n, item.answered)))
            if question.allow_other or self.others.get(code):
                n = self.others.get(code, 0)
                item.rows.append(Row(OTHER_LABEL, n, percent(n, item.answered)))
        if question.kind == QuestionKind.SCALE:
            for value in _scale_labels(question):
                n = self.scale_counts.get((code, value), 0)
                item.rows.append(Row(str(value), n, percent(n, item.answered)))
        if question.kind in NUMBER_KINDS and code in self.numbers:
            figures = self.numbers[code]
            item.average = _float(figures["avg"])
            item.minimum, item.maximum = _float(figures["low"]), _float(figures["high"])
        if question.kind == QuestionKind.GRID:
            for index, label in enumerate(question.grid_rows):
                n, avg = self.grid.get((code, index), (0, None))
                item.grid.append(GridRow(str(label), n, _float(avg)))
        if question.kind == QuestionKind.DATE and code in self.dates:
            item.first_date, item.last_date = self.dates[code]
        item.texts = self.texts.get(code, [])
        return item


def texts_of(*, survey: Survey, filters: Filters, code: str) -> QuerySet[Answer]:
    """Every free-text answer to the question with `code` (and «другое» of a choice), newest first; the
    caller pages it."""
    return (
        answers_of(survey, filters)
        .filter(question__code=code)
        .exclude(text="")
        .order_by("-pk")
        .only("pk", "text")
    )


def files_of(*, survey: Survey, filters: Filters, code: str) -> QuerySet[Answer]:
    """Every uploaded file answering the question with `code`, newest first, with the response's school
    (named surveys keep it; anonymous ones keep none); the caller pages it."""
    return (
        answers_of(survey, filters)
        .filter(question__code=code)
        .exclude(file="")
        .select_related("response__school")
        .order_by("-pk")
        .only("pk", "file", "text", "response__school__short_name", "response__school__name")
    )


# --- breakdowns ---------------------------------------------------------------------------------------


def breakdowns_available(survey: Survey) -> list[tuple[str, str]]:
    """The breakdowns that make sense for the survey: schools and the educator's record need a named
    survey (anonymous responses keep none of them)."""
    kinds = []
    if survey.mode == Mode.NAMED:
        kinds.append(SCHOOL)
        if survey.audience == AudienceKind.EDUCATORS:
            kinds += [SUBJECT, EXPERIENCE]
            if facet_get("category") is not None:
                kinds.append(CATEGORY)
    kinds.append(QUESTION)
    return [(kind, BREAKDOWN_LABELS[kind]) for kind in kinds]


@dataclass(frozen=True)
class Grouping:
    """How responses are split into groups, relative to Response (prefix "") or Answer ("response__")."""

    kind: str
    by_code: str = ""  # QUESTION: the question whose answer makes the groups

    def expression(self, prefix: str, on: dt.date) -> tuple[Any, Q]:
        """(the group's value, the condition that joins it): the condition and the value share one join."""
        if self.kind == SCHOOL:
            return F(f"{prefix}school_id"), Q(**{f"{prefix}school__isnull": False})
        if self.kind == SUBJECT:
            return F(f"{prefix}educator__employments__subjects"), Q(
                **{
                    f"{prefix}educator__employments__ends_on__isnull": True,
                    f"{prefix}educator__employments__subjects__isnull": False,
                }
            )
        if self.kind == EXPERIENCE:
            started = f"{prefix}educator__teaching_experience_start"
            whens = []
            for band in EXPERIENCE_BANDS:
                after, not_after = start_range(band, on)
                condition = Q(**{f"{started}__isnull": False})
                if after is not None:
                    condition &= Q(**{f"{started}__gt": after})
                if not_after is not None:
                    condition &= Q(**{f"{started}__lte": not_after})
                whens.append(When(condition, then=Value(band.key)))
            return Case(*whens, default=Value(NONE), output_field=CharField()), Q(
                **{f"{prefix}educator__isnull": False}
            )
        if self.kind == CATEGORY:
            facet = facet_get("category")
            assert facet is not None
            # Senior first: the first matching value is the educator's single current category.
            whens = [
                When(
                    Q(**{f"{prefix}educator__in": Educator.objects.filter(facet.condition([value], on))}),
                    then=Value(value),
                )
                for value, _ in facet.statistics_lines
                if value != NONE
            ]
            return Case(*whens, default=Value(NONE), output_field=CharField()), Q(
                **{f"{prefix}educator__isnull": False}
            )
        # QUESTION: the option chosen (or the scale value) in question `by_code` of the same response.
        return Case(
            When(**{f"{prefix}answers__option__isnull": False}, then=F(f"{prefix}answers__option")),
            default=F(f"{prefix}answers__number"),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ), Q(**{f"{prefix}answers__question__code": self.by_code, f"{prefix}answers__row__isnull": True})


@dataclass(frozen=True)
class BreakdownLine:
    label: str
    responses: int
    answered: int
    cells: list[float | None]
    hidden: bool = False  # an anonymous survey's group too small to show (ANONYMOUS_MIN_GROUP)


@dataclass
class BreakdownGroup:
    key: str
    label: str
    responses: int
    # per question code: the cells in the question's column order (shares % or the average)
    cells: dict[str, list[float | None]] = field(default_factory=dict)
    answered: dict[str, int] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)  # codes whose figures are withheld in this group

    def line(self, code: str) -> BreakdownLine:
        return BreakdownLine(
            self.label,
            self.responses,
            self.answered.get(code, 0),
            self.cells.get(code, []),
            code in self.hidden,
        )

    def withhold_small(self, minimum: int) -> None:
        """Blank the figures of every question fewer than `minimum` respondents of the group answered."""
        for code, cells in self.cells.items():
            if self.answered.get(code, 0) < minimum:
                self.cells[code] = [None] * len(cells)
                self.answered[code] = 0
                self.hidden.add(code)


@dataclass
class BreakdownColumn:
    code: str
    text: str
    headers: list[str]  # option labels (shares, %) or ["Среднее"]


@dataclass
class Breakdown:
    kind: str
    title: str
    columns: list[BreakdownColumn]
    groups: list[BreakdownGroup]
    total: BreakdownGroup | None = None  # every response passing the filters (the last line)

    def tables(self) -> list[tuple[BreakdownColumn, list[BreakdownLine], BreakdownLine | None]]:
        """Per question: its lines (one per group) and the total line, ready for a template."""
        return [
            (
                column,
                [group.line(column.code) for group in self.groups],
                self.total.line(column.code) if self.total else None,
            )
            for column in self.columns
        ]


def _group_labels(grouping: Grouping, keys: list[Any], questions: dict[str, Question]) -> dict[str, str]:
    from imo.orgs.models import Organization
    from imo.reference.models import Subject

    if grouping.kind == SCHOOL:
        names = Organization.objects.filter(pk__in=keys).values_list("pk", "short_name", "name")
        return {str(pk): short or name for pk, short, name in names}
    if grouping.kind == SUBJECT:
        return {str(pk): name for pk, name in Subject.objects.filter(pk__in=keys).values_list("pk", "name")}
    if grouping.kind == EXPERIENCE:
        return {band.key: band.label for band in EXPERIENCE_BANDS} | {NONE: "стаж не указан"}
    if grouping.kind == CATEGORY:
        facet = facet_get("category")
        return dict(facet.statistics_lines) if facet else {}
    question = questions.get(grouping.by_code)
    labels: dict[str, str] = {}
    if question is not None and question.kind in CHOICE_KINDS:
        labels = {str(index): str(label) for index, label in enumerate(question.options)}
    return labels


def _key(value: Any) -> str:
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else value
    return str(value)


def _sort_key(grouping: Grouping, key: str, label: str) -> tuple[Any, ...]:
    if grouping.kind == EXPERIENCE:
        order = [band.key for band in EXPERIENCE_BANDS] + [NONE]
        return (order.index(key) if key in order else len(order),)
    if grouping.kind == CATEGORY:
        facet = facet_get("category")
        order = [value for value, _ in facet.statistics_lines] if facet else []
        return (order.index(key) if key in order else len(order),)
    if grouping.kind == QUESTION:
        try:
            return (0, float(key))
        except ValueError:
            return (1, key)
    return (label.lower().replace("ё", "е"),)


def breakdown_read(
    *,
    survey: Survey,
    filters: Filters,
    grouping: Grouping,
    codes: list[str],
    questions: list[Question],
    on: dt.date | None = None,
) -> Breakdown:
    """The chosen questions' figures per group: four statements whatever the number of responses."""
    on = on or timezone.localdate()
    by_code = {q.code: q for q in questions}
    chosen = [by_code[c] for c in codes if c in by_code and by_code[c].kind in (*GROUPING_KINDS, "number")]
    chosen = chosen[:MAX_BREAKDOWN_QUESTIONS]
    chosen_codes = [q.code for q in chosen]

    group_value, group_join = grouping.expression("", on)
    sizes = {
        _key(group): n
        for group, n in responses_of(survey, filters)
        .filter(group_join)
        .annotate(group=group_value)
        .values_list("group")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
        if group is not None
    }
    answer_value, answer_join = grouping.expression("response__", on)
    code_of = dict(
        Question.objects.filter(version__survey=survey, code__in=chosen_codes).values_list("pk", "code")
    )
    scale_codes = {q.code for q in chosen if q.kind == QuestionKind.SCALE}
    scale_ids = [pk for pk, code in code_of.items() if code in scale_codes]
    answers = (
        Answer.objects.filter(question_id__in=list(code_of))
        .filter(response_id__in=responses_of(survey, filters).values("pk"))
        .filter(answer_join)
    )
    answered = {
        (_key(group), code_of[question_id]): n
        for group, question_id, n in answers.annotate(group=answer_value)
        .values_list("group", "question_id")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    }
    counts = {
        (_key(group), code_of[question_id], _key(value)): n
        for group, question_id, value, n in answers.filter(row__isnull=True)
        .filter(Q(option__isnull=False) | Q(question_id__in=scale_ids, number__isnull=False))
        .annotate(
            group=answer_value,
            value=Case(
                When(option__isnull=False, then=F("option")),
                default=F("number"),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            ),
        )
        .values_list("group", "question_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
    }
    averages = {
        (_key(group), code_of[question_id]): avg
        for group, question_id, avg in answers.filter(row__isnull=True, number__isnull=False)
        .annotate(group=answer_value)
        .values_list("group", "question_id")
        .annotate(avg=Avg("number"))
        .order_by()
    }

    columns = []
    for question in chosen:
        if question.kind in CHOICE_KINDS:
            headers = [str(label) for label in question.options]
        elif question.kind == QuestionKind.SCALE:
            headers = [str(v) for v in _scale_labels(question)] + ["Среднее"]
        else:
            headers = ["Среднее"]
        columns.append(BreakdownColumn(question.code, question.text, headers))

    labels = _group_labels(grouping, list(sizes), by_code)
    groups = []
    for key, n in sizes.items():
        group = BreakdownGroup(key=key, label=labels.get(key, key), responses=n)
        for question in chosen:
            code = question.code
            base = answered.get((key, code), 0)
            group.answered[code] = base
            if question.kind in CHOICE_KINDS:
                keys = [str(i) for i in range(len(question.options))]
                group.cells[code] = [percent(counts.get((key, code, k), 0), base) for k in keys]
            elif question.kind == QuestionKind.SCALE:
                keys = [str(v) for v in _scale_labels(question)]
                group.cells[code] = [percent(counts.get((key, code, k), 0), base) for k in keys] + [
                    _float(averages.get((key, code)))
                ]
            else:
                group.cells[code] = [_float(averages.get((key, code)))]
        if survey.mode == Mode.ANONYMOUS:
            group.withhold_small(ANONYMOUS_MIN_GROUP)
        groups.append(group)
    groups.sort(key=lambda g: _sort_key(grouping, g.key, g.label))
    title = BREAKDOWN_LABELS[grouping.kind]
    if grouping.kind == QUESTION and grouping.by_code in by_code:
        title = f"{title} «{by_code[grouping.by_code].text}»"
    return Breakdown(kind=grouping.kind, title=title, columns=columns, groups=groups)


def total_group(results: Results, codes: list[str], label: str) -> BreakdownGroup:
    """The line «всего» of a breakdown from the page's own results (no statement of its own)."""
    by_code = results.by_code()
    group = BreakdownGroup(key="total", label=label, responses=results.total)
    for code in codes:
        item = by_code.get(code)
        if item is None:
            continue
        group.answered[code] = item.answered
        question = item.question
        if question.kind in CHOICE_KINDS:
            group.cells[code] = [row.share for row in item.rows[: len(question.options)]]
        elif question.kind == QuestionKind.SCALE:
            group.cells[code] = [row.share for row in item.rows] + [item.average]
        else:
            group.cells[code] = [item.average]
    return group
