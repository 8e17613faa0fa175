"""Documents and charts in a real browser: the home page's charts (htmx, CSP), issuing the справка,
the register, and a template upload that is refused with a Russian message. axe on every page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.orgs.models import Organization
from imo.orgs.tests.factories import District, make_district, make_organization


@pytest.fixture
def district(transactional_db) -> District:
    district = make_district()
    for index, settlement in enumerate(["с. Бельты", "с. Цоци-Юрт", "с. Майртуп"]):
        make_organization(
            parent=district.municipality,
            kind=Organization.Kind.KINDERGARTEN,
            settlement=settlement,
            short_name=f"Детский сад № {index + 1}",
        )
    return district


@pytest.fixture
def csp_violations(page: Page) -> list[str]:
    """Console messages about the Content-Security-Policy: a chart with a style attribute would show here."""
    found: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            found.append(message.text)

    page.on("console", listen)
    return found


def test_home_page_charts_load_after_the_page(
    page: Page, live_server, district, login, assert_accessible, csp_violations
):
    login(page, live_server, "head_user", PASSWORD)
    expect(page.get_by_role("heading", name="Район в цифрах")).to_be_visible()
    charts = page.locator("#office-charts svg[role='img']")
    expect(charts).to_have_count(2)
    expect(page.get_by_role("img", name=re.compile("Диаграмма: Организации по типам"))).to_be_visible()
    # The table behind each chart opens from its summary.
    page.locator("#office-charts summary").first.click()
    expect(page.locator("#office-charts table").first).to_contain_text("Детские сады")
    assert_accessible(page)
    assert csp_violations == []


def test_head_issues_the_summary_and_finds_it_in_the_register(
    page: Page, live_server, district, login, assert_accessible, csp_violations, tmp_path: Path
):
    login(page, live_server, "head_user", PASSWORD)
    page.goto(live_server.url + "/organizations/summary/")
    expect(page.get_by_role("heading", name="Справка об образовательных организациях")).to_be_visible()
    expect(page.locator("main svg[role='img']")).to_have_count(2)
    assert_accessible(page)
    page.get_by_role("button", name="Сформировать справку (Word)").click()
    expect(page.get_by_text(re.compile(r"Справка № 1/\d{4} сформирована"))).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Скачать DOCX").first.click()
    download = download_info.value
    assert download.suggested_filename.startswith("Справка об образовательных организациях № 1-")
    assert download.suggested_filename.endswith(".docx")
    saved = tmp_path / "summary.docx"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"PK")
    assert_accessible(page)

    page.goto(live_server.url + "/documents/")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Справка об образовательных организациях района")
    expect(rows.first).to_contain_text("Курчалоевский район")
    assert_accessible(page)
    # Filters update the list with htmx and keep the state in the URL.
    page.get_by_label("Номер").fill("999")
    expect(page.locator("#results")).to_contain_text("ничего не найдено")
    expect(page).to_have_url(re.compile(r"q=999"))
    assert csp_violations == []


def test_a_bad_template_is_refused_with_a_russian_message(
    page: Page, live_server, district, login, assert_accessible, tmp_path: Path
):
    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(live_server.url + "/documents/templates/")
    page.get_by_role("link", name="Справка об образовательных организациях района").click()
    expect(page.get_by_role("heading", name="Поля шаблона")).to_be_visible()
    assert_accessible(page)
    fake = tmp_path / "шаблон.docx"
    fake.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504)  # an old .doc / password-protected
    page.get_by_label("Файл шаблона (.docx)").set_input_files(str(fake))
    page.get_by_role("button", name="Проверить и загрузить").click()
    expect(page.get_by_role("alert")).to_contain_text("защищённый паролем")
    expect(page.get_by_text("Используется встроенный шаблон")).to_be_visible()
    assert_accessible(page)


def test_the_observer_sees_charts_and_the_register_only(page: Page, live_server, district, login):
    login(page, live_server, "observer_user", PASSWORD)
    expect(page.locator("#office-charts svg[role='img']")).to_have_count(2)
    page.goto(live_server.url + "/organizations/summary/")
    expect(page.get_by_role("button", name=re.compile("Сформировать"))).to_have_count(0)
    page.goto(live_server.url + "/documents/templates/")
    expect(page.get_by_role("heading", name="Доступ запрещён")).to_be_visible()
