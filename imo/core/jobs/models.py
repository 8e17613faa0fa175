"""A background job as its user sees it: what it is, how far it got, and how it ended.

The row is written by `imo.core.jobs.services` only; pages poll it. django-tasks keeps its own row
(`django_tasks_db.DBTaskResult`, linked by `task_id`) for the queue itself.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

# A queued job not started after this long suggests that no worker is running.
WAITING_LONG = dt.timedelta(minutes=1)


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "В очереди"
        RUNNING = "running", "Выполняется"
        SUCCEEDED = "succeeded", "Выполнена"
        FAILED = "failed", "Ошибка"

    kind = models.CharField("вид задачи", max_length=100)
    title = models.CharField("название", max_length=300)
    # Dotted path of the module-level function run as `function(job_context, **params)`.
    function = models.CharField("функция", max_length=300)
    params = models.JSONField("параметры", default=dict, blank=True)
    state = models.CharField("состояние", max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField("выполнено, %", default=0)
    message = models.CharField("сообщение", max_length=500, blank=True)
    result_url = models.CharField("ссылка на результат", max_length=500, blank=True)
    # A Russian message for the user; the traceback goes to the log only.
    error = models.TextField("ошибка", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто запустил",
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    # A plain id (core must not depend on orgs): the organisation the job works for, when there is one.
    organization_id = models.PositiveBigIntegerField("организация (id)", null=True, blank=True)
    task_id = models.CharField("задача django-tasks", max_length=64, blank=True, db_index=True)
    worker_id = models.CharField("обработчик", max_length=64, blank=True)
    created_at = models.DateTimeField("создана", auto_now_add=True)
    started_at = models.DateTimeField("начата", null=True, blank=True)
    finished_at = models.DateTimeField("завершена", null=True, blank=True)
    # Last sign of life from the worker running the job (progress writes and the worker's heartbeat).
    heartbeat_at = models.DateTimeField("последний отклик", null=True, blank=True)

    class Meta:
        verbose_name = "фоновая задача"
        verbose_name_plural = "фоновые задачи"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="jobs_job_owner_recent_idx"),
            models.Index(fields=["state", "heartbeat_at"], name="jobs_job_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="jobs_job_progress_lte_100"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)

    @property
    def succeeded(self) -> bool:
        return self.state == self.State.SUCCEEDED

    @property
    def failed(self) -> bool:
        return self.state == self.State.FAILED

    @property
    def waiting_long(self) -> bool:
        return self.state == self.State.QUEUED and timezone.now() - self.created_at > WAITING_LONG
