from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from imo.olympiads.models import Participation, StageSubject, Work
from imo.olympiads.scoring import services
from imo.olympiads.tests.scoring_fixtures import make_scoring

pytestmark = pytest.mark.django_db


def _issued(district):
    data = make_scoring(district)
    count = services.codes_issue(stage_subject=data.stage_subject, by=district.user("methodist"))
    return data, count


def test_codes_issue_one_work_per_confirmed_participation(district):
    data = make_scoring(district)
    late = data.participations[2]
    late.confirmed = False
    late.save()
    count = services.codes_issue(stage_subject=data.stage_subject, by=district.user("methodist"))
    assert count == 2
    works = list(Work.objects.filter(stage_subject=data.stage_subject))
    assert len(works) == 2
    assert {w.code for w in works} == set(
        Participation.objects.filter(work__isnull=False).values_list("work__code", flat=True)
    )
    for work in works:
        assert re.fullmatch(r"МА-0[78]-\d{4}", work.code)
        assert work.grade == work.participation.grade
    assert Participation.objects.get(pk=late.pk).work is None
    data.stage_subject.refresh_from_db()
    assert data.stage_subject.codes_issued_at is not None
    # issuing again codes only the newly confirmed one
    late.confirmed = True
    late.save()
    assert services.codes_issue(stage_subject=data.stage_subject, by=None) == 1
    with pytest.raises(ValidationError, match="уже получили шифры"):
        services.codes_issue(stage_subject=data.stage_subject, by=None)


def test_codes_are_random_and_retry_on_collision(monkeypatch):
    draws = iter([1234, 1234, 5678])
    monkeypatch.setattr(services.secrets, "randbelow", lambda n: next(draws))
    taken = {"МА-07-1234"}
    assert services._new_code("МА", 7, taken) == "МА-07-5678"
    assert taken == {"МА-07-1234", "МА-07-5678"}


def test_codes_come_from_the_system_random_source(district, monkeypatch):
    data = make_scoring(district)
    calls = []

    def fake(n):
        calls.append(n)
        return 4821 + len(calls)

    monkeypatch.setattr(services.secrets, "randbelow", fake)
    services.codes_issue(stage_subject=data.stage_subject, by=None)
    assert calls == [10_000, 10_000, 10_000]
    assert sorted(c[-4:] for c in Work.objects.values_list("code", flat=True)) == ["4822", "4823", "4824"]


def test_online_subject_gets_no_codes(district):
    data = make_scoring(district, online=True)
    with pytest.raises(ValidationError, match="Сириус"):
        services.codes_issue(stage_subject=data.stage_subject, by=None)


def test_work_score_bounds_per_task(district):
    data, _ = _issued(district)
    work = Work.objects.filter(stage_subject=data.stage_subject, grade=7).earliest("pk")
    saved = services.work_score(work=work, task_scores=["10", "7,5", "0"], by=data.member)
    assert saved.score == Decimal("17.5")
    for bad, message in (
        (["11", "1", "1"], "задание 1"),
        (["1", "-1", "1"], "задание 2"),
        (["1", "1", "пять"], "задание 3"),
    ):
        with pytest.raises(ValidationError, match=f"Балл за {message} должен быть числом от 0 до 10"):
            services.work_score(work=work, task_scores=bad, by=data.member)
    work.refresh_from_db()
    assert work.score == Decimal("17.5")  # nothing saved


def test_partial_scores_leave_total_empty(district):
    data, _ = _issued(district)
    work = Work.objects.filter(stage_subject=data.stage_subject, grade=7).earliest("pk")
    saved = services.work_score(work=work, task_scores=["5", "", ""], by=None)
    assert saved.score is None
    assert saved.task_scores == ["5", None, None]


def test_total_only_bounds(district):
    data = make_scoring(district, tasks=False)
    services.codes_issue(stage_subject=data.stage_subject, by=None)
    work = Work.objects.filter(stage_subject=data.stage_subject).earliest("pk")
    assert services.work_score(work=work, task_scores=["30"], by=None).score == Decimal("30")
    with pytest.raises(ValidationError, match="Балл должен быть числом от 0 до 30"):
        services.work_score(work=work, task_scores=["30,5"], by=None)


def test_scoring_closed_refuses_scores(district):
    data, _ = _issued(district)
    for work in Work.objects.filter(stage_subject=data.stage_subject):
        services.work_score(work=work, task_scores=["1", "2", "3"], by=None)
    services.scoring_close(stage_subject=data.stage_subject, by=data.chair)
    work = Work.objects.filter(stage_subject=data.stage_subject).earliest("pk")
    with pytest.raises(ValidationError, match="закрыта"):
        services.work_score(work=work, task_scores=["4", "4", "4"], by=None)
    with pytest.raises(ValidationError, match="закрыта"):
        services.work_absent_set(work=work, absent=True, by=None)
    work.refresh_from_db()
    assert work.score == Decimal("6")


def test_only_chair_closes_and_every_work_needs_score_or_absence(district):
    data, _ = _issued(district)
    works = list(Work.objects.filter(stage_subject=data.stage_subject).order_by("pk"))
    with pytest.raises(ValidationError, match="только председатель"):
        services.scoring_close(stage_subject=data.stage_subject, by=data.member)
    with pytest.raises(ValidationError, match="Не все работы проверены \\(3\\)"):
        services.scoring_close(stage_subject=data.stage_subject, by=data.chair)
    services.work_score(work=works[0], task_scores=["1", "1", "1"], by=None)
    services.work_score(work=works[1], task_scores=["2", "2", ""], by=None)
    services.work_absent_set(work=works[2], absent=True, by=None)
    with pytest.raises(ValidationError, match=works[1].code):
        services.scoring_close(stage_subject=data.stage_subject, by=data.chair)
    services.work_score(work=works[1], task_scores=["2", "2", "2"], by=None)
    closed = services.scoring_close(stage_subject=data.stage_subject, by=data.chair)
    assert closed.scoring_closed_at is not None
    assert closed.scoring_closed_by == data.chair


def test_absent_work_cannot_be_scored_until_unmarked(district):
    data, _ = _issued(district)
    work = Work.objects.filter(stage_subject=data.stage_subject).earliest("pk")
    services.work_score(work=work, task_scores=["1", "1", "1"], by=None)
    work = services.work_absent_set(work=work, absent=True, by=None)
    assert work.score is None and work.task_scores == []
    with pytest.raises(ValidationError, match="не явился"):
        services.work_score(work=work, task_scores=["1", "1", "1"], by=None)
    services.work_absent_set(work=work, absent=False, by=None)
    assert services.work_score(work=work, task_scores=["1", "1", "1"], by=None).score == 3


def _close_all(data, absent_index=None):
    works = list(Work.objects.filter(stage_subject=data.stage_subject).select_related("participation"))
    for index, work in enumerate(works):
        if index == absent_index:
            services.work_absent_set(work=work, absent=True, by=None)
        else:
            services.work_score(work=work, task_scores=[str(index + 1), "5", "5"], by=None)
    services.scoring_close(stage_subject=data.stage_subject, by=data.chair)
    return works


def test_codes_match_copies_scores_and_absences(district):
    data, _ = _issued(district)
    with pytest.raises(ValidationError, match="председатель жюри закрывает"):
        services.codes_match(stage_subject=data.stage_subject, by=None)
    works = _close_all(data, absent_index=1)
    assert services.codes_match(stage_subject=data.stage_subject, by=district.user("methodist")) == 3
    for work in works:
        participation = Participation.objects.get(work=work)
        work.refresh_from_db()
        assert participation.absent == work.absent
        assert participation.score == (None if work.absent else work.score)
    assert StageSubject.objects.get(pk=data.stage_subject.pk).codes_matched_at is not None
    with pytest.raises(ValidationError, match="уже сопоставлены"):
        services.codes_match(stage_subject=data.stage_subject, by=None)
    with pytest.raises(ValidationError, match="сопоставлены"):
        services.scoring_reopen(stage_subject=data.stage_subject, reason="ошибка", by=None)


def test_reopen_needs_reason_and_is_logged(district):
    from auditlog.models import LogEntry

    data, _ = _issued(district)
    _close_all(data)
    with pytest.raises(ValidationError, match="Укажите причину"):
        services.scoring_reopen(stage_subject=data.stage_subject, reason="  ", by=None)
    reopened = services.scoring_reopen(
        stage_subject=data.stage_subject, reason="Пересчёт задания 2", by=district.user("methodist")
    )
    assert reopened.scoring_closed_at is None
    assert LogEntry.objects.filter(additional_data__scoring_reopened="Пересчёт задания 2").exists()
    work = Work.objects.filter(stage_subject=data.stage_subject).earliest("pk")
    services.work_score(work=work, task_scores=["9", "9", "9"], by=None)
