"""The office's pages for a student's personal data: everything held (for a request) and erasure with an
act. Head and admin of the office only (`staff.view_access_log`, like the educators' acts), in their scope."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from imo.core.access import AppRequest, requires
from imo.core.excel import xlsx_response
from imo.olympiads.models import RetentionSettings
from imo.olympiads.privacy import (
    retention_acts_visible_to,
    retention_settings_save,
    student_erase,
    student_records,
    student_subject_code,
    student_subject_export,
)
from imo.olympiads.students.selectors import student_get_for
from imo.staff.views.people import ErasureForm

PERMISSION = "staff.view_access_log"  # the head or the admin of the office (imo/staff/rules.py)


@requires(PERMISSION)
def student_privacy_export(request: AppRequest, pk: int) -> HttpResponse:
    student = student_get_for(user=request.user, pk=pk, write=True)
    content = student_subject_export(student=student, by=request.user)
    return xlsx_response(
        content, f"сведения_об_обучающемся_{student.pk}_{timezone.localdate():%d.%m.%Y}.xlsx"
    )


@requires(PERMISSION)
def student_privacy(request: AppRequest, pk: int) -> HttpResponse:
    student = student_get_for(user=request.user, pk=pk, write=True)
    form = ErasureForm(request.POST or None, initial={"made_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            act = student_erase(
                student=student,
                act_number=form.cleaned_data["number"],
                made_on=form.cleaned_data["made_on"],
                reason=form.reason_text,
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Персональные данные обучающегося уничтожены. {act}.")
            return redirect("staff:erasure_act", pk=act.pk)
    back = reverse("olympiads:students") + f"?year={student.academic_year.start_year}"
    return render(
        request,
        "olympiads/students/privacy.html",
        {
            "student": student,
            "records": student_records(student),
            "subject": student_subject_code(student),
            "form": form,
            "back": back,
            "breadcrumbs": [
                {"label": "Обучающиеся", "url": back},
                {"label": f"{student}: персональные данные"},
            ],
        },
    )


class RetentionForm(forms.ModelForm):
    class Meta:
        model = RetentionSettings
        fields = ["works_years", "consents_years"]


@requires("olympiads.manage")
def retention_settings(request: AppRequest) -> HttpResponse:
    """How long works and parents' statements are kept, and the acts of what the daily chore destroyed."""
    current = RetentionSettings.current()
    form = RetentionForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        retention_settings_save(
            works_years=form.cleaned_data["works_years"],
            consents_years=form.cleaned_data["consents_years"],
        )
        messages.success(request, "Сроки хранения сохранены.")
        return redirect("olympiads:retention")
    acts = Paginator(retention_acts_visible_to(request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "olympiads/students/retention.html",
        {
            "form": form,
            "acts": acts,
            "breadcrumbs": [{"label": "Сроки хранения работ и заявлений"}],
        },
    )
