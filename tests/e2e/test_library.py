"""The bank of documents in a real browser: a methodist uploads a DOCX, the background job extracts its
text, a teacher finds it by another word form of a word that is only inside the file and downloads it;
an anonymous visitor does not see it. Then news: a public post on the front page and in the feed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.library.filegen import docx_bytes
from imo.orgs.tests.factories import District, make_district


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


PARAGRAPHS = [
    "Методическое объединение учителей географии обсудило подготовку школьников к олимпиадам.",
    "Особое внимание уделено картографическим практикумам и работе с атласами на уроках.",
]


def test_upload_search_by_word_form_download(
    page: Page, live_server, district, login, assert_accessible, tmp_path, browser
):
    from imo.core.jobs.testing import run_queued_jobs

    path = tmp_path / "Практикумы.docx"
    path.write_bytes(docx_bytes("Практикумы по географии", PARAGRAPHS))

    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(live_server.url + "/library/new/")
    page.get_by_label("Название").fill("Рекомендации для методических объединений")
    page.locator("#id_kind").select_option(label="Методический материал")
    page.locator("#id_access").select_option(label="Педагогам района")
    page.locator("#id_upload").set_input_files(str(path))
    page.get_by_label("Опубликовать сразу").check()
    assert_accessible(page)
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", name="Рекомендации для методических объединений")).to_be_visible()

    run_queued_jobs()  # what `imo worker` does: the text of the file is extracted and indexed

    teacher = browser.new_page()
    login(teacher, live_server, "teacher_a", PASSWORD)
    teacher.goto(live_server.url + "/library/")
    # «картографический» is only in the file's text, and in another form: «картографических» was uploaded.
    teacher.get_by_label("Поиск по банку документов").fill("картографический практикум")
    teacher.get_by_role("button", name="Найти").click()
    result = teacher.get_by_role("link", name="Рекомендации для методических объединений")
    expect(result).to_be_visible()
    expect(teacher.locator("mark").first).to_be_visible()
    assert_accessible(teacher)
    result.click()
    with teacher.expect_download() as download_info:
        teacher.get_by_role("link", name="Скачать").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    saved = tmp_path / "downloaded.docx"
    download.save_as(saved)
    assert saved.read_bytes() == path.read_bytes()
    teacher.close()

    visitor = browser.new_page()
    visitor.goto(live_server.url + "/library/?q=картографический")
    expect(visitor.get_by_text("Рекомендации для методических объединений")).to_have_count(0)
    visitor.close()


def test_public_news_on_the_front_page_and_in_the_feed(
    page: Page, live_server, district, login, assert_accessible, browser
):
    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(live_server.url + "/news/manage/")
    page.get_by_role("link", name="Добавить новость").first.click()
    page.get_by_label("Заголовок").fill("Семинар для учителей истории")
    page.get_by_label("Текст").fill("Приглашаем на **семинар**.<script>alert(1)</script>")
    page.get_by_label("Всем, включая посетителей сайта").check()
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Семинар для учителей истории").first).to_be_visible()

    visitor = browser.new_page()
    visitor.goto(live_server.url + "/")
    link = visitor.get_by_role("link", name="Семинар для учителей истории")
    expect(link).to_be_visible()
    link.click()
    expect(visitor.locator("strong", has_text="семинар")).to_be_visible()
    expect(visitor.locator("script", has_text="alert(1)")).to_have_count(0)
    assert_accessible(visitor)
    feed = visitor.request.get(live_server.url + "/news/feed/")
    assert feed.ok
    assert "Семинар для учителей истории" in feed.text()
    visitor.close()
