"""The ranking in a real browser: the methodist opens a stage subject's ranking, sees the statuses and why,
records an appeal that raises a score and sees the status change after the automatic recount."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.olympiads.ranking.services import rank_stage_subject
from imo.olympiads.tests.ranking_fixtures import make_ranked
from imo.orgs.tests.factories import District, make_district


@pytest.fixture
def district(transactional_db: Any) -> District:
    return make_district()


def test_methodist_ranking_and_appeal(
    page: Page, live_server: Any, district: District, login: Any, assert_accessible: Any
) -> None:
    ranked = make_ranked(district)
    rank_stage_subject(stage_subject=ranked.math, by=None)

    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(f"{live_server.url}/olympiads/ranking/subject/{ranked.math.pk}/")
    expect(page.get_by_role("heading", name="Рейтинг: Математика")).to_be_visible()
    assert_accessible(page)
    table = page.locator("#ranking-table")
    vera = table.get_by_role("row").filter(has_text="Васильева Вера")
    expect(vera).to_contain_text("участник")
    expect(table.get_by_role("row").filter(has_text="Андреева Анна")).to_contain_text("победитель")
    vera.get_by_text("почему").click()
    expect(vera).to_contain_text("за пределами квоты победителей и призёров 50 % от 4 = 2")
    page.get_by_role("link", name="9 класс").click()
    expect(page.get_by_role("link", name="9 класс")).to_have_attribute("aria-current", "page")

    # an appeal: Вера's score is raised from 60 to 80
    page.get_by_role("link", name="Васильева Вера").click()
    expect(page.locator("#status")).to_have_text("участник")
    assert_accessible(page)
    page.get_by_label("Содержание апелляции").fill("Не засчитано решение задачи 4")
    page.get_by_role("button", name="Записать апелляцию").click()
    expect(page.get_by_role("heading", name="Решение по апелляции")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("удовлетворена, балл повышен").check()
    page.get_by_label("Новый балл").fill("80")
    page.get_by_role("button", name="Сохранить решение").click()
    expect(page.get_by_text("Решение внесено, рейтинг по предмету пересчитан.")).to_be_visible()
    expect(page.locator("#score")).to_have_text("80")
    expect(page.locator("#status")).to_have_text("призёр")
    expect(page.get_by_role("cell", name="60 → 80 (+20)")).to_be_visible()

    page.get_by_role("link", name="Рейтинг: Математика").click()
    table = page.locator("#ranking-table")
    expect(table.get_by_role("row").filter(has_text="Борисов Борис")).to_contain_text("участник")
    expect(table.get_by_role("row").filter(has_text="Васильева Вера")).to_contain_text("призёр")
