"""Reads of the builder pages: the offices a user builds for, the survey list's rows, the templates they
may copy, a version's sections and questions in three queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from imo.orgs.models import OFFICE_EDITOR_ROLES, Organization
from imo.orgs.selectors import memberships_of
from imo.surveys.models import Question, Response, ResponseStatus, Section, Survey, SurveyVersion
from imo.surveys.selectors import surveys_manageable_by

OFFICE_KINDS = (Organization.Kind.MUNICIPALITY, Organization.Kind.REGION)


class Status:
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"

    LABELS = {
        DRAFT: "черновик",
        SCHEDULED: "ожидает начала",
        OPEN: "идёт приём",
        CLOSED: "завершена",
    }


def status_of(survey: Survey, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if not survey.is_published:
        return Status.DRAFT
    if survey.closes_at and survey.closes_at < now:
        return Status.CLOSED
    if survey.opens_at and survey.opens_at > now:
        return Status.SCHEDULED
    return Status.OPEN


def status_q(status: str, now: dt.datetime | None = None) -> Q:
    """The same statuses as a database condition (the list's filter)."""
    now = now or timezone.now()
    published = Q(is_published=True)
    closed = published & Q(closes_at__lt=now)
    scheduled = published & Q(opens_at__gt=now) & ~Q(closes_at__lt=now)
    if status == Status.DRAFT:
        return Q(is_published=False)
    if status == Status.CLOSED:
        return closed
    if status == Status.SCHEDULED:
        return scheduled
    return published & ~Q(closes_at__lt=now) & ~Q(opens_at__gt=now)


def builder_offices_for(user: Any) -> list[Organization]:
    """The offices (municipality, region) where the user builds surveys, the nearest first."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return list(Organization.objects.filter(kind__in=OFFICE_KINDS).order_by("-path"))
    offices = {
        m.organization.pk: m.organization
        for m in memberships_of(user)
        if m.role in OFFICE_EDITOR_ROLES and m.organization.kind in OFFICE_KINDS
    }
    return sorted(offices.values(), key=lambda office: office.path, reverse=True)


def survey_rows(user: Any) -> QuerySet[Survey]:
    """The list's surveys (templates apart) with their counts: asked, submitted responses."""
    submitted = Response.objects.filter(survey=OuterRef("pk"), status=ResponseStatus.SUBMITTED)
    return (
        surveys_manageable_by(user)
        .filter(is_template=False)
        .select_related("organization")
        .annotate(
            asked_count=Count("tokens", distinct=True),
            responded_count=Count("tokens", filter=Q(tokens__responded=True), distinct=True),
            has_submitted=Exists(submitted),
        )
    )


def survey_for_builder(user: Any, pk: int) -> Survey:
    """A survey (or template) the user builds; 404 outside their scope."""
    survey = surveys_manageable_by(user).select_related("organization").filter(pk=pk).first()
    if survey is None:
        raise Http404
    return survey


def templates_for(user: Any) -> list[Survey]:
    """The templates the user may copy: those of their offices and of the offices above them."""
    manageable = surveys_manageable_by(user).filter(is_template=True)
    above: set[int] = set()
    for office in builder_offices_for(user):
        above.update(int(part) for part in office.path.strip("/").split("/") if part.isdecimal())
    templates = Survey.objects.filter(is_template=True).filter(
        Q(pk__in=manageable.values("pk")) | Q(organization_id__in=above)
    )
    question_count = Count("versions__questions", distinct=True)
    return list(
        templates.select_related("organization").annotate(question_count=question_count).order_by("title")
    )


@dataclass
class SectionBlock:
    section: Section
    questions: list[Question] = field(default_factory=list)


@dataclass
class VersionView:
    version: SurveyVersion | None
    sections: list[SectionBlock]
    frozen: bool
    version_count: int

    @property
    def questions(self) -> list[Question]:
        return [question for block in self.sections for question in block.questions]


def version_view(survey: Survey) -> VersionView:
    """The newest version's sections with their questions (a fixed number of queries)."""
    versions = list(SurveyVersion.objects.filter(survey=survey).order_by("-number"))
    if not versions:
        return VersionView(None, [], False, 0)
    version = versions[0]
    blocks = [
        SectionBlock(section) for section in Section.objects.filter(version=version).order_by("order", "pk")
    ]
    by_section = {block.section.pk: block for block in blocks}
    questions = (
        Question.objects.filter(version=version).select_related("section", "show_if").order_by("order", "pk")
    )
    for question in questions:
        by_section[question.section_id].questions.append(question)
    frozen = version.frozen_at is not None or Response.objects.filter(version=version).exists()
    return VersionView(version, blocks, frozen, len(versions))
