"""Pages of the training plan: who sees and who changes what, the quota grid and the forecast split,
nominating, decisions, plan vs done, Excel and DOCX, and a fixed number of queries."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from imo.core.navigation import menu_for
from imo.reference.services import academic_year_ensure
from imo.training.models import Nomination, PlanLine, PlanQuota, TrainingPlan
from imo.training.plans import views
from imo.training.tests.plans_fixtures import complete, make_plan, nominate

Status = TrainingPlan.Status
OFFICE = ["head", "methodist", "secretary", "observer", "admin"]


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _sheet(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_url_names():
    assert reverse("training:plans") == "/training/plans/"
    assert reverse("training:plan", args=[3]) == "/training/plans/3/"
    assert reverse("training:plan_line_quotas", args=[3]) == "/training/plans/lines/3/quotas/"
    assert reverse("training:plan_nominate", args=[3]) == "/training/plans/lines/3/nominate/"
    assert reverse("training:plan_progress", args=[3]) == "/training/plans/3/progress/"


@pytest.mark.parametrize("key", [*OFFICE, "school_admin_a"])
def test_who_sees_the_plans(client, district, key):
    setup = make_plan(district)
    client.force_login(district.user(key))
    for name in (
        "plan",
        "plan_progress",
        "plan_export",
        "plan_progress_export",
        "plan_docx",
        "plan_report_docx",
    ):
        assert client.get(reverse(f"training:{name}", args=[setup.plan.pk])).status_code == 200, name
    response = client.get(reverse("training:plans"))
    assert response.status_code == 200 and str(setup.plan) in response.content.decode()
    assert client.get(reverse("training:plans") + "?export=xlsx").status_code == 200
    assert any(
        link.label == "План повышения квалификации" for g in menu_for(district.user(key)) for link in g.links
    )


@pytest.mark.parametrize("key", ["teacher_a", "no_role"])
def test_teachers_get_403(client, district, key):
    setup = make_plan(district)
    client.force_login(district.user(key))
    assert client.get(reverse("training:plans")).status_code == 403
    assert client.get(reverse("training:plan", args=[setup.plan.pk])).status_code == 403
    assert client.get(reverse("training:plan_nominate", args=[setup.line.pk])).status_code == 403
    assert not any(
        link.label == "План повышения квалификации" for g in menu_for(district.user(key)) for link in g.links
    )


def test_anonymous_is_sent_to_login(client, district):
    response = client.get(reverse("training:plans"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_school_admin_sees_only_their_school_and_no_drafts(client, district):
    setup = make_plan(district)
    nominate(setup, setup.a1, district.school_a)
    nominate(setup, setup.b1, district.school_b)
    client.force_login(district.user("school_admin_a"))
    page = client.get(reverse("training:plan", args=[setup.plan.pk])).content.decode()
    assert setup.a1.full_name in page and setup.b1.full_name not in page
    assert "СОШ с. Бельты" not in page
    progress = client.get(reverse("training:plan_progress", args=[setup.plan.pk])).content.decode()
    assert "СОШ с. Бельты" not in progress
    rows = _sheet(client.get(reverse("training:plan_export", args=[setup.plan.pk])).content)
    assert [r[9] for r in rows[1:]] == ["СОШ № 1 г. Курчалой"]
    docx = _docx_text(client.get(reverse("training:plan_docx", args=[setup.plan.pk])).content)
    assert "СОШ № 1 г. Курчалой — 2" in docx and "Бельты" not in docx
    # another school's nomination: 404
    other = Nomination.objects.get(educator=setup.b1)
    url = reverse("training:plan_nomination_withdraw", args=[other.pk])
    assert client.post(url).status_code == 404
    setup.plan.status = Status.DRAFT
    setup.plan.save()
    assert client.get(reverse("training:plan", args=[setup.plan.pk])).status_code == 404


def test_observer_and_school_admin_cannot_change_the_plan(client, district):
    setup = make_plan(district, status=Status.DRAFT)
    setup.plan.status = Status.NOMINATING
    setup.plan.save()
    for key in ("observer", "school_admin_a"):
        client.force_login(district.user(key))
        assert client.get(reverse("training:plan_create")).status_code == 403
        assert client.get(reverse("training:plan_line_add", args=[setup.plan.pk])).status_code == 403
        assert client.get(reverse("training:plan_line_quotas", args=[setup.line.pk])).status_code == 403
        assert client.post(reverse("training:plan_approve", args=[setup.plan.pk])).status_code == 403
    nomination = nominate(setup, setup.a1, district.school_a)
    response = client.post(
        reverse("training:plan_nomination_decide", args=[nomination.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.NOMINATED


def test_office_creates_a_plan_adds_a_line_and_sets_quotas(client, district):
    year = academic_year_ensure(on=__import__("datetime").date.today())
    client.force_login(district.user("methodist"))
    response = client.post(
        reverse("training:plan_create"), {"municipality": district.municipality.pk, "academic_year": year.pk}
    )
    plan = TrainingPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("training:plan", args=[plan.pk])
    again = client.post(
        reverse("training:plan_create"), {"municipality": district.municipality.pk, "academic_year": year.pk}
    )
    assert "уже есть" in again.content.decode()
    empty = client.post(reverse("training:plan_line_add", args=[plan.pk]), {"hours": "36"})
    assert "Выберите программу из справочника или укажите тему курса." in empty.content.decode()
    response = client.post(
        reverse("training:plan_line_add", args=[plan.pk]),
        {"topic": "Функциональная грамотность", "kind": "refresher", "hours": "36", "audience": "учителя"},
    )
    line = PlanLine.objects.get()
    assert response["Location"] == reverse("training:plan_line_quotas", args=[line.pk])
    grid = client.get(response["Location"]).content.decode()
    assert "СОШ № 1 г. Курчалой" in grid and "Распределить места по прогнозу" in grid
    bad = client.post(
        response["Location"], {f"places_{district.school_a.pk}": "-1", f"places_{district.school_b.pk}": "2"}
    )
    assert "введите целое неотрицательное число мест" in bad.content.decode()
    assert not PlanQuota.objects.exists()
    client.post(
        response["Location"], {f"places_{district.school_a.pk}": "3", f"places_{district.school_b.pk}": ""}
    )
    assert dict(PlanQuota.objects.values_list("school_id", "places")) == {district.school_a.pk: 3}
    opened = client.post(reverse("training:plan_open", args=[plan.pk]), {"nominations_until": "2099-01-31"})
    assert opened.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Status.NOMINATING


def test_forecast_is_shown_and_the_button_splits_places(client, district, monkeypatch):
    from imo.training.compliance import selectors as compliance

    setup = make_plan(district, status=Status.DRAFT, places_a=0, places_b=0)
    monkeypatch.setattr(
        compliance,
        "due_counts_by_school",
        lambda *, user, by_date: {district.school_a.pk: 9, district.school_b.pk: 3},
    )
    client.force_login(district.user("head"))
    url = reverse("training:plan_line_quotas", args=[setup.line.pk])
    page = client.get(url).content.decode()
    assert ">9<" in page and ">3<" in page
    response = client.post(reverse("training:plan_line_distribute", args=[setup.line.pk]), {"total": "8"})
    assert response["Location"] == url
    assert dict(PlanQuota.objects.values_list("school_id", "places")) == {
        district.school_a.pk: 6,
        district.school_b.pk: 2,
    }
    client.post(reverse("training:plan_line_distribute", args=[setup.line.pk]), {"total": "-3"})
    assert PlanQuota.objects.count() == 2


def test_school_admin_nominates_own_educators_only(client, district):
    setup = make_plan(district, places_a=1)
    client.force_login(district.user("school_admin_a"))
    url = reverse("training:plan_nominate", args=[setup.line.pk])
    page = client.get(url).content.decode()
    assert setup.a1.full_name in page and setup.b1.full_name not in page
    foreign = client.post(url, {"school": district.school_a.pk, "educator": setup.b1.pk})
    assert "Выберите педагога своей организации из списка." in foreign.content.decode()
    other_school = client.post(
        url + f"?school={district.school_b.pk}", {"school": district.school_b.pk, "educator": setup.b1.pk}
    )
    assert other_school.status_code == 200 and not Nomination.objects.exists()
    ok = client.post(url, {"school": district.school_a.pk, "educator": setup.a1.pk})
    assert ok.status_code == 302
    full = client.post(url, {"school": district.school_a.pk, "educator": setup.a2.pk})
    assert "исчерпана: мест 1, выдвинуто 1" in full.content.decode()
    assert list(Nomination.objects.values_list("educator_id", flat=True)) == [setup.a1.pk]
    # school B has no places on a line without its quota: 404
    PlanQuota.objects.filter(school=district.school_b).delete()
    client.force_login(district.user("school_admin_b"))
    assert client.get(url).status_code == 404


def test_office_decides_and_approves_the_plan(client, district):
    setup = make_plan(district)
    first = nominate(setup, setup.a1, district.school_a)
    second = nominate(setup, setup.a2, district.school_a)
    client.force_login(district.user("secretary"))
    plan_url = reverse("training:plan", args=[setup.plan.pk])
    client.post(reverse("training:plan_nomination_decide", args=[first.pk]), {"decision": "reject"})
    blocked = client.post(reverse("training:plan_approve", args=[setup.plan.pk]), follow=True)
    assert "ожидающие решения: 1" in blocked.content.decode()
    client.post(reverse("training:plan_nomination_decide", args=[second.pk]), {"decision": "approve"})
    done = client.post(reverse("training:plan_approve", args=[setup.plan.pk]), follow=True)
    assert "План утверждён." in done.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Nomination.Status.REJECTED, Nomination.Status.APPROVED)
    assert client.get(plan_url).status_code == 200


def test_progress_page_excel_and_report(client, district):
    setup = make_plan(district)
    nominate(setup, setup.a1, district.school_a, Nomination.Status.APPROVED)
    nominate(setup, setup.a2, district.school_a, Nomination.Status.APPROVED)
    complete(setup.a1, setup.line)
    complete(setup.b1, setup.line)
    client.force_login(district.user("head"))
    page = client.get(reverse("training:plan_progress", args=[setup.plan.pk])).content.decode()
    assert "прошёл(а) обучение 20.10.2026" in page and "ещё не прошёл(а)" in page and "без выдвижения" in page
    assert reverse("training:import") + f"?scope={setup.line.pk}" in page
    rows = _sheet(client.get(reverse("training:plan_progress_export", args=[setup.plan.pk])).content)
    assert rows[0][:7] == (
        "№",
        "Курс",
        "Организация",
        "Мест по плану",
        "Выдвинуто",
        "Утверждено",
        "Прошли обучение",
    )
    assert rows[1][2:8] == ("СОШ № 1 г. Курчалой", 2, 2, 2, 1, 1)
    assert rows[1][9] == setup.a2.full_name
    assert rows[2][2] == "СОШ с. Бельты" and rows[2][6] == 1 and rows[2][8] == setup.b1.full_name
    assert rows[3][2:7] == ("Итого по курсу", 3, 2, 2, 2)
    report = _docx_text(client.get(reverse("training:plan_report_docx", args=[setup.plan.pk])).content)
    assert "Функциональная грамотность" in report and "прошли обучение — 2" in report
    assert "Итого по курсу" in report


def test_plan_docx_has_the_approval_block_and_the_places(client, district):
    setup = make_plan(district, places_a=3, places_b=2)
    client.force_login(district.user("head"))
    response = client.get(reverse("training:plan_docx", args=[setup.plan.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    text = _docx_text(response.content)
    assert "УТВЕРЖДАЮ" in text and "Функциональная грамотность" in text
    assert "СОШ № 1 г. Курчалой — 3; СОШ с. Бельты — 2" in text
    assert "Всего мест по плану: 5." in text


def test_plan_page_runs_a_fixed_number_of_queries(client, district):
    setup = make_plan(district)
    client.force_login(district.user("head"))
    url = reverse("training:plan", args=[setup.plan.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(3):
        line = PlanLine.objects.create(plan=setup.plan, topic=f"Тема {n}")
        PlanQuota.objects.create(line=line, school=district.school_a, places=2)
    nominate(setup, setup.a3, district.school_a)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_import_link_follows_the_graduates_url():
    line = PlanLine(pk=7)
    assert views.import_url(line) == "/training/graduates/import/?scope=7"


def test_progress_page_runs_a_fixed_number_of_queries(client, district):
    setup = make_plan(district)
    client.force_login(district.user("head"))
    url = reverse("training:plan_progress", args=[setup.plan.pk])
    nominate(setup, setup.a1, district.school_a, Nomination.Status.APPROVED)
    complete(setup.a1, setup.line)
    complete(setup.b1, setup.line)  # without a nomination: her current school is read (one query)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(3):
        line = PlanLine.objects.create(plan=setup.plan, topic=f"Тема {n}")
        PlanQuota.objects.create(line=line, school=district.school_b, places=2)
        complete(setup.b1, line)
        complete(setup.a2, line)
    nominate(setup, setup.a3, district.school_a)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count("без выдвижения") == 7
    assert len(many.captured_queries) == len(few.captured_queries)


def test_line_form_picks_a_programme_from_the_catalogue(client, district):
    from imo.training.tests.plans_fixtures import make_programme

    setup = make_plan(district, status=Status.DRAFT)
    programme = make_programme(title="Наставничество в школе", hours=72)
    client.force_login(district.user("methodist"))
    url = reverse("training:plan_line_add", args=[setup.plan.pk])
    page = client.get(url).content.decode()
    assert reverse("training:programme_options") + "?blank=1" in page and "Наставничество в школе" in page
    client.post(url, {"programme": programme.pk, "starts_on": "2026-11-02", "ends_on": "2026-11-13"})
    line = PlanLine.objects.exclude(pk=setup.line.pk).get()
    assert (line.programme, line.provider, line.hours) == (programme, programme.provider, 72)
    edit = reverse("training:plan_line_edit", args=[line.pk])
    assert client.post(edit, {"topic": "Другая тема", "hours": "18"}).status_code == 302
    line.refresh_from_db()
    assert (line.programme, line.topic, line.hours) == (None, "Другая тема", 18)
    client.post(reverse("training:plan_line_delete", args=[line.pk]))
    assert not PlanLine.objects.filter(pk=line.pk).exists()


def test_plan_edit_and_delete_of_a_draft_only(client, district):
    setup = make_plan(district)
    client.force_login(district.user("head"))
    response = client.post(
        reverse("training:plan_edit", args=[setup.plan.pk]),
        {"title": "План на год", "nominations_until": "2099-05-01"},
    )
    assert response.status_code == 302
    setup.plan.refresh_from_db()
    assert str(setup.plan) == "План на год"
    client.post(reverse("training:plan_delete", args=[setup.plan.pk]))
    assert TrainingPlan.objects.filter(pk=setup.plan.pk).exists()  # not a draft: kept
    setup.plan.status = Status.DRAFT
    setup.plan.save()
    client.post(reverse("training:plan_delete", args=[setup.plan.pk]))
    assert not TrainingPlan.objects.filter(pk=setup.plan.pk).exists()
