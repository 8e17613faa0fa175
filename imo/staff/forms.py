"""Forms of one educator's record: the person, the first and later employments, education, awards,
leaving and transfer, consent. Validation and cleaning only; the views call imo.staff.services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from imo.core.fields import InnField, SnilsField
from imo.orgs.models import Organization
from imo.reference.models import Position, Subject
from imo.staff.experience import start_from_length
from imo.staff.models import Award, Consent, EducationRecord, Educator, Employment

DATE_HELP = "дд.мм.гггг"
CONSENT_TYPES = (".pdf", ".jpg", ".jpeg", ".png")
CONSENT_MAX_BYTES = 10 * 1024 * 1024


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.ClearableFileInput):
            if isinstance(widget, forms.ClearableFileInput):
                widget.attrs.setdefault("class", "form-control")
            continue
        widget.attrs.setdefault(
            "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
        )


def _model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


def _format_date(value: dt.date | None) -> str:
    return f"{value:%d.%m.%Y}" if value else ""


# --- the person ------------------------------------------------------------------------------------

_EXPERIENCE = {
    "total": ("total_experience_start", "общего стажа", "Общий стаж"),
    "teaching": ("teaching_experience_start", "педагогического стажа", "Педагогический стаж"),
}


class EducatorForm(forms.Form):
    """The person's card. Experience: for each of total and teaching, either the date it would have
    started without interruptions or «N лет M мес. на дату», which becomes that date."""

    last_name = forms.CharField(label="Фамилия", max_length=100)
    first_name = forms.CharField(label="Имя", max_length=100)
    patronymic = forms.CharField(label="Отчество", max_length=100, required=False)
    sex = forms.ChoiceField(label="Пол", choices=[("", "—"), *Educator.Sex.choices])
    birth_date = forms.DateField(label="Дата рождения", required=False, widget=date_input())
    snils = SnilsField(label="СНИЛС", required=False, help_text="11 цифр, можно с дефисами и пробелом.")
    inn = InnField(label="ИНН", required=False, help_text="12 цифр.")
    phone = forms.CharField(label="Телефон", max_length=50, required=False)
    email = forms.EmailField(label="Электронная почта", required=False)
    academic_degree = forms.ChoiceField(
        label="Учёная степень", choices=Educator.AcademicDegree.choices, required=False
    )
    academic_title = forms.ChoiceField(
        label="Учёное звание", choices=Educator.AcademicTitle.choices, required=False
    )
    total_start = forms.DateField(
        label="Начало общего стажа",
        required=False,
        widget=date_input(),
        help_text="Дата, с которой стаж шёл бы без перерывов. Или заполните три поля ниже.",
    )
    total_years = forms.IntegerField(label="Общий стаж: лет", required=False, min_value=0, max_value=70)
    total_months = forms.IntegerField(label="Общий стаж: месяцев", required=False, min_value=0, max_value=11)
    total_as_of = forms.DateField(label="Общий стаж: на дату", required=False, widget=date_input())
    teaching_start = forms.DateField(
        label="Начало педагогического стажа",
        required=False,
        widget=date_input(),
        help_text="Дата, с которой стаж шёл бы без перерывов. Или заполните три поля ниже.",
    )
    teaching_years = forms.IntegerField(
        label="Педагогический стаж: лет", required=False, min_value=0, max_value=70
    )
    teaching_months = forms.IntegerField(
        label="Педагогический стаж: месяцев", required=False, min_value=0, max_value=11
    )
    teaching_as_of = forms.DateField(
        label="Педагогический стаж: на дату", required=False, widget=date_input()
    )

    PERSON_FIELDS = (
        "last_name",
        "first_name",
        "patronymic",
        "sex",
        "birth_date",
        "snils",
        "inn",
        "phone",
        "email",
        "academic_degree",
        "academic_title",
    )

    def __init__(self, *args: Any, educator: Educator | None = None, **kwargs: Any) -> None:
        self.educator = educator
        if educator is not None and "initial" not in kwargs:
            initial: dict[str, Any] = {name: getattr(educator, name) for name in self.PERSON_FIELDS}
            initial["total_start"] = educator.total_experience_start
            initial["teaching_start"] = educator.teaching_experience_start
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_snils(self) -> str:
        snils: str = self.cleaned_data.get("snils") or ""
        # A kept СНИЛС is unique already (the database's constraint): only a new one is looked up.
        if snils and (self.educator is None or snils != self.educator.snils):
            others = Educator.objects.filter(snils=snils)
            if self.educator is not None:
                others = others.exclude(pk=self.educator.pk)
            if others.exists():
                raise forms.ValidationError("Педагог с таким СНИЛС уже есть в базе.")
        return snils

    def _experience_start(self, kind: str) -> dt.date | None:
        _, genitive, label = _EXPERIENCE[kind]
        start = self.cleaned_data.get(f"{kind}_start")
        years = self.cleaned_data.get(f"{kind}_years")
        months = self.cleaned_data.get(f"{kind}_months")
        as_of = self.cleaned_data.get(f"{kind}_as_of")
        length_given = years is not None or months is not None
        if start and length_given:
            self.add_error(
                f"{kind}_start",
                f"Укажите либо дату начала {genitive}, либо его длительность на дату, не то и другое.",
            )
            return None
        if not length_given:
            if as_of:
                self.add_error(f"{kind}_years", f"{label}: укажите, сколько лет и месяцев было на эту дату.")
            return start
        if as_of is None:
            self.add_error(f"{kind}_as_of", f"{label}: укажите дату, на которую посчитана длительность.")
            return None
        if as_of > timezone.localdate():
            self.add_error(f"{kind}_as_of", f"{label}: дата расчёта не может быть в будущем.")
            return None
        return start_from_length(years or 0, months or 0, as_of)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        today = timezone.localdate()
        for kind, (field, genitive, _) in _EXPERIENCE.items():
            start = self._experience_start(kind)
            if start is not None and start > today:
                self.add_error(f"{kind}_start", f"Начало {genitive} не может быть в будущем.")
            cleaned[field] = start
        return cleaned

    def educator_data(self) -> dict[str, Any]:
        """The values for educator_create / educator_update."""
        data = {name: self.cleaned_data.get(name) for name in self.PERSON_FIELDS}
        for value in ("patronymic", "phone", "email", "academic_degree", "academic_title", "snils", "inn"):
            data[value] = data[value] or ""
        data["total_experience_start"] = self.cleaned_data.get("total_experience_start")
        data["teaching_experience_start"] = self.cleaned_data.get("teaching_experience_start")
        return data


# --- employments ------------------------------------------------------------------------------------


class EmploymentForm(forms.Form):
    organization = forms.ModelChoiceField(label="Организация", queryset=Organization.objects.none())
    position = forms.ModelChoiceField(label="Должность", queryset=Position.objects.none())
    subjects = forms.ModelMultipleChoiceField(
        label="Преподаваемые предметы",
        queryset=Subject.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Несколько предметов — с клавишей Ctrl.",
    )
    is_main = forms.BooleanField(label="Основное место работы (иначе — совместительство)", required=False)
    weekly_hours = forms.DecimalField(
        label="Учебная нагрузка, часов в неделю",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(60),
        max_digits=4,
        decimal_places=1,
    )
    starts_on = forms.DateField(label="Дата начала работы", required=False, widget=date_input())

    def __init__(
        self,
        *args: Any,
        organizations: QuerySet[Organization],
        positions: QuerySet[Position],
        subjects: QuerySet[Subject],
        employment: Employment | None = None,
        **kwargs: Any,
    ) -> None:
        if employment is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "organization": employment.organization_id,
                "position": employment.position_id,
                "subjects": [subject.pk for subject in employment.subjects.all()],
                "is_main": employment.is_main,
                "weekly_hours": employment.weekly_hours,
                "starts_on": employment.starts_on,
            }
        super().__init__(*args, **kwargs)
        _model_choice(self, "organization").queryset = organizations
        _model_choice(self, "position").queryset = positions
        cast(forms.ModelMultipleChoiceField, self.fields["subjects"]).queryset = subjects
        _style(self)

    def employment_data(self) -> dict[str, Any]:
        return {
            "organization": self.cleaned_data["organization"],
            "position": self.cleaned_data["position"],
            "is_main": bool(self.cleaned_data.get("is_main")),
            "weekly_hours": self.cleaned_data.get("weekly_hours"),
            "starts_on": self.cleaned_data.get("starts_on"),
        }


class EmploymentEndForm(forms.Form):
    ends_on = forms.DateField(label="Дата окончания работы", widget=date_input())
    reason = forms.CharField(
        label="Причина",
        max_length=300,
        required=False,
        help_text="Например: «Увольнение по собственному желанию», «Выход на пенсию».",
    )

    def __init__(self, *args: Any, employment: Employment, **kwargs: Any) -> None:
        self.employment = employment
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_ends_on(self) -> dt.date:
        ends_on: dt.date = self.cleaned_data["ends_on"]
        starts_on = self.employment.starts_on
        if starts_on and ends_on < starts_on:
            raise forms.ValidationError(
                f"Дата окончания не может быть раньше даты начала работы ({_format_date(starts_on)})."
            )
        return ends_on


class TransferForm(forms.Form):
    organization = forms.ModelChoiceField(label="Новое место работы", queryset=Organization.objects.none())
    on = forms.DateField(
        label="Дата перевода",
        widget=date_input(),
        help_text="Первый день на новом месте; прежнее место работы закроется днём раньше.",
    )
    position = forms.ModelChoiceField(
        label="Должность на новом месте",
        queryset=Position.objects.none(),
        required=False,
        empty_label="та же, что на прежнем месте",
    )
    reason = forms.CharField(label="Причина окончания на прежнем месте", max_length=300, initial="Перевод")

    def __init__(
        self,
        *args: Any,
        employment: Employment,
        organizations: QuerySet[Organization],
        positions: QuerySet[Position],
        **kwargs: Any,
    ) -> None:
        self.employment = employment
        super().__init__(*args, **kwargs)
        _model_choice(self, "organization").queryset = organizations
        _model_choice(self, "position").queryset = positions
        _style(self)

    def clean_on(self) -> dt.date:
        on: dt.date = self.cleaned_data["on"]
        starts_on = self.employment.starts_on
        if starts_on and on <= starts_on:
            raise forms.ValidationError(
                f"Дата перевода должна быть позже начала работы на прежнем месте ({_format_date(starts_on)})."
            )
        return on


# --- education and awards ---------------------------------------------------------------------------


class EducationRecordForm(forms.ModelForm):
    graduation_year = forms.IntegerField(
        label="Год окончания", required=False, min_value=1940, max_value=2100
    )

    class Meta:
        model = EducationRecord
        fields = ["level", "is_pedagogical", "institution", "graduation_year", "speciality", "qualification"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_graduation_year(self) -> int | None:
        year: int | None = self.cleaned_data.get("graduation_year")
        if year is not None and year > timezone.localdate().year + 1:
            raise forms.ValidationError("Год окончания не может быть позже следующего года.")
        return year


class AwardForm(forms.ModelForm):
    class Meta:
        model = Award
        fields = ["kind", "title", "awarded_on", "order_number"]
        widgets = {"awarded_on": date_input()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_awarded_on(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("awarded_on")
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError("Дата награждения не может быть в будущем.")
        return value


# --- consent ------------------------------------------------------------------------------------------


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label="Согласие на", choices=Consent.Purpose.choices)
    given_on = forms.DateField(label="Дата согласия", widget=date_input())
    document = forms.FileField(
        label="Скан согласия",
        required=False,
        help_text="PDF, JPG или PNG, не больше 10 МБ. Можно не прикладывать.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_given_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["given_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("Дата согласия не может быть в будущем.")
        return value

    def clean_document(self) -> Any:
        document = self.cleaned_data.get("document")
        if not document:
            return None
        if not document.name.lower().endswith(CONSENT_TYPES):
            raise forms.ValidationError("Приложите файл PDF, JPG или PNG.")
        if document.size > CONSENT_MAX_BYTES:
            raise forms.ValidationError("Файл больше 10 МБ.")
        return document


class ConsentWithdrawForm(forms.Form):
    on = forms.DateField(label="Дата отзыва", widget=date_input())

    def __init__(self, *args: Any, consent: Consent, **kwargs: Any) -> None:
        self.consent = consent
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_on(self) -> dt.date:
        on: dt.date = self.cleaned_data["on"]
        if on < self.consent.given_on:
            raise forms.ValidationError(
                f"Дата отзыва не может быть раньше даты согласия ({_format_date(self.consent.given_on)})."
            )
        if on > timezone.localdate():
            raise forms.ValidationError("Дата отзыва не может быть в будущем.")
        return on


# --- the profile's date -----------------------------------------------------------------------------


class OnDateForm(forms.Form):
    on = forms.DateField(label="Возраст и стаж на дату", required=False, widget=date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def date(self) -> dt.date:
        if self.is_valid() and self.cleaned_data.get("on"):
            return cast(dt.date, self.cleaned_data["on"])
        return timezone.localdate()
