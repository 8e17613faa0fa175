"""The mail log: every message sent through `imo.core.mail.services.send_once` (reminders and other
automatic mail) and every message recorded by the demo's LogBackend, with its outcome.

`key` makes a message "once only": a reminder is sent once successfully; a failed send keeps its key with
the status «ошибка» and is tried again on the next run.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse


class MailMessage(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", "отправлено"
        LOGGED = "logged", "записано в журнал (демо)"
        FAILED = "failed", "ошибка отправки"
        SKIPPED = "skipped", "не отправлялось (уже наступил более поздний срок)"

    #: Statuses after which a keyed message is never sent again.
    DONE = (Status.SENT, Status.LOGGED, Status.SKIPPED)

    created_at = models.DateTimeField("создано", auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField("отправлено", null=True, blank=True)
    to = models.TextField("кому", blank=True, help_text="Адреса через запятую.")
    subject = models.CharField("тема", max_length=300, blank=True)
    body = models.TextField("текст", blank=True)
    key = models.CharField("ключ", max_length=200, null=True, blank=True, unique=True)
    status = models.CharField("состояние", max_length=16, choices=Status.choices)
    error = models.TextField("ошибка", blank=True)
    attempts = models.PositiveSmallIntegerField("попыток отправки", default=0)
    # Folded recipients and subject (imo.core.text.search_text): search ignores case and ё on both databases.
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = "письмо"
        verbose_name_plural = "журнал почты"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject or "(без темы)"

    def get_absolute_url(self) -> str:
        return reverse("mail:detail", args=[self.pk])

    @property
    def recipients(self) -> list[str]:
        return [address for address in (part.strip() for part in self.to.split(",")) if address]
