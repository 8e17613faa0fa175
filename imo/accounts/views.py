"""Log in, log out, password change and reset (Django's views with Russian templates), the profile."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from imo.accounts.forms import LoginForm, ProfileForm, bootstrap_fields
from imo.accounts.services import profile_update
from imo.core import ratelimit
from imo.core.access import AppRequest, login_only

MSG_RESET_TOO_OFTEN = "Слишком много запросов на восстановление пароля. Попробуйте через час."


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": "Вход"}


class BootstrapFormMixin:
    def get_form(self, form_class: Any = None) -> Any:
        return bootstrap_fields(super().get_form(form_class))  # type: ignore[misc]


class PasswordChangeView(BootstrapFormMixin, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, "Пароль изменён.")
        return super().form_valid(form)


class PasswordResetView(BootstrapFormMixin, auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/emails/password_reset.txt"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        # Each request sends an e-mail: limited per client address and per address asked for, counted
        # whether or not the address belongs to someone (the answer must not tell which).
        email = form.cleaned_data["email"]
        within_ip = ratelimit.allow(
            scope="password-reset-ip",
            key=get_client_ip_address(self.request) or "unknown",
            limit=settings.IMO_PASSWORD_RESET_PER_IP_HOURLY,
            period=3600,
        )
        within_email = within_ip and ratelimit.allow(
            scope="password-reset-email",
            key=email,
            limit=settings.IMO_PASSWORD_RESET_PER_EMAIL_HOURLY,
            period=3600,
        )
        if not within_email:
            form.add_error(None, MSG_RESET_TOO_OFTEN)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class PasswordResetConfirmView(BootstrapFormMixin, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@login_only
def profile(request: AppRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(user=user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Профиль сохранён.")
            return redirect("accounts:profile")
    memberships = user.memberships.select_related("organization").order_by("pk")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "memberships": memberships, "breadcrumbs": [{"label": "Профиль"}]},
    )
