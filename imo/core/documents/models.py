"""Documents issued (the register), the office's own templates, numbering.

Files live under MEDIA_ROOT/documents/ with random names and are never served by the web server: they
are sent by views that check access first (see views.py).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from imo.core.documents.registry import Format, kind_title


def _template_path(instance: TemplateVersion, filename: str) -> str:
    return f"documents/templates/{instance.code}/{uuid.uuid4().hex}.docx"


def _issued_path(instance: IssuedDocument, filename: str) -> str:
    return f"documents/issued/{instance.year}/{uuid.uuid4().hex}.{instance.format}"


class TemplateVersion(models.Model):
    """A DOCX template the office uploaded to replace a built-in one. Versions are kept; at most one per
    kind is active, and none active means the built-in template is used."""

    code = models.CharField("вид документа", max_length=100, db_index=True)
    file = models.FileField("файл", upload_to=_template_path, max_length=255)
    original_name = models.CharField("имя файла", max_length=255)
    size = models.PositiveIntegerField("размер, байт")
    sha256 = models.CharField("контрольная сумма", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="загрузил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_by_name = models.CharField("загрузил (ФИО)", max_length=300, blank=True)
    uploaded_at = models.DateTimeField("загружен", default=timezone.now)
    is_active = models.BooleanField("используется", default=False)
    deactivated_at = models.DateTimeField("перестал использоваться", null=True, blank=True)

    class Meta:
        verbose_name = "шаблон документа"
        verbose_name_plural = "шаблоны документов"
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(is_active=True),
                name="documents_one_active_template_per_kind",
            )
        ]

    def __str__(self) -> str:
        uploaded = timezone.localtime(self.uploaded_at)
        return f"{kind_title(self.code)}: {self.original_name} ({uploaded:%d.%m.%Y %H:%M})"


class IssuedDocument(models.Model):
    """One line of the register of documents issued, with the file as it was issued."""

    FORMAT_CHOICES = [(Format.DOCX, "DOCX"), (Format.PDF, "PDF")]

    kind = models.CharField("вид документа", max_length=100)
    title = models.CharField("документ", max_length=300)
    number = models.CharField("номер", max_length=50)
    year = models.PositiveSmallIntegerField("год")
    sequence = models.PositiveIntegerField("порядковый номер в году")
    issued_on = models.DateField("дата выдачи")
    issued_at = models.DateTimeField("выдан", default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="выдал",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The name as it was on the day: the register must still say who issued it if the account goes.
    issued_by_name = models.CharField("выдал (ФИО)", max_length=300, blank=True)
    # A plain id, not a foreign key: core knows nothing of organisations (imo.orgs is a higher layer).
    organization_id = models.PositiveBigIntegerField("организация", null=True, blank=True, db_index=True)
    format = models.CharField("формат", max_length=8, choices=FORMAT_CHOICES)
    file = models.FileField("файл", upload_to=_issued_path, max_length=255)
    file_name = models.CharField("имя файла", max_length=255)
    size = models.PositiveIntegerField("размер, байт")
    template_version = models.ForeignKey(
        TemplateVersion,
        verbose_name="шаблон офиса",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "выданный документ"
        verbose_name_plural = "реестр выданных документов"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "sequence"], name="documents_issued_number_unique_per_kind_year"
            )
        ]
        indexes = [models.Index(fields=["issued_on", "kind"]), models.Index(fields=["-issued_at"])]

    def __str__(self) -> str:
        return f"{self.title} № {self.number} от {self.issued_on:%d.%m.%Y}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


CONTENT_TYPES = {
    Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Format.PDF: "application/pdf",
}


class DocumentCounter(models.Model):
    """The last number issued per kind and year; locked while a number is taken (no duplicates, no gaps)."""

    kind = models.CharField(max_length=100)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "счётчик номеров"
        verbose_name_plural = "счётчики номеров"
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="documents_counter_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class NumberingRule(models.Model):
    """The office's own number prefix for a kind (else the prefix the kind declares)."""

    code = models.CharField("вид документа", max_length=100, unique=True)
    prefix = models.CharField("префикс номера", max_length=20, blank=True)
    changed_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        verbose_name = "нумерация документов"
        verbose_name_plural = "нумерация документов"

    def __str__(self) -> str:
        return f"{kind_title(self.code)}: «{self.prefix}»"


def user_names(user: Any) -> tuple[str, str]:
    """(full name, «Фамилия И. О.») of any user object, without importing the accounts app."""
    if user is None:
        return "", ""
    full = getattr(user, "full_name", "") or user.get_full_name() or user.get_username()
    short = getattr(user, "short_name", "") or full
    return str(full), str(short)
