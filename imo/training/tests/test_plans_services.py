"""The training plan's rules: the proportional split, statuses, quotas, who nominates whom, freezing after
approval, plan vs done and the home-page summary."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imo.orgs.tests.factories import make_organization
from imo.staff.tests.factories import make_educator
from imo.training.models import Nomination, PlanQuota, TrainingPlan
from imo.training.plans import selectors, services
from imo.training.plans.services import distribute
from imo.training.tests.plans_fixtures import complete, make_plan, make_programme, nominate

Status = TrainingPlan.Status
TODAY = timezone.localdate()


# --- the proportional split --------------------------------------------------------------------------


def test_distribute_in_proportion_by_largest_remainder():
    # 10 places over 5 / 3 / 2 overdue → 5 / 3 / 2 exactly
    assert distribute(10, {1: 5, 2: 3, 3: 2}) == {1: 5, 2: 3, 3: 2}
    # 7 places over 5 / 3 / 2: quotas 3.5 / 2.1 / 1.4 → 3 / 2 / 1 and the one left goes to the largest
    # remainder (0.5, school 1)
    assert distribute(7, {1: 5, 2: 3, 3: 2}) == {1: 4, 2: 2, 3: 1}


def test_distribute_breaks_ties_by_weight_then_key_whatever_the_order():
    assert distribute(1, {7: 1, 3: 1}) == {3: 1, 7: 0}
    assert distribute(1, {3: 1, 7: 1}) == {3: 1, 7: 0}
    # 2 places over 2 / 2 / 4: exact 0.5 / 0.5 / 1 → school 9 gets 1, the equal remainders go to key 1
    assert distribute(2, {5: 2, 1: 2, 9: 4}) == {1: 1, 5: 0, 9: 1}
    # equal remainders, different weights: the larger weight first (3 over 1 / 3: 0.75 / 2.25 → 1 / 2)
    assert distribute(3, {1: 1, 2: 3}) == {1: 1, 2: 2}
    assert distribute(1, {2: 3, 1: 1}) == {1: 0, 2: 1}


def test_distribute_without_forecast_splits_evenly_and_keeps_zero_weights_at_zero():
    assert distribute(5, {1: 0, 2: 0}) == {1: 3, 2: 2}
    assert distribute(4, {1: 3, 2: 0}) == {1: 4, 2: 0}
    assert distribute(3, {}) == {}


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=60)
@given(
    total=st.integers(min_value=0, max_value=300),
    weights=st.dictionaries(st.integers(1, 50), st.integers(0, 40), min_size=1, max_size=6),
)
def test_distribute_hands_out_every_place_within_one_of_the_exact_share(total, weights):
    shares = distribute(total, weights)
    assert sum(shares.values()) == total
    whole = sum(weights.values())
    for key, weight in weights.items():
        exact = total * (weight if whole else 1) / (whole or len(weights))
        assert exact - 1 < shares[key] < exact + 1


# --- plan, lines, quotas ----------------------------------------------------------------------------


def test_one_plan_per_municipality_and_year(district):
    setup = make_plan(district)
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            municipality=district.municipality, academic_year=setup.plan.academic_year, by=None
        )
    assert "уже есть" in str(error.value)


def test_a_line_needs_a_programme_or_a_topic_and_a_programme_fills_the_rest(district):
    setup = make_plan(district, status=Status.DRAFT)
    with pytest.raises(ValidationError) as error:
        services.line_save(plan=setup.plan, data={"topic": "  "}, by=None)
    assert "Выберите программу" in str(error.value)
    programme = make_programme(hours=72)
    line = services.line_save(plan=setup.plan, data={"programme": programme}, by=None)
    assert (line.provider_id, line.hours, str(line)) == (programme.provider_id, 72, programme.title)
    with pytest.raises(ValidationError):
        services.line_save(
            plan=setup.plan,
            data={"topic": "Т", "starts_on": dt.date(2026, 10, 5), "ends_on": dt.date(2026, 10, 1)},
            by=None,
        )


def test_quotas_cannot_go_outside_the_municipality_or_below_the_nominations(district):
    setup = make_plan(district, places_a=2)
    nominate(setup, setup.a1, district.school_a)
    nominate(setup, setup.a2, district.school_a, Nomination.Status.APPROVED)
    with pytest.raises(ValidationError) as error:
        services.quotas_set(line=setup.line, places={district.school_a.pk: 1}, by=None)
    assert "квоту нельзя сделать меньше" in str(error.value)
    other = make_organization(parent=district.region, kind="municipality", name="Другой район")
    foreign = make_organization(parent=other)
    with pytest.raises(ValidationError) as error:
        services.quotas_set(line=setup.line, places={foreign.pk: 3}, by=None)
    assert "не относится к муниципалитету" in str(error.value)
    services.quotas_set(line=setup.line, places={district.school_a.pk: 4, district.school_b.pk: 0}, by=None)
    assert dict(PlanQuota.objects.values_list("school_id", "places")) == {district.school_a.pk: 4}


def test_quotas_distribute_replaces_the_places_from_the_forecast(district):
    setup = make_plan(district, status=Status.DRAFT, places_a=0, places_b=0)
    shares = services.quotas_distribute(
        line=setup.line, total=5, counts={district.school_a.pk: 6, district.school_b.pk: 2}, by=None
    )
    assert shares == {district.school_a.pk: 4, district.school_b.pk: 1}
    assert dict(PlanQuota.objects.values_list("school_id", "places")) == shares


def test_opening_nominations_needs_places_and_a_date_not_in_the_past(district):
    setup = make_plan(district, status=Status.DRAFT, places_a=0, places_b=0)
    with pytest.raises(ValidationError, match="распределите места"):
        services.plan_open_nominations(plan=setup.plan, until=TODAY, by=None)
    PlanQuota.objects.create(line=setup.line, school=district.school_a, places=1)
    with pytest.raises(ValidationError):
        services.plan_open_nominations(plan=setup.plan, until=TODAY - dt.timedelta(days=1), by=None)
    services.plan_open_nominations(plan=setup.plan, until=TODAY, by=None)
    assert setup.plan.status == Status.NOMINATING
    with pytest.raises(ValidationError):
        services.plan_open_nominations(plan=setup.plan, until=TODAY, by=None)


# --- nominations ----------------------------------------------------------------------------------------


def test_school_admin_nominates_against_the_quota_with_a_russian_message(district):
    setup = make_plan(district, places_a=2)
    admin = district.user("school_admin_a")
    for educator in (setup.a1, setup.a2):
        services.nomination_create(line=setup.line, educator=educator, school=district.school_a, by=admin)
    with pytest.raises(ValidationError) as error:
        services.nomination_create(line=setup.line, educator=setup.a3, school=district.school_a, by=admin)
    assert "Квота организации «СОШ № 1 г. Курчалой» на этот курс исчерпана: мест 2, выдвинуто 2." in str(
        error.value
    )
    with pytest.raises(ValidationError, match="уже выдвинут"):
        services.nomination_create(line=setup.line, educator=setup.a1, school=district.school_a, by=admin)
    # a rejection frees the place
    first = Nomination.objects.get(educator=setup.a1)
    services.nomination_decide(nomination=first, approve=False, by=district.user("methodist"))
    services.nomination_create(line=setup.line, educator=setup.a3, school=district.school_a, by=admin)
    # approving the rejected one again does not fit any more
    with pytest.raises(ValidationError, match="исчерпана"):
        services.nomination_decide(nomination=first, approve=True, by=district.user("methodist"))


def test_school_admin_cannot_nominate_for_or_from_another_school(district):
    setup = make_plan(district)
    admin = district.user("school_admin_a")
    with pytest.raises(ValidationError, match="только педагогов своей организации"):
        services.nomination_create(line=setup.line, educator=setup.b1, school=district.school_b, by=admin)
    with pytest.raises(ValidationError, match="не работает в организации"):
        services.nomination_create(line=setup.line, educator=setup.b1, school=district.school_a, by=admin)
    assert not Nomination.objects.exists()


def test_no_nominations_in_a_draft_or_after_the_deadline(district):
    setup = make_plan(district, status=Status.DRAFT)
    admin = district.user("school_admin_a")
    with pytest.raises(ValidationError, match="не открыто"):
        services.nomination_create(line=setup.line, educator=setup.a1, school=district.school_a, by=admin)
    setup.plan.status = Status.NOMINATING
    setup.plan.nominations_until = TODAY - dt.timedelta(days=1)
    setup.plan.save()
    with pytest.raises(ValidationError, match="Срок выдвижения кандидатов истёк"):
        services.nomination_create(line=setup.line, educator=setup.a1, school=district.school_a, by=admin)


def test_withdraw_before_the_decision_only(district):
    setup = make_plan(district)
    admin = district.user("school_admin_a")
    waiting = services.nomination_create(
        line=setup.line, educator=setup.a1, school=district.school_a, by=admin
    )
    decided = services.nomination_create(
        line=setup.line, educator=setup.a2, school=district.school_a, by=admin
    )
    services.nomination_decide(nomination=decided, approve=True, by=district.user("head"))
    with pytest.raises(ValidationError, match="уже приняло решение"):
        services.nomination_withdraw(nomination=decided, by=admin)
    services.nomination_withdraw(nomination=waiting, by=admin)
    with pytest.raises(ValidationError, match="своей организации"):
        services.nomination_withdraw(nomination=decided, by=district.user("school_admin_b"))
    assert list(Nomination.objects.values_list("educator_id", flat=True)) == [setup.a2.pk]


def test_approval_needs_decisions_and_freezes_nominations_except_for_the_office(district):
    setup = make_plan(district, places_a=3)
    admin, office = district.user("school_admin_a"), district.user("methodist")
    first = services.nomination_create(line=setup.line, educator=setup.a1, school=district.school_a, by=admin)
    with pytest.raises(ValidationError, match="ожидающие решения: 1"):
        services.plan_approve(plan=setup.plan, by=office)
    assert services.nominations_approve_all(plan=setup.plan, by=office) == 1
    services.plan_approve(plan=setup.plan, by=office)
    setup.plan.refresh_from_db()
    assert (setup.plan.status, setup.plan.approved_by) == (Status.APPROVED, office)
    with pytest.raises(ValidationError, match="только ИМО"):
        services.nomination_create(line=setup.line, educator=setup.a2, school=district.school_a, by=admin)
    first.refresh_from_db()
    with pytest.raises(ValidationError, match="только ИМО"):
        services.nomination_withdraw(nomination=first, by=admin)
    with pytest.raises(ValidationError, match="строки и квоты больше не меняются"):
        services.quotas_set(line=setup.line, places={district.school_a.pk: 5}, by=office)
    # the office still changes the list
    services.nomination_create(line=setup.line, educator=setup.a2, school=district.school_a, by=office)
    services.nomination_withdraw(nomination=first, by=office)
    assert list(Nomination.objects.values_list("educator_id", flat=True)) == [setup.a2.pk]


# --- plan vs done and the home page --------------------------------------------------------------------


def test_progress_counts_done_at_the_nominating_school_or_the_current_one(district):
    setup = make_plan(district, places_a=2, places_b=1)
    nominate(setup, setup.a1, district.school_a, Nomination.Status.APPROVED)
    nominate(setup, setup.a2, district.school_a, Nomination.Status.APPROVED)
    complete(setup.a1, setup.line)
    complete(setup.a1, setup.line, dt.date(2026, 11, 1))  # twice: counts once
    complete(setup.b1, setup.line)  # not nominated: at school B, where she works
    progress = selectors.plan_progress(setup.plan, user=district.user("head"))
    (line,) = progress.lines
    a, b = line.schools
    assert (a.school, a.quota, a.nominated, a.approved, a.done) == (district.school_a, 2, 2, 2, 1)
    assert [(p.name, p.done_on is not None) for p in a.nominees] == [
        (setup.a1.full_name, True),
        (setup.a2.full_name, False),
    ]
    assert (b.quota, b.nominated, b.done, [p.name for p in b.unplanned]) == (1, 0, 1, [setup.b1.full_name])
    assert (progress.totals.quota, progress.totals.done, progress.totals.percent) == (3, 2, 67)
    mine = selectors.plan_progress(setup.plan, user=district.user("school_admin_a"))
    assert [c.school for c in mine.lines[0].schools] == [district.school_a]


def test_forecast_counts_come_from_compliance(district, monkeypatch):
    from imo.training.compliance import selectors as compliance

    setup = make_plan(district)
    calls = []

    def fake(*, user, by_date):
        calls.append(by_date)
        return {district.school_a.pk: 4}

    monkeypatch.setattr(compliance, "due_counts_by_school", fake)
    assert selectors.forecast_counts(user=district.user("head"), plan=setup.plan) == {district.school_a.pk: 4}
    assert calls == [setup.plan.academic_year.ends_on]


def test_home_plan_for_school_admin_office_and_teacher(district):
    setup = make_plan(district, places_a=3)
    nominate(setup, setup.a1, district.school_a)
    home = selectors.home_plan_for(user=district.user("school_admin_a"))
    assert home is not None
    assert (home["places"], home["places_left"], home["can_nominate"]) == (3, 2, True)
    assert home["nominations_until"] == setup.plan.nominations_until
    office = selectors.home_plan_for(user=district.user("head"))
    assert office is not None and office["waiting"] == 1 and "places_left" not in office
    assert selectors.home_plan_for(user=district.user("teacher_a")) is None
    setup.plan.status = Status.DRAFT
    setup.plan.save()
    assert selectors.home_plan_for(user=district.user("school_admin_a")) is None  # drafts are the office's


def test_school_admins_see_no_drafts_and_no_other_municipality(district):
    setup = make_plan(district, status=Status.DRAFT)
    admin = district.user("school_admin_a")
    assert not selectors.plans_visible_to(user=admin).exists()
    setup.plan.status = Status.NOMINATING
    setup.plan.save()
    assert list(selectors.plans_visible_to(user=admin)) == [setup.plan]
    other = make_organization(parent=district.region, kind="municipality", name="Другой район")
    make_educator(municipality=other)
    TrainingPlan.objects.create(
        municipality=other, academic_year=setup.plan.academic_year, status=Status.NOMINATING
    )
    assert list(selectors.plans_visible_to(user=admin)) == [setup.plan]
    assert list(selectors.plans_visible_to(user=district.user("head"))) == [setup.plan]
