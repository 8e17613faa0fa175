"""Forms of the olympiad's settings: validation and cleaning only (the rules live in services)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from imo.olympiads.models import OlympiadSubject, QuotaBasis, Rounding, Stage
from imo.olympiads.setup.services import GradeRow, task_max_parse, task_max_text
from imo.orgs.models import Organization
from imo.reference.models import AcademicYear, Subject
from imo.staff.picker import EducatorPicker, EducatorPickerField

SHARE = {"max_digits": 5, "decimal_places": 2, "min_value": Decimal("0"), "max_value": Decimal("100")}
SCORE = {"max_digits": 7, "decimal_places": 2, "min_value": Decimal("0")}


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, EducatorPicker):
            continue
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        else:
            widget.attrs.setdefault(
                "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
            )


class OlympiadSubjectForm(forms.ModelForm):
    class Meta:
        model = OlympiadSubject
        fields = [
            "name",
            "short_name",
            "min_grade_school",
            "online_school_stage",
            "school_subject",
            "order",
            "is_active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_subject"].queryset = Subject.objects.all()  # type: ignore[attr-defined]
        self.fields["min_grade_school"].min_value = 1  # type: ignore[attr-defined]
        self.fields["min_grade_school"].max_value = 11  # type: ignore[attr-defined]
        style(self)

    def validate_unique(self) -> None:  # the service checks the name
        pass


class SeasonForm(forms.Form):
    municipality = forms.ModelChoiceField(label="Муниципалитет", queryset=Organization.objects.none())
    academic_year = forms.ModelChoiceField(label="Учебный год", queryset=AcademicYear.objects.none())
    title = forms.CharField(
        label="Наименование",
        max_length=300,
        required=False,
        help_text="Можно оставить пустым: «Всероссийская олимпиада школьников <учебный год>».",
    )

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        self.fields["academic_year"].queryset = AcademicYear.objects.order_by(  # type: ignore[attr-defined]
            "-start_year"
        )
        if len(municipalities) == 1:
            self.fields["municipality"].initial = municipalities[0]
            self.fields["municipality"].widget = forms.HiddenInput()
        style(self)


class SeasonCopyForm(forms.Form):
    academic_year = forms.ModelChoiceField(
        label="Учебный год новой олимпиады", queryset=AcademicYear.objects.none()
    )

    def __init__(self, *args: Any, exclude: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].queryset = AcademicYear.objects.exclude(  # type: ignore[attr-defined]
            pk=exclude
        ).order_by("-start_year")
        style(self)


class QuotaFields(forms.Form):
    total_share = forms.DecimalField(label="Доля победителей и призёров, %", **SHARE)  # type: ignore[arg-type]
    winners_share = forms.DecimalField(label="Доля победителей, %", **SHARE)  # type: ignore[arg-type]
    min_award_share = forms.DecimalField(
        label="Наименьшая доля от максимального балла для награды, %",
        help_text="Победитель должен набрать больше половины максимального балла (Порядок, п. 8).",
        **SHARE,  # type: ignore[arg-type]
    )
    rounding = forms.ChoiceField(label="Округление квоты", choices=Rounding.choices)
    quota_basis = forms.ChoiceField(label="Квота считается", choices=QuotaBasis.choices)


class StageForm(QuotaFields):
    level = forms.ChoiceField(label="Этап", choices=Stage.Level.choices)
    starts_on = forms.DateField(label="Начало", widget=date_input())
    ends_on = forms.DateField(label="Окончание", widget=date_input())
    field_order = [
        "level",
        "starts_on",
        "ends_on",
        "total_share",
        "winners_share",
        "min_award_share",
        "rounding",
        "quota_basis",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class StageSubjectAddForm(forms.Form):
    subject = forms.ModelChoiceField(label="Предмет", queryset=OlympiadSubject.objects.none())

    def __init__(self, *args: Any, subjects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = subjects  # type: ignore[attr-defined]
        style(self)


def _blank_choices(choices: Any) -> list[tuple[str, str]]:
    return [("", "как на этапе"), *choices]


class StageSubjectForm(forms.Form):
    min_grade = forms.IntegerField(label="С класса", min_value=1, max_value=11)
    max_grade = forms.IntegerField(label="По класс", min_value=1, max_value=11)
    held_on = forms.DateField(label="Дата проведения", required=False, widget=date_input())
    venue = forms.CharField(label="Место проведения", max_length=500, required=False)
    online = forms.BooleanField(label="Результаты загружаются из «Сириус.Курсы»", required=False)
    total_share = forms.DecimalField(
        label="Доля победителей и призёров, %",
        required=False,
        help_text="Пусто — как на этапе.",
        **SHARE,  # type: ignore[arg-type]
    )
    winners_share = forms.DecimalField(
        label="Доля победителей, %",
        required=False,
        help_text="Пусто — как на этапе.",
        **SHARE,  # type: ignore[arg-type]
    )
    min_award_share = forms.DecimalField(
        label="Наименьшая доля от максимального балла для награды, %",
        required=False,
        help_text="Пусто — как на этапе.",
        **SHARE,  # type: ignore[arg-type]
    )
    rounding = forms.ChoiceField(
        label="Округление квоты", choices=_blank_choices(Rounding.choices), required=False
    )
    quota_basis = forms.ChoiceField(
        label="Квота считается", choices=_blank_choices(QuotaBasis.choices), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class GradeGridForm(forms.Form):
    """One row per grade of the stage subject: maximum, task maxima («10, 10, 15»), threshold."""

    def __init__(
        self, *args: Any, grades: range, settings: dict[int, Any], with_threshold: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.grades = list(grades)
        self.with_threshold = with_threshold
        for grade in self.grades:
            setting = settings.get(grade)
            self.fields[f"max_{grade}"] = forms.DecimalField(
                label=f"{grade} класс: максимальный балл",
                required=False,
                initial=setting.max_score if setting else None,
                **{**SCORE, "min_value": Decimal("0.01")},  # type: ignore[arg-type]
            )
            self.fields[f"tasks_{grade}"] = forms.CharField(
                label=f"{grade} класс: максимум по заданиям",
                required=False,
                max_length=500,
                initial=task_max_text(setting.task_max) if setting else "",
            )
            if with_threshold:
                self.fields[f"threshold_{grade}"] = forms.DecimalField(
                    label=f"{grade} класс: проходной балл на муниципальный этап",
                    required=False,
                    initial=setting.threshold if setting else None,
                    **SCORE,  # type: ignore[arg-type]
                )
        style(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for grade in self.grades:
            try:
                cleaned[f"tasks_{grade}"] = task_max_parse(cleaned.get(f"tasks_{grade}") or "")
            except ValidationError as error:
                self.add_error(f"tasks_{grade}", error)
        return cleaned

    def rows(self) -> list[GradeRow]:
        data = self.cleaned_data
        return [
            GradeRow(
                grade=grade,
                max_score=data.get(f"max_{grade}"),
                task_max=data.get(f"tasks_{grade}") or [],
                threshold=data.get(f"threshold_{grade}") if self.with_threshold else None,
            )
            for grade in self.grades
        ]

    def grid(self) -> list[dict[str, Any]]:
        return [
            {
                "grade": grade,
                "max": self[f"max_{grade}"],
                "tasks": self[f"tasks_{grade}"],
                "threshold": self[f"threshold_{grade}"] if self.with_threshold else None,
            }
            for grade in self.grades
        ]


class MemberAddForm(forms.Form):
    educator = EducatorPickerField(label="Педагог")
    is_chair = forms.BooleanField(label="Председатель", required=False)

    def __init__(self, *args: Any, educators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["educator"].queryset = educators  # type: ignore[attr-defined]
        style(self)


class CommitteeForm(forms.Form):
    educator = EducatorPickerField(label="Педагог района", required=False)
    full_name = forms.CharField(label="или ФИО (если не педагог района)", max_length=300, required=False)
    role = forms.CharField(label="Роль в оргкомитете", max_length=200, required=False)

    def __init__(self, *args: Any, educators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["educator"].queryset = educators  # type: ignore[attr-defined]
        style(self)
