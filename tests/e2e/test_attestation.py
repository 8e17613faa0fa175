"""The page «Аттестация: что требует внимания» in a real browser: a school admin sees who is due for
conformity attestation at their school, switches to the list of expiring categories, and the page passes
the accessibility check."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.attestation.models import QualificationCategory
from imo.orgs.tests.factories import District, make_district
from imo.staff.tests.factories import make_educator


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def test_school_admin_sees_what_is_due(page: Page, live_server, district, login, assert_accessible):
    today = dt.date.today()
    make_educator(
        municipality=district.municipality,
        school=district.school_a,
        last_name="Исаева",
        first_name="Малика",
        starts_on=dt.date(2012, 9, 1),
    )
    holder = make_educator(
        municipality=district.municipality, school=district.school_a, last_name="Хасанова", first_name="Луиза"
    )
    awarded = today.replace(year=today.year - 5) + dt.timedelta(days=40)
    QualificationCategory.objects.create(
        educator=holder,
        kind="highest",
        awarded_on=awarded,
        valid_until=awarded.replace(year=awarded.year + 5),
    )
    make_educator(municipality=district.municipality, school=district.school_b, last_name="Чужая")

    login(page, live_server, "zam_a", PASSWORD)
    page.goto(live_server.url + "/attestation/due/")
    expect(page.get_by_role("heading", name="Аттестация: что требует внимания")).to_be_visible()
    table = page.locator("#due-table")
    expect(table).to_contain_text("Исаева Малика")
    expect(table).not_to_contain_text("Хасанова")
    expect(page.locator("body")).not_to_contain_text("Чужая")
    assert_accessible(page)

    page.get_by_role("link", name="Истекает срок категории").click()
    expect(page.locator("#due-table")).to_contain_text("Хасанова Луиза")
    expect(page.locator("#due-table")).to_contain_text("высшая")
    page.get_by_label("Срок категории истекает в течение").select_option("3")
    page.get_by_role("button", name="Показать").click()
    expect(page.locator("#due-table")).to_contain_text("Хасанова Луиза")
    assert_accessible(page)

    page.goto(live_server.url + f"/staff/{holder.pk}/")
    section = page.locator("#section-attestation")
    expect(section).to_contain_text("высшая")
    section.get_by_role("link", name="Добавить аттестацию на соответствие").click()
    page.get_by_label("Дата аттестации").fill("2024-04-01")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator("#attestation-conformity")).to_contain_text("01.04.2024")
    assert_accessible(page)
