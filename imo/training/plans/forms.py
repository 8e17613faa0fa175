"""Forms of the training plan pages (the rules live in plans/services.py)."""

from __future__ import annotations

from typing import Any

from django import forms

from imo.orgs.models import Organization
from imo.reference.models import AcademicYear, Subject
from imo.staff.models import Educator
from imo.training.catalogue.selectors import programme_search
from imo.training.models import CourseKind, PlanLine, Programme, Provider


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        widget.attrs.setdefault(
            "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
        )


class NamedChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(getattr(obj, "full_name", None) or obj)


class PlanCreateForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label="Муниципалитет",
        queryset=Organization.objects.none(),
        error_messages={"required": "Выберите муниципалитет.", "invalid_choice": "Выберите муниципалитет."},
    )
    academic_year = forms.ModelChoiceField(
        label="Учебный год",
        queryset=AcademicYear.objects.filter(is_archived=False).order_by("-start_year"),
        error_messages={"required": "Выберите учебный год.", "invalid_choice": "Выберите учебный год."},
    )
    title = forms.CharField(
        label="Наименование",
        required=False,
        max_length=300,
        help_text="Можно не заполнять: «План повышения квалификации на 2026/2027 учебный год».",
    )

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["municipality"]
        field.queryset = municipalities
        if len(municipalities) == 1:
            field.initial = municipalities[0].pk
        style(self)


class PlanEditForm(forms.Form):
    title = forms.CharField(label="Наименование", required=False, max_length=300)
    nominations_until = forms.DateField(label="Выдвижение кандидатов до", required=False, widget=date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class OpenNominationsForm(forms.Form):
    nominations_until = forms.DateField(
        label="Выдвижение кандидатов до",
        widget=date_input(),
        error_messages={"required": "Укажите срок выдвижения.", "invalid": "Введите дату."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class LineForm(forms.Form):
    programme = forms.ModelChoiceField(
        label="Программа из справочника",
        required=False,
        queryset=Programme.objects.none(),
        error_messages={"invalid_choice": "Выберите программу из справочника."},
    )
    topic = forms.CharField(
        label="Тема курса (если программы нет в справочнике)", required=False, max_length=500
    )
    provider = forms.ModelChoiceField(
        label="Организация, проводящая курс",
        required=False,
        queryset=Provider.objects.none(),
        help_text="Для программы из справочника можно не указывать.",
    )
    kind = forms.ChoiceField(label="Вид", choices=[("", "—"), *CourseKind.choices], required=False)
    hours = forms.IntegerField(label="Объём, часов", required=False, min_value=1, max_value=5000)
    starts_on = forms.DateField(label="Начало", required=False, widget=date_input())
    ends_on = forms.DateField(label="Окончание", required=False, widget=date_input())
    audience = forms.CharField(label="Категория слушателей", required=False, max_length=300)
    subjects = forms.ModelMultipleChoiceField(
        label="Предметы", required=False, queryset=Subject.objects.none(), widget=forms.SelectMultiple
    )
    order = forms.IntegerField(label="Порядок в плане", required=False, min_value=0)

    def __init__(self, *args: Any, line: PlanLine | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programmes = Programme.objects.select_related("provider").filter(is_active=True)
        providers = Provider.objects.filter(is_active=True)
        if line is not None and line.programme_id:
            programmes = programmes | Programme.objects.filter(pk=line.programme_id)
        if line is not None and line.provider_id:
            providers = providers | Provider.objects.filter(pk=line.provider_id)
        fields: Any = self.fields
        fields["programme"].queryset = programmes.distinct()
        # The select lists only a few programmes (the chosen one first); the search box next to it asks the
        # catalogue's picker (training:programme_options) for more. Validation uses the whole queryset.
        selected = self.data.get("programme") if self.is_bound else (line.programme_id if line else None)
        keep = int(str(selected)) if str(selected or "").isdecimal() else None
        fields["programme"].widget.choices = [("", "— выберите программу —")] + [
            (p.pk, f"{p.title} — {p.provider}, {p.hours} ч") for p in programme_search(keep=keep)
        ]
        fields["provider"].queryset = providers.distinct()
        fields["subjects"].queryset = Subject.objects.all()
        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("programme") and not (data.get("topic") or "").strip():
            self.add_error("programme", "Выберите программу из справочника или укажите тему курса.")
        return data


class NominationForm(forms.Form):
    school = forms.ModelChoiceField(
        label="Организация",
        queryset=Organization.objects.none(),
        error_messages={"required": "Выберите организацию.", "invalid_choice": "Выберите организацию."},
    )
    educator = NamedChoice(
        label="Педагог",
        queryset=Educator.objects.none(),
        error_messages={
            "required": "Выберите педагога.",
            "invalid_choice": "Выберите педагога своей организации из списка.",
        },
    )
    comment = forms.CharField(label="Комментарий", required=False, max_length=500)

    def __init__(self, *args: Any, schools: Any, educators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["school"].queryset = schools
        fields["educator"].queryset = educators
        fields["school"].widget = forms.HiddenInput()  # chosen on the page (GET ?school=)
        style(self)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "утвердить"), ("reject", "отклонить")])
    comment = forms.CharField(required=False, max_length=500)


class DistributeForm(forms.Form):
    total = forms.IntegerField(
        label="Всего мест на курс",
        min_value=0,
        max_value=1000,
        error_messages={
            "required": "Укажите, сколько всего мест.",
            "invalid": "Введите целое число.",
            "min_value": "Число мест не может быть отрицательным.",
            "max_value": "Не больше 1000 мест.",
        },
    )
