"""Reads of organisations and memberships, and the scoping every later selector uses.

Scope: a role held at an organisation reaches that organisation and everything below it in the tree
(the office at the municipality sees its schools; a school admin sees the school). Every selector of
every domain filters with `filter_by_scope()` so there is one place that decides who sees what.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Count, Model, Q, QuerySet
from django.http import Http404

from imo.core import pagecache
from imo.core.access import check
from imo.core.collation import russian
from imo.core.text import fold
from imo.orgs.models import OFFICE_ROLES, USER_MANAGER_ROLES, Membership, Organization, Role

M = TypeVar("M", bound=Model)

# Roles whose holders see organisations (the list and cards): the office and school admins.
ORGANIZATION_VIEWER_ROLES = OFFICE_ROLES | {Role.SCHOOL_ADMIN}
_CACHE_ATTR = "_imo_memberships"


def memberships_of(user: Any) -> tuple[Membership, ...]:
    """The user's memberships with their organisations, kept on the user for the request.

    Between requests they are kept in the page cache under the "orgs" topic: every signed-in page asks
    for them, and a change of roles or organisations (any write to orgs' tables, imo.core.pagecache)
    makes every worker read them afresh on its next request."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        user_id = user.pk
        cached = pagecache.cached(
            "orgs.memberships",
            topics=("orgs",),
            parts=(user_id,),
            compute=lambda: tuple(
                Membership.objects.filter(user_id=user_id, organization__status=Organization.Status.ACTIVE)
                .select_related("organization")
                .order_by("pk")
            ),
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user: Any) -> None:
    """Drop the per-request cache after a change of roles."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_of(user: Any) -> frozenset[str]:
    return frozenset(m.role for m in memberships_of(user))


def has_role(user: Any, roles: Iterable[str]) -> bool:
    wanted = set(roles)
    return any(m.role in wanted for m in memberships_of(user))


def scope_paths(user: Any, roles: Iterable[str] = ORGANIZATION_VIEWER_ROLES) -> list[str]:
    """Tree paths of the organisations where the user holds one of `roles` (their scope roots)."""
    wanted = set(roles)
    return sorted({m.organization.path for m in memberships_of(user) if m.role in wanted})


def municipalities_above(paths: Iterable[str]) -> dict[str, Organization | None]:
    """{tree path: the nearest municipality at or above it, or None} in one query, for any number of
    organisations (a retention run groups thousands of students' schools)."""
    wanted = set(paths)
    prefixes: set[str] = set()
    for path in wanted:
        parts = [part for part in path.split("/") if part]
        prefixes.update("/".join(parts[: i + 1]) + "/" for i in range(len(parts)))
    municipalities = list(
        Organization.objects.filter(kind=Organization.Kind.MUNICIPALITY, path__in=prefixes).order_by("-path")
    )
    # Longest path first: the first municipality whose path starts the organisation's is the nearest one.
    return {path: next((m for m in municipalities if path.startswith(m.path)), None) for path in wanted}


def municipality_of(organization: Organization) -> Organization | None:
    """The municipality at or above an organisation (the district database its people belong to)."""
    return municipalities_above([organization.path])[organization.path]


def ancestor_ids(paths: Iterable[str]) -> set[int]:
    """Ids of the organisations on the tree paths: each path's own organisation and every one above it
    (a path is the chain of zero-padded ids from the root)."""
    ids: set[int] = set()
    for path in paths:
        ids.update(int(part) for part in path.strip("/").split("/") if part.isdecimal())
    return ids


def subtree_ids(paths: Iterable[str]) -> list[int]:
    """Ids of the organisations in the subtrees `paths` (each root included), in order.

    A scope as a list of ids lets PostgreSQL plan with the statistics of the column it filters (a school's
    or municipality's id) instead of guessing at a join and a LIKE on paths: the office's educator list
    statement ran in a third of the time. Kept in the page cache under the "orgs" topic: organisations
    change seldom, and a change makes every worker read them afresh."""
    roots = tuple(sorted(set(paths)))
    if not roots:
        return []
    return pagecache.cached(
        "orgs.subtree_ids",
        topics=("orgs",),
        parts=roots,
        compute=lambda: list(
            Organization.objects.filter(paths_q(roots)).order_by("pk").values_list("pk", flat=True)
        ),
    )


def paths_q(paths: Iterable[str], prefix: str = "") -> Q:
    """Rows whose organisation (reached by `prefix`, e.g. "organization__"; "" for Organization itself)
    lies in one of the subtrees `paths`; no paths → no rows. The one scope condition of every selector."""
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{prefix}path__startswith": path})
    return condition


def filter_by_scope(
    queryset: QuerySet[M],
    *,
    user: Any,
    field: str = "organization",
    roles: Iterable[str] = ORGANIZATION_VIEWER_ROLES,
) -> QuerySet[M]:
    """Keep only rows whose organisation (reached by `field`; "" for Organization itself) is in scope."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return queryset
    prefix = f"{field}__" if field else ""
    return queryset.filter(paths_q(scope_paths(user, roles), prefix))


def organizations_visible_to(
    *, user: Any, roles: Iterable[str] = ORGANIZATION_VIEWER_ROLES
) -> QuerySet[Organization]:
    return filter_by_scope(Organization.objects.all(), user=user, field="", roles=roles)


def organization_in_scope(user: Any, organization: Organization, roles: Iterable[str]) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(organization.path.startswith(path) for path in scope_paths(user, roles))


def organization_get_for(*, user: Any, pk: int, permission: str) -> Organization:
    """The organisation if the user may see it (else 404) and holds `permission` on it (else 403)."""
    organization = organizations_visible_to(user=user).select_related("parent").filter(pk=pk).first()
    if organization is None:
        raise Http404("Организация не найдена.")
    check(user, permission, organization)
    return organization


def educational_organizations_visible_to(*, user: Any) -> QuerySet[Organization]:
    """Schools, kindergartens, additional-education centres… of every status in the user's scope (the
    rows of the organisations list; its table filters and sorts them)."""
    return (
        organizations_visible_to(user=user)
        .exclude(kind__in=[Organization.Kind.REGION, Organization.Kind.MUNICIPALITY])
        .select_related("parent")
    )


def settlements_visible_to(*, user: Any) -> list[str]:
    values = (
        organizations_visible_to(user=user)
        .exclude(settlement="")
        .order_by()
        .values_list("settlement", flat=True)
        .distinct()
    )
    from imo.core.text import russian_sort_key

    return sorted(values, key=russian_sort_key)


def municipalities_visible_to(*, user: Any) -> QuerySet[Organization]:
    return (
        organizations_visible_to(user=user)
        .filter(kind=Organization.Kind.MUNICIPALITY)
        .order_by(russian("short_name"))
    )


def organization_counts_by_kind(*, user: Any) -> dict[str, int]:
    """Active organisations in the user's scope, per kind, for the home page."""
    rows = (
        organizations_visible_to(user=user)
        .filter(status=Organization.Status.ACTIVE)
        .order_by()
        .values("kind")
        .annotate(total=Count("pk"))
    )
    return {row["kind"]: row["total"] for row in rows}


def primary_membership(user: Any) -> Membership | None:
    """The membership shown in the top bar: the widest-scoped office role first, then school roles."""
    order = [
        Role.ADMIN,
        Role.HEAD,
        Role.METHODIST,
        Role.SECRETARY,
        Role.OBSERVER,
        Role.SCHOOL_ADMIN,
        Role.TEACHER,
    ]
    memberships = memberships_of(user)
    return min(memberships, key=lambda m: (len(m.organization.path), order.index(Role(m.role))), default=None)


# --- Users and roles, as their managers see them ---------------------------------------------------

USER_MANAGER_ROLES_SET = frozenset(USER_MANAGER_ROLES)


def manager_scope_roles(user: Any) -> frozenset[str]:
    """The roles whose scope defines which users `user` manages: head/admin → their municipality;
    a school admin → their school (and only teachers there)."""
    if has_role(user, USER_MANAGER_ROLES_SET):
        return USER_MANAGER_ROLES_SET
    return frozenset({Role.SCHOOL_ADMIN})


def manageable_roles(user: Any) -> list[tuple[str, str]]:
    """Roles this user may grant or remove. Only an admin grants the admin role."""
    if getattr(user, "is_superuser", False) or has_role(user, {Role.ADMIN}):
        return list(Role.choices)
    if has_role(user, {Role.HEAD}):
        return [choice for choice in Role.choices if choice[0] != Role.ADMIN]
    if has_role(user, {Role.SCHOOL_ADMIN}):
        return [(Role.TEACHER.value, Role.TEACHER.label)]
    return []


def manageable_organizations(user: Any) -> QuerySet[Organization]:
    return (
        organizations_visible_to(user=user, roles=manager_scope_roles(user))
        .filter(status=Organization.Status.ACTIVE)
        .order_by("path")
    )


def membership_is_manageable(manager: Any, membership: Membership) -> bool:
    roles = {value for value, _ in manageable_roles(manager)}
    return membership.role in roles and organization_in_scope(
        manager, membership.organization, manager_scope_roles(manager)
    )


@dataclass(frozen=True)
class UserFilters:
    query: str = ""
    role: str = ""
    active: str = ""


def users_managed_by(*, user: Any, filters: UserFilters) -> QuerySet[Any]:
    """Users holding at least one role inside the manager's scope, with their memberships prefetched."""
    from django.contrib.auth import get_user_model
    from django.db.models import Prefetch

    memberships_in_scope = filter_by_scope(
        Membership.objects.all(), user=user, roles=manager_scope_roles(user)
    )
    if not has_role(user, USER_MANAGER_ROLES_SET) and not getattr(user, "is_superuser", False):
        memberships_in_scope = memberships_in_scope.filter(role=Role.TEACHER)
    user_ids = memberships_in_scope.values("user_id")
    if filters.role:
        user_ids = memberships_in_scope.filter(role=filters.role).values("user_id")
    queryset = get_user_model().objects.filter(pk__in=user_ids)
    if filters.active in ("0", "1"):
        queryset = queryset.filter(is_active=filters.active == "1")
    for word in fold(filters.query).split():
        queryset = queryset.filter(search_text__contains=word)
    return queryset.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("organization").order_by("pk"),
        )
    ).order_by(russian("last_name"), russian("first_name"), "pk")


def user_get_managed_by(*, manager: Any, pk: int) -> Any:
    """A user the manager may manage, else 404 (whether or not the user exists)."""
    found = users_managed_by(user=manager, filters=UserFilters()).filter(pk=pk).first()
    if found is None:
        raise Http404("Пользователь не найден.")
    return found


def memberships_of_managed_user(*, manager: Any, user: Any) -> list[tuple[Membership, bool]]:
    """Every role of the user, each with whether the manager may remove it."""
    memberships = Membership.objects.filter(user=user).select_related("organization").order_by("pk")
    return [(m, membership_is_manageable(manager, m)) for m in memberships]


def users_count_in_scope(*, user: Any) -> int:
    return (
        filter_by_scope(Membership.objects.all(), user=user)
        .filter(user__is_active=True)
        .values("user_id")
        .distinct()
        .count()
    )
