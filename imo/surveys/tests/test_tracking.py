"""Tracking a survey: response rates overall and per school (named and anonymous), the list of who has not
answered (named only), the school admin's part, reminders (interval, addresses, the chore) and who may
open which page."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from imo.core.jobs.models import Job
from imo.core.jobs.testing import run_queued_jobs
from imo.core.mail.models import MailMessage
from imo.orgs.models import Organization, Role
from imo.orgs.tests.factories import make_district, make_organization, make_user_with_role
from imo.staff.tests.factories import make_educator, make_employment
from imo.surveys.models import AudienceKind, Mode, RespondentToken, Survey
from imo.surveys.tracking import selectors, services

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def make_survey(district: Any, **fields: Any) -> Survey:
    values: dict[str, Any] = {
        "organization": district.municipality,
        "title": "Профессиональные потребности педагогов",
        "audience": AudienceKind.EDUCATORS,
        "mode": Mode.NAMED,
        "is_published": True,
        "opens_at": NOW - dt.timedelta(days=10),
        "closes_at": NOW + dt.timedelta(days=20),
        "reminder_every_days": 7,
        **fields,
    }
    return Survey.objects.create(**values)


@pytest.fixture
def world(db, settings):
    """Municipality with schools A (3 educators, 2 answered) and B (2 educators, none answered); one
    educator works at both schools; one educator left (no current employment)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.IMO_SITE_URL = "https://imo.example.ru"
    district = make_district()
    m, a, b = district.municipality, district.school_a, district.school_b
    ahmed = make_educator(
        municipality=m, school=a, last_name="Ахмадов", first_name="Ахмед", email="a@example.ru"
    )
    zara = make_educator(
        municipality=m, school=a, last_name="Закаева", first_name="Зара", email="z@example.ru"
    )
    both = make_educator(municipality=m, school=a, last_name="Юсупова", first_name="Луиза", email="")
    make_employment(both, b, is_main=False)
    bela = make_educator(
        municipality=m, school=b, last_name="Бисултанов", first_name="Бела", email="b@example.ru"
    )
    left = make_educator(
        municipality=m, school=None, last_name="Ушедшая", first_name="Ольга", email="o@example.ru"
    )
    survey = make_survey(district)
    answered = {ahmed.pk, zara.pk}
    for educator in (ahmed, zara, both, bela, left):
        RespondentToken.objects.create(survey=survey, educator=educator, responded=educator.pk in answered)
    return {
        "district": district,
        "survey": survey,
        "ahmed": ahmed,
        "zara": zara,
        "both": both,
        "bela": bela,
        "left": left,
    }


def office_scope(survey: Survey) -> selectors.Scope:
    return selectors.Scope(survey=survey, is_office=True)


def by_label(rates: selectors.Rates) -> dict[str, tuple[int, int]]:
    return {rate.label: (rate.asked, rate.answered) for rate in rates.schools}


# --- rates ----------------------------------------------------------------------------------------------


def test_rates_overall_and_per_school(world, django_assert_max_num_queries):
    district = world["district"]
    with django_assert_max_num_queries(5):
        rates = selectors.response_rates(office_scope(world["survey"]))
    assert rates.overall is not None
    assert (rates.overall.asked, rates.overall.answered, rates.overall.percent) == (5, 2, 40)
    assert by_label(rates) == {
        str(district.school_a): (3, 2),
        str(district.school_b): (2, 0),  # Бисултанов and Юсупова, who works at both schools
        selectors.UNPLACED_LABEL: (1, 0),
    }


def test_rates_of_anonymous_survey_come_from_tokens(world):
    survey = world["survey"]
    Survey.objects.filter(pk=survey.pk).update(mode=Mode.ANONYMOUS)
    survey.refresh_from_db()
    rates = selectors.response_rates(office_scope(survey))
    assert rates.overall is not None and (rates.overall.asked, rates.overall.answered) == (5, 2)
    assert by_label(rates)[str(world["district"].school_a)] == (3, 2)


def test_rates_of_school_monitoring(world):
    district = world["district"]
    survey = make_survey(district, audience=AudienceKind.SCHOOLS, title="Оснащённость ИКТ")
    RespondentToken.objects.create(survey=survey, school=district.school_a, responded=True)
    RespondentToken.objects.create(survey=survey, school=district.school_b)
    rates = selectors.response_rates(office_scope(survey))
    assert rates.overall is not None and rates.overall.percent == 50
    assert by_label(rates) == {str(district.school_a): (1, 1), str(district.school_b): (1, 0)}
    missing = list(selectors.non_respondents(office_scope(survey)))
    assert [token.school for token in missing] == [district.school_b]


def test_percent_rounds_down():
    assert selectors.Rate("x", asked=3, answered=2).percent == 66
    assert selectors.Rate("x", asked=1000, answered=999).percent == 99
    assert selectors.Rate("x", asked=0, answered=0).percent == 0


# --- who has not answered -------------------------------------------------------------------------------


def test_non_respondents_of_named_survey(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        rows = list(selectors.non_respondents(office_scope(world["survey"])))
        educators: list[Any] = [token.educator for token in rows]
        places = {e.last_name: [str(place.organization) for place in e.places] for e in educators}
    district = world["district"]
    assert set(places) == {"Юсупова", "Бисултанов", "Ушедшая"}
    assert places["Юсупова"] == [str(district.school_a), str(district.school_b)]  # main place first
    assert places["Ушедшая"] == []


def test_anonymous_survey_lists_nobody(world, client):
    survey = world["survey"]
    Survey.objects.filter(pk=survey.pk).update(mode=Mode.ANONYMOUS)
    survey.refresh_from_db()
    assert not selectors.non_respondents(office_scope(survey)).exists()
    client.force_login(world["district"].user("head"))
    page = client.get(reverse("surveys:tracking", args=[survey.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="tracking-anonymous"' in text
    for educator in ("bela", "both", "left", "ahmed"):
        assert world[educator].last_name not in text
    assert client.get(reverse("surveys:tracking_export", args=[survey.pk])).status_code == 404


def open_now(survey: Survey) -> None:
    """The survey open today (the page's «Напомнить сейчас» reads the real clock)."""
    now = timezone.now()
    Survey.objects.filter(pk=survey.pk).update(
        opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=5)
    )


def test_office_page_lists_non_respondents_and_filters_by_school(world, client):
    district = world["district"]
    open_now(world["survey"])
    client.force_login(district.user("methodist"))
    url = reverse("surveys:tracking", args=[world["survey"].pk])
    text = client.get(url).content.decode()
    assert "Ответили <strong>2</strong> из 5" in text
    for name in ("Бисултанов", "Юсупова", "Ушедшая"):
        assert name in text
    assert "Ахмадов" not in text and "Закаева" not in text
    assert "Напомнить сейчас" in text

    filtered = client.get(url, {"school": district.school_a.pk}, headers={"HX-Request": "true"})
    part = filtered.content.decode()
    assert "Юсупова" in part and "Бисултанов" not in part and "Ушедшая" not in part


def test_live_refresh_answers_the_rates_block_only(world, client):
    client.force_login(world["district"].user("observer"))
    url = reverse("surveys:tracking", args=[world["survey"].pk])
    part = client.get(url, headers={"HX-Request": "true", "HX-Target": "tracking-rates"}).content.decode()
    assert part.lstrip().startswith("<section") or "tracking-rates" in part
    assert 'hx-trigger="every 30s"' in part
    assert "Кто не ответил" not in part


def test_excel_of_non_respondents(world, client):
    client.force_login(world["district"].user("head"))
    response = client.get(reverse("surveys:tracking_export", args=[world["survey"].pk]))
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert sheet[0][:3] == ["Педагог", "Место работы", "Электронная почта"]
    names = [str(row[0]) for row in sheet[1:]]
    assert names == sorted(names) and len(names) == 3
    assert any("Бисултанов" in name for name in names)


# --- the school admin's part ----------------------------------------------------------------------------


def test_school_admin_sees_their_school_only(world, client):
    district = world["district"]
    client.force_login(district.user("school_admin_b"))
    page = client.get(reverse("surveys:tracking", args=[world["survey"].pk]))
    assert page.status_code == 200
    text = page.content.decode()
    rates = page.context["rates"]
    assert rates.overall is None
    assert by_label(rates) == {str(district.school_b): (2, 0)}
    assert "Бисултанов" in text and "Юсупова" in text  # both work at school B today
    assert "Ушедшая" not in text and "Ахмадов" not in text
    assert "Напомнить сейчас" not in text
    assert client.post(reverse("surveys:remind", args=[world["survey"].pk])).status_code == 403

    export = client.get(reverse("surveys:tracking_export", args=[world["survey"].pk]))
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert len(sheet) == 3


def test_school_admin_does_not_see_drafts_or_other_districts(world, client):
    district = world["district"]
    draft = make_survey(district, is_published=False)
    client.force_login(district.user("school_admin_a"))
    assert client.get(reverse("surveys:tracking", args=[draft.pk])).status_code == 404


# --- permissions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["teacher_a", "no_role"])
def test_others_get_403(world, client, key):
    client.force_login(world["district"].user(key))
    pk = world["survey"].pk
    assert client.get(reverse("surveys:tracking", args=[pk])).status_code == 403
    assert client.get(reverse("surveys:tracking_export", args=[pk])).status_code == 403
    assert client.post(reverse("surveys:remind", args=[pk])).status_code == 403


def test_anonymous_visitor_goes_to_login(world, client):
    response = client.get(reverse("surveys:tracking", args=[world["survey"].pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_survey_of_another_district_is_404(world, client):
    district = world["district"]
    neighbour = make_organization(
        parent=district.region, kind=Organization.Kind.MUNICIPALITY, short_name="Шалинский район"
    )
    foreign = make_survey(district, organization=neighbour)
    client.force_login(world["district"].user("head"))
    assert client.get(reverse("surveys:tracking", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("surveys:remind", args=[foreign.pk])).status_code == 404


def test_observer_sees_tracking_but_cannot_remind(world, client):
    client.force_login(world["district"].user("observer"))
    page = client.get(reverse("surveys:tracking", args=[world["survey"].pk]))
    assert page.status_code == 200 and "Напомнить сейчас" not in page.content.decode()
    assert client.post(reverse("surveys:remind", args=[world["survey"].pk])).status_code == 403


def test_remind_is_post_only(world, client):
    client.force_login(world["district"].user("head"))
    assert client.get(reverse("surveys:remind", args=[world["survey"].pk])).status_code == 405


# --- reminders ------------------------------------------------------------------------------------------


def test_reminders_go_to_non_respondents_with_an_address(world):
    survey = world["survey"]
    assert services.reminders_send(survey=survey, now=NOW) == 2  # Бисултанов, Ушедшая; Юсупова has none
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["b@example.ru", "o@example.ru"]
    letter = next(message for message in mail.outbox if message.to == ["b@example.ru"])
    token = RespondentToken.objects.get(survey=survey, educator=world["bela"])
    assert letter.subject == f"Напоминание: анкета «{survey.title}»"
    assert "Здравствуйте, Бела" in letter.body
    assert f"https://imo.example.ru/surveys/answer/t/{token.token}/" in letter.body
    assert "22.03.2026" in letter.body  # the closing date
    assert token.reminded_on == timezone.localdate(NOW)
    # The one without an address is not marked: she gets a letter once an address is known.
    assert RespondentToken.objects.get(survey=survey, educator=world["both"]).reminded_on is None


def test_at_most_one_reminder_per_interval(world):
    survey = world["survey"]
    assert services.reminders_send(survey=survey, now=NOW) == 2
    assert services.reminders_send(survey=survey, now=NOW + dt.timedelta(hours=3)) == 0
    assert services.reminders_send(survey=survey, now=NOW + dt.timedelta(days=6)) == 0
    assert services.reminders_send(survey=survey, now=NOW + dt.timedelta(days=7)) == 2
    assert len(mail.outbox) == 4


def test_who_answered_meanwhile_gets_no_more_letters(world):
    survey = world["survey"]
    services.reminders_send(survey=survey, now=NOW)
    RespondentToken.objects.filter(survey=survey, educator=world["bela"]).update(responded=True)
    assert services.reminders_send(survey=survey, now=NOW + dt.timedelta(days=8)) == 1
    assert mail.outbox[-1].to == ["o@example.ru"]


def test_same_day_rerun_sends_nothing_twice(world):
    """The key of deliver_once: even if reminded_on was not written (a crash), the day's letter is once."""
    survey = world["survey"]
    services.reminders_send(survey=survey, now=NOW)
    RespondentToken.objects.filter(survey=survey).update(reminded_on=None)
    assert services.reminders_send(survey=survey, now=NOW + dt.timedelta(minutes=5)) == 0
    assert len(mail.outbox) == 2
    assert RespondentToken.objects.filter(survey=survey, reminded_on__isnull=False).count() == 2


@pytest.mark.parametrize(
    "fields",
    [
        {"is_published": False},
        {"closes_at": NOW - dt.timedelta(minutes=1)},
        {"opens_at": NOW + dt.timedelta(days=1)},
        {"is_template": True},
    ],
)
def test_no_reminders_outside_the_open_period(world, fields):
    survey = world["survey"]
    Survey.objects.filter(pk=survey.pk).update(**fields)
    survey.refresh_from_db()
    assert services.reminders_send(survey=survey, now=NOW) == 0
    assert mail.outbox == []


def test_monitoring_reminders_go_to_the_school_admins(world):
    district = world["district"]
    survey = make_survey(district, audience=AudienceKind.SCHOOLS, title="Оснащённость ИКТ")
    RespondentToken.objects.create(survey=survey, school=district.school_a)
    RespondentToken.objects.create(survey=survey, school=district.school_b, responded=True)
    admin = district.user("school_admin_a")
    admin.email = "zam_a@example.ru"
    admin.save()
    second = make_user_with_role(Role.SCHOOL_ADMIN, district.school_a, email="zam2@example.ru")
    assert services.reminders_send(survey=survey, now=NOW) == 1
    assert sorted(mail.outbox[0].to) == sorted(["zam_a@example.ru", second.email])
    assert str(district.school_a) in mail.outbox[0].body


def test_anonymous_reminder_says_so(world):
    survey = world["survey"]
    Survey.objects.filter(pk=survey.pk).update(mode=Mode.ANONYMOUS)
    survey.refresh_from_db()
    services.reminders_send(survey=survey, now=NOW)
    assert "Анкета анонимная" in mail.outbox[0].body


def test_chore_covers_open_surveys_that_remind(world):
    district = world["district"]
    silent = make_survey(district, reminder_every_days=0, title="Без напоминаний")
    RespondentToken.objects.create(survey=silent, educator=world["bela"])
    closed = make_survey(district, closes_at=NOW - dt.timedelta(days=1), title="Закрытая")
    RespondentToken.objects.create(survey=closed, educator=world["bela"])
    assert services.reminders_chore(now=NOW) == 2
    assert {message.subject for message in mail.outbox} == {f"Напоминание: анкета «{world['survey'].title}»"}


def test_zero_interval_still_allows_one_manual_letter_a_day(world):
    survey = world["survey"]
    Survey.objects.filter(pk=survey.pk).update(reminder_every_days=0)
    survey.refresh_from_db()
    assert services.reminders_send(survey=survey, now=NOW) == 2
    assert services.reminders_send(survey=survey, now=NOW + dt.timedelta(hours=2)) == 0
    assert services.reminders_send(survey=survey, now=NOW + dt.timedelta(days=1)) == 2


def test_chore_is_registered():
    from imo.core.jobs.chores import registered_chores

    assert "surveys.reminders" in {chore.name for chore in registered_chores()}


def test_remind_button_runs_a_job(world, client):
    survey = world["survey"]
    open_now(survey)
    client.force_login(world["district"].user("head"))
    response = client.post(reverse("surveys:remind", args=[survey.pk]))
    job = Job.objects.get(kind="surveys.remind")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    run_queued_jobs()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.error
    assert job.message == "Напоминаний отправлено: 2."
    assert MailMessage.objects.filter(key__startswith="surveys-reminder:").count() == 2


def test_remind_closed_survey_says_so(world, client):
    survey = world["survey"]
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - dt.timedelta(days=1))
    client.force_login(world["district"].user("head"))
    response = client.post(reverse("surveys:remind", args=[survey.pk]), follow=True)
    assert "Приём ответов на анкету не идёт" in response.content.decode()
    assert not Job.objects.filter(kind="surveys.remind").exists()
