"""Each role's main path in a real browser, with axe-core on every page visited."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.orgs.tests.factories import District, make_district
from imo.portal.services import office_contacts_save


@pytest.fixture
def district(transactional_db) -> District:
    district = make_district()
    office_contacts_save(
        municipality=district.municipality,
        data={"office_name": "Районный информационно-методический отдел", "phone": "+7 (8714) 00-00-00"},
    )
    return district


def _visit(page: Page, url: str, assert_accessible) -> None:
    page.goto(url)
    expect(page.locator("main")).to_be_visible()
    assert_accessible(page)


def _menu_groups(page: Page) -> list[str]:
    return page.locator("[data-nav-group]").evaluate_all("els => els.map(e => e.dataset.navGroup)")


def test_anonymous_sees_the_public_page_and_russian_errors(
    page: Page, live_server, district, assert_accessible
):
    _visit(page, live_server.url + "/", assert_accessible)
    expect(page.get_by_role("heading", name="Районный информационно-методический отдел")).to_be_visible()
    assert _menu_groups(page) == []
    _visit(page, live_server.url + "/accounts/login/", assert_accessible)
    page.goto(live_server.url + "/organizations/")
    assert "/accounts/login/" in page.url
    page.goto(live_server.url + "/no-such-page/")
    expect(page.get_by_role("heading", name="Страница не найдена")).to_be_visible()
    assert_accessible(page)


def test_head_works_with_the_organisations_list(page: Page, live_server, district, login, assert_accessible):
    login(page, live_server, "head_user", PASSWORD)
    assert_accessible(page)
    expect(page.get_by_role("heading", name="Район в цифрах")).to_be_visible()
    assert {"analytics", "administration"} <= set(_menu_groups(page))

    _visit(page, live_server.url + "/organizations/", assert_accessible)
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(2)
    # Typing in the search box updates the results without a page load (htmx) and keeps the state in the URL.
    page.get_by_label("Поиск").fill("бельты")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("СОШ с. Бельты")
    expect(page).to_have_url(re.compile(r"q=%D0%B1"))
    assert_accessible(page)

    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="СОШ с. Бельты")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Редактировать").click()
    assert_accessible(page)
    page.get_by_label("Телефон").fill("+7 (928) 111-22-33")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Изменения сохранены.")).to_be_visible()
    expect(page.get_by_text("+7 (928) 111-22-33")).to_be_visible()

    _visit(page, live_server.url + "/organizations/users/", assert_accessible)
    page.get_by_role("link", name="Пригласить пользователя").click()
    assert_accessible(page)


def test_observer_reads_without_edit_buttons(page: Page, live_server, district, login, assert_accessible):
    login(page, live_server, "observer_user", PASSWORD)
    expect(page.get_by_text("Режим просмотра")).to_be_visible()
    assert "analytics" in _menu_groups(page)
    expect(page.locator("#main-nav").get_by_role("link", name="Пользователи и роли")).to_have_count(0)
    _visit(page, f"{live_server.url}/organizations/{district.school_a.pk}/", assert_accessible)
    expect(page.get_by_role("link", name="Редактировать")).to_have_count(0)


def test_methodist_adds_an_organisation(page: Page, live_server, district, login, assert_accessible):
    login(page, live_server, "methodist_user", PASSWORD)
    _visit(page, live_server.url + "/organizations/new/", assert_accessible)
    page.get_by_label("Тип").select_option("kindergarten")
    page.get_by_label("Полное наименование").fill("МБДОУ «Детский сад № 3 г. Курчалой»")
    page.get_by_label("Краткое наименование").fill("Детский сад № 3")
    page.get_by_label("ИНН").fill("12345")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("ИНН организации должен состоять из 10 цифр.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("ИНН").fill("7707083893")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", name="Детский сад № 3")).to_be_visible()


def test_school_admin_sees_their_school_only(page: Page, live_server, district, login, assert_accessible):
    login(page, live_server, "zam_a", PASSWORD)
    assert_accessible(page)
    expect(page.get_by_role("heading", name="СОШ № 1 г. Курчалой")).to_be_visible()
    _visit(page, live_server.url + "/organizations/", assert_accessible)
    expect(page.locator("#results tbody tr")).to_have_count(1)
    page.goto(f"{live_server.url}/organizations/{district.school_b.pk}/edit/")
    expect(page.get_by_role("heading", name="Страница не найдена")).to_be_visible()
    _visit(page, live_server.url + "/organizations/users/invite/", assert_accessible)
    expect(page.get_by_label("Роль").locator("option")).to_have_count(1)


def test_teacher_sees_their_record(page: Page, live_server, district, login, assert_accessible):
    login(page, live_server, "teacher_a", PASSWORD)
    expect(page.get_by_role("heading", name="Моя запись")).to_be_visible()
    assert_accessible(page)
    # Only their own educator's card (here not linked to a record yet: the page says what to do) and
    # their own applications for a category; the bank of documents and the digest (information).
    assert _menu_groups(page) == ["analytics", "information", "organisational"]
    _visit(page, live_server.url + "/staff/me/", assert_accessible)
    _visit(page, live_server.url + "/accounts/profile/", assert_accessible)
    page.goto(live_server.url + "/organizations/")
    expect(page.get_by_role("heading", name="Доступ запрещён")).to_be_visible()
    assert_accessible(page)


def test_admin_path(page: Page, live_server, district, login, assert_accessible):
    login(page, live_server, "admin_user", PASSWORD)
    assert "administration" in _menu_groups(page)
    _visit(page, live_server.url + "/organizations/users/", assert_accessible)
    page.get_by_role("link", name=re.compile("Магомадов")).first.click()
    assert_accessible(page)


def test_phone_width_has_no_horizontal_scroll(page: Page, live_server, district, login, assert_accessible):
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, live_server, "head_user", PASSWORD)
    for path in ("/", "/organizations/", f"/organizations/{district.school_a.pk}/"):
        page.goto(live_server.url + path)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} is {overflow}px wider than a 360px phone"
    page.get_by_role("button", name="Показать меню").click()
    expect(page.get_by_role("button", name="Аналитика")).to_be_visible()
    assert_accessible(page)
