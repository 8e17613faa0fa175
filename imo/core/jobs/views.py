"""Pages of background jobs: "Мои задачи", a job's page, and the fragment its progress bar polls."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from imo.core.access import AppRequest, login_only
from imo.core.jobs.demo import DEMO_KIND, demo_sleep
from imo.core.jobs.selectors import job_get_for, job_list_visible_to
from imo.core.jobs.services import job_start
from imo.core.paging import PAGE_SIZES, paginate

LIST_CRUMB = {"label": "Мои задачи"}


def _login_or_client_redirect(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`login_only` for the polled fragment: when the session has ended, htmx takes the whole page to the
    login form (and back to the job's page after it) instead of swapping the form into the bar."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            detail = reverse("jobs:detail", args=[pk])
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(f"{reverse(settings.LOGIN_URL)}?next={detail}")
            return redirect_to_login(detail, settings.LOGIN_URL)
        return view(request, pk, *args, **kwargs)

    return wrapped


@login_only
def job_list(request: AppRequest) -> HttpResponse:
    page = paginate(request, job_list_visible_to(user=request.user))
    return render(
        request,
        "jobs/job_list.html",
        {
            "page": page,
            "page_sizes": PAGE_SIZES,
            "demo_enabled": settings.IMO_JOBS_DEMO,
            "breadcrumbs": [LIST_CRUMB],
        },
    )


@login_only
def job_detail(request: AppRequest, pk: int) -> HttpResponse:
    job = job_get_for(user=request.user, pk=pk)
    return render(
        request,
        "jobs/job_detail.html",
        {
            "job": job,
            "breadcrumbs": [
                {"label": LIST_CRUMB["label"], "url": reverse("jobs:list")},
                {"label": job.title},
            ],
        },
    )


@_login_or_client_redirect
def job_status(request: AppRequest, pk: int) -> HttpResponse:
    """The progress fragment; it keeps polling (`hx-trigger="every 1s"`) only while the job is unfinished."""
    job = job_get_for(user=request.user, pk=pk)
    response = render(request, "components/job_progress.html", {"job": job})
    response["Cache-Control"] = "no-store"
    return response


@login_only
@require_POST
def job_demo_start(request: AppRequest) -> HttpResponse:
    if not settings.IMO_JOBS_DEMO:
        raise Http404("Пример задачи отключён.")
    job = job_start(
        kind=DEMO_KIND,
        title="Пример фоновой задачи",
        function=demo_sleep,
        params={"steps": 5, "delay": 1.0, "fail": request.POST.get("fail") == "1"},
        by=request.user,
    )
    messages.info(request, "Задача поставлена в очередь. Можно уйти со страницы и вернуться позже.")
    return redirect(job)
