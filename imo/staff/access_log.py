"""The log of who viewed or exported whose personal data (personal-data.md, item 2): one row per view of
a record or per export of a list, linked to the records it showed.

Educators are linked by a many-to-many (erasure keeps the links, and the log is scoped through them);
other people (olympiad students, users, …) are kept as the kind of record, their ids and a short text,
with the organisation whose data it was, so the head of that office sees the row in the log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models, transaction
from django.db.models import QuerySet

from imo.orgs.models import Membership, Organization
from imo.staff.models import Educator, PersonalDataAccess


@transaction.atomic
def personal_data_access_log(
    *,
    user: Any,
    action: str,
    educator_ids: Iterable[int] = (),
    what: str = "",
    subject_model: type[models.Model] | None = None,
    subject_ids: Iterable[int] = (),
    subject: str = "",
    organization: Organization | None = None,
) -> PersonalDataAccess:
    """Record that `user` viewed or exported the personal data of `educator_ids` (one row + links) or
    of other people (`subject_model` with `subject_ids`, described by `subject`)."""
    ids = sorted(set(educator_ids))
    others = sorted(set(subject_ids)) if subject_model is not None else []
    entry = PersonalDataAccess.objects.create(
        user=user,
        action=action,
        what=what[:300],
        count=len(ids) + len(others),
        subject_model=subject_model._meta.label_lower if subject_model is not None else "",
        subject_ids=others,
        subject=subject[:300],
        organization=organization
        if organization is not None or subject_model is None
        else viewer_organization(user),
    )
    link = PersonalDataAccess.educators.through
    link.objects.bulk_create(
        [link(personaldataaccess_id=entry.pk, educator_id=pk) for pk in ids], batch_size=5000
    )
    return entry


def personal_data_accesses(*, educator: Educator | None = None) -> QuerySet[PersonalDataAccess]:
    """The log, newest first; only the entries about `educator` when given."""
    queryset = PersonalDataAccess.objects.select_related("user").order_by("-at", "-pk")
    if educator is not None:
        queryset = queryset.filter(educators=educator)
    return queryset


def subject_accesses(model: type[models.Model], pk: int) -> QuerySet[PersonalDataAccess]:
    """Entries about one non-educator person (e.g. an olympiad student), oldest first. JSON containment
    is not on SQLite, so the entries of that kind are read as (pk, ids) and checked here."""
    label = model._meta.label_lower
    candidates = PersonalDataAccess.objects.filter(subject_model=label).values_list("pk", "subject_ids")
    wanted = [entry_pk for entry_pk, ids in candidates if pk in (ids or [])]
    return PersonalDataAccess.objects.filter(pk__in=wanted).select_related("user").order_by("at", "pk")


def viewer_organization(user: Any) -> Organization | None:
    """Whose data a page of people belongs to, for the log's scope: the viewer's highest organisation (a
    school admin's school, an office's municipality); a page shows only what is in that scope anyway."""
    if getattr(user, "pk", None) is None:
        return None
    membership = (
        Membership.objects.filter(user_id=user.pk)
        .select_related("organization")
        .order_by("organization__path")
        .first()
    )
    return membership.organization if membership is not None else None


def log_table_access(
    table: Any,
    *,
    user: Any,
    what: str,
    export: bool = False,
    educator_fields: Sequence[str] = (),
    subject_model: type[models.Model] | None = None,
    subject_field: str = "pk",
) -> None:
    """Log the people a table showed: the rows of the page shown, or every row of its export. People are
    read from the rows' fields: `educator_fields` (e.g. "educator_id") link educators, `subject_field`
    gives the ids of `subject_model` (e.g. students)."""
    fields = [*educator_fields, *([subject_field] if subject_model is not None else [])]
    if export:
        rows = [
            dict(zip(fields, values, strict=True)) for values in table.export_queryset().values_list(*fields)
        ]
    else:
        rows = [{field: getattr(row, field) for field in fields} for row in table.page.object_list]
    educators = [row[f] for row in rows for f in educator_fields if row[f] is not None]
    others = [
        row[subject_field] for row in rows if subject_model is not None and row[subject_field] is not None
    ]
    personal_data_access_log(
        user=user,
        action=PersonalDataAccess.Action.EXPORT if export else PersonalDataAccess.Action.VIEW,
        educator_ids=educators,
        what=what,
        subject_model=subject_model,
        subject_ids=others,
        subject=f"{subject_model._meta.verbose_name_plural}: {len(set(others))}" if subject_model else "",
        organization=viewer_organization(user) if subject_model is not None else None,
    )
