"""Deleting rows of the attestation history: a confirm page, then POST; who may and who may not."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from imo.attestation import services
from imo.attestation.models import (
    Application,
    ConformityAttestation,
    Exemption,
    QualificationCategory,
)
from imo.staff.services import educator_link_user
from imo.staff.tests.factories import make_educator


@pytest.fixture
def educator(district):
    return make_educator(municipality=district.municipality, school=district.school_a, last_name="Асуева")


@pytest.fixture
def records(educator):
    category = services.category_save(
        educator=educator, kind="first", awarded_on=dt.date(2022, 3, 1), default_term=True, order_number="7-к"
    )
    attestation = services.conformity_save(educator=educator, date=dt.date(2021, 4, 1), result="conforms")
    exemption = services.exemption_save(educator=educator, basis="parental", until=dt.date(2027, 1, 1))
    return {"category": category, "conformity": attestation, "exemption": exemption}


def delete_url(educator, kind, record):
    return reverse("attestation:delete", args=[educator.pk, kind, record.pk])


MODELS: dict[str, Any] = {
    "category": QualificationCategory,
    "conformity": ConformityAttestation,
    "exemption": Exemption,
}


@pytest.mark.parametrize("key", ["methodist", "school_admin_a"])
@pytest.mark.parametrize("kind", ["category", "conformity", "exemption"])
def test_editors_confirm_then_delete(client, district, educator, records, key, kind):
    client.force_login(district.user(key))
    url = delete_url(educator, kind, records[kind])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Удалить" in body and "Отмена" in body
    assert MODELS[kind].objects.filter(pk=records[kind].pk).exists()  # GET deletes nothing
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].endswith("#section-attestation")
    assert not MODELS[kind].objects.filter(pk=records[kind].pk).exists()
    others = {k: v for k, v in records.items() if k != kind}
    for other_kind, record in others.items():
        assert MODELS[other_kind].objects.filter(pk=record.pk).exists()


def test_profile_links_to_the_delete_pages(client, district, educator, records):
    client.force_login(district.user("methodist"))
    body = client.get(reverse("staff:detail", args=[educator.pk])).content.decode()
    for kind, record in records.items():
        assert delete_url(educator, kind, record) in body
    client.force_login(district.user("observer"))
    body = client.get(reverse("staff:detail", args=[educator.pk])).content.decode()
    assert "/delete/" not in body


def test_teacher_gets_403_on_their_own_record(client, district, educator, records):
    educator_link_user(educator=educator, user=district.user("teacher_a"))
    client.force_login(district.user("teacher_a"))
    url = delete_url(educator, "category", records["category"])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert QualificationCategory.objects.filter(pk=records["category"].pk).exists()


def test_observer_gets_403(client, district, educator, records):
    client.force_login(district.user("observer"))
    for kind, record in records.items():
        assert client.get(delete_url(educator, kind, record)).status_code == 403
        assert client.post(delete_url(educator, kind, record)).status_code == 403
    assert QualificationCategory.objects.count() == 1


def test_other_school_admin_gets_404(client, district, educator, records):
    client.force_login(district.user("school_admin_b"))
    for kind, record in records.items():
        assert client.get(delete_url(educator, kind, record)).status_code == 404
        assert client.post(delete_url(educator, kind, record)).status_code == 404
    assert ConformityAttestation.objects.count() == 1 and Exemption.objects.count() == 1


def test_a_record_of_another_educator_or_an_unknown_kind_is_404(client, district, educator, records):
    other = make_educator(municipality=district.municipality, school=district.school_a)
    client.force_login(district.user("methodist"))
    assert client.post(delete_url(other, "category", records["category"])).status_code == 404
    bad = reverse("attestation:delete", args=[educator.pk, "award", records["category"].pk])
    assert client.get(bad).status_code == 404
    assert QualificationCategory.objects.filter(pk=records["category"].pk).exists()


def test_a_category_from_an_application_is_deleted_and_the_application_kept(client, district, educator):
    category = services.category_save(educator=educator, kind="highest", awarded_on=dt.date(2024, 5, 1))
    application = Application.objects.create(
        educator=educator,
        kind="highest",
        status=Application.Status.AWARDED,
        decision_order_number="305",
        decision_order_date=dt.date(2024, 5, 1),
        category=category,
    )
    client.force_login(district.user("methodist"))
    url = delete_url(educator, "category", category)
    body = client.get(url).content.decode()
    assert "по решению по заявлению" in body and "№ 305" in body and "сохранятся" in body
    assert client.post(url).status_code == 302
    application.refresh_from_db()
    assert application.category_id is None and application.status == Application.Status.AWARDED
    assert not QualificationCategory.objects.filter(pk=category.pk).exists()


def test_a_plain_category_page_does_not_mention_an_application(client, district, educator, records):
    client.force_login(district.user("methodist"))
    body = client.get(delete_url(educator, "category", records["category"])).content.decode()
    assert "по решению по заявлению" not in body and "01.03.2022" in body
