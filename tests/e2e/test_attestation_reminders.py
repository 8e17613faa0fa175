"""Reminders in a real browser: the administrator reads a reminder in the mail log (search, the message's
page), a methodist changes the reminder days on the attestation settings page; both pages pass the
accessibility check."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.attestation.models import AttestationSettings, QualificationCategory
from imo.attestation.reminders.services import run_reminders
from imo.orgs.tests.factories import District, make_district
from imo.staff.tests.factories import make_educator


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def test_admin_reads_a_reminder_in_the_mail_log(
    page: Page, live_server, district, login, assert_accessible, settings
):
    settings.EMAIL_BACKEND = "imo.core.mail.backends.LogBackend"
    today = dt.date.today()
    educator = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        last_name="Хасанова",
        first_name="Луиза",
        email="hasanova@example.ru",
    )
    QualificationCategory.objects.create(
        educator=educator,
        kind="highest",
        awarded_on=dt.date(2022, 3, 1),
        valid_until=today + dt.timedelta(days=20),
    )
    run_reminders(today=today)

    login(page, live_server, "admin_user", PASSWORD)
    page.goto(live_server.url + "/mail/")
    expect(page.get_by_role("heading", name="Журнал почты")).to_be_visible()
    expect(page.locator("main")).to_contain_text("hasanova@example.ru")
    expect(page.locator("main")).to_contain_text("записано в журнал (демо)")
    assert_accessible(page)
    page.get_by_label("Поиск").fill("хасанова")
    page.get_by_role("button", name="Найти").click()
    expect(page.locator("main")).to_contain_text("Найдено: 1 письмо")
    link = page.get_by_role("link", name="Письмо от")
    page.goto(live_server.url + (link.get_attribute("href") or ""))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Хасанова Луиза")
    expect(page.locator("pre")).to_contain_text("через 20 дней")
    assert_accessible(page)


def test_methodist_changes_the_reminder_days(page: Page, live_server, district, login, assert_accessible):
    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(live_server.url + "/attestation/reminders/settings/")
    expect(page.get_by_role("heading", name="Настройки аттестации")).to_be_visible()
    assert_accessible(page)
    field = page.get_by_label("напоминать за столько дней до окончания срока категории")
    field.fill("90;30")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator("main")).to_contain_text("через запятую")
    page.get_by_label("напоминать за столько дней до окончания срока категории").fill("60, 14")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator("main")).to_contain_text("Настройки аттестации сохранены.")
    assert AttestationSettings.current().reminder_days == "60,14"
