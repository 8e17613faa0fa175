"""Reads of news posts: what a visitor may read (through `imo.library.selectors.news_visible_to`),
what an editor may change (the posts of the offices in their scope, drafts and scheduled ones too)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from imo.library.models import NewsAttachment, NewsPost
from imo.library.selectors import news_visible_to
from imo.orgs.models import OFFICE_EDITOR_ROLES
from imo.orgs.selectors import memberships_of


def news_for_home(user: Any, *, limit: int = 5) -> list[NewsPost]:
    """The newest posts addressed to `user` for a home page: pinned first, then newest."""
    return list(
        news_visible_to(user).select_related("organization").order_by("-pinned", "-publish_at", "-pk")[:limit]
    )


def news_feed(user: Any) -> QuerySet[NewsPost]:
    """The public list of posts addressed to `user`: pinned first, newest next; attachments counted."""
    return (
        news_visible_to(user)
        .select_related("organization")
        .annotate(attachment_count=Count("attachments"))
        .order_by("-pinned", "-publish_at", "-pk")
    )


def news_get_visible(user: Any, pk: int) -> NewsPost:
    """A post `user` may read, else 404 (never says whether it exists)."""
    post = news_visible_to(user).select_related("organization").filter(pk=pk).first()
    if post is None:
        raise Http404("Новость не найдена.")
    return post


def attachment_get_visible(user: Any, *, post_id: int, pk: int) -> NewsAttachment:
    """An attachment of a post `user` may read, else 404."""
    attachment = (
        NewsAttachment.objects.filter(post__in=news_visible_to(user), post_id=post_id, pk=pk)
        .select_related("post")
        .first()
    )
    if attachment is None:
        raise Http404("Файл не найден.")
    return attachment


def news_editable_by(user: Any) -> QuerySet[NewsPost]:
    """Posts `user` may change: every post (drafts and scheduled too) of the offices in an office editor's
    scope (their organisation and everything below it); a superuser: all."""
    posts = NewsPost.objects.all()
    if not getattr(user, "is_authenticated", False):
        return posts.none()
    if user.is_superuser and user.is_active:
        return posts
    paths = {m.organization.path for m in memberships_of(user) if m.role in OFFICE_EDITOR_ROLES}
    if not paths:
        return posts.none()
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(organization__path__startswith=path)
    return posts.filter(condition)


def news_manage_rows(user: Any) -> QuerySet[NewsPost]:
    """The editors' list: the posts of their scope with what the table shows, in one query per page."""
    return (
        news_editable_by(user)
        .select_related("organization", "author")
        .prefetch_related("subjects")
        .annotate(attachment_count=Count("attachments"))
    )


def news_get_editable(user: Any, pk: int) -> NewsPost:
    post = news_editable_by(user).select_related("organization").filter(pk=pk).first()
    if post is None:
        raise Http404("Новость не найдена.")
    return post
