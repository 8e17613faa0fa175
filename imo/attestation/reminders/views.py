"""The office's attestation settings: deadlines of the application steps and the reminder days.
Office editors change them; other office members read them; everybody else gets 403."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from imo.attestation.models import AttestationSettings
from imo.attestation.reminders.forms import AttestationSettingsForm
from imo.attestation.reminders.rules import CHANGE_SETTINGS, VIEW_SETTINGS
from imo.attestation.reminders.services import attestation_settings_save
from imo.core.access import AppRequest, requires
from imo.core.forms import add_service_errors

TITLE = "Настройки аттестации"


@requires(VIEW_SETTINGS)
def settings_page(request: AppRequest) -> HttpResponse:
    can_change = request.user.has_perm(CHANGE_SETTINGS)
    current = AttestationSettings.current()
    if request.method == "POST" and can_change:
        form = AttestationSettingsForm(request.POST, instance=current)
        if form.is_valid():
            try:
                attestation_settings_save(**{name: form.cleaned_data[name] for name in form.fields})
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Настройки аттестации сохранены.")
                return redirect("attestation:settings")
    elif request.method == "POST":
        raise PermissionDenied  # the observer reads the settings but may not change them
    else:
        form = AttestationSettingsForm(instance=current, read_only=not can_change)
    return render(
        request,
        "attestation/reminders/settings.html",
        {"title": TITLE, "form": form, "can_change": can_change, "breadcrumbs": [{"label": TITLE}]},
    )
