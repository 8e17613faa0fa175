"""Running counts of a survey's submitted answers (Tally rows), so that the unfiltered results page reads
a few hundred rows instead of grouping every answer row (issue #9, item 10).

A tally is (survey, question code, bucket) → n. Buckets of a question:
    "p"            respondents who answered it (a response with any row for the code counts once)
    "o:<i>"        option i chosen (single and multiple choice)
    "x"            «другое» typed in a choice question
    "v:<value>"    a scale or number value
    "g:<row>:<v>"  a grid row's scale value
    "d:<iso day>"  a date
and the survey-wide row ("", "responses"): the number of submitted responses, which the reader compares with
the responses themselves — when they differ (rows inserted in bulk, a repair pending), the results are
counted from the answers instead, so a stale tally is never shown.

Writes: `response_deltas` of the old answers (negative) and of the new ones, applied by `tallies_apply` in
the sending transaction with one upsert statement (INSERT … ON CONFLICT DO UPDATE n = n + excluded.n: the
same SQL on PostgreSQL and SQLite), in a fixed order so that two senders never wait on each other in a
circle. `tallies_rebuild` counts everything again from the answers (bulk seeding, the nightly check).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count

from imo.surveys.models import (
    Answer,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Survey,
    SurveyVersion,
    Tally,
)

RESPONSES = ("", "responses")
RESPONDENTS = "p"
OTHER = "x"
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)

Known = dict[int, tuple[str, str]]  # question id → (code, kind)
Deltas = Counter[tuple[str, str]]  # (code, bucket) → change of n


def known_questions(survey: Survey) -> Known:
    """Every version's questions of the survey (results of all versions count together by code)."""
    return {
        pk: (code, kind)
        for pk, code, kind in Question.objects.filter(version__survey=survey).values_list(
            "pk", "code", "kind"
        )
    }


def number_key(value: Decimal) -> str:
    """The same text for 3, 3.0 and 3.00 (Python values and values read back from either database)."""
    text = f"{Decimal(value).normalize():f}"
    return "0" if text in ("-0", "") else text


def bucket(
    kind: str, option: int | None, row: int | None, number: Decimal | None, date: dt.date | None
) -> str:
    """The bucket of one answer row ("" for a text or file answer: counted among respondents only)."""
    if option is not None:
        return f"o:{option}"
    if row is not None and number is not None:
        return f"g:{row}:{number_key(number)}"
    if number is not None:
        return f"v:{number_key(number)}"
    if date is not None:
        return f"d:{date.isoformat()}"
    return OTHER if kind in CHOICE_KINDS else ""


AnswerValues = tuple[int, int | None, int | None, Decimal | None, dt.date | None]


def response_deltas(rows: Iterable[AnswerValues], known: Known, sign: int) -> Deltas:
    """The change one submitted response makes: +1 (sign 1) or −1 (sign −1) in each of its buckets, in
    «p» of each question it answered and in the responses count. `rows`: (question id, option, row,
    number, date) of its answer rows."""
    deltas: Deltas = Counter()
    codes = set()
    for question_id, option, row, number, date in rows:
        code, kind = known[question_id]
        codes.add(code)
        name = bucket(kind, option, row, number, date)
        if name:
            deltas[(code, name)] += sign
    for code in codes:
        deltas[(code, RESPONDENTS)] += sign
    deltas[RESPONSES] += sign
    return deltas


def answer_values(answers: Iterable[Answer]) -> list[AnswerValues]:
    return [(a.question_id, a.option, a.row, a.number, a.date) for a in answers]


def stored_answer_values(response: Response) -> list[AnswerValues]:
    return list(
        Answer.objects.filter(response=response).values_list("question_id", "option", "row", "number", "date")
    )


def tallies_apply(survey_id: int, deltas: Deltas) -> None:
    """Add the deltas to the survey's tallies: one upsert statement, rows in a fixed order."""
    rows = sorted((code, name, n) for (code, name), n in deltas.items() if n)
    if not rows:
        return
    table = connection.ops.quote_name(Tally._meta.db_table)
    sql = (
        f"INSERT INTO {table} (survey_id, code, bucket, n) VALUES (%s, %s, %s, %s) "
        f"ON CONFLICT (survey_id, code, bucket) DO UPDATE SET n = {table}.n + excluded.n"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(survey_id, code, name, n) for code, name, n in rows])


@transaction.atomic
def tallies_rebuild(survey: Survey) -> int:
    """Count the survey's tallies again from its submitted answers; returns the number of tally rows.
    Locks the newest version row first, as sending does, so no response is sent meanwhile."""
    list(SurveyVersion.objects.select_for_update().filter(survey=survey).order_by("-number")[:1])
    known = known_questions(survey)
    submitted = Response.objects.filter(survey=survey, status=ResponseStatus.SUBMITTED)
    answers = Answer.objects.filter(response__survey=survey, response__status=ResponseStatus.SUBMITTED)
    counts: Deltas = Counter()
    grouped = (
        answers.values_list("question_id", "option", "row", "number", "date")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for question_id, option, row, number, date, n in grouped:
        code, kind = known[question_id]
        name = bucket(kind, option, row, number, date)
        if name:
            counts[(code, name)] += n
    for question_id, n in (
        answers.values_list("question_id").annotate(n=Count("response_id", distinct=True)).order_by()
    ):
        counts[(known[question_id][0], RESPONDENTS)] += n
    counts[RESPONSES] = submitted.count()
    Tally.objects.filter(survey=survey).delete()
    made = Tally.objects.bulk_create(
        [
            Tally(survey=survey, code=code, bucket=name, n=n)
            for (code, name), n in sorted(counts.items())
            if n
        ],
        batch_size=2000,
    )
    return len(made)


def tallies_of(survey: Survey) -> dict[tuple[str, str], int]:
    """The survey's tallies (zero rows left out)."""
    return {
        (code, name): n
        for code, name, n in Tally.objects.filter(survey=survey, n__gt=0).values_list("code", "bucket", "n")
    }


def tallies_check_chore() -> int:
    """Nightly: rebuild the tallies of every survey whose responses count disagrees with them (rows
    inserted in bulk, an interrupted repair). Returns how many were rebuilt."""
    counted = dict(Tally.objects.filter(code=RESPONSES[0], bucket=RESPONSES[1]).values_list("survey_id", "n"))
    actual = dict(
        Response.objects.filter(status=ResponseStatus.SUBMITTED)
        .values_list("survey_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    stale = [pk for pk in set(counted) | set(actual) if counted.get(pk, 0) != actual.get(pk, 0)]
    for survey in Survey.objects.filter(pk__in=stale):
        tallies_rebuild(survey)
    return len(stale)
