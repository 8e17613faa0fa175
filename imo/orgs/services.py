"""Every write to organisations, memberships and the users they manage."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from imo.core.conflicts import ensure_unchanged
from imo.core.identifiers import digits_only
from imo.core.text import collapse_spaces, search_text
from imo.orgs.invitations import send_invitation
from imo.orgs.models import OFFICE_ROLES, Membership, Organization, Role

_PATH_WIDTH = 6


def _clean_values(data: dict[str, Any]) -> dict[str, Any]:
    def clean(key: str, value: Any) -> Any:
        if key in ("inn", "ogrn"):
            return digits_only(value)
        if not isinstance(value, str):
            return value
        # Already clean (every imported cell is): skip the regular expression.
        if value.isprintable() and "  " not in value and value == value.strip():
            return value
        return collapse_spaces(value)

    return {key: clean(key, value) for key, value in data.items()}


def _refresh_derived(organization: Organization) -> None:
    organization.search_text = search_text(
        organization.short_name, organization.name, organization.settlement, organization.inn
    )


def _assign_path(organization: Organization) -> None:
    parent_path = organization.parent.path if organization.parent_id and organization.parent else ""
    organization.path = f"{parent_path}{organization.pk:0{_PATH_WIDTH}d}/"


@transaction.atomic
def organization_create(*, data: dict[str, Any], by: Any | None = None) -> Organization:
    organization = Organization(**_clean_values(data))
    _refresh_derived(organization)
    organization.path = "pending/"
    organization.full_clean(exclude=["path"])
    organization.save()
    _assign_path(organization)  # the path holds the primary key, known only after the insert
    organization.save(update_fields=["path"])
    return organization


@transaction.atomic
def organization_update(
    *, organization: Organization, data: dict[str, Any], by: Any | None = None, version: str | None = None
) -> Organization:
    ensure_unchanged(organization, version)
    values = _clean_values(data)
    parent_changed = "parent" in values and values["parent"] != organization.parent
    if (
        parent_changed
        and values["parent"] is not None
        and values["parent"].path.startswith(organization.path)
    ):
        raise ValidationError(
            {"parent": "Организация не может подчиняться сама себе или своему подразделению."}
        )
    for key, value in values.items():
        setattr(organization, key, value)
    _refresh_derived(organization)
    organization.full_clean()
    old_path = organization.path
    if parent_changed:
        _assign_path(organization)
    organization.save()
    if parent_changed:
        _move_subtree(old_path, organization.path)
    return organization


def _move_subtree(old_path: str, new_path: str) -> None:
    descendants = Organization.objects.filter(path__startswith=old_path).exclude(path=new_path)
    for child in descendants:
        child.path = new_path + child.path[len(old_path) :]
        child.save(update_fields=["path"])


@transaction.atomic
def organization_close(
    *, organization: Organization, closed_on: dt.date, by: Any | None = None
) -> Organization:
    """Closed organisations stay for history (employment records, results); they leave active lists."""
    if organization.is_closed:
        raise ValidationError("Организация уже закрыта.")
    if not organization.is_educational:
        raise ValidationError("Муниципалитет или регион закрыть нельзя.")
    organization.status = Organization.Status.CLOSED
    organization.closed_on = closed_on
    organization.full_clean()
    organization.save(update_fields=["status", "closed_on", "updated_at"])
    return organization


@transaction.atomic
def organization_reopen(*, organization: Organization, by: Any | None = None) -> Organization:
    organization.status = Organization.Status.ACTIVE
    organization.closed_on = None
    organization.save(update_fields=["status", "closed_on", "updated_at"])
    return organization


# --- Users and roles -----------------------------------------------------------------------------


@transaction.atomic
def membership_add(*, user: Any, organization: Organization, role: str, by: Any | None = None) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": "Неизвестная роль."})
    if role in OFFICE_ROLES and organization.is_educational:
        raise ValidationError({"role": "Роли методического отдела назначаются в муниципалитете или регионе."})
    if role not in OFFICE_ROLES and not organization.is_educational:
        raise ValidationError(
            {"role": "Роли «Ответственный в ОО» и «Педагог» назначаются в образовательной организации."}
        )
    if organization.is_closed:
        raise ValidationError({"organization": "Организация закрыта: назначить в ней роль нельзя."})
    membership, _ = Membership.objects.get_or_create(user=user, organization=organization, role=role)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: Any | None = None) -> None:
    membership.delete()


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    last_name: str,
    first_name: str,
    patronymic: str = "",
    password: str | None = None,
    by: Any | None = None,
) -> Any:
    """A new user; without a password the account can be used only after setting one by the invite link."""
    model = get_user_model()
    user = model(
        username=collapse_spaces(username),
        email=collapse_spaces(email).lower(),
        last_name=collapse_spaces(last_name),
        first_name=collapse_spaces(first_name),
        patronymic=collapse_spaces(patronymic),
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.refresh_search_text()
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def user_set_active(*, user: Any, active: bool, by: Any | None = None) -> Any:
    if by is not None and user.pk == by.pk and not active:
        raise ValidationError("Нельзя отключить собственную учётную запись.")
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user


def _username_from_email(email: str) -> str:
    model = get_user_model()
    base = re.sub(r"[^a-z0-9._-]", "", email.split("@", maxsplit=1)[0].lower()) or "user"
    candidate, number = base, 1
    while model.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


@dataclass(frozen=True)
class InviteResult:
    user: Any
    created: bool


@transaction.atomic
def user_invite(
    *, data: dict[str, Any], organization: Organization, role: str, by: Any, base_url: str
) -> InviteResult:
    """Invite a person by e-mail to a role. A person already registered gets the role added instead."""
    model = get_user_model()
    email = collapse_spaces(data["email"]).lower()
    existing = model.objects.filter(email__iexact=email).first()
    if existing is not None:
        membership_add(user=existing, organization=organization, role=role, by=by)
        return InviteResult(user=existing, created=False)
    user = user_create(
        username=data.get("username") or _username_from_email(email),
        email=email,
        last_name=data["last_name"],
        first_name=data["first_name"],
        patronymic=data.get("patronymic", ""),
        by=by,
    )
    membership = membership_add(user=user, organization=organization, role=role, by=by)
    # Sent after commit: a rolled-back invitation must not leave a working link in someone's mailbox.
    transaction.on_commit(
        lambda: send_invitation(
            user=user,
            base_url=base_url,
            role_label=membership.get_role_display(),
            organization_name=str(organization),
            by=by,
        )
    )
    return InviteResult(user=user, created=True)


def user_resend_invitation(*, user: Any, by: Any, base_url: str) -> None:
    membership = user.memberships.select_related("organization").order_by("pk").first()
    send_invitation(
        user=user,
        base_url=base_url,
        role_label=membership.get_role_display() if membership else "",
        organization_name=str(membership.organization) if membership else "",
        by=by,
    )


# --- Many at once (imports) ----------------------------------------------------------------------

_BATCH = 1000


@dataclass(frozen=True)
class UpsertResult:
    created: list[Organization]
    updated: list[Organization]


@transaction.atomic
def organization_upsert_many(
    *,
    creates: list[dict[str, Any]],
    updates: list[tuple[Organization, dict[str, Any]]],
    by: Any | None = None,
    validated: bool = False,
) -> UpsertResult:
    """Create and update many organisations in a few statements (the import of a list).

    Each row is cleaned and validated as `organization_create`/`organization_update` do (the model's
    field validation; the parent exists; ИНН unique); any invalid row raises ValidationError and nothing
    is saved. `validated=True` skips the field validation for values that already went through the
    model's own validators (the organisations import checks every cell with them, see
    imo/orgs/imports.py); the checks against the database always run. Changes are written to the audit
    log as single saves would write them. Keys are reserved and rows inserted with COPY (PostgreSQL) or
    one executemany (SQLite): an import of 25,000 rows takes seconds.
    """
    from imo.core.imports.audit import log_bulk_changes

    errors: list[str] = []
    new_objects = _prepare_creates(creates, errors, validate=not validated)
    changed, moved, fields = _prepare_updates(updates, errors, validate=not validated)
    if errors:
        raise ValidationError(errors[:20])
    _check_parents_exist([*new_objects, *(new for _, new in changed)])
    _check_inns_unique([*new_objects, *(new for _, new in changed)])
    _insert_with_paths(new_objects)
    if changed:
        _write_updates([new for _, new in changed], fields, moved)
    pairs: list[tuple[Organization | None, Organization]] = [(None, o) for o in new_objects]
    pairs.extend(changed)
    log_bulk_changes(pairs, by=by)
    return UpsertResult(created=new_objects, updated=[new for _, new in changed])


def _prepare_creates(
    creates: list[dict[str, Any]], errors: list[str], *, validate: bool
) -> list[Organization]:
    from imo.core.imports.bulk import validate_fields

    new_objects = []
    for data in creates:
        organization = Organization(**_clean_values(data))
        _refresh_derived(organization)
        new_objects.append(organization)
    # The parent is checked once for all rows (_check_parents_exist), not with a query per row.
    for organization, messages in validate_fields(new_objects if validate else [], exclude=["parent"]):
        errors.append(f"{organization.short_name}: {' '.join(messages)}")
    return new_objects


def _prepare_updates(
    updates: list[tuple[Organization, dict[str, Any]]], errors: list[str], *, validate: bool
) -> tuple[list[tuple[Organization, Organization]], list[tuple[Organization, str]], set[str]]:
    """(old copy, changed object) pairs, the objects that moved to another parent, the changed fields."""
    from imo.core.imports.bulk import validate_fields

    changed: list[tuple[Organization, Organization]] = []
    moved: list[tuple[Organization, str]] = []
    fields: set[str] = set()
    concrete = Organization._meta.concrete_fields
    for organization, data in updates:
        old = Organization(**{f.attname: getattr(organization, f.attname) for f in concrete})
        values = _clean_values(data)
        new_parent = values.get("parent")
        if new_parent is not None and new_parent.path.startswith(organization.path):
            errors.append(f"{organization.short_name}: организация не может подчиняться сама себе.")
            continue
        parent_changed = (
            "parent" in values and (new_parent.pk if new_parent else None) != organization.parent_id
        )
        for key, value in values.items():
            setattr(organization, key, value)
            fields.add(key)
        _refresh_derived(organization)
        if parent_changed:
            moved.append((organization, organization.path))
        changed.append((old, organization))
    checked = [new for _, new in changed] if validate else []
    for organization, messages in validate_fields(checked, exclude=["parent"]):
        errors.append(f"{organization.short_name}: {' '.join(messages)}")
    return changed, moved, fields


def _insert_with_paths(new_objects: list[Organization]) -> None:
    """Keys are reserved first, so each path (parent's path + own key) is known before the one INSERT."""
    from imo.core.imports.bulk import insert, reserve_ids

    parent_ids = {o.parent_id for o in new_objects if o.parent_id is not None}
    paths = dict(Organization.objects.filter(pk__in=parent_ids).values_list("pk", "path"))
    for organization, pk in zip(new_objects, reserve_ids(Organization, len(new_objects)), strict=True):
        organization.pk = pk
        prefix = paths[organization.parent_id] if organization.parent_id is not None else ""
        organization.path = f"{prefix}{pk:0{_PATH_WIDTH}d}/"
    insert(new_objects)
    for organization in new_objects:
        organization._state.adding = False
        organization._state.db = "default"


def _write_updates(
    organizations: list[Organization], fields: set[str], moved: list[tuple[Organization, str]]
) -> None:
    from django.utils import timezone

    now = timezone.now()
    for organization in organizations:
        organization.updated_at = now
    update_fields = sorted(fields | {"search_text", "updated_at"})
    Organization.objects.bulk_update(organizations, update_fields, batch_size=500)
    for organization, old_path in moved:
        _assign_path(organization)
        organization.save(update_fields=["path"])
        _move_subtree(old_path, organization.path)


def _check_parents_exist(organizations: list[Organization]) -> None:
    wanted = {o.parent_id for o in organizations if o.parent_id is not None}
    found = set(Organization.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - found:
        raise ValidationError("Вышестоящая организация не найдена (возможно, её удалили).")


def _check_inns_unique(organizations: list[Organization]) -> None:
    """ИНН is unique among organisations: one query per batch instead of one per row."""
    seen: dict[str, Organization] = {}
    for organization in organizations:
        if not organization.inn:
            continue
        if organization.inn in seen:
            raise ValidationError(f"ИНН {organization.inn} указан у двух организаций.")
        seen[organization.inn] = organization
    if not seen:
        return
    existing = Organization.objects.exclude(inn="")
    if len(seen) <= _BATCH:
        existing = existing.filter(inn__in=list(seen))
    # else: every ИНН of the register in one query (a region has a few thousand organisations) beats
    # dozens of `inn IN (…)` statements of a thousand parameters each.
    for pk, inn in existing.values_list("pk", "inn").iterator(chunk_size=5000):
        if inn in seen and seen[inn].pk != pk:
            raise ValidationError(f"Организация с ИНН {inn} уже есть.")
