from __future__ import annotations

import io

import pytest
from django.urls import reverse

from imo.olympiads.models import Certificate
from imo.olympiads.tests.publication_fixtures import make_results
from imo.orgs.models import Organization
from imo.orgs.tests.factories import make_organization, make_user_with_role

pytestmark = pytest.mark.django_db


def _url(name, results, *args):
    return reverse(f"olympiads:{name}", args=[results.stage_subject.pk, *args])


def test_office_publishes_and_unpublishes(client, district):
    results = make_results(district)
    client.force_login(district.user("methodist"))
    page = client.get(_url("publication_subject", results)).content.decode()
    assert "Опубликовать результаты" in page
    response = client.post(_url("publication_publish", results))
    assert response.status_code == 302
    results.stage_subject.refresh_from_db()
    assert results.stage_subject.published_at is not None
    client.post(_url("publication_unpublish", results))
    results.stage_subject.refresh_from_db()
    assert results.stage_subject.published_at is None


@pytest.mark.parametrize("key", ["school_admin_a", "teacher_a", "observer", "no_role"])
def test_others_cannot_publish(client, district, key):
    results = make_results(district)
    client.force_login(district.user(key))
    assert client.post(_url("publication_publish", results)).status_code == 403
    assert client.post(_url("publication_diplomas_issue", results)).status_code == 403
    assert client.get(_url("publication_document", results, "protocol.docx")).status_code == 403
    results.stage_subject.refresh_from_db()
    assert results.stage_subject.published_at is None
    assert not Certificate.objects.exists()


def test_anonymous_is_sent_to_login(client, district):
    results = make_results(district)
    response = client.post(_url("publication_publish", results))
    assert response.status_code == 302 and "login" in response["Location"]


def test_observer_reads_the_office_page_without_buttons(client, district):
    results = make_results(district)
    client.force_login(district.user("observer"))
    response = client.get(_url("publication_subject", results))
    assert response.status_code == 200
    assert "Опубликовать результаты" not in response.content.decode()


def test_another_municipality_office_gets_404(client, district):
    other = make_organization(
        parent=district.region, kind=Organization.Kind.MUNICIPALITY, name="Шалинский район", short_name="Шали"
    )
    results = make_results(district)
    client.force_login(make_user_with_role("methodist", other))
    assert client.get(_url("publication_subject", results)).status_code == 404
    assert client.post(_url("publication_publish", results)).status_code == 404
    assert client.get(_url("publication_document", results, "ranking.xlsx")).status_code == 404


def test_office_list_shows_ranked_subjects(client, district):
    results = make_results(district)
    client.force_login(district.user("head"))
    page = client.get(reverse("olympiads:publication_list")).content.decode()
    assert _url("publication_subject", results) in page
    page = client.get(reverse("olympiads:publication_list"), {"state": "published"}).content.decode()
    assert _url("publication_subject", results) not in page


def test_issue_diplomas_and_download_them(client, district):
    results = make_results(district, published=True)
    client.force_login(district.user("secretary"))
    client.post(_url("publication_diplomas_issue", results))
    assert Certificate.objects.count() == 3
    response = client.get(_url("publication_diplomas_pdf", results))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF")
    one = Certificate.objects.order_by("pk")[0]
    response = client.get(_url("publication_diplomas_pdf", results), {"certificate": one.pk})
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]


def test_diplomas_pdf_before_issue_is_404(client, district):
    results = make_results(district)
    client.force_login(district.user("methodist"))
    assert client.get(_url("publication_diplomas_pdf", results)).status_code == 404


def test_excel_ranking_download(client, district):
    from openpyxl import load_workbook

    results = make_results(district)
    client.force_login(district.user("methodist"))
    response = client.get(_url("publication_document", results, "ranking.xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:4] == ["Класс", "Место", "Шифр", "Фамилия, имя, отчество"]
    assert any(row[3] == "Асхабов Ислам Магомедович" for row in values[1:])
    assert len(values) == 5
    response = client.get(_url("publication_document", results, "winners.xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 4  # header + 3 awarded
    assert client.get(_url("publication_document", results, "nothing.docx")).status_code == 404


def test_office_page_counts_the_students_shown_by_code(client, district):
    results = make_results(district)
    client.force_login(district.user("methodist"))
    response = client.get(_url("publication_subject", results))
    assert response.context["counts"] == {
        "ranked": 4,
        "winners": 1,
        "prize_winners": 2,
        "hidden": 1,
        "certificates": 0,
    }


def test_office_list_excel(client, district):
    from openpyxl import load_workbook

    make_results(district)
    client.force_login(district.user("head"))
    response = client.get(reverse("olympiads:publication_list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["Учебный год", "Муниципалитет", "Этап", "Предмет"]
    assert rows[1][3] == "Математика" and rows[1][5] is None


def _main(response) -> str:
    page = response.content.decode()
    return page[page.index("<main") :]


def _list_drawn(response) -> bool:
    return "olympiads/publication/_office_list_body.html" in [t.name for t in response.templates]


def test_office_list_is_kept_per_scope_and_filter_until_olympiads_change(client, district, monkeypatch):
    from imo.core import pagecache
    from imo.olympiads.models import StageSubject

    results = make_results(district)
    url = reverse("olympiads:publication_list")
    client.force_login(district.user("head"))
    pagecache.forget_own_writes()  # as a request after the setup's transaction would
    first = client.get(url)
    again = client.get(url)
    assert _list_drawn(first) and not _list_drawn(again)
    assert _main(again) == _main(first)  # the page around it holds a new form token each time
    assert _list_drawn(client.get(url, {"state": "published"}))  # another filter: its own list
    other = make_organization(
        parent=district.region, kind=Organization.Kind.MUNICIPALITY, name="Шалинский район", short_name="Шали"
    )
    client.force_login(make_user_with_role("methodist", other))
    pagecache.forget_own_writes()
    foreign = client.get(url)
    assert _list_drawn(foreign)  # another scope: never the head's list
    assert _url("publication_subject", results) not in foreign.content.decode()

    StageSubject.objects.filter(pk=results.stage_subject.pk).update(ranked_at=None, published_at=None)
    pagecache.forget_own_writes()
    monkeypatch.setattr(pagecache, "_in_transaction", lambda: False)
    pagecache.bump("olympiads")  # as the commit of the change would
    client.force_login(district.user("head"))
    later = client.get(url)
    assert _list_drawn(later)
    assert _url("publication_subject", results) not in later.content.decode()
