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
from imo.core.forms import add_service_errors
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
    delete: Callable[..., None]
    delete_title: str
    deleted: str


KINDS = {
    "category": Kind(
        QualificationCategory,
        CategoryForm,
        services.category_save,
        "category",
        "Добавить квалификационную категорию",
        "Изменить квалификационную категорию",
        "Категория сохранена.",
        services.category_delete,
        "Удалить квалификационную категорию",
        "Категория удалена.",
    ),
    "conformity": Kind(
        ConformityAttestation,
        ConformityForm,
        services.conformity_save,
        "attestation",
        "Добавить аттестацию на соответствие",
        "Изменить аттестацию на соответствие",
        "Аттестация сохранена.",
        services.conformity_delete,
        "Удалить аттестацию на соответствие",
        "Аттестация удалена.",
    ),
    "exemption": Kind(
        Exemption,
        ExemptionForm,
        services.exemption_save,
        "exemption",
        "Добавить освобождение от аттестации",
        "Изменить освобождение от аттестации",
        "Освобождение сохранено.",
        services.exemption_delete,
        "Удалить освобождение от аттестации",
        "Освобождение удалено.",
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
            add_service_errors(form, error)
        else:
            messages.success(request, spec.saved)
            return redirect(back)
    title = spec.edit_title if instance else spec.add_title
    return render(
        request,
        "attestation/form.html",
        {"title": f"{title}: {educator}", "form": form, "back": back},
    )


@login_only
def record_delete(request: AppRequest, pk: int, kind: str, record_pk: int) -> HttpResponse:
    """A confirm page (GET) and the deletion (POST) of one history row. A category set by an
    application's decision may be deleted too: the application keeps its history and decision but loses
    the link to the category (Application.category is SET_NULL); the confirm page says so."""
    educator = educator_get_for(user=request.user, pk=pk, permission=CHANGE)
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404
    queryset = spec.model.objects.filter(pk=record_pk, educator=educator)
    if kind == "category":
        queryset = queryset.select_related("application")
    instance = queryset.first()
    if instance is None:
        raise Http404
    back = reverse("staff:detail", args=[educator.pk]) + "#section-attestation"
    if request.method == "POST":
        spec.delete(**{spec.instance_kwarg: instance})
        messages.success(request, spec.deleted)
        return redirect(back)
    application = getattr(instance, "application", None) if kind == "category" else None
    return render(
        request,
        "attestation/confirm_delete.html",
        {
            "title": f"{spec.delete_title}: {educator}",
            "record": instance,
            "kind": kind,
            "educator": educator,
            "application": application,
            "show_basis": request.user.has_perm("staff.view_personal_data", educator),
            "back": back,
        },
    )
