"""The invitation e-mail: a link to set a password, built on Django's password-reset tokens, so an
invitation expires (PASSWORD_RESET_TIMEOUT) and stops working once the password is set."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def invitation_link(*, user: Any, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + reverse("accounts:password_reset_confirm", args=[uid, token])


def send_invitation(*, user: Any, base_url: str, role_label: str, organization_name: str, by: Any) -> None:
    context = {
        "user": user,
        "link": invitation_link(user=user, base_url=base_url),
        "role": role_label,
        "organization": organization_name,
        "inviter": by,
        "site_name": settings.IMO_SITE_NAME,
        "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    send_mail(
        subject=f"{settings.IMO_SITE_NAME}: приглашение в систему",
        message=render_to_string("orgs/emails/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
