"""Forms of the development-plan pages (the rules live in imo.training.development.services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from imo.staff.picker import EducatorPicker, EducatorPickerField
from imo.training.models import CourseRecord, DevelopmentGap, DevelopmentItem, Programme

Item = DevelopmentItem


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, EducatorPicker):
            continue  # draws its own search box and radios
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
            continue
        widget.attrs.setdefault(
            "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
        )


class PlanForm(forms.Form):
    educator = EducatorPickerField(label="Педагог")
    title = forms.CharField(
        label="Наименование",
        max_length=300,
        required=False,
        help_text="Например, «ИОМ на 2025/2026 учебный год»; можно не указывать.",
    )
    starts_on = forms.DateField(label="Начало", widget=date_input())
    ends_on = forms.DateField(label="Окончание", widget=date_input())
    mentor = EducatorPickerField(label="Наставник", required=False)
    no_mentor = forms.BooleanField(label="Без наставника (убрать выбранного)", required=False)

    def __init__(self, *args: Any, educators: Any, with_educator: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = educators  # type: ignore[attr-defined]
        if with_educator:
            self.fields["educator"].queryset = educators  # type: ignore[attr-defined]
        else:
            del self.fields["educator"]
        if not self.initial.get("mentor"):
            del self.fields["no_mentor"]
        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.pop("no_mentor", False):
            data["mentor"] = None
        return data


class GapForm(forms.Form):
    text = forms.CharField(label="Профессиональный дефицит", max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class ProgrammeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.hours} ч, {obj.provider})"


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label="Вид", choices=Item.Kind.choices)
    title = forms.CharField(
        label="Содержание",
        max_length=500,
        required=False,
        help_text="Для курса из каталога можно не указывать: возьмётся название программы.",
    )
    programme = ProgrammeChoice(
        label="Программа из каталога (для курса)", queryset=Programme.objects.none(), required=False
    )
    gap = forms.ModelChoiceField(
        label="Какой дефицит восполняет", queryset=DevelopmentGap.objects.none(), required=False
    )
    due_on = forms.DateField(label="Срок", widget=date_input())

    def __init__(self, *args: Any, plan: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programmes = Programme.objects.filter(is_active=True).select_related("provider")
        current = self.initial.get("programme")
        if current is not None:
            programmes = programmes | Programme.objects.filter(pk=getattr(current, "pk", current))
        self.fields["programme"].queryset = programmes.order_by("title_key", "pk")  # type: ignore[attr-defined]
        self.fields["gap"].queryset = plan.gaps.all()  # type: ignore[attr-defined]
        style(self)


class CourseRecordChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title}, {obj.hours} ч, окончен {obj.ends_on:%d.%m.%Y}"


class ItemEditForm(ItemForm):
    status = forms.ChoiceField(label="Состояние", choices=Item.Status.choices)
    done_on = forms.DateField(label="Дата выполнения", required=False, widget=date_input())
    result = forms.CharField(label="Результат", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    course_record = CourseRecordChoice(
        label="Пройденный курс педагога",
        queryset=CourseRecord.objects.none(),
        required=False,
        help_text="Для курса: выбранный курс отмечает пункт выполненным в день окончания курса.",
    )

    def __init__(self, *args: Any, plan: Any, records: Any, **kwargs: Any) -> None:
        super().__init__(*args, plan=plan, **kwargs)
        self.fields["course_record"].queryset = records  # type: ignore[attr-defined]
        style(self)


class ItemProgressForm(forms.Form):
    """What the educator marks: the state, the date of completion, the result."""

    status = forms.ChoiceField(
        label="Состояние",
        choices=[(value, label) for value, label in Item.Status.choices if value != Item.Status.CANCELLED],
    )
    done_on = forms.DateField(
        label="Дата выполнения", required=False, widget=date_input(), help_text="Для выполненного пункта."
    )
    result = forms.CharField(label="Результат", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.initial.get("done_on"):
            self.initial["done_on"] = timezone.localdate()
        style(self)
