"""Forms of the application pages: validation and cleaning only (the rules live in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from imo.attestation.models import QualificationCategory
from imo.reference.models import Position


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


DATE_ERRORS = {"invalid": "Введите дату в формате дд.мм.гггг."}


def style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        else:
            widget.attrs.setdefault(
                "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
            )


class PositionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class ApplicationForm(forms.Form):
    """Starting an application (with the category) and editing a draft or returned one (without it)."""

    kind = forms.ChoiceField(label="Категория", choices=QualificationCategory.Kind.choices)
    position = PositionChoice(
        label="Должность",
        queryset=Position.objects.none(),
        required=False,
        empty_label="— не указана —",
        help_text="Должность, по которой педагог проходит аттестацию (из текущих мест работы).",
    )
    simplified = forms.BooleanField(
        label="Упрощённая процедура",
        required=False,
        help_text=(
            "Для педагогов с государственными, ведомственными наградами или званиями победителей конкурсов."
        ),
    )
    note = forms.CharField(
        label="Пояснение педагога",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self, *args: Any, positions: QuerySet[Position], with_kind: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = positions  # type: ignore[attr-defined]
        if not with_kind:
            del self.fields["kind"]
        style(self)


class CommentForm(forms.Form):
    comment = forms.CharField(label="Комментарий", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, required: bool = True, label: str = "Комментарий", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = required
        self.fields["comment"].label = label
        style(self)


class ForwardForm(forms.Form):
    letter_number = forms.CharField(label="Исходящий номер письма", max_length=50)
    forwarded_on = forms.DateField(label="Дата направления", widget=date_input(), error_messages=DATE_ERRORS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"forwarded_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        style(self)


class AcceptForm(forms.Form):
    accepted_on = forms.DateField(
        label="Дата принятия комиссией", widget=date_input(), error_messages=DATE_ERRORS
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"accepted_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        style(self)


class DecideForm(forms.Form):
    AWARDED, REFUSED = "awarded", "refused"

    result = forms.ChoiceField(
        label="Решение комиссии",
        choices=[
            ("", "— выберите —"),
            (AWARDED, "категория установлена"),
            (REFUSED, "в установлении категории отказано"),
        ],
    )
    order_number = forms.CharField(label="Номер приказа", max_length=50)
    order_date = forms.DateField(label="Дата приказа", widget=date_input(), error_messages=DATE_ERRORS)
    decided_on = forms.DateField(
        label="Дата решения",
        required=False,
        widget=date_input(),
        error_messages=DATE_ERRORS,
        help_text="Если не указана — дата приказа.",
    )
    comment = forms.CharField(
        label="Комментарий", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)

    @property
    def awarded(self) -> bool:
        return self.cleaned_data["result"] == self.AWARDED


class FileForm(forms.Form):
    title = forms.CharField(label="Название документа", max_length=300)
    file = forms.FileField(
        label="Файл",
        help_text="PDF, DOCX, JPEG или PNG.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)
