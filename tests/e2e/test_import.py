"""The organisations import in a real browser: upload, preview with row/column errors, commit, result;
a large file goes to a background job and shows a progress bar until the job has run."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.core.imports.tests import files
from imo.orgs.models import Organization
from imo.orgs.tests.factories import District, make_district

HEADER = ["Полное наименование", "Краткое наименование", "Тип", "ИНН", "Эл. почта"]


def inn(number: int) -> str:
    digits = f"{300000000 + number:09d}"
    check = sum(int(d) * w for d, w in zip(digits, (2, 4, 10, 3, 5, 9, 4, 6, 8), strict=True)) % 11 % 10
    return f"{digits}{check}"


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def _upload(page: Page, live_server, tmp_path, rows) -> None:
    path = tmp_path / "школы.xlsx"
    path.write_bytes(files.xlsx(rows))
    page.goto(live_server.url + "/organizations/import/")
    page.get_by_label("Файл").set_input_files(str(path))
    page.get_by_role("button", name="Проверить файл").click()


def test_upload_preview_with_errors_then_commit_valid_rows(
    page: Page, live_server, district, login, assert_accessible, tmp_path
):
    login(page, live_server, "head_user", PASSWORD)
    page.goto(live_server.url + "/organizations/import/")
    expect(page.get_by_role("heading", name="Загрузка из Excel: образовательные организации")).to_be_visible()
    assert_accessible(page)
    rows = [
        HEADER,
        ["МБОУ «СОШ № 21»", "СОШ № 21", "Школа", inn(21), "sch21@example.ru"],
        ["МБОУ «СОШ № 22»", "СОШ № 22", "Завод", "12345", "не почта"],
    ]
    _upload(page, live_server, tmp_path, rows)
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_be_visible()
    expect(errors.locator("tbody tr")).to_have_count(3)
    expect(errors).to_contain_text("ИНН организации должен состоять из 10 цифр.")
    first = errors.locator("tbody tr").first
    expect(first.locator("td").nth(0)).to_have_text("3")
    expect(first.locator("td").nth(1)).to_contain_text("Тип")
    expect(page.get_by_test_id("import-rows")).to_contain_text("Будет добавлена")
    assert_accessible(page)

    page.get_by_role("button", name="Загрузить только строки без ошибок (1)").click()
    expect(page.get_by_test_id("import-result")).to_contain_text("Добавлено: 1")
    assert_accessible(page)
    assert Organization.objects.filter(short_name="СОШ № 21").exists()
    assert not Organization.objects.filter(short_name="СОШ № 22").exists()


def test_a_large_file_shows_the_progress_bar_until_its_job_has_run(
    page: Page, live_server, district, login, assert_accessible, tmp_path, settings
):
    from imo.core.jobs.testing import run_queued_jobs

    settings.IMO_IMPORT_BACKGROUND_ROWS = 3
    login(page, live_server, "head_user", PASSWORD)
    rows = [HEADER, *[[f"Школа {n}", f"Школа {n}", "Школа", inn(100 + n), ""] for n in range(5)]]
    _upload(page, live_server, tmp_path, rows)
    progress = page.get_by_test_id("import-progress")
    expect(progress).to_be_visible()
    expect(progress.locator("progress")).to_be_visible()
    assert_accessible(page)
    run_queued_jobs()  # what `imo worker` does; the page polls and reloads by itself
    expect(page.get_by_test_id("import-summary")).to_be_visible(timeout=15_000)
    page.get_by_role("button", name="Загрузить").click()
    expect(page.get_by_test_id("import-progress")).to_be_visible()
    run_queued_jobs()
    expect(page.get_by_test_id("import-result")).to_contain_text("Добавлено: 5", timeout=15_000)
    assert Organization.objects.filter(short_name__startswith="Школа ").count() == 5
