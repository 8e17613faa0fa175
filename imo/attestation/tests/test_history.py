import datetime as dt

import pytest
from django.urls import reverse

from imo.attestation.models import ConformityAttestation, Exemption, QualificationCategory
from imo.staff.models import Educator
from imo.staff.tests.factories import make_educator


@pytest.fixture
def educator(district):
    return make_educator(municipality=district.municipality, school=district.school_a, last_name="Асуева")


def add_url(educator, kind):
    return reverse("attestation:add", args=[educator.pk, kind])


def profile(educator):
    return reverse("staff:detail", args=[educator.pk])


@pytest.mark.parametrize("key", ["methodist", "school_admin_a"])
def test_editors_add_and_change_a_category(client, district, educator, key):
    client.force_login(district.user(key))
    response = client.post(
        add_url(educator, "category"), {"kind": "first", "awarded_on": "2022-03-01", "order_number": "15-п"}
    )
    assert response.status_code == 302
    category = QualificationCategory.objects.get()
    assert category.valid_until == dt.date(2027, 3, 1)  # five years: awarded before 01.09.2023
    edit = reverse("attestation:edit", args=[educator.pk, "category", category.pk])
    assert client.get(edit).status_code == 200
    client.post(edit, {"kind": "first", "awarded_on": "2022-03-01", "valid_until": "2027-06-01"})
    category.refresh_from_db()
    assert category.valid_until == dt.date(2027, 6, 1)
    body = client.get(profile(educator)).content.decode()
    assert "Квалификационные категории" in body and "01.06.2027" in body and "Добавить категорию" in body


def test_validation_messages_on_the_form(client, district, educator):
    client.force_login(district.user("methodist"))
    response = client.post(add_url(educator, "category"), {"kind": "methodist", "awarded_on": "2024-03-01"})
    assert response.status_code == 200
    assert "только педагогам с высшей" in response.content.decode()
    response = client.post(
        add_url(educator, "category"),
        {"kind": "first", "awarded_on": "2022-03-01", "valid_until": "2021-03-01"},
    )
    assert "не может закончиться раньше даты присвоения" in response.content.decode()
    assert not QualificationCategory.objects.exists()


def test_conformity_and_exemption_forms(client, district, educator):
    client.force_login(district.user("school_admin_a"))
    assert (
        client.post(add_url(educator, "conformity"), {"date": "2023-04-01", "result": "conforms"}).status_code
        == 302
    )
    assert (
        client.post(add_url(educator, "exemption"), {"basis": "parental", "until": "2027-01-01"}).status_code
        == 302
    )
    assert ConformityAttestation.objects.count() == 1 and Exemption.objects.count() == 1
    body = client.get(profile(educator)).content.decode()
    assert "отпуск по уходу за ребёнком до 3 лет" in body


def test_observer_sees_the_section_but_may_not_change(client, district, educator):
    client.force_login(district.user("observer"))
    body = client.get(profile(educator)).content.decode()
    assert "Квалификационные категории" in body and "Добавить категорию" not in body
    assert client.get(add_url(educator, "category")).status_code == 403


def test_other_school_admin_gets_404(client, district, educator):
    client.force_login(district.user("school_admin_b"))
    assert client.get(add_url(educator, "category")).status_code == 404
    assert client.get(profile(educator)).status_code == 404


def test_teacher_sees_only_own_record_section(client, district, educator):
    teacher = district.user("teacher_a")
    own = make_educator(municipality=district.municipality, school=district.school_a)
    Educator.objects.filter(pk=own.pk).update(user=teacher)
    client.force_login(teacher)
    body = client.get(profile(own)).content.decode()
    assert "Квалификационные категории" in body and "Добавить категорию" not in body
    assert client.get(profile(educator)).status_code == 404
    assert client.get(add_url(own, "category")).status_code == 403


def test_record_of_another_educator_and_unknown_kind_are_404(client, district, educator):
    other = make_educator(municipality=district.municipality, school=district.school_a)
    record = QualificationCategory.objects.create(
        educator=other, kind="first", awarded_on=dt.date(2024, 1, 1)
    )
    client.force_login(district.user("methodist"))
    assert (
        client.get(reverse("attestation:edit", args=[educator.pk, "category", record.pk])).status_code == 404
    )
    assert client.get(add_url(educator, "nonsense")).status_code == 404


def test_anonymous_is_sent_to_login(client, educator):
    response = client.get(add_url(educator, "category"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
