"""Adding and changing the attestation history of an educator (office editors and the educator's
school admin). 404 outside the user's scope, 403 without attestation.change_history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from imo.attestation import services
from imo.attestation.forms import CategoryForm, ConformityForm, ExemptionForm
from imo.attestation.models import ConformityAttestation, Exemption, QualificationCategory
from imo.core.access import AppRequest, login_only
from imo.staff.selectors import educator_get_for

CHANGE = "attestation.change_history"


@dataclass(frozen=True)
class Kind:
    model: Any
    form: type[forms.ModelForm]
    save: Callable[..., Any]
    instance_kwarg: str
    add_title: str
    edit_title: str
    saved: str


KINDS = {
    "category": Kind(
        QualificationCategory,
        CategoryForm,
        services.category_save,
        "category",
        "Добавить квалификационную категорию",
        "Изменить квалификационную категорию",
        "Категория сохранена.",
    ),
    "conformity": Kind(
        ConformityAttestation,
        ConformityForm,
        services.conformity_save,
        "attestation",
        "Добавить аттестацию на соответствие",
        "Изменить аттестацию на соответствие",
        "Аттестация сохранена.",
    ),
    "exemption": Kind(
        Exemption,
        ExemptionForm,
        services.exemption_save,
        "exemption",
        "Добавить освобождение от аттестации",
        "Изменить освобождение от аттестации",
        "Освобождение сохранено.",
    ),
}


@login_only
def record_edit(request: AppRequest, pk: int, kind: str, record_pk: int | None = None) -> HttpResponse:
    educator = educator_get_for(user=request.user, pk=pk, permission=CHANGE)
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404
    instance = None
    if record_pk is not None:
        instance = spec.model.objects.filter(pk=record_pk, educator=educator).first()
        if instance is None:
            raise Http404
    form = spec.form(request.POST or None, instance=instance)
    back = reverse("staff:detail", args=[educator.pk]) + "#section-attestation"
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        extra: dict[str, Any] = {spec.instance_kwarg: instance}
        if kind == "category" and not fields.get("valid_until"):
            extra["default_term"] = True
        try:
            spec.save(educator=educator, **extra, **fields)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, spec.saved)
            return redirect(back)
    title = spec.edit_title if instance else spec.add_title
    return render(
        request,
        "attestation/form.html",
        {"title": f"{title}: {educator}", "form": form, "back": back},
    )
