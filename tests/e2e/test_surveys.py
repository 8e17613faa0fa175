"""Surveys in a real browser: a methodist builds a questionnaire (section, a choice question, a text question
shown only after «Нет») and publishes it; a teacher answers it on a phone-sized screen, where the text
question appears only after choosing «Нет»; the methodist sees the response in the tracking and results."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.orgs.tests.factories import District, make_district
from imo.staff.tests.factories import make_educator


@pytest.fixture
def district(transactional_db) -> District:
    district = make_district()
    make_educator(
        municipality=district.municipality,
        school=district.school_a,
        user=district.user("teacher_a"),
        email="teacher_a@example.ru",
    )
    return district


def _add_question(page: Page, kind: str, text: str, options: str = "") -> None:
    page.get_by_role("link", name="Добавить вопрос").first.click()
    page.locator("#id_kind").select_option(label=kind)
    page.wait_for_load_state("networkidle")  # the kind's own fields are redrawn by htmx
    page.locator("#id_text").fill(text)
    if options:
        page.locator("#id_options").fill(options)
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text(text).first).to_be_visible()


def test_build_answer_on_a_phone_then_results(
    page: Page, live_server, district, login, assert_accessible, browser
):
    today = dt.date.today()
    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(live_server.url + "/surveys/new/")
    page.get_by_label("Название").fill("Затруднения в работе с цифровыми ресурсами")
    page.get_by_label("Начало приёма ответов").fill(today.isoformat())
    page.get_by_label("Окончание приёма ответов (включительно)").fill(
        (today + dt.timedelta(days=7)).isoformat()
    )
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Анкета создана").first).to_be_visible()

    page.get_by_role("link", name="Добавить раздел").click()
    page.get_by_label("Название раздела").fill("Цифровая среда")
    page.get_by_role("button", name="Сохранить").click()
    _add_question(page, "Один вариант", "Хватает ли вам компьютеров в кабинете?", "Да\nНет")
    _add_question(page, "Короткий текст", "Чего не хватает?")
    # Skip logic: the second question only after «Нет» to the first.
    page.get_by_role("link", name="Изменить вопрос «Чего не хватает?»").click()
    page.locator("#id_show_if").select_option(label="Хватает ли вам компьютеров в кабинете?")
    page.wait_for_load_state("networkidle")  # the first question's answers are loaded by htmx
    page.get_by_label("Нет", exact=True).check()
    page.get_by_role("button", name="Сохранить").click()
    assert_accessible(page)
    page.get_by_role("button", name="Опубликовать").click()
    expect(page.get_by_role("button", name="Снять с публикации")).to_be_visible()
    survey_id = page.url.split("/surveys/")[1].split("/")[0]

    phone = browser.new_page(viewport={"width": 375, "height": 740})
    login(phone, live_server, "teacher_a", PASSWORD)
    phone.goto(live_server.url + "/surveys/answer/")
    phone.get_by_role("link", name="Затруднения в работе с цифровыми ресурсами").first.click()
    follow_up = phone.get_by_label("Чего не хватает?")
    expect(follow_up).to_be_hidden()
    phone.get_by_label("Нет", exact=True).check()
    expect(follow_up).to_be_visible()
    follow_up.fill("Проектора")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(phone)
    phone.get_by_role("button", name="Отправить").click()
    expect(phone.get_by_text("Спасибо! Ваш ответ отправлен.")).to_be_visible()
    phone.close()

    page.goto(f"{live_server.url}/surveys/tracking/{survey_id}/")
    expect(page.get_by_text("100").first).to_be_visible()
    page.goto(f"{live_server.url}/surveys/results/{survey_id}/")
    expect(page.get_by_text("Проектора")).to_be_visible()
    assert_accessible(page)
