"""Two people edit the same record: the first save wins, the second is refused with a Russian message that
says who changed it and when, and shows the second person's form again with what they typed. One case per
main edit form (imo.core.conflicts applied in each app)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from imo.core.conflicts import VERSION_FIELD
from imo.library.tests.documents_fixtures import make_document
from imo.olympiads.tests.setup_fixtures import make_season, make_stage, make_stage_subject
from imo.orgs.tests.factories import District, make_district
from imo.staff.models import Educator
from imo.staff.tests.factories import make_educator
from imo.surveys.tests.factories import make_survey
from imo.training.records import services as record_services
from imo.training.tests.records_fixtures import course_data
from tests.faults.support import FormFields

pytestmark = pytest.mark.django_db

CONFLICT = "пока вы её редактировали. Ваши изменения не сохранены: откройте запись заново"


def loaded_form(client: Client, url: str) -> dict[str, Any]:
    """The edit form as the browser loaded it: the POST form that carries the version."""
    response = client.get(url)
    assert response.status_code == 200
    parser = FormFields()
    parser.feed(response.content.decode())
    for fields in parser.forms:
        if any(name == VERSION_FIELD for name, _ in fields):
            data: dict[str, Any] = {}
            for name, value in fields:
                data.setdefault(name, []).append(value)
            return data
    raise AssertionError(f"{url}: no form carries {VERSION_FIELD}")


@dataclass
class Case:
    # Makes the record; returns its edit page and a reader of the edited field in the database.
    make: Callable[[District], tuple[str, Callable[[], str]]]
    field: str


def _reader(obj: Any, field: str) -> Callable[[], str]:
    return lambda: str(type(obj).objects.filter(pk=obj.pk).values_list(field, flat=True).get())


def _educator(d: District) -> tuple[str, Callable[[], str]]:
    educator = make_educator(municipality=d.municipality, school=d.school_a)
    return reverse("staff:edit", args=[educator.pk]), lambda: Educator.objects.get(pk=educator.pk).phone


def _organization(d: District) -> tuple[str, Callable[[], str]]:
    school = d.school_a
    return reverse("orgs:edit", args=[school.pk]), lambda: type(school).objects.get(pk=school.pk).name


def _document(d: District) -> tuple[str, Callable[[], str]]:
    document = make_document(d.municipality, d.user("methodist"), title="Положение о конкурсе")
    return reverse("library:document_edit", args=[document.pk]), _reader(document, "title")


def _survey(d: District) -> tuple[str, Callable[[], str]]:
    survey = make_survey(organization=d.municipality, title="Анкета о наставничестве")
    return reverse("surveys:edit", args=[survey.pk]), lambda: type(survey).objects.get(pk=survey.pk).title


def _course(d: District) -> tuple[str, Callable[[], str]]:
    educator = make_educator(municipality=d.municipality, school=d.school_a)
    record = record_services.record_create(
        educator=educator, data=course_data(), by=d.user("methodist"), source="office"
    )
    return reverse("training:record_edit", args=[record.pk]), _reader(record, "title")


def _stage_subject(d: District) -> tuple[str, Callable[[], str]]:
    item = make_stage_subject(make_stage(make_season(d.municipality)))
    return reverse("olympiads:stage_subject_edit", args=[item.pk]), _reader(item, "venue")


CASES = {
    "educator": Case(_educator, "phone"),
    "organization": Case(_organization, "name"),
    "document": Case(_document, "title"),
    "survey": Case(_survey, "title"),
    "course": Case(_course, "title"),
    "stage_subject": Case(_stage_subject, "venue"),
}


@pytest.mark.parametrize("key", CASES)
def test_second_save_of_the_same_version_is_refused(key: str) -> None:
    district = make_district()
    case = CASES[key]
    url, current = case.make(district)
    first, second = Client(), Client()
    first.force_login(district.user("methodist"))
    second.force_login(district.user("head"))
    form_a, form_b = loaded_form(first, url), loaded_form(second, url)
    assert form_a[VERSION_FIELD] == form_b[VERSION_FIELD]

    form_a[case.field] = ["Значение первого 8-800-100-00-01"]
    saved = first.post(url, form_a)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    assert current() == "Значение первого 8-800-100-00-01"

    form_b[case.field] = ["Значение второго 8-800-200-00-02"]
    refused = second.post(url, form_b)
    html = refused.content.decode()
    assert refused.status_code in (200, 400)
    assert CONFLICT in html
    assert "Значение второго 8-800-200-00-02" in html  # what the second person typed is still in the form
    assert current() == "Значение первого 8-800-100-00-01"  # the first save is not lost

    # Opening the record again gives the new version, and that save goes through.
    again = loaded_form(second, url)
    again[case.field] = ["Значение второго 8-800-200-00-02"]
    assert second.post(url, again).status_code == 302
    assert current() == "Значение второго 8-800-200-00-02"


def test_message_names_who_changed_the_record_when_the_audit_log_tells() -> None:
    district = make_district()
    url, _ = _educator(district)
    first, second = Client(), Client()
    first.force_login(district.user("methodist"))
    second.force_login(district.user("head"))
    form_a, form_b = loaded_form(first, url), loaded_form(second, url)
    form_a["phone"] = ["8-800-100-00-01"]  # a save that changes nothing writes no audit entry
    assert first.post(url, form_a).status_code == 302
    html = second.post(url, form_b).content.decode()
    assert f"Запись изменил(а) {district.user('methodist').short_name} в " in html
