"""The office's attestation settings page: editors save, the observer reads, school admins and teachers
get 403; bad reminder days and inconsistent deadlines are refused with Russian messages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from imo.attestation.models import AttestationSettings
from imo.attestation.reminders.services import attestation_settings_save, normalize_reminder_days
from imo.core.navigation import menu_for

URL = "/attestation/reminders/settings/"
VALID = {
    "check_days": "7",
    "take_up_days": "30",
    "total_days": "60",
    "apply_months_before_expiry": "3",
    "reminder_days": "30, 90,60",
}


def test_url_name():
    assert reverse("attestation:settings") == URL


@pytest.mark.parametrize("key", ["methodist", "head", "secretary", "admin"])
def test_office_editors_save(client, district, key):
    client.force_login(district.user(key))
    assert client.get(URL).status_code == 200
    response = client.post(URL, VALID)
    assert response.status_code == 302 and response["Location"] == URL
    saved = AttestationSettings.objects.get(pk=1)
    assert saved.check_days == 7 and saved.reminder_days == "90,60,30"
    assert saved.reminder_day_list() == [90, 60, 30]


def test_observer_reads_only(client, district):
    client.force_login(district.user("observer"))
    response = client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200 and "только для просмотра" in body and "disabled" in body
    assert client.post(URL, VALID).status_code == 403
    assert not AttestationSettings.objects.filter(pk=1).exists()


@pytest.mark.parametrize("key", ["school_admin_a", "teacher_a", "no_role"])
def test_others_get_403(client, district, key):
    client.force_login(district.user(key))
    assert client.get(URL).status_code == 403
    assert client.post(URL, VALID).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("value", ["90;60", "90,,30", "abc", "0,30", "-5", "", "1000"])
def test_bad_reminder_days_are_refused(client, district, value):
    client.force_login(district.user("methodist"))
    response = client.post(URL, {**VALID, "reminder_days": value})
    assert response.status_code == 200
    body = response.content.decode()
    assert "через запятую" in body or "не раньше чем за" in body or "Обязательное поле" in body
    assert not AttestationSettings.objects.filter(pk=1).exists()


def test_total_days_not_below_take_up_days(client, district):
    client.force_login(district.user("head"))
    response = client.post(URL, {**VALID, "take_up_days": "30", "total_days": "20"})
    assert response.status_code == 200
    assert "не может быть меньше срока принятия" in response.content.decode()
    assert not AttestationSettings.objects.filter(pk=1).exists()


def test_service_validates_too(db):
    assert normalize_reminder_days(" 60 ,90,60") == "90,60"
    with pytest.raises(ValidationError) as error:
        attestation_settings_save(
            check_days=10, take_up_days=30, total_days=29, reminder_days="90", apply_months_before_expiry=3
        )
    assert "total_days" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        attestation_settings_save(
            check_days=10,
            take_up_days=30,
            total_days=60,
            reminder_days="девяносто",
            apply_months_before_expiry=3,
        )
    assert "reminder_days" in error.value.message_dict


def test_menu_link(district):
    def labels(user):
        return [link.label for group in menu_for(user) for link in group.links]

    assert "Настройки аттестации" in labels(district.user("methodist"))
    assert "Настройки аттестации" in labels(district.user("observer"))
    assert "Настройки аттестации" not in labels(district.user("school_admin_a"))
