"""`surveys.results_25k` and `surveys.export_raw_s` (bench/entries.py THROUGHPUT): a survey's results at
region scale (issue #9, item 10).

- results_25k: the median time (ms) of the results page `/surveys/results/<pk>/` of a survey with 25,000
  responses × 30 questions, as an office user who may see it (the charts load separately by htmx and are
  not part of the page), with Django's cache emptied before every request: the unfiltered page reads the
  running tallies (imo/surveys/tallies.py), kept in step with every answer. Extra "from_answers_ms": the
  same page when the tallies are made stale (it then groups every answer row in SQL). Baseline in the same
  run: the naive way — read every answer row into Python and count there (the page without GROUP BY).
- export_raw_s: seconds of the Excel export of every response × question (`…/export/raw/`), end to end
  through the view.

Data: the region data set's biggest survey when it has at least RESPONSES submitted responses (built by
`imo.surveys.demo`); otherwise this module makes one (RESPONSES × 30 questions, anonymous, ~30 answer rows
each) inside a transaction it rolls back (set-up, not timed), so the measurement never depends on another
part being ready.
"""

from __future__ import annotations

import random
import statistics
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from bench.throughput import Measured, _rolled_back

RESPONSES = 25_000
WARMUP = 2
REQUESTS = 15


def _median_ms(work: Callable[[], Any], *, warmup: int = WARMUP, requests: int = REQUESTS) -> float:
    for _ in range(warmup):
        work()
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _big_survey() -> Any:
    from django.db.models import Count, Q

    from imo.surveys.models import ResponseStatus, Survey

    return (
        Survey.objects.annotate(n=Count("responses", filter=Q(responses__status=ResponseStatus.SUBMITTED)))
        .filter(n__gte=RESPONSES)
        .order_by("-n")
        .first()
    )


_SPECS: list[tuple[str, dict[str, Any]]] = (
    [("single", {"options": ["Да", "Скорее да", "Скорее нет", "Нет"]})] * 12
    + [("multiple", {"options": ["Курсы", "Вебинары", "Наставничество", "Самообразование", "Семинары"],
                     "allow_other": True})] * 4
    + [("scale", {"scale_min": 1, "scale_max": 5})] * 6
    + [("number", {})] * 3
    + [("grid", {"grid_rows": ["Интерактивная доска", "Электронный журнал", "Сферум"]})] * 2
    + [("short_text", {})] * 2
    + [("date", {})]
)  # fmt: skip


def _make_survey(count: int) -> Any:
    """An anonymous survey of the first office with `count` submitted responses × 30 questions."""
    import datetime as dt

    from django.utils import timezone

    from imo.orgs.models import Organization
    from imo.surveys.models import (
        Answer,
        Mode,
        Question,
        Response,
        ResponseStatus,
        Section,
        Survey,
        SurveyVersion,
    )

    office = (
        Organization.objects.filter(kind=Organization.Kind.MUNICIPALITY).order_by("pk").first()
        or Organization.objects.order_by("pk").first()
    )
    now = timezone.now()
    survey = Survey.objects.create(
        organization=office,
        title="Мониторинг (нагрузочный тест)",
        mode=Mode.ANONYMOUS,
        is_published=True,
        opens_at=now - dt.timedelta(days=30),
        closes_at=now + dt.timedelta(days=30),
    )
    version = SurveyVersion.objects.create(survey=survey, number=1, frozen_at=now)
    section = Section.objects.create(version=version, order=0, title="Вопросы")
    questions = Question.objects.bulk_create(
        [
            Question(
                version=version,
                section=section,
                order=n,
                code=f"q{n + 1}",
                kind=kind,
                text=f"Вопрос {n + 1} ({kind})",
                **extra,
            )
            for n, (kind, extra) in enumerate(_SPECS)
        ]
    )
    rng = random.Random(2026)
    today = timezone.localdate()
    responses = Response.objects.bulk_create(
        [
            Response(
                survey=survey,
                version=version,
                status=ResponseStatus.SUBMITTED,
                submitted_on=today - dt.timedelta(days=rng.randint(0, 29)),
            )
            for _ in range(count)
        ],
        batch_size=5000,
    )
    batch: list[Answer] = []
    for response in responses:
        for question in questions:
            kind = question.kind
            if kind == "single":
                batch.append(Answer(response=response, question=question, option=rng.randint(0, 3)))
            elif kind == "multiple":
                for option in rng.sample(range(5), rng.randint(1, 2)):
                    batch.append(Answer(response=response, question=question, option=option))
            elif kind == "scale":
                batch.append(Answer(response=response, question=question, number=Decimal(rng.randint(1, 5))))
            elif kind == "number":
                batch.append(Answer(response=response, question=question, number=Decimal(rng.randint(0, 40))))
            elif kind == "grid":
                batch.extend(
                    Answer(response=response, question=question, row=row, number=Decimal(rng.randint(1, 5)))
                    for row in range(3)
                )
            elif kind == "date":
                batch.append(Answer(response=response, question=question, date=today))
            elif rng.random() < 0.3:
                batch.append(Answer(response=response, question=question, text="Нужны практические семинары"))
        if len(batch) >= 20_000:
            Answer.objects.bulk_create(batch, batch_size=5000)
            batch = []
    Answer.objects.bulk_create(batch, batch_size=5000)
    from imo.surveys.tallies import tallies_rebuild

    tallies_rebuild(survey)
    return survey


def _viewer(survey: Any) -> Any:
    """An office user of the survey's office (or an office above it); a superuser when there is none."""
    from django.contrib.auth import get_user_model

    from imo.orgs.models import OFFICE_ROLES, Membership

    ids = [int(part) for part in survey.organization.path.strip("/").split("/") if part.isdigit()]
    membership = (
        Membership.objects.filter(organization_id__in=ids, role__in=list(OFFICE_ROLES), user__is_active=True)
        .select_related("user")
        .order_by("-organization__path")
        .first()
    )
    if membership is not None:
        return membership.user
    user_model = get_user_model()
    return user_model.objects.filter(
        is_superuser=True, is_active=True
    ).first() or user_model.objects.create_superuser(
        username="bench_surveys", password="bench-surveys-unused"
    )


def _prepared(extra: dict[str, Any]) -> tuple[Any, Any]:
    from imo.surveys.models import Answer

    survey = _big_survey()
    if survey is None:
        survey = _make_survey(RESPONSES)
        extra["survey_made_by_bench"] = True
    extra["survey"] = survey.title
    extra["responses"] = survey.responses.filter(status="submitted").count()
    extra["answers"] = Answer.objects.filter(response__survey=survey).count()
    extra["questions"] = survey.versions.order_by("-number").first().questions.count()
    return survey, _viewer(survey)


def _naive(survey: Any) -> Callable[[], Any]:
    """Every answer row into Python, counted there: the page without GROUP BY."""
    from imo.surveys.models import Answer

    def run() -> Any:
        counts: Counter[tuple[Any, ...]] = Counter()
        for code, option, row, number in Answer.objects.filter(
            response__survey=survey, response__status="submitted"
        ).values_list("question__code", "option", "row", "number"):
            counts[(code, option, row, number)] += 1
        return counts

    return run


def results_page(db: str) -> Measured:
    """Median ms of the results page of the 25,000-response survey; the naive count as the baseline."""
    from django.test import Client
    from django.urls import reverse

    extra: dict[str, Any] = {}
    with _rolled_back():
        survey, user = _prepared(extra)
        client = Client()
        client.force_login(user)
        url = reverse("surveys:results", args=[survey.pk])
        status = client.get(url).status_code
        if status != 200:
            raise RuntimeError(f"{url} answered {status}")
        extra["measured"] = f"page {url}"
        # Filtered results are cached (imo/surveys/results/aggregation.py): the cache is emptied before
        # every timed request, so the figure is the page's own work — reading the running tallies.
        from django.core.cache import cache

        def uncached() -> Any:
            cache.clear()
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            return response

        value = _median_ms(uncached)
        # The same page counted from the answers themselves (what it does when the tallies are stale).
        from imo.surveys.models import Tally

        Tally.objects.filter(survey=survey, code="").delete()
        extra["from_answers_ms"] = round(_median_ms(uncached, warmup=1, requests=3), 1)
        baseline = _median_ms(_naive(survey), warmup=0, requests=3)
    extra.update(
        {
            "baseline_name": "naive: every answer row read into Python and counted there",
            "baseline_ms": round(baseline, 1),
            "target_ms": 300,
        }
    )
    return Measured(value=value, baseline=baseline, extra=extra)


def export_raw(db: str) -> Measured:
    """Seconds of the raw Excel export (every response × question) through the view."""
    from django.test import Client
    from django.urls import reverse

    extra: dict[str, Any] = {}
    with _rolled_back():
        survey, user = _prepared(extra)
        client = Client()
        client.force_login(user)
        url = reverse("surveys:results_export_raw", args=[survey.pk])
        started = time.perf_counter()
        response = client.get(url)
        value = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        extra["bytes"] = len(response.content)
    extra["target_s"] = 10
    return Measured(value=value, extra=extra)
