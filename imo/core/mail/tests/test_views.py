"""The mail log page: the administrator and superusers only; search, status, dates, Excel, one message."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from imo.core.mail.models import MailMessage
from imo.core.text import search_text

URL = "/mail/"


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_user(
        username="root", password="x", email="root@example.ru", is_superuser=True
    )


@pytest.fixture
def plain_user(django_user_model):
    return django_user_model.objects.create_user(username="plain", password="x")


def message(subject: str, to: str, *, status=MailMessage.Status.SENT, key=None, days_ago=0) -> MailMessage:
    row = MailMessage.objects.create(
        subject=subject,
        to=to,
        body=f"Текст: {subject}",
        status=status,
        key=key,
        search_text=search_text(to, subject),
    )
    if days_ago:
        MailMessage.objects.filter(pk=row.pk).update(created_at=timezone.now() - dt.timedelta(days=days_ago))
    return row


def test_url_names():
    assert reverse("mail:log") == URL
    assert reverse("mail:export") == URL + "export/"
    assert reverse("mail:detail", args=[5]) == URL + "5/"


def test_superuser_sees_the_log_and_a_message(client, superuser):
    row = message("Срок категории истекает", "ivanova@example.ru")
    client.force_login(superuser)
    body = client.get(URL).content.decode()
    assert "Срок категории истекает" in body and "ivanova@example.ru" in body
    detail = client.get(reverse("mail:detail", args=[row.pk]))
    assert detail.status_code == 200 and "Текст: Срок категории истекает" in detail.content.decode()
    assert client.get(URL + "export/").status_code == 200


def test_a_user_without_the_permission_gets_403(client, plain_user):
    row = message("Тема", "a@example.ru")
    client.force_login(plain_user)
    assert client.get(URL).status_code == 403
    assert client.get(URL + "export/").status_code == 403
    assert client.get(reverse("mail:detail", args=[row.pk])).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_unknown_message_is_404(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("mail:detail", args=[999])).status_code == 404


def test_search_status_and_dates(client, superuser):
    message("Приглашение в систему", "petrov@example.ru", days_ago=10)
    message("Просрочен срок шага аттестации", "Сидорова@example.ru", status=MailMessage.Status.FAILED)
    client.force_login(superuser)
    body = client.get(URL, {"q": "сидорова"}).content.decode()
    assert "Просрочен срок" in body and "Приглашение" not in body
    body = client.get(URL, {"q": "приглашение"}).content.decode()
    assert "Приглашение" in body and "Просрочен срок" not in body
    body = client.get(URL, {"status": "failed"}).content.decode()
    assert "Просрочен срок" in body and "Приглашение" not in body
    today = timezone.localdate()
    body = client.get(URL, {"date_from": f"{today - dt.timedelta(days=1):%Y-%m-%d}"}).content.decode()
    assert "Просрочен срок" in body and "Приглашение" not in body


def test_export_has_the_filtered_rows(client, superuser):
    message("Первое", "a@example.ru")
    message("Второе", "b@example.ru", status=MailMessage.Status.LOGGED)
    client.force_login(superuser)
    response = client.get(URL + "export/", {"status": "logged"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0][:4] == ["Дата и время", "Кому", "Тема", "Состояние"]
    assert [row[2] for row in rows[1:]] == ["Второе"]
    assert rows[1][3] == "записано в журнал (демо)"


def test_page_query_count_does_not_grow(client, superuser):
    client.force_login(superuser)
    message("Одно", "a@example.ru")
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for n in range(30):
        message(f"Письмо {n}", f"p{n}@example.ru")
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(few)
