"""Who sees which educators, and the reads every staff page shares.

Scope (ARCHITECTURE.md): the office sees the educators of the municipalities in its scope (they stay there
after leaving every school); a school admin sees those currently employed at their school; a teacher sees
their own record. Anything else answers 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from imo.core import pagecache
from imo.core.access import check
from imo.core.prepared import prepared
from imo.orgs.models import OFFICE_ROLES, Role
from imo.orgs.selectors import scope_paths, subtree_ids
from imo.staff.models import Award, Consent, EducationRecord, Educator, Employment

T = TypeVar("T")


def active_on(on: dt.date, prefix: str = "") -> Q:
    """Employments in force on `on` (started by then, or start unknown; not ended before it)."""
    return (Q(**{f"{prefix}starts_on__isnull": True}) | Q(**{f"{prefix}starts_on__lte": on})) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": on})
    )


def _employments_in(paths: list[str], on: dt.date | None) -> QuerySet[Employment]:
    """Employments in force on `on` (today) in one of the subtrees `paths` (by the organisations' ids:
    see subtree_ids)."""
    return Employment.objects.filter(
        active_on(on or timezone.localdate()), organization_id__any=subtree_ids(paths)
    )


def employed_in(paths: list[str], *, on: dt.date | None = None) -> Exists:
    """The educator holds an employment in force on `on` (today) in one of the subtrees `paths`."""
    return Exists(_employments_in(paths, on).filter(educator_id=OuterRef("pk")))


def educators_visible_to(*, user: Any, include_erased: bool = False) -> QuerySet[Educator]:
    """Every educator the user may see (before any filter of a page)."""
    queryset = Educator.objects.all()
    if not include_erased:
        queryset = queryset.filter(erased_at__isnull=True)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    office = for_request(user, "office_ids", lambda: subtree_ids(scope_paths(user, OFFICE_ROLES)))
    schools = scope_paths(user, {Role.SCHOOL_ADMIN})
    condition = Q(pk__in=[])
    if office:
        condition |= Q(municipality_id__any=office)
    if schools:
        condition |= Q(employed_in(schools))
    if not (office or schools) or not for_request(
        user, "own_within", lambda: _own_records_within(user, office)
    ):
        condition |= Q(user_id=user.pk)
    return queryset.filter(condition)


def _own_records_within(user: Any, municipality_ids: list[int]) -> bool:
    """Every record linked to the user lies in the municipalities (or there is none), so the scope's
    "or their own record" adds nothing: an OR across the scope and the user's key made PostgreSQL plan
    the office's list two to three times slower."""
    return set(_MUNICIPALITIES_OF_USER(user=user.pk)) <= set(municipality_ids)


# Read on every page an office user opens, and for every card, form and save (prepared: imo/core/prepared.py).
_MUNICIPALITIES_OF_USER = prepared(
    lambda user: Educator.objects.filter(user_id=user).values_list("municipality_id", flat=True), user=int
)


def for_request(user: Any, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, remembered on the user object (one per request) until this thread writes anything: a
    home page asks for the scope in several of its blocks, a profile page whether the school employs the
    educator in each of its sections."""
    # getattr/setattr, not __dict__: request.user is a lazy wrapper, and the rules get it wrapped in one
    # place and unwrapped in another; both reach the one user object this way.
    memo: dict[Hashable, tuple[int, Any]] | None = getattr(user, "_imo_request_memo", None)
    if memo is None:
        memo = {}
        user._imo_request_memo = memo
    seen = pagecache.writes_seen()
    found = memo.get(key)
    if found is None or found[0] != seen:
        found = memo[key] = (seen, compute())
    return found[1]


def educator_get_for(*, user: Any, pk: int, permission: str = "staff.view_educator") -> Educator:
    """The educator if the user may see them (else 404) and holds `permission` on them (else 403).

    Whether the user sees them is decided as `educators_visible_to` decides it, for the one row: the row is
    read by its key and the scope checked here (own record, the office's municipalities), asking the
    database only whether a school admin's school employs them. Building the list's scope subqueries for a
    single row cost 3–4 ms of CPU on every card page, form and save. The school admin's answer is
    remembered for the request (at_own_school), which the permission check and the page's sections ask."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise Http404("Педагог не найден.")
    educator = _EDUCATOR_BY_PK.first(pk=pk)
    if educator is None or not _sees(user, educator):
        raise Http404("Педагог не найден.")
    check(user, permission, educator)
    return educator


_EDUCATOR_BY_PK = prepared(
    lambda pk: Educator.objects.select_related("municipality", "user").filter(pk=pk, erased_at__isnull=True)[
        :1
    ],
    pk=int,
)


def _sees(user: Any, educator: Educator) -> bool:
    """The row is among educators_visible_to(user=user) (for an active, signed-in user)."""
    if user.is_superuser or (educator.user_id is not None and educator.user_id == user.pk):
        return True
    return in_office_scope(user, educator) or at_own_school(user, educator)


def educator_of_user(user: Any) -> Educator | None:
    """The teacher's own record."""
    if not getattr(user, "is_authenticated", False):
        return None
    return _EDUCATOR_OF_USER.first(user=user.pk)


_EDUCATOR_OF_USER = prepared(
    lambda user: Educator.objects.filter(user_id=user, erased_at__isnull=True).order_by("pk")[:1], user=int
)


# The profile's sections, read for every card (as educator.<relation>.all() reads them, by the models' order).
_EDUCATION_OF = prepared(lambda educator: EducationRecord.objects.filter(educator_id=educator), educator=int)
_AWARDS_OF = prepared(lambda educator: Award.objects.filter(educator_id=educator), educator=int)
_CONSENTS_OF = prepared(lambda educator: Consent.objects.filter(educator_id=educator), educator=int)


def education_records_of(educator: Educator) -> list[EducationRecord]:
    return _owned_by(educator, _EDUCATION_OF(educator=educator.pk))


def awards_of(educator: Educator) -> list[Award]:
    return _owned_by(educator, _AWARDS_OF(educator=educator.pk))


def consents_of(educator: Educator) -> list[Consent]:
    return _owned_by(educator, _CONSENTS_OF(educator=educator.pk))


R = TypeVar("R", EducationRecord, Award, Consent, Employment)


def _owned_by(educator: Educator, rows: list[R]) -> list[R]:
    for row in rows:
        row.educator = educator  # as the related manager sets it: no query for row.educator
    return rows


def in_office_scope(user: Any, educator: Educator, roles: frozenset[str] = OFFICE_ROLES) -> bool:
    paths = scope_paths(user, roles)
    municipality_path = educator.municipality.path
    return any(municipality_path.startswith(path) for path in paths)


def at_own_school(user: Any, educator: Educator, *, on: dt.date | None = None) -> bool:
    """The user is a school admin of a school that employs the educator now.

    Remembered for the request (for_request): a profile page asks it for each of its dozen sections."""
    schools = scope_paths(user, {Role.SCHOOL_ADMIN})
    if not schools:
        return False
    # The employments asked directly, not through employed_in's subquery on the educators.
    return for_request(
        user,
        ("at_own_school", educator.pk, on),
        lambda: _EMPLOYED_AT.exists(
            educator=educator.pk, organizations=subtree_ids(schools), on=on or timezone.localdate()
        ),
    )


_EMPLOYED_AT = prepared(
    lambda educator, organizations, on: Employment.objects.filter(
        active_on(on), educator_id=educator, organization_id__any=organizations
    ),
    educator=int,
    organizations=list,
    on=dt.date,
    exists=True,
)


def employments_prefetch(on: dt.date | None = None, *, current_only: bool = True) -> Prefetch[Any]:
    """Employments with organisation, position and subjects, current first (for lists and the profile)."""
    queryset = Employment.objects.select_related("organization", "position").prefetch_related("subjects")
    if current_only:
        queryset = queryset.filter(active_on(on or timezone.localdate()))
    return Prefetch(
        "employments", queryset=queryset.order_by("-is_main", "ends_on", "-starts_on", "pk"), to_attr="shown"
    )


_EMPLOYMENTS_OF = prepared(
    lambda educator: (
        Employment.objects.filter(educator_id=educator)
        .select_related("organization", "position")
        .prefetch_related("subjects")
        .order_by("-is_main", "-starts_on", "pk")
    ),
    educator=int,
)


def employments_of(educator: Educator) -> list[Employment]:
    """Every employment of the educator, current ones first, then by end date (newest first).

    Remembered on the educator object until this thread writes: the profile page and its employments
    section both ask."""
    memo = educator.__dict__.get("_imo_employments")
    if memo is not None and memo[0] == pagecache.writes_seen():
        return list(memo[1])
    rows = _owned_by(educator, _EMPLOYMENTS_OF(educator=educator.pk))
    today = timezone.localdate()
    ordered = sorted(rows, key=lambda e: (e.ends_on is not None and e.ends_on < today, not e.is_main))
    educator.__dict__["_imo_employments"] = (pagecache.writes_seen(), ordered)
    return list(ordered)


def duplicates_of(*, educator: Educator) -> QuerySet[Educator]:
    """Other records that may be the same person: same folded full name and birth date, or same СНИЛС."""
    condition = Q(name_key=educator.name_key, birth_date=educator.birth_date) if educator.birth_date else Q()
    if educator.snils:
        condition |= Q(snils=educator.snils)
    if not condition:
        return Educator.objects.none()
    return Educator.objects.filter(condition, erased_at__isnull=True).exclude(pk=educator.pk)


def educators_working_count(*, user: Any, on: dt.date | None = None) -> int:
    """Educators the user sees who hold an employment in force on `on` (today): the home pages' figure."""
    on = on or timezone.localdate()
    working = Exists(Employment.objects.filter(active_on(on), educator_id=OuterRef("pk")))
    return educators_visible_to(user=user).filter(working).count()
