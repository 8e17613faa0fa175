"""Pages of the digest: the subscriber's page, the one-click unsubscribe from a letter, and the office's
list of subscribers with its Excel file.

Access: `library.subscribe_digest` for the subscriber's page (educators, school admins, office staff);
`library.manage_settings` for the list; the unsubscribe page needs no login — its signed token is the
proof — and changes nothing on GET, because mail scanners open every link of a letter.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from imo.core.access import AppRequest, requires
from imo.library.digest import services
from imo.library.digest.forms import DigestForm
from imo.library.digest.selectors import subscriptions_visible_to
from imo.library.digest.tables import SubscriberTable
from imo.library.models import LibrarySettings

SUBSCRIBE = "library.subscribe_digest"
MANAGE = "library.manage_settings"
SECTION = "Дайджест новых материалов"
UNSUBSCRIBE = "unsubscribe"
# «Дайджест уходит в …» (LibrarySettings.digest_weekday: 0 = Monday).
WEEKDAYS = ("понедельник", "вторник", "среду", "четверг", "пятницу", "субботу", "воскресенье")


@requires(SUBSCRIBE)
def digest_page(request: AppRequest) -> HttpResponse:
    subscription = services.subscription_of(request.user)
    chosen = [subject.pk for subject in subscription.subjects.all()] if subscription else []
    form = DigestForm(request.POST or None, initial={"subjects": chosen})
    if request.method == "POST":
        if request.POST.get("action") == UNSUBSCRIBE:
            services.subscription_save(user=request.user, subjects=chosen, active=False)
            messages.success(request, "Вы отписались от дайджеста. Подписаться снова можно на этой странице.")
            return redirect("library:digest")
        if form.is_valid():
            was_active = bool(subscription and subscription.is_active)
            services.subscription_save(user=request.user, subjects=form.cleaned_data["subjects"], active=True)
            messages.success(
                request, "Предметы подписки сохранены." if was_active else "Вы подписались на дайджест."
            )
            return redirect("library:digest")
    since, until = services.digest_period(subscription, now=timezone.now())
    preview = services.digest_compose(user=request.user, since=since, until=until, subject_ids=chosen)
    return render(
        request,
        "library/digest/page.html",
        {
            "form": form,
            "subscription": subscription,
            "is_active": bool(subscription and subscription.is_active),
            "preview": preview,
            # (section, [(item, url)]): the pages of documents and posts belong to other parts.
            "preview_sections": [
                (section, [(item, services.item_url(item, base_url="")) for item in section.items])
                for section in (preview.sections if preview else [])
                if section.total
            ],
            "since": since,
            "weekday": WEEKDAYS[LibrarySettings.current().digest_weekday % 7],
            "can_manage": request.user.has_perm(MANAGE),
            "breadcrumbs": [{"label": SECTION}],
        },
    )


@csrf_exempt
def digest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """No login: the signed token names the user. GET asks, POST turns the subscription off.

    Without CSRF protection on purpose: a mail client's one-click unsubscribe (RFC 8058) POSTs here
    with no session and no form token; the signed token is the proof, and all a forged request could
    do is unsubscribe the person the token was made for."""
    user_id = services.user_id_from_token(token)
    if user_id is None:
        return render(request, "library/digest/unsubscribe.html", {"bad_token": True}, status=400)
    if request.method == "POST":
        services.subscription_unsubscribe(user_id=user_id)
        return render(request, "library/digest/unsubscribe.html", {"done": True})
    return render(request, "library/digest/unsubscribe.html", {})


def _subscribers(request: AppRequest) -> SubscriberTable:
    return SubscriberTable(request, queryset=subscriptions_visible_to(request.user))


@requires(MANAGE)
def digest_subscribers(request: AppRequest) -> HttpResponse:
    return _subscribers(request).render(
        "library/digest/subscribers.html",
        {"breadcrumbs": [{"label": SECTION, "url": reverse("library:digest")}, {"label": "Подписчики"}]},
    )


@requires(MANAGE)
def digest_subscribers_export(request: AppRequest) -> HttpResponse:
    return _subscribers(request).export_response()
