"""The «Сириус.Курсы» results import of an online stage subject."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imo.core.imports import engine, registry
from imo.core.imports.spec import ImportContext
from imo.core.imports.tests import files
from imo.olympiads.models import Participation, StageSubject
from imo.olympiads.scoring.importing import SIRIUS_IMPORT
from imo.olympiads.tests.scoring_fixtures import make_scoring

pytestmark = pytest.mark.django_db

HEADER = ["Логин", "Фамилия", "Имя", "Класс", "Школа", "Итоговый балл"]


@pytest.fixture
def online(district):
    return make_scoring(district, subject="Физика", online=True, tasks=False)


def run(tmp_path, stage_subject, rows, header=HEADER, **kwargs):
    path = tmp_path / "sirius.xlsx"
    path.write_bytes(files.xlsx([header, *rows]))
    context = ImportContext(user=None, options={"stage_subject_id": stage_subject.pk})
    return engine.import_file(SIRIUS_IMPORT, path, context, **kwargs)


def errors_of(analysis):
    return {(p.row, p.column): p.message for p in analysis.errors}


def test_registered_under_its_kind():
    assert registry.get("olympiad_sirius_results") is SIRIUS_IMPORT


def test_good_file_writes_scores_and_marks_the_subject_scored(tmp_path, online):
    rows = [
        ["sch1", "АБДУЛАЕВА", "Зарема", 7, "СОШ № 1 г. Курчалой", "23,5"],
        ["sch2", "Багаев", "Ислам", 7, "", 30],
        ["sch3", "Вагапова", "Ася", 8, "", 0],
    ]
    analysis = run(tmp_path, online.stage_subject, rows)
    assert not analysis.errors, errors_of(analysis)
    assert analysis.saved
    scores = {
        p.student.last_name: p.score for p in Participation.objects.filter(stage_subject=online.stage_subject)
    }
    assert scores == {"Абдулаева": Decimal("23.5"), "Багаев": Decimal("30"), "Вагапова": Decimal("0")}
    subject = StageSubject.objects.get(pk=online.stage_subject.pk)
    assert subject.codes_matched_at is not None and subject.scoring_closed_at is not None
    # the same file again changes nothing
    again = run(tmp_path, online.stage_subject, rows, dry_run=True)
    assert again.count(engine.UNCHANGED) == 3


def test_full_name_column_and_score_alias(tmp_path, online):
    header = ["ФИО участника", "Класс участия", "Балл"]
    analysis = run(tmp_path, online.stage_subject, [["Багаев Ислам Ахмедович", 7, 12]], header=header)
    assert not analysis.errors, errors_of(analysis)
    assert Participation.objects.get(student__last_name="Багаев").score == 12


def test_bad_rows_are_errors_by_row_and_column(tmp_path, online):
    rows = [
        ["x1", "Неизвестная", "Анна", 7, "", 10],
        ["x2", "Абдулаева", "Зарема", 7, "", 31],
        ["x3", "Багаев", "Ислам", 7, "", "пять"],
        ["x4", "Вагапова", "Ася", 8, "", -1],
        ["x5", "Вагапова", "Ася", 7, "", 5],  # wrong grade: not registered in 7th
    ]
    analysis = run(tmp_path, online.stage_subject, rows)
    errors = errors_of(analysis)
    assert "не найден" in errors[(2, "Фамилия")]
    assert errors[(3, "Итоговый балл")] == "Балл должен быть числом от 0 до 30."
    assert errors[(4, "Итоговый балл")] == "Балл должен быть числом от 0 до 30."
    assert errors[(5, "Итоговый балл")] == "Балл должен быть числом от 0 до 30."
    assert "не найден" in errors[(6, "Фамилия")]
    assert not analysis.saved
    assert not Participation.objects.filter(stage_subject=online.stage_subject, score__isnull=False).exists()


def test_missing_score_column_is_fatal(tmp_path, online):
    analysis = run(tmp_path, online.stage_subject, [["x", "Багаев", "Ислам", 7, ""]], header=HEADER[:5])
    assert any("нет обязательного столбца «Балл»" in p.message for p in analysis.problems)
    assert not analysis.saved


def test_jury_subject_is_not_online(tmp_path, district):
    offline = make_scoring(district)
    analysis = run(tmp_path, offline.stage_subject, [["x", "Багаев", "Ислам", 7, "", 3]])
    assert analysis.errors and not analysis.saved


def test_upload_page_office_only(client, online, district):
    url = reverse("olympiads:scoring_sirius")
    client.force_login(district.user("school_admin_a"))
    assert client.get(url).status_code == 403
    client.force_login(online.member)
    assert client.get(url).status_code == 403
    client.force_login(district.user("methodist"))
    page = client.get(url, {"subject": online.stage_subject.pk})
    assert page.status_code == 200
    upload = SimpleUploadedFile(
        "sirius.xlsx",
        files.xlsx([HEADER, ["a", "Багаев", "Ислам", 7, "", 17]]),
        content_type="application/octet-stream",
    )
    response = client.post(url, {"stage_subject": online.stage_subject.pk, "file": upload})
    assert response.status_code == 302
    run_page = client.get(response["Location"])
    assert run_page.status_code == 200
