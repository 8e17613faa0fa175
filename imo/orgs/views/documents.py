"""The organisations' documents and charts: the справка page (issue DOCX / PDF through the register) and the
charts fragment of the office's home page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from imo.core.access import AppRequest, requires
from imo.core.charts import chart_block
from imo.core.documents.permissions import ISSUE, VIEW_REGISTER
from imo.core.documents.registry import Format
from imo.core.documents.rendering import DocumentError
from imo.core.documents.selectors import issued_document_get_for, recent_documents
from imo.orgs.documents import (
    SUMMARY_CODE,
    kind_chart,
    office_charts,
    organization_summary,
    settlement_chart,
    summary_issue,
)

SUMMARY_TITLE = "Справка об образовательных организациях"


@requires(VIEW_REGISTER)
def organization_summary_page(request: AppRequest) -> HttpResponse:
    """The figures of the справка on screen (charts with tables), the buttons to issue it, recent ones."""
    summary = organization_summary(user=request.user)
    issued = None
    if request.GET.get("issued", "").isdecimal():
        try:
            issued = issued_document_get_for(user=request.user, pk=int(request.GET["issued"]))
        except Http404:
            issued = None
    return render(
        request,
        "documents/orgs/summary_page.html",
        {
            "summary": summary,
            "charts": [
                chart_block(kind_chart(summary.by_kind)),
                chart_block(settlement_chart(summary.by_settlement)),
            ],
            "can_issue": request.user.has_perm(ISSUE),
            "recent": recent_documents(user=request.user, kind=SUMMARY_CODE),
            "issued": issued,
            "breadcrumbs": [{"label": SUMMARY_TITLE}],
        },
    )


@require_POST
@requires(ISSUE)
def organization_summary_issue(request: AppRequest) -> HttpResponse:
    fmt = request.POST.get("format", Format.DOCX)
    if fmt not in (Format.DOCX, Format.PDF):
        messages.error(request, "Выберите формат справки: Word или PDF.")
        return redirect("orgs:summary")
    try:
        document = summary_issue(user=request.user, fmt=fmt)
    except DocumentError as error:
        messages.error(request, " ".join(["Справку не удалось сформировать.", *error.messages]))
        return redirect("orgs:summary")
    messages.success(
        request, f"Справка № {document.number} сформирована и внесена в реестр выданных документов."
    )
    return redirect(f"{reverse('orgs:summary')}?issued={document.pk}")


@requires("orgs.view_organization_list")
def organization_charts(request: AppRequest) -> HttpResponse:
    """The office home page's charts, loaded by htmx after the page (drawing takes a moment)."""
    return render(request, "documents/orgs/charts.html", {"charts": office_charts(user=request.user)})
