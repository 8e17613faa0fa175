"""Completed courses in a real browser: a teacher adds their own course with a PNG scan of the certificate
(it waits for confirmation), and their school admin confirms it in the queue; the course then counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.orgs.tests.factories import District, make_district
from imo.staff.tests.factories import make_educator
from imo.training.models import CourseRecord
from imo.training.tests.records_fixtures import png_bytes


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def test_teacher_adds_a_course_and_school_admin_confirms(
    page: Page, live_server, district, login, assert_accessible
):
    teacher = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        user=district.user("teacher_a"),
        last_name="Юсупова",
        first_name="Хава",
        teaching_experience_start=dt.date(2012, 9, 1),
    )
    profile = live_server.url + reverse("staff:detail", args=[teacher.pk])
    login(page, live_server, "teacher_a", PASSWORD)
    page.goto(profile)
    section = page.locator("#section-training_records")
    expect(section.get_by_role("heading", name="Повышение квалификации")).to_be_visible()
    expect(section).to_contain_text("просрочено")
    section.get_by_role("link", name="Добавить курс").click()

    expect(page.get_by_role("heading", name="Добавить курс повышения квалификации")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Наименование программы").fill("Формирование функциональной грамотности")
    page.get_by_label("Вид", exact=True).select_option("refresher")
    page.get_by_label("Объём, часов").fill("36")
    page.get_by_label("Организация (если её нет в справочнике)").fill("ГБУ ДПО «ИРО ЧР»")
    page.get_by_label("Тип организации (если её нет в справочнике)").select_option("state")
    page.get_by_label("Дата начала").fill("2024-03-01")
    page.get_by_label("Дата окончания").fill("2024-03-15")
    page.get_by_label("Номер документа").fill("ПК-2024-0017")
    page.get_by_label("Скан документа").set_input_files(
        files=[{"name": "удостоверение.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.get_by_role("button", name="Сохранить").click()

    expect(page.get_by_text("Курс добавлен.")).to_be_visible()
    row = page.locator("#training-records tbody tr").filter(
        has_text="Формирование функциональной грамотности"
    )
    expect(row).to_contain_text("ожидает подтверждения")
    expect(
        row.get_by_role("link", name="скан документа курса «Формирование функциональной грамотности»")
    ).to_be_visible()
    assert_accessible(page)
    record = CourseRecord.objects.get()
    assert record.status == CourseRecord.Status.PENDING and record.scan

    page.context.clear_cookies()
    login(page, live_server, "zam_a", PASSWORD)
    page.goto(live_server.url + reverse("training:records_pending"))
    expect(page.get_by_role("heading", name="Подтверждение курсов")).to_be_visible()
    queue_row = page.get_by_role("row").filter(has_text="Юсупова Хава")
    expect(queue_row).to_contain_text("ПК-2024-0017")
    assert_accessible(page)
    queue_row.get_by_role("button", name="Подтвердить").click()

    expect(page.get_by_text("подтверждён.")).to_be_visible()
    expect(page.get_by_text("Курсов, ожидающих подтверждения, нет.")).to_be_visible()
    record.refresh_from_db()
    assert record.status == CourseRecord.Status.CONFIRMED and record.counts

    page.goto(profile)
    row = page.locator("#training-records tbody tr").filter(
        has_text="Формирование функциональной грамотности"
    )
    expect(row).to_contain_text("подтверждён")
    expect(page.locator("#section-training_records")).to_contain_text("15.03.2027")

    page.goto(live_server.url + reverse("training:records"))
    expect(page.get_by_role("heading", name="Курсы повышения квалификации")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Юсупова Хава")).to_contain_text("подтверждён")
    assert_accessible(page)
