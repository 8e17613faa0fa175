"""Files uploaded in answers: the office lists and downloads them, a school admin only their school's,
the respondent their own; always as attachments, and never through an anonymous response's link."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from imo.orgs.models import Membership, Role
from imo.orgs.tests.factories import make_district
from imo.staff.models import Educator
from imo.staff.tests.factories import make_educator
from imo.surveys.answering import services
from imo.surveys.models import Answer, AudienceKind, Mode
from imo.surveys.tests.answering_fixtures import make_survey, token_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% plan of the school\n"


def _send(made: Any, *, school: Any, by: Any, label: str) -> Answer:
    name = default_storage.save("surveys/test/plan.pdf", ContentFile(PDF))
    token = token_for(made.survey, school=school)
    values = {"stage": {"option": 1, "other": ""}, "report": {"name": name, "label": label}}
    response = services.response_submit(survey=made.survey, respondent=token, values=values, by=by)
    return Answer.objects.get(response=response, question__code="report")


@pytest.fixture
def monitoring():
    d = make_district()
    made = make_survey(d, audience=AudienceKind.SCHOOLS)
    a = _send(made, school=d.school_a, by=d.user("school_admin_a"), label="План ИКТ школы А.pdf")
    b = _send(made, school=d.school_b, by=d.user("school_admin_b"), label="План ИКТ школы Б.pdf")
    yield d, made, a, b
    for answer in (a, b):
        default_storage.delete(answer.file.name)


def test_office_lists_and_downloads_every_school_file(client, monitoring):
    d, made, a, _b = monitoring
    client.force_login(d.user("methodist"))
    page = client.get(reverse("surveys:results_files", args=[made.survey.pk, "report"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "План ИКТ школы А.pdf" in html and "План ИКТ школы Б.pdf" in html
    results = client.get(reverse("surveys:results", args=[made.survey.pk])).content.decode()
    assert "Приложили файл: <strong>2</strong>" in results
    download = client.get(reverse("surveys:results_file_download", args=[made.survey.pk, a.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF


def test_school_admin_sees_only_own_school_files(client, monitoring):
    d, made, a, b = monitoring
    client.force_login(d.user("school_admin_a"))
    html = client.get(reverse("surveys:results_files", args=[made.survey.pk, "report"])).content.decode()
    assert "План ИКТ школы А.pdf" in html and "План ИКТ школы Б.pdf" not in html
    assert (
        client.get(reverse("surveys:results_file_download", args=[made.survey.pk, a.pk])).status_code == 200
    )
    assert (
        client.get(reverse("surveys:results_file_download", args=[made.survey.pk, b.pk])).status_code == 404
    )


def test_teacher_gets_no_results_files(client, monitoring):
    d, made, a, _b = monitoring
    client.force_login(d.user("teacher_a"))
    assert client.get(reverse("surveys:results_files", args=[made.survey.pk, "report"])).status_code in (
        403,
        404,
    )
    assert client.get(reverse("surveys:results_file_download", args=[made.survey.pk, a.pk])).status_code in (
        403,
        404,
    )


def test_respondent_downloads_own_file_others_do_not(client, monitoring):
    d, made, _a, _b = monitoring
    url = reverse("surveys:answer_file", args=[made.survey.pk, "report"]) + f"?school={d.school_a.pk}"
    client.force_login(d.user("school_admin_a"))
    own = client.get(url)
    assert own.status_code == 200 and own["Content-Disposition"].startswith("attachment;")
    page = client.get(reverse("surveys:answer", args=[made.survey.pk]) + f"?school={d.school_a.pk}")
    assert url.split("?")[0] in page.content.decode()
    client.force_login(d.user("school_admin_b"))
    assert client.get(url).status_code == 404


def test_anonymous_response_file_has_no_respondent_link(client):
    d = make_district()
    made = make_survey(d, mode=Mode.ANONYMOUS)
    educator = make_educator(municipality=d.municipality, school=d.school_a)
    Educator.objects.filter(pk=educator.pk).update(user=d.user("teacher_a"))
    Membership.objects.get_or_create(user=d.user("teacher_a"), organization=d.school_a, role=Role.TEACHER)
    name = default_storage.save("surveys/test/anon.pdf", ContentFile(PDF))
    token = token_for(made.survey, educator=educator)
    values = {"stage": {"option": 1, "other": ""}, "report": {"name": name, "label": "Мой отчёт.pdf"}}
    services.response_submit(survey=made.survey, respondent=token, values=values, by=d.user("teacher_a"))
    client.force_login(d.user("teacher_a"))
    assert client.get(reverse("surveys:answer_file", args=[made.survey.pk, "report"])).status_code == 404
    default_storage.delete(name)
