"""Forms of olympiads/students: validation and cleaning only (the services write)."""

from __future__ import annotations

from typing import Any

from django import forms

from imo.olympiads.students.services import MAX_GRADE
from imo.orgs.models import Organization

GRADES = [(grade, f"{grade} класс") for grade in range(1, MAX_GRADE + 1)]
DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class StudentForm(forms.Form):
    school: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label="Школа", empty_label="— выберите школу —"
    )
    last_name = forms.CharField(label="Фамилия", max_length=100)
    first_name = forms.CharField(label="Имя", max_length=100)
    patronymic = forms.CharField(label="Отчество", max_length=100, required=False)
    birth_date = forms.DateField(label="Дата рождения", required=False, widget=DATE_INPUT)
    grade = forms.TypedChoiceField(label="Класс", choices=GRADES, coerce=int)
    class_letter = forms.CharField(label="Литера класса", max_length=4, required=False)

    def __init__(self, *args: Any, schools: Any, with_school: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_school:
            del self.fields["school"]
        else:
            school_field: Any = self.fields["school"]
            school_field.queryset = schools
            if len(schools) == 1:
                school_field.initial = schools[0].pk
        for name, field in self.fields.items():
            if name in ("school", "grade"):
                field.widget.attrs.setdefault("class", "form-select")
            else:
                field.widget.attrs.setdefault("class", "form-control")


class ConsentForm(forms.Form):
    parent_name = forms.CharField(label="Родитель (законный представитель)", max_length=300, required=False)
    signed_on = forms.DateField(label="Дата заявления", widget=DATE_INPUT)
    rules_accepted = forms.BooleanField(label="Ознакомлен с Порядком проведения олимпиады", required=False)
    publication_allowed = forms.BooleanField(
        label="Согласен на публикацию результатов и работы ребёнка",
        required=False,
        help_text="Без этого согласия фамилия ребёнка не появится в опубликованных результатах.",
    )
    document = forms.FileField(
        label="Скан заявления",
        required=False,
        help_text="PDF, JPEG или PNG, до 10 МБ.",
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/*"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("parent_name",):
            self.fields[name].widget.attrs.setdefault("class", "form-control")
        for name in ("rules_accepted", "publication_allowed"):
            self.fields[name].widget.attrs.setdefault("class", "form-check-input")


class CarryOverForm(forms.Form):
    school: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label="Школа", empty_label="— выберите школу —"
    )

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["school"]
        field.queryset = schools
        field.widget.attrs["class"] = "form-select"
        if len(schools) == 1:
            field.initial = schools[0].pk


class EnrolmentForm(forms.Form):
    """One number per grade 1–11; an empty cell means «not entered»."""

    def __init__(self, *args: Any, initial_counts: dict[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for grade in range(1, MAX_GRADE + 1):
            self.fields[f"grade_{grade}"] = forms.IntegerField(
                label=f"{grade} класс",
                required=False,
                min_value=0,
                max_value=10_000,
                initial=initial_counts.get(grade),
                widget=forms.NumberInput(attrs={"class": "form-control", "min": 0}),
            )

    def counts(self) -> dict[int, int | None]:
        return {grade: self.cleaned_data.get(f"grade_{grade}") for grade in range(1, MAX_GRADE + 1)}
