"""Students of the olympiad in a real browser: a school admin adds a student, records the parent's statement
with publication refused and sees the consent register (with the quick switch)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.olympiads.models import Student, StudentConsent
from imo.orgs.tests.factories import District, make_district
from imo.reference.services import academic_year_ensure


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def test_school_admin_adds_student_records_consent_sees_register(
    page: Page, live_server, district, login, assert_accessible
):
    academic_year_ensure(on=dt.date.today())
    login(page, live_server, "zam_a", PASSWORD)
    page.goto(live_server.url + "/olympiads/students/")
    expect(page.get_by_role("heading", name="Обучающиеся (олимпиады)")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Добавить обучающегося").first.click()
    expect(page.locator("#id_school")).to_have_value(str(district.school_a.pk))
    assert_accessible(page)
    page.locator("#id_last_name").fill("Абдулаева")
    page.locator("#id_first_name").fill("Малика")
    page.locator("#id_patronymic").fill("Руслановна")
    page.locator("#id_grade").select_option(label="7 класс")
    page.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page.get_by_text("Абдулаева Малика Руслановна добавлен(а)")).to_be_visible()
    expect(page.get_by_role("cell", name="Абдулаева Малика Руслановна", exact=True)).to_be_visible()

    page.get_by_role("link", name="Заявление — Абдулаева Малика Руслановна").click()
    heading = page.get_by_role("heading", name="Заявление родителя: Абдулаева Малика Руслановна")
    expect(heading).to_be_visible()
    assert_accessible(page)
    page.locator("#id_parent_name").fill("Абдулаева Зарема Ахмедовна")
    page.locator("#id_signed_on").fill(dt.date.today().isoformat())
    page.get_by_label("Согласен на публикацию результатов и работы ребёнка").uncheck()
    page.get_by_role("button", name="Сохранить заявление").click()

    expect(page.get_by_role("heading", name="Заявления родителей")).to_be_visible()
    expect(page.get_by_text("Заявление родителя (Абдулаева Малика Руслановна) сохранено.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Абдулаева Малика Руслановна")
    expect(row).to_contain_text("Абдулаева Зарема Ахмедовна")
    publication = row.locator("button[data-field='publication_allowed']")
    expect(publication).to_have_attribute("aria-pressed", "false")
    assert_accessible(page)
    student = Student.objects.get()
    consent = StudentConsent.objects.get(student=student)
    assert consent.rules_accepted and not consent.publication_allowed

    # the quick switch (htmx) turns the publication mark on in place
    publication.click()
    expect(row.locator("button[data-field='publication_allowed']")).to_have_attribute("aria-pressed", "true")
    consent.refresh_from_db()
    assert consent.publication_allowed
