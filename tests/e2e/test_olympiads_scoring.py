"""The jury in a real browser: a member opens the scoring grid of their subject, types task scores and sees
«сохранено» (and a Russian error for a score above the maximum); the chair marks an absent work and closes
the protocol. The grid shows codes only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.olympiads.models import StageSubject, Work
from imo.olympiads.scoring import services
from imo.olympiads.tests.scoring_fixtures import STUDENTS, make_scoring
from imo.orgs.tests.factories import District, make_district


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def test_jury_member_scores_chair_closes(page: Page, live_server, district, login, assert_accessible):
    data = make_scoring(district)
    services.codes_issue(stage_subject=data.stage_subject, by=district.user("methodist"))
    works = list(Work.objects.filter(stage_subject=data.stage_subject, grade=7).order_by("code"))
    first, second = works

    # a member: «Мои предметы» → the grid
    login(page, live_server, data.member.username, PASSWORD)
    page.goto(live_server.url + "/olympiads/jury/")
    expect(page.get_by_role("heading", name="Мои предметы")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Математика").click()
    expect(page.get_by_role("heading", name="Математика: проверка работ")).to_be_visible()
    expect(page.get_by_test_id(f"work-{first.code}")).to_be_visible()
    main = page.locator("main").inner_text()
    for last, *_ in STUDENTS:
        assert last not in main
    assert_accessible(page)

    page.get_by_test_id(f"score-{first.code}-1").fill("8")
    page.get_by_test_id(f"score-{first.code}-2").fill("7,5")
    page.get_by_test_id(f"score-{first.code}-3").fill("10")
    expect(page.get_by_test_id(f"status-{first.code}")).to_have_text("сохранено")
    expect(page.get_by_test_id(f"total-{first.code}")).to_have_text("25,5")
    page.get_by_test_id(f"score-{second.code}-1").fill("12")
    expect(page.get_by_test_id(f"status-{second.code}")).to_contain_text(
        "Балл за задание 1 должен быть числом от 0 до 10"
    )
    page.get_by_test_id(f"score-{second.code}-1").fill("2")
    page.get_by_test_id(f"score-{second.code}-2").fill("2")
    page.get_by_test_id(f"score-{second.code}-3").fill("2")
    expect(page.get_by_test_id(f"total-{second.code}")).to_have_text("6")
    expect(page.get_by_test_id(f"status-{second.code}")).to_have_text("сохранено")
    first.refresh_from_db()
    assert first.score == Decimal("25.5")

    # the chair: the 8th-grade work was not written; closing
    page.context.clear_cookies()
    login(page, live_server, data.chair.username, PASSWORD)
    page.goto(live_server.url + f"/olympiads/jury/{data.stage_subject.pk}/")
    page.get_by_role("link", name="8 класс").click()
    (eighth,) = Work.objects.filter(stage_subject=data.stage_subject, grade=8)
    page.get_by_test_id(f"absent-{eighth.code}").click()
    expect(page.get_by_test_id(f"absent-{eighth.code}")).to_contain_text("✓")
    page.get_by_test_id("close-scoring").click()
    expect(page.get_by_text("Проверка закрыта. Протокол передан")).to_be_visible()
    expect(page.get_by_test_id(f"score-{first.code}-1")).to_be_disabled()
    assert_accessible(page)
    assert StageSubject.objects.get(pk=data.stage_subject.pk).scoring_closed_at is not None
