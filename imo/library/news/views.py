"""Pages of news and announcements.

Readers (anyone, signed in or not; no login redirect): the list of posts addressed to them, a post,
its attachments, and the Atom feed of public posts. What a reader sees comes from
`imo.library.selectors.news_visible_to`; a post outside it answers 404.
Editors (`library.manage_news`): the list of their scope's posts with drafts and scheduled ones, Excel,
create, edit (with an htmx preview of the Markdown), delete.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_POST

from imo.core.access import AppRequest, requires
from imo.core.forms import add_service_errors
from imo.core.pagecache import anonymous_page
from imo.core.paging import paginate
from imo.library.models import NewsPost
from imo.library.news import selectors, services
from imo.library.news.forms import NewsForm
from imo.library.news.sanitize import plain_text, render_markdown
from imo.library.news.tables import NewsTable
from imo.library.selectors import library_offices_for

MANAGE = "library.manage_news"
SECTION = "Новости и объявления"
FEED_SIZE = 30


def _crumbs(*tail: tuple[str, str] | str) -> list[dict[str, str]]:
    crumbs = [{"label": SECTION, "url": reverse("library:news")}]
    for item in tail:
        if isinstance(item, tuple):
            crumbs.append({"label": item[0], "url": item[1]})
        else:
            crumbs.append({"label": item})
    return crumbs


# --- readers -----------------------------------------------------------------------------------------


@anonymous_page("library")
def news_list(request: HttpRequest) -> HttpResponse:
    """Public: the posts addressed to the visitor, pinned first."""
    page = paginate(request, selectors.news_feed(request.user))
    return render(
        request,
        "library/news/list.html",
        {
            "page": page,
            "news": page.object_list,
            "can_manage": request.user.has_perm(MANAGE),
            "breadcrumbs": _crumbs(),
        },
    )


def news_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: one post the visitor may read, else 404."""
    post = selectors.news_get_visible(request.user, pk)
    return render(
        request,
        "library/news/detail.html",
        {
            "post": post,
            "attachments": list(post.attachments.all()),
            "can_edit": selectors.news_editable_by(request.user).filter(pk=post.pk).exists(),
            "breadcrumbs": _crumbs(post.title),
        },
    )


def news_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    """A file of a post the visitor may read, else 404."""
    attachment = selectors.attachment_get_visible(request.user, post_id=pk, pk=attachment_pk)
    return services.attachment_response(attachment)


class NewsFeed(Feed):
    """Atom feed of public posts only: feed readers are anonymous."""

    feed_type = Atom1Feed
    title = "ИМО: новости и объявления"
    subtitle = "Новости и объявления информационно-методического отдела"

    def link(self) -> str:
        return reverse("library:news")

    def items(self) -> list[NewsPost]:
        return list(selectors.news_feed(AnonymousUser()).order_by("-publish_at", "-pk")[:FEED_SIZE])

    def item_title(self, item: NewsPost) -> str:
        return item.title

    def item_description(self, item: NewsPost) -> str:
        return plain_text(item.body_html)

    def item_pubdate(self, item: NewsPost) -> Any:
        return item.publish_at

    def item_updateddate(self, item: NewsPost) -> Any:
        return max(item.updated_at, item.publish_at)

    def item_author_name(self, item: NewsPost) -> str:
        return str(item.organization)


news_feed = NewsFeed()


# --- editors -----------------------------------------------------------------------------------------


@requires(MANAGE)
def news_manage(request: AppRequest) -> HttpResponse:
    table = NewsTable(request, queryset=selectors.news_manage_rows(request.user))
    return table.render(
        "library/news/manage.html",
        {
            "breadcrumbs": _crumbs("Управление"),
            "can_create": bool(library_offices_for(request.user)),
            "empty_action_url": reverse("library:news_create"),
            "empty_action_label": "Добавить новость",
        },
    )


@requires(MANAGE)
def news_export(request: AppRequest) -> HttpResponse:
    return NewsTable(request, queryset=selectors.news_manage_rows(request.user)).export_response()


def _form_page(request: AppRequest, form: NewsForm, *, title: str, post: NewsPost | None) -> HttpResponse:
    return render(
        request,
        "library/news/form.html",
        {
            "form": form,
            "title": title,
            "post": post,
            "back": reverse("library:news_manage"),
            "breadcrumbs": _crumbs(("Управление", reverse("library:news_manage")), title),
        },
    )


@requires(MANAGE)
def news_create(request: AppRequest) -> HttpResponse:
    offices = library_offices_for(request.user)
    if not offices:
        messages.error(request, "Вы не сотрудник ИМО муниципалитета или региона: публиковать новости негде.")
        return redirect("library:news_manage")
    form = NewsForm(request.POST or None, request.FILES or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        organization = next(o for o in offices if o.pk == form.cleaned_data["organization"])
        try:
            post = services.news_create(
                organization=organization,
                data=form.post_data(),
                attachments=form.cleaned_data["attachments"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Новость «{post.title}» сохранена.")
            return redirect("library:news_manage")
    return _form_page(request, form, title="Новая новость или объявление", post=None)


@requires(MANAGE)
def news_edit(request: AppRequest, pk: int) -> HttpResponse:
    post = selectors.news_get_editable(request.user, pk)
    offices = [post.organization]
    initial = {
        "organization": post.organization_id,
        "title": post.title,
        "kind": post.kind,
        "body": post.body,
        "audience": post.audience,
        "subjects": list(post.subjects.all()),
        "publish_at": post.publish_at,
        "pinned": post.pinned,
        "is_draft": post.is_draft,
    }
    form = NewsForm(
        request.POST or None,
        request.FILES or None,
        offices=offices,
        attachments=post.attachments.all(),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        removed = form.cleaned_data.get("remove_attachments") or []
        try:
            services.news_update(
                post=post,
                data=form.post_data(),
                attachments=form.cleaned_data["attachments"],
                remove_attachments=[attachment.pk for attachment in removed],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect("library:news_manage")
    return _form_page(request, form, title=f"Новость: {post.title}", post=post)


@require_POST
@requires(MANAGE)
def news_delete(request: AppRequest, pk: int) -> HttpResponse:
    post = selectors.news_get_editable(request.user, pk)
    title = post.title
    services.news_delete(post=post, by=request.user)
    messages.success(request, f"Новость «{title}» удалена.")
    return redirect("library:news_manage")


@require_POST
@requires(MANAGE)
def news_preview(request: AppRequest) -> HttpResponse:
    """The htmx preview of the Markdown text: exactly what readers will see."""
    return render(
        request,
        "library/news/_preview.html",
        {"body_html": render_markdown(request.POST.get("body", "")[:100_000])},
    )
