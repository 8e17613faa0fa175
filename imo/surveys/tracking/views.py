"""The tracking page of a survey: response rate overall and per school (refreshed live every 30 s by
htmx), who has not answered (named surveys; filter by school, Excel), and the office's «Напомнить
сейчас». The office sees the whole survey; a school admin sees their school's part only."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from imo.core.access import AppRequest, requires
from imo.core.jobs.services import job_start
from imo.surveys.models import AudienceKind
from imo.surveys.selectors import surveys_manageable_by
from imo.surveys.tracking import selectors, services
from imo.surveys.tracking.selectors import Rates, Scope
from imo.surveys.tracking.tables import (
    EducatorNonRespondentTable,
    NonRespondentTable,
    SchoolNonRespondentTable,
)

VIEW = "surveys.view_results"
MANAGE = "surveys.manage_surveys"
#: The htmx target of the live rates (the poll replaces only this block).
RATES_ID = "tracking-rates"


def _url(name: str, *args: object) -> str:
    """A link to another part's page, or "" while that part is not wired."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _table(request: AppRequest, scope: Scope, rates: Rates) -> NonRespondentTable:
    schools = [(rate.school_id, rate.label) for rate in rates.schools if rate.school_id is not None]
    table_class: type[NonRespondentTable] = (
        SchoolNonRespondentTable
        if scope.survey.audience == AudienceKind.SCHOOLS
        else EducatorNonRespondentTable
    )
    return table_class(request, queryset=selectors.non_respondents(scope), scope=scope, schools=schools)


def _state(scope: Scope) -> str:
    survey, now = scope.survey, timezone.now()
    if not survey.is_published:
        return "черновик"
    if survey.closes_at is not None and survey.closes_at <= now:
        return "завершена"
    if survey.opens_at is not None and survey.opens_at > now:
        return "приём ещё не начался"
    return "идёт приём"


@requires(VIEW)
def tracking(request: AppRequest, pk: int) -> HttpResponse:
    scope = selectors.tracking_scope_for(user=request.user, pk=pk)
    rates = selectors.response_rates(scope)
    context: dict[str, object] = {
        "scope": scope,
        "survey": scope.survey,
        "rates": rates,
        "rates_id": RATES_ID,
    }
    if request.htmx and request.htmx.target == RATES_ID:
        return render(request, "surveys/tracking/_rates.html", context)
    can_remind = scope.is_office and surveys_manageable_by(request.user).filter(pk=pk).exists()
    now = timezone.now()
    context.update(
        state=_state(scope),
        can_remind=can_remind,
        is_open=services.is_open(scope.survey, now=now),
        due=services.reminders_due_count(scope.survey, now=now) if can_remind else 0,
        results_url=_url("surveys:results", pk),
        list_url=_url("surveys:list") if scope.is_office else "",
        breadcrumbs=[
            *([{"label": "Анкеты и мониторинги", "url": _url("surveys:list")}] if scope.is_office else []),
            {"label": f"Ход опроса: {scope.survey.title}"},
        ],
    )
    if not scope.shows_names:
        return render(request, "surveys/tracking/page.html", context)
    return _table(request, scope, rates).render("surveys/tracking/page.html", context)


@requires(VIEW)
def tracking_export(request: AppRequest, pk: int) -> HttpResponse:
    scope = selectors.tracking_scope_for(user=request.user, pk=pk)
    if not scope.shows_names:
        raise Http404("Анкета анонимная: списка не ответивших нет.")
    return _table(request, scope, selectors.response_rates(scope)).export_response()


@require_POST
@requires(MANAGE)
def remind(request: AppRequest, pk: int) -> HttpResponse:
    survey = surveys_manageable_by(request.user).filter(pk=pk, is_template=False).first()
    if survey is None:
        raise Http404("Анкета не найдена.")
    if not services.is_open(survey, now=timezone.now()):
        messages.error(request, "Приём ответов на анкету не идёт: напоминания не отправлены.")
        return redirect("surveys:tracking", pk=pk)
    job = job_start(
        kind="surveys.remind",
        title=f"Напоминания не ответившим: «{survey.title}»"[:200],
        function=services.reminders_job,
        params={"survey_id": survey.pk},
        by=request.user,
        organization_id=survey.organization_id,
    )
    messages.info(request, "Напоминания отправляются. Можно уйти со страницы и вернуться позже.")
    return redirect(job)
