"""Changes a teacher proposes to their own record, and the queue where their school admin (or the office)
accepts or rejects them (see imo/staff/proposals.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from imo.core.access import AppRequest, login_only, requires
from imo.core.excel import ExportColumn, write_xlsx, xlsx_response
from imo.core.paging import paginate
from imo.core.profile import ProfileSection, register_section
from imo.staff.models import Award, ChangeProposal, EducationRecord, Educator
from imo.staff.proposal_forms import FORMS, DecisionForm, initial_of
from imo.staff.proposals import (
    Action,
    Section,
    Status,
    change_rows,
    proposal_accept,
    proposal_create,
    proposal_reject,
    proposals_decidable_by,
    proposals_of,
    stale_reason,
    summary,
    target_of,
)
from imo.staff.selectors import awards_of, education_records_of, educator_get_for, educator_of_user

QUEUE_CRUMB = "Предложенные изменения"
PROPOSE_TITLES: dict[tuple[str, str], str] = {
    (Section.CONTACTS, Action.CHANGE): "Изменить контакты",
    (Section.EDUCATION, Action.ADD): "Добавить сведения об образовании",
    (Section.EDUCATION, Action.CHANGE): "Исправить сведения об образовании",
    (Section.AWARD, Action.ADD): "Добавить награду или звание",
    (Section.AWARD, Action.CHANGE): "Исправить награду или звание",
}


def profile_url(educator: Educator, user: Any = None) -> str:
    """The educator's profile page ("" while that page does not exist)."""
    try:
        if user is not None and educator.user_id == user.pk:
            return reverse("staff:me")
        return reverse("staff:detail", args=[educator.pk])
    except NoReverseMatch:
        return ""


def _proposal_of(user: Any, proposal_pk: int, permission: str) -> ChangeProposal:
    """The proposal if the user sees its educator (else 404) and holds `permission` on them (else 403)."""
    proposal = ChangeProposal.objects.filter(pk=proposal_pk).only("pk", "educator_id").first()
    if proposal is None:
        raise Http404("Предложение не найдено.")
    educator = educator_get_for(user=user, pk=proposal.educator_id, permission=permission)
    proposal = ChangeProposal.objects.select_related("proposed_by", "decided_by").filter(pk=proposal_pk).get()
    proposal.educator = educator
    return proposal


def _target(educator: Educator, section: str, target_id: str | None) -> EducationRecord | Award | None:
    if not target_id:
        return None
    try:
        pk = int(target_id)
    except ValueError:
        raise Http404("Запись не найдена.") from None
    records = educator.education_records if section == Section.EDUCATION else educator.awards
    target = records.filter(pk=pk).first()
    if target is None:
        raise Http404("Запись не найдена.")
    return target


# --- the teacher -----------------------------------------------------------------------------------


@login_only
def propose(request: AppRequest, pk: int, section: str) -> HttpResponse:
    educator = educator_get_for(user=request.user, pk=pk, permission="staff.propose_change")
    if section not in FORMS:
        raise Http404("Нет такого раздела.")
    target = None if section == Section.CONTACTS else _target(educator, section, request.GET.get("target"))
    if section == Section.CONTACTS:
        target_obj: Any = educator
        action = Action.CHANGE
    else:
        target_obj = target
        action = Action.CHANGE if target is not None else Action.ADD
    form_class = FORMS[section]
    removing = request.method == "POST" and request.POST.get("action") == Action.REMOVE and target is not None
    form = form_class(
        request.POST if request.method == "POST" and not removing else None,
        initial=initial_of(section, target_obj),
    )
    if removing or (request.method == "POST" and form.is_valid()):
        try:
            proposal = proposal_create(
                educator=educator,
                section=section,
                action=Action.REMOVE if removing else action,
                values={} if removing else form.values(),
                target=target_obj,
                by=request.user,
            )
        except ValidationError as error:
            if removing:
                messages.error(request, " ".join(error.messages))
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                "Предложение отправлено. Изменение появится в записи, когда его примет ответственный.",
            )
            return redirect("staff:proposal_detail", proposal_pk=proposal.pk)
    back = profile_url(educator, request.user) or reverse("staff:proposals")
    return render(
        request,
        "staff/proposals/propose.html",
        {
            "educator": educator,
            "form": form,
            "section": section,
            "target": target,
            "title": PROPOSE_TITLES[(section, action)],
            "back_url": back,
            "breadcrumbs": [
                {"label": "Моя карточка", "url": back},
                {"label": PROPOSE_TITLES[(section, action)]},
            ],
        },
    )


# --- the queue and the decision --------------------------------------------------------------------


def _queue(request: AppRequest) -> tuple[bool, Any]:
    decided = request.GET.get("status") == "decided"
    proposals = proposals_decidable_by(request.user)
    if decided:
        return decided, proposals.exclude(status=Status.PENDING).order_by("-decided_at", "-pk")
    return decided, proposals.filter(status=Status.PENDING).order_by("created_at", "pk")


_EXPORT_COLUMNS = (
    ExportColumn("Дата", lambda p: timezone.localtime(p.created_at).date(), 12),
    ExportColumn("Педагог", lambda p: str(p.educator), 34),
    ExportColumn("Что предложено", summary, 50),
    ExportColumn("Действие", lambda p: p.get_action_display(), 12),
    ExportColumn("Состояние", lambda p: p.get_status_display(), 14),
    ExportColumn("Решение принято", lambda p: timezone.localtime(p.decided_at) if p.decided_at else None, 16),
    ExportColumn("Комментарий", lambda p: p.comment, 40),
)


@requires("staff.decide_proposals")
def proposal_export(request: AppRequest) -> HttpResponse:
    """The queue as on the page (pending, or decided with ?status=decided), as .xlsx."""
    decided, proposals = _queue(request)
    name = "Решённые изменения" if decided else "Изменения на рассмотрении"
    content = write_xlsx(_EXPORT_COLUMNS, proposals.iterator(chunk_size=500), sheet_name=name)
    return xlsx_response(content, f"{name}_{timezone.localdate():%d.%m.%Y}.xlsx")


@login_only
def proposal_list(request: AppRequest) -> HttpResponse:
    """The decider's queue (pending, or decided ones on request); a teacher sees their own proposals."""
    deciding = request.user.has_perm("staff.decide_proposals")
    own = None if deciding else educator_of_user(request.user)
    if not deciding and (own is None or not request.user.has_perm("staff.propose_change", own)):
        raise PermissionDenied
    if own is not None:
        return render(
            request,
            "staff/proposals/mine.html",
            {**section_context_for(request.user, own), "breadcrumbs": [{"label": QUEUE_CRUMB}]},
        )
    decided, proposals = _queue(request)
    page = paginate(request, proposals)
    rows = [{"proposal": p, "summary": summary(p)} for p in page.object_list]
    return render(
        request,
        "staff/proposals/list.html",
        {"page": page, "rows": rows, "decided": decided, "breadcrumbs": [{"label": QUEUE_CRUMB}]},
    )


def _detail_context(request: AppRequest, proposal: ChangeProposal) -> dict[str, Any]:
    educator = proposal.educator
    can_decide = proposal.status == Status.PENDING and request.user.has_perm(
        "staff.decide_proposal", educator
    )
    target = None if proposal.action == Action.ADD else target_of(proposal)
    stale = stale_reason(proposal, target) if proposal.status == Status.PENDING else ""
    may_queue = request.user.has_perm("staff.decide_proposals")
    return {
        "proposal": proposal,
        "educator": educator,
        "summary": summary(proposal),
        "rows": change_rows(proposal, target if proposal.status == Status.PENDING else None),
        "stale": stale,
        "can_decide": can_decide,
        "profile_url": profile_url(educator, request.user),
        "breadcrumbs": [
            {"label": QUEUE_CRUMB, "url": reverse("staff:proposals")},
            {"label": f"{educator} — {proposal.get_section_display()}"},
        ]
        if may_queue or educator.user_id == request.user.pk
        else [],
    }


@login_only
def proposal_detail(request: AppRequest, proposal_pk: int) -> HttpResponse:
    proposal = _proposal_of(request.user, proposal_pk, "staff.view_educator")
    if not (
        request.user.has_perm("staff.propose_change", proposal.educator)
        or request.user.has_perm("staff.decide_proposal", proposal.educator)
    ):
        raise PermissionDenied
    form = DecisionForm()
    return render(
        request, "staff/proposals/detail.html", {**_detail_context(request, proposal), "form": form}
    )


@login_only
@require_POST
def proposal_decide(request: AppRequest, proposal_pk: int) -> HttpResponse:
    proposal = _proposal_of(request.user, proposal_pk, "staff.decide_proposal")
    form = DecisionForm(request.POST)
    if proposal.status != Status.PENDING:
        messages.error(request, "Решение по этому предложению уже принято.")
        return redirect("staff:proposal_detail", proposal_pk=proposal.pk)
    if form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            if form.cleaned_data["decision"] == DecisionForm.ACCEPT:
                proposal_accept(proposal=proposal, by=request.user, comment=comment)
                messages.success(
                    request, f"Предложение принято, запись педагога {proposal.educator} изменена."
                )
            else:
                proposal_reject(proposal=proposal, by=request.user, comment=comment)
                messages.success(request, "Предложение отклонено, педагог увидит ваш комментарий.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("staff:proposal_detail", proposal_pk=proposal.pk)
        return redirect("staff:proposals")
    return render(
        request,
        "staff/proposals/detail.html",
        {**_detail_context(request, proposal), "form": form},
        status=400,
    )


# --- the profile section ---------------------------------------------------------------------------


def section_context_for(user: Any, educator: Educator) -> dict[str, Any]:
    can_propose = user.has_perm("staff.propose_change", educator)
    proposals = proposals_of(educator)
    return {
        "educator": educator,
        "proposals": [{"proposal": p, "summary": summary(p), "rows": change_rows(p)} for p in proposals],
        "pending_count": sum(p.status == Status.PENDING for p in proposals),
        "can_propose": can_propose,
        "education_records": education_records_of(educator) if can_propose else [],
        "awards": awards_of(educator) if can_propose else [],
    }


def section_context(request: Any, subject: Any) -> dict[str, Any] | None:
    """The «Предложенные изменения» section of the profile: for the teacher and those who may decide."""
    if not isinstance(subject, Educator):
        return None
    user = request.user
    if not (
        user.has_perm("staff.propose_change", subject) or user.has_perm("staff.decide_proposal", subject)
    ):
        return None
    context = section_context_for(user, subject)
    if not context["proposals"] and not context["can_propose"]:
        return None
    return context


PROFILE_SECTION = ProfileSection(
    key="proposals",
    title="Предложенные изменения",
    order=90,
    template="staff/proposals/profile_section.html",
    context=section_context,
)
register_section(PROFILE_SECTION)  # imported by StaffConfig.ready()


urlpatterns: list[URLPattern] = [
    path("<int:pk>/propose/<str:section>/", propose, name="propose"),
    path("proposals/", proposal_list, name="proposals"),
    path("proposals/export/", proposal_export, name="proposals_export"),
    path("proposals/<int:proposal_pk>/", proposal_detail, name="proposal_detail"),
    path("proposals/<int:proposal_pk>/decide/", proposal_decide, name="proposal_decide"),
]
