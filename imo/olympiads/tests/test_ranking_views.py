"""Ranking pages: allowed and denied roles, school admins read their own school's rows, appeals, the tool."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import xlsxwriter
from django.urls import reverse

from imo.olympiads.models import Appeal, Participation
from imo.olympiads.ranking.services import appeal_file, rank_stage_subject
from imo.olympiads.tests.ranking_fixtures import make_ranked

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(district):
    data = make_ranked(district)
    rank_stage_subject(stage_subject=data.math, by=None)
    return data


def test_methodist_sees_ranking_with_reasons_and_excel(client, district, ranked):
    client.force_login(district.user("methodist"))
    url = reverse("olympiads:ranking_subject", args=[ranked.math.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Андреева Анна" in text and "Григорьев Глеб" in text
    assert "победитель" in text and "меньше 50 % максимума" in text
    assert "Пересчитать" in text
    assert client.get(url, {"status": "winner"}).content.decode().count("Борисов") == 0
    export = client.get(url, {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")


def test_recompute_office_editor_only(client, district, ranked):
    url = reverse("olympiads:ranking_recompute", args=[ranked.math.pk])
    client.force_login(district.user("observer"))
    assert client.post(url).status_code == 403
    client.force_login(district.user("methodist"))
    assert client.post(url).status_code == 302


def test_teacher_forbidden(client, district, ranked):
    client.force_login(district.user("teacher_a"))
    assert client.get(reverse("olympiads:ranking_subject", args=[ranked.math.pk])).status_code == 403
    assert client.get(reverse("olympiads:ranking_tool")).status_code == 403


def test_school_admin_reads_own_school_rows_only(client, district, ranked):
    client.force_login(district.user("school_admin_a"))
    page = client.get(reverse("olympiads:ranking_subject", args=[ranked.math.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Андреева Анна" in text  # school A
    assert "Борисов Борис" not in text  # school B
    assert "Пересчитать" not in text
    own = ranked.parts["Андреева Анна"].pk
    other = ranked.parts["Борисов Борис"].pk
    assert client.get(reverse("olympiads:ranking_participation", args=[own])).status_code == 200
    assert client.get(reverse("olympiads:ranking_participation", args=[other])).status_code == 404
    assert client.post(reverse("olympiads:ranking_appeal_file", args=[own])).status_code == 403


def test_appeal_through_pages_raises_and_reranks(client, district, ranked):
    client.force_login(district.user("methodist"))
    part = ranked.parts["Васильева Вера"]
    response = client.post(
        reverse("olympiads:ranking_appeal_file", args=[part.pk]),
        {"filed_on": "2026-12-01", "reason": "Задача 2"},
    )
    appeal = Appeal.objects.get(participation=part)
    assert response.status_code == 302
    decide = reverse("olympiads:ranking_appeal_decide", args=[appeal.pk])
    bad = client.post(decide, {"decision": "raised", "new_score": "50", "decided_on": "2026-12-02"})
    assert bad.status_code == 400 and "больше прежнего" in bad.content.decode()
    client.post(decide, {"decision": "raised", "new_score": "80", "decided_on": "2026-12-02"})
    part.refresh_from_db()
    assert part.score == Decimal(80) and part.status == "prize_winner"
    # final: the decide page redirects and changes nothing
    again = client.post(decide, {"decision": "lowered", "new_score": "10", "decided_on": "2026-12-03"})
    assert again.status_code == 302
    part.refresh_from_db()
    assert part.score == Decimal(80)
    listing = client.get(reverse("olympiads:ranking_stage_appeals", args=[ranked.stage.pk]))
    assert listing.status_code == 200 and "+20" in listing.content.decode()
    export = client.get(
        reverse("olympiads:ranking_stage_appeals", args=[ranked.stage.pk]), {"export": "xlsx"}
    )
    assert export.status_code == 200


def test_school_admin_appeals_list_filtered(client, district, ranked):
    appeal_file(
        participation=ranked.parts["Борисов Борис"], filed_on=dt.date(2026, 12, 1), reason="", by=None
    )
    client.force_login(district.user("school_admin_a"))
    page = client.get(reverse("olympiads:ranking_stage_appeals", args=[ranked.stage.pk]))
    assert page.status_code == 200 and "Борисов" not in page.content.decode()
    client.force_login(district.user("methodist"))
    page = client.get(reverse("olympiads:ranking_stage_appeals", args=[ranked.stage.pk]))
    assert "Борисов" in page.content.decode()


def _protocol(tmp_path, rows):
    path = tmp_path / "p.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for index, row in enumerate(rows):
        sheet.write_row(index, 0, row)
    book.close()
    return path


def test_tool_page_ranks_and_downloads(client, district, tmp_path):
    path = _protocol(
        tmp_path,
        [
            ["ФИО", "Школа", "Класс", "Балл"],
            ["Иванова Мария", "СОШ 1", 9, 80],
            ["Петров Пётр", "СОШ 2", 9, 30],
        ],
    )
    client.force_login(district.user("school_admin_a"))
    data = {
        "max_score": "100",
        "total_share": "45",
        "winners_share": "5",
        "min_award_share": "50",
        "rounding": "down",
        "group_by": "grade",
    }
    with path.open("rb") as handle:
        page = client.post(reverse("olympiads:ranking_tool"), {**data, "file": handle, "show": "1"})
    assert page.status_code == 200 and "Иванова Мария" in page.content.decode()
    with path.open("rb") as handle:
        download = client.post(reverse("olympiads:ranking_tool"), {**data, "file": handle, "download": "1"})
    assert download["Content-Type"].startswith("application/vnd.openxml")


def test_tool_page_bad_file(client, district, tmp_path):
    path = _protocol(tmp_path, [["ФИО", "Класс", "Балл"], ["Иванова Мария", 9, "много"]])
    client.force_login(district.user("methodist"))
    data = {
        "max_score": "100",
        "total_share": "45",
        "winners_share": "5",
        "min_award_share": "50",
        "rounding": "down",
        "group_by": "grade",
    }
    with path.open("rb") as handle:
        page = client.post(reverse("olympiads:ranking_tool"), {**data, "file": handle})
    assert page.status_code == 400
    assert "Строка 2, столбец C («Балл»)" in page.content.decode()
    assert not Participation.objects.exists()


def test_index_lists_stage_subjects_with_counts(client, district, ranked):
    client.force_login(district.user("observer"))
    url = reverse("olympiads:ranking_index")
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert reverse("olympiads:ranking_subject", args=[ranked.math.pk]) in text
    assert client.get(url, {"state": "unranked"}).content.decode().count("ranking/subject/") == 0
    assert client.get(url, {"export": "xlsx"}).status_code == 200
    client.force_login(district.user("teacher_a"))
    assert client.get(url).status_code == 403
