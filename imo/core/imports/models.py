"""An import between the upload and the commit: the stored file, its preview and its result."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from imo.core.models import TimeStampedModel

# A run still "in progress" after this long without news was cut off (a restart during inline work).
STALE_AFTER = dt.timedelta(minutes=30)


class ImportStorage(FileSystemStorage):
    """Uploads live in MEDIA_ROOT/imports/: never under static files and never given a URL."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @cached_property
    def base_location(self) -> str:  # read when first used, so tests can point MEDIA_ROOT elsewhere
        return str(Path(settings.MEDIA_ROOT) / "imports")

    @cached_property
    def location(self) -> str:
        return str(Path(self.base_location).resolve())

    def url(self, name: str | None) -> str:
        raise ValueError("Файлы загрузки не публикуются по ссылке.")


def import_storage() -> ImportStorage:
    return ImportStorage()


def _upload_to(instance: ImportRun, filename: str) -> str:
    suffix = Path(filename).suffix.lower()[:8]
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ImportRun(TimeStampedModel):
    class Status(models.TextChoices):
        QUEUED = "queued", "Ожидает проверки"
        ANALYSING = "analysing", "Проверяется"
        READY = "ready", "Проверен"
        COMMITTING = "committing", "Загружается"
        DONE = "done", "Загружен"
        FAILED = "failed", "Ошибка"

    kind = models.CharField("вид загрузки", max_length=64, db_index=True)
    status = models.CharField("состояние", max_length=16, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField("файл", upload_to=_upload_to, storage=import_storage, max_length=255)
    original_name = models.CharField("имя файла", max_length=255)
    size = models.PositiveBigIntegerField("размер, байт", default=0)
    rows = models.PositiveIntegerField("строк с данными", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто загрузил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    options = models.JSONField("параметры", default=dict, blank=True)
    report = models.JSONField("результат проверки", default=dict, blank=True)
    progress = models.PositiveSmallIntegerField("ход выполнения, %", default=0)
    message = models.CharField("сообщение", max_length=500, blank=True)
    valid_only = models.BooleanField("только строки без ошибок", default=False)
    job_id = models.CharField("фоновая задача", max_length=64, blank=True)
    committed_at = models.DateTimeField("загружено", null=True, blank=True)

    class Meta:
        verbose_name = "загрузка из файла"
        verbose_name_plural = "загрузки из файлов"
        indexes = [models.Index(fields=["created_by", "kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.ANALYSING, self.Status.COMMITTING)

    @property
    def is_stale(self) -> bool:
        """Work that was running in a request (not a job) when the server stopped never finishes."""
        return self.in_progress and not self.job_id and timezone.now() - self.updated_at > STALE_AFTER

    @property
    def has_errors(self) -> bool:
        return bool(self.report.get("fatal") or self.report.get("errors"))

    @property
    def error_count(self) -> int:
        return len(self.report.get("errors", [])) + (1 if self.report.get("fatal") else 0)

    def path(self) -> Path:
        return Path(self.file.path)

    def report_value(self, key: str, default: Any = 0) -> Any:
        return self.report.get(key, default)
