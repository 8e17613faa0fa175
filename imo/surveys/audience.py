"""Who a survey asks: the educators or the schools of its audience, and their RespondentToken rows.

Educators' surveys ask the educators working today (an employment in force) in the organisations under
the survey's office — or in the chosen schools — narrowed by subject and position (of the same employment:
«учителя математики», not «someone who teaches maths somewhere and is a librarian elsewhere»), by the
qualification category in force today (the attestation list's own rule, `imo.attestation.facets`) and to
early-career educators (teaching experience under three years, `imo.mentorship.selectors`).

Monitorings ask schools: the chosen ones, else every active school under the office.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from imo.attestation.facets import category_condition
from imo.mentorship.selectors import early_career_q
from imo.orgs.models import Organization
from imo.staff.models import Educator, Employment
from imo.staff.selectors import active_on
from imo.surveys.models import AudienceKind, RespondentToken, Survey


def _schools_under_office(survey: Survey) -> QuerySet[Organization]:
    return Organization.objects.filter(path__startswith=survey.organization.path).exclude(
        pk=survey.organization_id
    )


def audience_educators(survey: Survey, *, on: dt.date | None = None) -> QuerySet[Educator]:
    """The educators the survey asks (today), each once."""
    on = on or timezone.localdate()
    employments = Employment.objects.filter(
        active_on(on), educator_id=OuterRef("pk"), organization__path__startswith=survey.organization.path
    )
    school_ids = list(survey.schools.values_list("pk", flat=True))
    if school_ids:
        employments = employments.filter(organization_id__in=school_ids)
    position_ids = list(survey.positions.values_list("pk", flat=True))
    if position_ids:
        employments = employments.filter(position_id__in=position_ids)
    subject_ids = list(survey.subjects.values_list("pk", flat=True))
    if subject_ids:
        employments = employments.filter(subjects__in=subject_ids)
    educators = Educator.objects.filter(Exists(employments), erased_at__isnull=True)
    if survey.categories:
        educators = educators.filter(category_condition(list(survey.categories), on))
    if survey.early_career_only:
        educators = educators.filter(early_career_q(on))
    return educators


def audience_schools(survey: Survey) -> QuerySet[Organization]:
    """The schools a monitoring asks: the chosen ones (under the office), else every active school."""
    under = _schools_under_office(survey).filter(status=Organization.Status.ACTIVE)
    school_ids = list(survey.schools.values_list("pk", flat=True))
    if school_ids:
        return under.filter(pk__in=school_ids)
    return under.filter(kind=Organization.Kind.SCHOOL)


def audience_count(survey: Survey) -> int:
    if survey.audience == AudienceKind.SCHOOLS:
        return audience_schools(survey).count()
    return audience_educators(survey).count()


def tokens_sync(survey: Survey) -> int:
    """Add a RespondentToken for everyone of the audience who has none yet (newcomers on re-publishing);
    returns how many were added. Tokens of those who left the audience stay: they may have answered, and
    the rates count who was asked."""
    if survey.audience == AudienceKind.SCHOOLS:
        have = RespondentToken.objects.filter(survey=survey, school__isnull=False).values("school_id")
        ids = list(audience_schools(survey).exclude(pk__in=have).values_list("pk", flat=True))
        tokens = [RespondentToken(survey=survey, school_id=pk) for pk in ids]
    else:
        asked = RespondentToken.objects.filter(survey=survey, educator__isnull=False).values("educator_id")
        ids = list(audience_educators(survey).exclude(pk__in=asked).values_list("pk", flat=True))
        tokens = [RespondentToken(survey=survey, educator_id=pk) for pk in ids]
    RespondentToken.objects.bulk_create(tokens, batch_size=1000)
    return len(tokens)
