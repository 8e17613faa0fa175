"""An application for a qualification category in a real browser, from start to decision: the teacher starts
it for the first category, uploads a PDF and submits it; the methodist comments, forwards it (and downloads
the DOCX cover letter), records the commission's acceptance and the decision «установлена»; the educator's
profile then shows the new category. Every page passes the accessibility check."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.orgs.tests.factories import District, make_district
from imo.staff.models import Educator
from imo.staff.tests.factories import make_educator

PDF = b"%PDF-1.7\n%a small portfolio document\n"


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def action_form(page: Page, title: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("form", name=title)


def test_application_from_start_to_decision(page: Page, live_server, district, login, assert_accessible):
    today = dt.date.today()
    educator = make_educator(
        municipality=district.municipality, school=district.school_a, last_name="Алиева", first_name="Зара"
    )
    Educator.objects.filter(pk=educator.pk).update(user=district.user("teacher_a"))

    # The teacher starts an application for the first category.
    login(page, live_server, "teacher_a", PASSWORD)
    page.goto(live_server.url + "/attestation/applications/")
    expect(page.get_by_role("heading", name="Мои заявления на аттестацию")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Подать заявление").click()
    expect(page.get_by_role("heading", name="Заявление на аттестацию: Алиева Зара")).to_be_visible()
    page.get_by_label("Категория").select_option(label="первая")
    expect(page.get_by_label("Должность")).to_have_value(str(educator.employments.get().position_id))
    assert_accessible(page)
    page.get_by_role("button", name="Создать заявление").click()
    status = page.get_by_test_id("application-status")
    expect(status).to_have_text("черновик")

    # …uploads a PDF of the portfolio…
    upload = action_form(page, "Добавить файл")
    upload.get_by_label("Название документа").fill("Аналитическая справка")
    upload.get_by_label("Файл").set_input_files(
        {"name": "справка.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    upload.get_by_role("button", name="Загрузить файл").click()
    expect(page.locator("#application-files")).to_contain_text("Аналитическая справка")
    assert_accessible(page)

    # …and hands it in to the office.
    action_form(page, "Передать на проверку в ИМО").get_by_role("button", name="Передать в ИМО").click()
    expect(status).to_have_text("на проверке в ИМО")
    expect(page.get_by_test_id("application-deadline")).to_contain_text(
        f"до {today + dt.timedelta(days=10):%d.%m.%Y}"
    )
    application_url = page.url

    # The methodist finds it in the list, comments and forwards it to the commission.
    page.context.clear_cookies()
    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(live_server.url + "/attestation/applications/")
    expect(page.get_by_role("heading", name="Заявления на аттестацию")).to_be_visible()
    expect(page.locator("#results")).to_contain_text("на проверке в ИМО")
    assert_accessible(page)
    page.get_by_role("link", name="Алиева Зара Ивановна").click()
    assert page.url.split("#")[0] == application_url
    assert_accessible(page)

    comment = action_form(page, "Комментарий к заявлению")
    comment.get_by_label("Комментарий").fill("Портфолио в порядке")
    comment.get_by_role("button", name="Добавить комментарий").click()
    expect(page.locator("#application-history")).to_contain_text("Портфолио в порядке")

    forward = action_form(page, "Направить в аттестационную комиссию")
    forward.get_by_label("Исходящий номер письма").fill("01-12/345")
    forward.get_by_role("button", name="Направить в комиссию").click()
    expect(status).to_have_text("направлено в аттестационную комиссию")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Сопроводительное письмо (DOCX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    with open(download.path(), "rb") as file:
        archive = zipfile.ZipFile(io.BytesIO(file.read()))
    assert "word/document.xml" in archive.namelist()

    # The commission takes it up and decides.
    action_form(page, "Отметить принятие комиссией").get_by_role("button", name="Принято комиссией").click()
    expect(status).to_have_text("принято комиссией к рассмотрению")
    decide = action_form(page, "Записать решение комиссии")
    decide.get_by_label("Решение комиссии").select_option(label="категория установлена")
    decide.get_by_label("Номер приказа").fill("1234-п")
    decide.get_by_label("Дата приказа").fill(today.isoformat())
    assert_accessible(page)
    decide.get_by_role("button", name="Записать решение").click()
    expect(status).to_have_text("категория установлена")
    expect(page.locator("#application-summary")).to_contain_text("приказ № 1234-п")
    history = page.locator("#application-history")
    for step in (
        "Заявление создано",
        "Добавлен файл",
        "Передано на проверку в ИМО",
        "Направлено в аттестационную",
    ):
        expect(history).to_contain_text(step)
    assert_accessible(page)

    # The educator's profile shows the new category and the closed application.
    page.goto(f"{live_server.url}/staff/{educator.pk}/")
    categories = page.locator("#attestation-categories")
    expect(categories).to_contain_text("первая")
    expect(categories).to_contain_text(f"{today:%d.%m.%Y}")
    expect(page.locator("#attestation-applications")).to_contain_text("категория установлена")
    assert_accessible(page)
