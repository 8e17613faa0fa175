"""Forms of the mentoring pages (the checks live in imo.mentorship.services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from imo.core.uploads import MAX_BYTES, MSG_WRONG_TYPE, check_document
from imo.mentorship.models import MentorshipReport
from imo.staff.picker import EducatorPicker, EducatorPickerField


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, EducatorPicker):
            continue  # draws its own search box and radios
        widget.attrs.setdefault(
            "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
        )


class MentorshipForm(forms.Form):
    mentee = EducatorPickerField(label="Наставляемый (молодой специалист)")
    mentor = EducatorPickerField(label="Наставник")
    starts_on = forms.DateField(label="Дата начала", widget=date_input())
    ends_on = forms.DateField(label="Плановая дата окончания", required=False, widget=date_input())
    goals = forms.CharField(label="Цели и задачи", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, educators: Any, lock_mentee: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentee"].queryset = educators  # type: ignore[attr-defined]
        self.fields["mentor"].queryset = educators  # type: ignore[attr-defined]
        if lock_mentee:
            self.fields["mentee"].disabled = True
        style(self)


class FinishForm(forms.Form):
    ends_on = forms.DateField(label="Дата окончания", widget=date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"ends_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        style(self)


class PlanItemForm(forms.Form):
    title = forms.CharField(label="Мероприятие", max_length=500)
    due_on = forms.DateField(label="Срок", widget=date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class PlanItemDoneForm(forms.Form):
    done_on = forms.DateField(label="Дата выполнения", widget=date_input())
    result = forms.CharField(label="Результат", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"done_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        style(self)


REPORT_MAX_BYTES = MAX_BYTES
REPORT_FILE_ERROR = MSG_WRONG_TYPE


class ReportForm(forms.Form):
    author_role = forms.ChoiceField(label="Автор", choices=MentorshipReport.Author.choices)
    period = forms.CharField(
        label="Период", max_length=100, required=False, help_text="например, I полугодие"
    )
    reported_on = forms.DateField(label="Дата отчёта", widget=date_input())
    text = forms.CharField(label="Текст отчёта", widget=forms.Textarea(attrs={"rows": 4}))
    document = forms.FileField(
        label="Файл",
        required=False,
        help_text="PDF, DOCX, JPEG или PNG, не больше 10 МБ.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"reported_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        field = self.fields["author_role"]
        field.choices = [c for c in MentorshipReport.Author.choices if c[0] in roles]  # type: ignore[attr-defined]
        if len(roles) == 1:
            field.initial = roles[0]
        style(self)

    def clean_document(self) -> Any:
        document = self.cleaned_data.get("document")
        if not document:
            return None
        check_document(document, max_bytes=REPORT_MAX_BYTES)
        return document
