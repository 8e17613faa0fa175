"""Reads of the rows of providers' lists waiting for a person (PendingGraduate).

Who sees which rows: the office's editors — every row of their municipalities; a school admin — the rows
where at least one candidate works at their school now (rows that found nobody at all are the office's);
the superuser — all. Anything else answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from imo.orgs.models import OFFICE_EDITOR_ROLES, Organization, Role
from imo.orgs.selectors import paths_q, scope_paths
from imo.staff.models import Educator
from imo.staff.selectors import employed_in, employments_prefetch
from imo.training.models import PendingGraduate


def _superuser(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def _school_rows(user: Any, schools: list[str]) -> list[int]:
    """Ids of the rows whose candidates include someone working at the user's school now."""
    working = set(Educator.objects.filter(employed_in(schools)).values_list("pk", flat=True))
    if not working:
        return []
    municipalities = [
        pk
        for pk, path in Organization.objects.filter(kind=Organization.Kind.MUNICIPALITY).values_list(
            "pk", "path"
        )
        if any(school.startswith(path) for school in schools)
    ]
    rows = PendingGraduate.objects.filter(municipality_id__in=municipalities).values_list("pk", "candidates")
    return [pk for pk, candidates in rows if working.intersection(candidates or ())]


def pending_visible_to(*, user: Any) -> QuerySet[PendingGraduate]:
    queryset = PendingGraduate.objects.select_related("municipality", "run", "educator", "record")
    if _superuser(user):
        return queryset
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    condition = Q(pk__in=[])
    office = scope_paths(user, OFFICE_EDITOR_ROLES)
    if office:
        condition |= paths_q(office, "municipality__")
    schools = scope_paths(user, {Role.SCHOOL_ADMIN})
    if schools:
        condition |= Q(pk__in=_school_rows(user, schools))
    return queryset.filter(condition)


SORTS = {
    "": ("-created_at", "row_number", "pk"),
    "name": ("full_name", "pk"),
    "-name": ("-full_name", "-pk"),
    "school": ("school_name", "full_name", "pk"),
    "-school": ("-school_name", "full_name", "pk"),
    "row": ("run_id", "row_number", "pk"),
}


def pending_list(
    *,
    user: Any,
    status: str = "",
    reason: str = "",
    run_id: int | None = None,
    q: str = "",
    sort: str = "",
) -> QuerySet[PendingGraduate]:
    queryset = pending_visible_to(user=user)
    if status:
        queryset = queryset.filter(status=status)
    if reason:
        queryset = queryset.filter(reason=reason)
    if run_id:
        queryset = queryset.filter(run_id=run_id)
    if q:
        queryset = queryset.filter(Q(full_name__icontains=q) | Q(school_name__icontains=q))
    return queryset.order_by(*SORTS.get(sort, SORTS[""]))


def pending_get_for(*, user: Any, pk: int) -> PendingGraduate:
    pending = pending_visible_to(user=user).filter(pk=pk).first()
    if pending is None:
        raise Http404("Строка не найдена.")
    return pending


def open_count_for(*, user: Any) -> int:
    """Rows waiting for the user's decision: the home page's figure."""
    if not user.has_perm("training.resolve_graduates"):
        return 0
    return pending_visible_to(user=user).filter(status=PendingGraduate.Status.OPEN).count()


def pickable_educators(*, user: Any) -> QuerySet[Educator]:
    """Whom the user may give a course from a list: the office's editors — their municipalities; a school
    admin — the people working at their school now; the superuser — everyone."""
    queryset = Educator.objects.filter(erased_at__isnull=True)
    if _superuser(user):
        return queryset
    condition = Q(pk__in=[])
    office = scope_paths(user, OFFICE_EDITOR_ROLES)
    if office:
        condition |= paths_q(office, "municipality__")
    schools = scope_paths(user, {Role.SCHOOL_ADMIN})
    if schools:
        condition |= Q(employed_in(schools))
    return queryset.filter(condition)


def with_jobs(queryset: QuerySet[Educator]) -> QuerySet[Educator]:
    return queryset.prefetch_related(employments_prefetch()).order_by("name_key", "pk")


def candidates_of(*, user: Any, pending: PendingGraduate) -> list[Educator]:
    """The row's candidates the user may see, with their current jobs."""
    ids = [pk for pk in (pending.candidates or []) if isinstance(pk, int)]
    if not ids:
        return []
    return list(with_jobs(pickable_educators(user=user).filter(pk__in=ids)))


def educator_search(*, user: Any, text: str, limit: int = 20) -> list[Educator]:
    """Educators the user may pick whose name (or СНИЛС) contains every word of `text`."""
    from imo.core.text import fold

    words = [word for word in fold(text).replace(",", " ").split() if word]
    if not words:
        return []
    queryset = pickable_educators(user=user)
    for word in words:
        digits = "".join(ch for ch in word if ch.isdecimal())
        if digits and len(digits) == len(word.replace("-", "")):
            queryset = queryset.filter(snils__contains=digits)
        else:
            queryset = queryset.filter(search_text__contains=word)
    return list(with_jobs(queryset)[:limit])
