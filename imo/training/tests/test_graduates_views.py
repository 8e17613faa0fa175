"""Pages of the graduates' list import and of the resolution (issue #6 item 5): who may open them, the
upload with the provider and the plan line, the preview's pending rows, picking and skipping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imo.core.imports.models import ImportRun
from imo.core.imports.tests import files
from imo.staff.tests.factories import make_educator
from imo.training import counting
from imo.training.graduates import selectors, services
from imo.training.models import CourseRecord, PendingGraduate, PlanLine, TrainingPlan
from imo.training.tests.graduates_fixtures import HEADER, make_people, make_provider, row, run_import

SCHOOL_A = "СОШ № 1 г. Курчалой"


@pytest.fixture
def people(district):
    return make_people(district)


@pytest.fixture
def provider(db):
    return make_provider()


def _upload(rows):
    return SimpleUploadedFile("слушатели.xlsx", files.xlsx([HEADER, *rows]))


@pytest.fixture
def pending(district, people, provider, tmp_path):
    """Row 2: the two namesakes Хасанов at school A (ambiguous); row 3: nobody (unmatched)."""
    run_import(
        tmp_path,
        [
            row(name="Хасанов Ислам Русланович", snils="", school=SCHOOL_A, number="K-1"),
            row(name="Неизвестная Анна Петровна", snils="", number="K-2"),
        ],
        provider=provider,
        user=district.user("methodist"),
    )
    rows = {p.row_number: p for p in PendingGraduate.objects.all()}
    return rows[2], rows[3]


@pytest.mark.parametrize("key", ["observer", "teacher_a", "no_role"])
def test_roles_that_may_not_import_or_resolve_get_403(client, district, key):
    client.force_login(district.user(key))
    for name in ("training:import", "training:import_template", "training:pending_graduates"):
        assert client.get(reverse(name)).status_code == 403


def test_anonymous_goes_to_login(client, db):
    assert client.get(reverse("training:pending_graduates")).status_code == 302


def test_upload_preview_commit_and_pending_list(client, district, people, provider):
    client.force_login(district.user("methodist"))
    page = client.get(reverse("training:import"))
    assert page.status_code == 200 and "Организация повышения квалификации" in page.content.decode()
    rows = [row(number="1"), row(name="Хасанов Ислам Русланович", snils="", school=SCHOOL_A, number="2")]
    response = client.post(reverse("training:import"), {"file": _upload(rows), "provider": provider.pk})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "training:import_run", args=[run.pk]
    )
    assert run.options == {"provider_id": provider.pk, "run_id": run.pk}
    preview = client.get(response["Location"]).content.decode()
    assert "найдено 2 педагогов — выберите на странице сопоставления" in preview
    client.post(reverse("training:import_commit", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE
    assert CourseRecord.objects.get().educator == people["isaeva"]
    pending = PendingGraduate.objects.get()
    assert (pending.run, pending.row_number) == (run, 3)
    listing = client.get(reverse("training:pending_graduates"), {"run": run.pk}).content.decode()
    assert "Хасанов Ислам Русланович" in listing and "15.10.2024" in listing
    export = client.get(reverse("training:pending_graduates"), {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    # Another user's run is not found.
    client.force_login(district.user("head"))
    assert client.get(reverse("training:import_run", args=[run.pk])).status_code == 404


def test_import_without_a_provider_is_an_error_of_every_row(client, district, people):
    client.force_login(district.user("methodist"))
    client.post(reverse("training:import"), {"file": _upload([row()])})
    run = ImportRun.objects.get()
    assert run.report["invalid"] == 1
    assert "Не указана организация" in run.report["errors"][0]["message"]


def test_scope_parameter_preselects_the_plan_line_and_its_provider(client, district, provider):
    from imo.reference.models import AcademicYear

    year, _ = AcademicYear.objects.get_or_create(
        start_year=2024, defaults={"starts_on": dt.date(2024, 9, 1), "ends_on": dt.date(2025, 8, 31)}
    )
    plan = TrainingPlan.objects.create(municipality=district.municipality, academic_year=year)
    line = PlanLine.objects.create(plan=plan, topic="Обновлённые ФГОС", provider=provider)
    client.force_login(district.user("methodist"))
    page = client.get(reverse("training:import"), {"scope": line.pk}).content.decode()
    assert f'<option value="{line.pk}" selected>' in page
    assert f'<option value="{provider.pk}" selected>' in page
    client.post(
        reverse("training:import"),
        {"file": _upload([row()]), "provider": provider.pk, "plan_line": line.pk},
    )
    assert ImportRun.objects.get().options["plan_line_id"] == line.pk


def test_office_picks_a_candidate(client, district, people, pending):
    ambiguous, _ = pending
    client.force_login(district.user("methodist"))
    page = client.get(reverse("training:pending_graduate", args=[ambiguous.pk])).content.decode()
    assert "Возможные педагоги" in page and page.count("Хасанов Ислам Русланович") >= 2
    response = client.post(
        reverse("training:pending_graduate", args=[ambiguous.pk]),
        {"action": "pick", "educator": people["khasanov2"].pk},
    )
    assert response.status_code == 302
    ambiguous.refresh_from_db()
    record = CourseRecord.objects.get()
    assert (record.educator, record.document_number, record.source) == (
        people["khasanov2"],
        "K-1",
        CourseRecord.Source.IMPORT,
    )
    assert ambiguous.status == PendingGraduate.Status.RESOLVED
    assert (ambiguous.educator, ambiguous.record, ambiguous.resolved_by) == (
        people["khasanov2"],
        record,
        district.user("methodist"),
    )
    # A decided row cannot be decided again.
    again = client.post(
        reverse("training:pending_graduate", args=[ambiguous.pk]),
        {"action": "pick", "educator": people["khasanov1"].pk},
        follow=True,
    )
    assert "уже обработана" in again.content.decode() and CourseRecord.objects.count() == 1


def test_search_finds_another_educator_and_the_duplicate_document_rule(client, district, people, pending):
    _, unmatched = pending
    client.force_login(district.user("methodist"))
    page = client.get(reverse("training:pending_graduate", args=[unmatched.pk]), {"q": "алиева"})
    assert "Алиева Хеда Магомедовна" in page.content.decode()
    CourseRecord.objects.create(
        educator=people["isaeva"], title="X", provider_id=unmatched.data["provider_id"],
        provider_kind="state", hours=36, starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2024, 1, 10),
        document_number="k -2",
    )  # fmt: skip
    response = client.post(
        reverse("training:pending_graduate", args=[unmatched.pk]),
        {"action": "pick", "educator": people["alieva"].pk},
        follow=True,
    )
    message = counting.MSG_DUPLICATE_DOCUMENT.format(number="K-2", who="за другим педагогом")
    assert message.split("(")[0] in response.content.decode()
    unmatched.refresh_from_db()
    assert unmatched.status == PendingGraduate.Status.OPEN


def test_skip_with_a_comment(client, district, people, pending):
    _, unmatched = pending
    client.force_login(district.user("secretary"))
    client.post(
        reverse("training:pending_graduate", args=[unmatched.pk]),
        {"action": "skip", "comment": "работает в другом районе"},
    )
    unmatched.refresh_from_db()
    assert unmatched.status == PendingGraduate.Status.SKIPPED
    assert unmatched.data["comment"] == "работает в другом районе"
    assert not CourseRecord.objects.exists()


def test_school_admins_see_rows_of_their_candidates_only(client, district, people, pending):
    ambiguous, unmatched = pending
    client.force_login(district.user("school_admin_a"))
    listing = client.get(reverse("training:pending_graduates")).content.decode()
    assert "Хасанов Ислам Русланович" in listing and "Неизвестная Анна Петровна" not in listing
    assert client.get(reverse("training:pending_graduate", args=[ambiguous.pk])).status_code == 200
    assert client.get(reverse("training:pending_graduate", args=[unmatched.pk])).status_code == 404
    # A school admin picks only among the people of their school.
    outsider = make_educator(
        municipality=district.municipality,
        school=district.school_b,
        last_name="Хасанов",
        first_name="Ислам",
        patronymic="Русланович",
    )
    response = client.post(
        reverse("training:pending_graduate", args=[ambiguous.pk]), {"action": "pick", "educator": outsider.pk}
    )
    assert response.status_code == 404
    client.force_login(district.user("school_admin_b"))
    assert client.get(reverse("training:pending_graduate", args=[ambiguous.pk])).status_code == 404
    assert "Хасанов" not in client.get(reverse("training:pending_graduates")).content.decode()


def test_teacher_gets_403_on_a_row(client, district, pending):
    client.force_login(district.user("teacher_a"))
    assert client.get(reverse("training:pending_graduate", args=[pending[0].pk])).status_code == 403


def test_open_count_for(district, people, pending):
    assert selectors.open_count_for(user=district.user("methodist")) == 2
    assert selectors.open_count_for(user=district.user("school_admin_a")) == 1
    assert selectors.open_count_for(user=district.user("school_admin_b")) == 0
    assert selectors.open_count_for(user=district.user("teacher_a")) == 0
    services.pending_graduate_skip(pending=pending[1], by=district.user("methodist"))
    assert selectors.open_count_for(user=district.user("methodist")) == 1


def test_resolving_twice_for_the_same_educator_reuses_the_record(district, people, provider, tmp_path):
    rows = [row(name="Хасанов Ислам Русланович", snils="", school=SCHOOL_A, number="Z-1")]
    run_import(tmp_path, rows, provider=provider)
    first = PendingGraduate.objects.get()
    record = services.pending_graduate_resolve(
        pending=first, educator=people["khasanov1"], by=district.user("methodist")
    )
    second = PendingGraduate.objects.create(
        row_number=2, full_name=first.full_name, data=first.data, reason=first.reason, candidates=[]
    )
    again = services.pending_graduate_resolve(
        pending=second, educator=people["khasanov1"], by=district.user("methodist")
    )
    assert again == record and CourseRecord.objects.count() == 1


def test_template_and_errors_file(client, district, people, provider):
    client.force_login(district.user("school_admin_a"))
    template = client.get(reverse("training:import_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")
    client.post(reverse("training:import"), {"file": _upload([row(hours=4)]), "provider": provider.pk})
    run = ImportRun.objects.get()
    assert run.report["invalid"] == 1
    assert client.get(reverse("training:import_errors", args=[run.pk])).status_code == 200


def test_pending_list_sorts_by_name(client, district, people, pending):
    client.force_login(district.user("methodist"))
    page = client.get(reverse("training:pending_graduates"), {"sort": "name"}).content.decode()
    assert page.index("Неизвестная Анна Петровна") < page.index("Хасанов Ислам Русланович")
    page = client.get(reverse("training:pending_graduates"), {"sort": "-name"}).content.decode()
    assert page.index("Хасанов Ислам Русланович") < page.index("Неизвестная Анна Петровна")
    assert 'aria-sort="descending"' in page
