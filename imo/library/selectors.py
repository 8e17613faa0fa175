"""Who may see which documents and news: the one scope every part of the library reads through.

A document belongs to the office of a municipality (or of the region). Its readers:
- anyone, signed in or not: published documents with access «всем»;
- educators and school admins: also published «педагогам района» documents of the offices above their
  organisation (their municipality's and the region's);
- office staff (observers included): every published document of their scope and of the offices above it;
  office editors (head, methodist, secretary, admin) also see drafts there and «только ИМО» documents;
- a superuser: everything.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from imo.library.models import Access, Audience, Document, NewsPost
from imo.orgs.models import OFFICE_EDITOR_ROLES, OFFICE_ROLES, Organization, Role
from imo.orgs.selectors import ancestor_ids, memberships_of, paths_q, scope_paths

EDUCATOR_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.TEACHER})


def _scope(user: Any, roles: frozenset[str]) -> set[str]:
    return set(scope_paths(user, roles))


def _subtree_or_above(paths: set[str]) -> Q:
    """Documents (or posts) of the organisations on the paths or below them: one id subquery, not a
    join, so the database reads the few organisations once instead of testing the path of the
    organisation of every one of 20,000 documents."""
    offices = Organization.objects.filter(paths_q(paths) | Q(pk__in=ancestor_ids(paths))).values("pk")
    return Q(organization_id__in=offices)


def is_library_editor(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser and user.is_active) or bool(_scope(user, frozenset(OFFICE_EDITOR_ROLES)))


def documents_visible_to(user: Any) -> QuerySet[Document]:
    """The documents `user` (anonymous too) may find, open and download; drafts only for office editors."""
    documents = Document.objects.all()
    if getattr(user, "is_authenticated", False) and user.is_superuser and user.is_active:
        return documents
    public = Q(is_published=True, access=Access.PUBLIC)
    if not getattr(user, "is_authenticated", False):
        return documents.filter(public)
    condition = public
    editor_paths = _scope(user, frozenset(OFFICE_EDITOR_ROLES))
    office_paths = _scope(user, frozenset(OFFICE_ROLES))
    educator_paths = _scope(user, EDUCATOR_ROLES)
    if editor_paths:
        condition |= _subtree_or_above(editor_paths)
    # Readers among the office (observers; an editor elsewhere) see what is published; an editor's own
    # scope is already wholly in the condition.
    if office_paths - editor_paths:
        condition |= Q(is_published=True) & _subtree_or_above(office_paths - editor_paths)
    if educator_paths:
        condition |= Q(
            is_published=True,
            access__in=[Access.PUBLIC, Access.EDUCATORS],
            organization_id__in=ancestor_ids(educator_paths),
        )
    return documents.filter(condition)


def documents_editable_by(user: Any) -> QuerySet[Document]:
    """The documents `user` may change: those of the offices in an office editor's scope."""
    documents = Document.objects.all()
    if not getattr(user, "is_authenticated", False):
        return documents.none()
    if user.is_superuser and user.is_active:
        return documents
    paths = _scope(user, frozenset(OFFICE_EDITOR_ROLES))
    if not paths:
        return documents.none()
    return documents.filter(organization_id__in=Organization.objects.filter(paths_q(paths)).values("pk"))


def library_offices_for(user: Any) -> list[Any]:
    """The offices (municipality or region organisations) where `user` may add documents and news,
    the nearest first; a superuser gets every municipality and region."""
    kinds = [Organization.Kind.MUNICIPALITY, Organization.Kind.REGION]
    if getattr(user, "is_superuser", False) and user.is_active:
        return list(Organization.objects.filter(kind__in=kinds).order_by("-path"))
    offices = {
        m.organization.pk: m.organization
        for m in memberships_of(user)
        if m.role in OFFICE_EDITOR_ROLES and m.organization.kind in kinds
    }
    return sorted(offices.values(), key=lambda o: o.path, reverse=True)


def user_subject_ids(user: Any) -> set[int]:
    """The subjects a signed-in educator teaches now (their current employments): news addressed to
    «педагогам выбранных предметов» reach them by these."""
    from imo.reference.models import Subject

    if not getattr(user, "is_authenticated", False):
        return set()
    today = timezone.localdate()
    return set(
        Subject.objects.filter(
            employments__educator__user_id=user.pk,
            employments__educator__erased_at__isnull=True,
        )
        .filter(Q(employments__ends_on__isnull=True) | Q(employments__ends_on__gte=today))
        .values_list("pk", flat=True)
        .distinct()
    )


def news_visible_to(user: Any) -> QuerySet[NewsPost]:
    """Published news (not drafts, publish time reached) addressed to `user`:
    - anonymous visitors: «всем, включая посетителей сайта»;
    - office staff: every published post of their scope and of the offices above it;
    - educators and school admins: posts of the offices above their organisation addressed to everyone,
      to school admins (when they are one) or to the subjects they teach.
    Drafts and scheduled posts are read by the editors through the news part's own list."""
    now = timezone.now()
    posts = NewsPost.objects.filter(is_draft=False, publish_at__lte=now)
    public = Q(audience=Audience.PUBLIC)
    if not getattr(user, "is_authenticated", False):
        return posts.filter(public)
    if user.is_superuser and user.is_active:
        return posts
    condition = public
    office_paths = _scope(user, frozenset(OFFICE_ROLES))
    if office_paths:
        condition |= _subtree_or_above(office_paths)
    educator_paths = _scope(user, EDUCATOR_ROLES)
    if educator_paths:
        addressed = Q(audience=Audience.EVERYONE)
        if _scope(user, frozenset({Role.SCHOOL_ADMIN})):
            addressed |= Q(audience=Audience.SCHOOL_ADMINS)
        subjects = user_subject_ids(user)
        if subjects:
            addressed |= Q(
                audience=Audience.SUBJECT_EDUCATORS,
                pk__in=NewsPost.subjects.through.objects.filter(subject_id__in=subjects).values(
                    "newspost_id"
                ),
            )
        condition |= Q(organization_id__in=ancestor_ids(educator_paths)) & addressed
    return posts.filter(condition)
