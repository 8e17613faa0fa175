"""Who sees which jobs: their own; superusers (the technical administrator) see every job."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from imo.core.jobs.models import Job


def jobs_visible_to(*, user: Any) -> QuerySet[Job]:
    if not user.is_authenticated:
        return Job.objects.none()
    jobs = Job.objects.select_related("created_by")
    return jobs if user.is_superuser else jobs.filter(created_by=user)


def job_list_visible_to(*, user: Any) -> QuerySet[Job]:
    """The list "Мои задачи": the user's own jobs, newest first (a superuser sees their own here too)."""
    if not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(created_by=user).order_by("-created_at", "-id")


def job_get_for(*, user: Any, pk: int) -> Job:
    """The job if the user may see it; 404 otherwise (another user's job does not reveal that it exists)."""
    job = jobs_visible_to(user=user).filter(pk=pk).first()
    if job is None:
        raise Http404("Задача не найдена.")
    return job
