"""Who opens the mail log of imo.core.mail (granted in imo/attestation/reminders/rules.py): the system
administrator role and superusers; the office, school admins and teachers get 403."""

from __future__ import annotations

import pytest
from django.urls import reverse

from imo.core.mail.models import MailMessage
from imo.core.navigation import menu_for

URL = "/mail/"


@pytest.fixture
def row(db):
    return MailMessage.objects.create(
        subject="Срок категории истекает",
        to="ivanova@example.ru",
        body="Текст",
        status=MailMessage.Status.LOGGED,
    )


def test_admin_role_sees_the_log(client, district, row):
    client.force_login(district.user("admin"))
    response = client.get(URL)
    assert response.status_code == 200 and "Срок категории истекает" in response.content.decode()
    assert client.get(reverse("mail:detail", args=[row.pk])).status_code == 200
    assert client.get(URL + "export/").status_code == 200


@pytest.mark.parametrize("key", ["methodist", "head", "secretary", "observer", "school_admin_a", "teacher_a"])
def test_others_get_403(client, district, row, key):
    client.force_login(district.user(key))
    assert client.get(URL).status_code == 403
    assert client.get(URL + "export/").status_code == 403
    assert client.get(reverse("mail:detail", args=[row.pk])).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_menu_link_for_the_admin_only(district):
    def labels(user):
        return [link.label for group in menu_for(user) for link in group.links]

    assert "Журнал почты" in labels(district.user("admin"))
    assert "Журнал почты" not in labels(district.user("methodist"))
