"""Forms of the builder: the survey card (audience, mode, dates, filters), a section, a question.

Dates are days (дд.мм.гггг): the survey opens at the start of its first day and closes at the end of
its last, local time. Options, grid rows: one per line. A question's condition lists the earlier
questions of choice and scale kinds; the answers to pick are refreshed by htmx when it changes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from imo.attestation.facets import CHOICES as CATEGORY_CHOICES
from imo.orgs.models import Organization
from imo.reference.models import Position, Subject
from imo.surveys.builder.services import CONDITION_KINDS
from imo.surveys.models import AudienceKind, Mode, Question, QuestionKind, Survey

DATE_WIDGET = {"type": "date", "class": "form-control"}


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _day_end(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


class SurveyForm(forms.Form):
    organization = forms.TypedChoiceField(label="Чья анкета (организация)", coerce=int)
    title = forms.CharField(
        label="Название", max_length=300, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    description = forms.CharField(
        label="Пояснение для респондентов",
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
    audience = forms.ChoiceField(
        label="Кто отвечает",
        choices=AudienceKind.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        initial=AudienceKind.EDUCATORS,
    )
    mode = forms.ChoiceField(
        label="Режим",
        choices=Mode.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        initial=Mode.NAMED,
        help_text="Анонимная анкета: ответ нельзя связать с человеком никому, в том числе ИМО; "
        "повторный ответ всё равно невозможен.",
    )
    opens_on = forms.DateField(
        label="Начало приёма ответов",
        required=False,
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
    )
    closes_on = forms.DateField(
        label="Окончание приёма ответов (включительно)",
        required=False,
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
    )
    allow_edit = forms.BooleanField(
        label="Ответ можно изменить до окончания приёма",
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    reminder_every_days = forms.IntegerField(
        label="Напоминать не ответившим раз в, дней (0 — не напоминать)",
        min_value=0,
        max_value=60,
        initial=7,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    schools = forms.ModelMultipleChoiceField(
        label="Только организации",
        queryset=Organization.objects.none(),
        required=False,
        help_text="Пусто — все школы (для анкеты педагогов — все организации) района.",
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
    )
    subjects = forms.ModelMultipleChoiceField(
        label="Только предметы",
        queryset=Subject.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
    )
    positions = forms.ModelMultipleChoiceField(
        label="Только должности",
        queryset=Position.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
    )
    categories = forms.MultipleChoiceField(
        label="Только квалификационные категории",
        choices=CATEGORY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    early_career_only = forms.BooleanField(
        label="Только молодые специалисты (педагогический стаж до 3 лет)",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    #: Fields that narrow an educators' audience (shown in their own fieldset).
    FILTER_FIELDS = ("schools", "subjects", "positions", "categories", "early_career_only")

    def __init__(self, *args: Any, offices: list[Organization], survey: Survey | None = None, **kwargs: Any):
        if survey is not None:
            kwargs.setdefault("initial", _initial(survey))
        super().__init__(*args, **kwargs)
        self.survey = survey
        self._choice("organization").choices = [(office.pk, str(office)) for office in offices]
        if survey is not None or len(offices) == 1:
            # The owner of an existing survey does not change; one office needs no choice.
            del self.fields["organization"]
        elif offices and not self.initial.get("organization"):
            self.initial["organization"] = offices[0].pk
        roots = [survey.organization] if survey is not None else offices
        under = Organization.objects.none()
        for office in roots:
            under = under | Organization.objects.filter(path__startswith=office.path).exclude(pk=office.pk)
        self._models("schools").queryset = under.filter(status=Organization.Status.ACTIVE).order_by(
            "short_name"
        )
        self._models("subjects").queryset = Subject.objects.order_by("name")
        self._models("positions").queryset = Position.objects.order_by("name")
        self.offices = {office.pk: office for office in offices}

    def _choice(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def _models(self, name: str) -> forms.ModelMultipleChoiceField:
        return cast(forms.ModelMultipleChoiceField, self.fields[name])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "Окончание приёма ответов не может быть раньше начала.")
        return data

    def organization_value(self) -> Organization | None:
        if "organization" in self.fields:
            return self.offices.get(self.cleaned_data["organization"])
        return next(iter(self.offices.values()), None)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("organization", None)
        opens, closes = data.pop("opens_on"), data.pop("closes_on")
        data["opens_at"] = _day_start(opens) if opens else None
        data["closes_at"] = _day_end(closes) if closes else None
        return data


def _initial(survey: Survey) -> dict[str, Any]:
    return {
        "title": survey.title,
        "description": survey.description,
        "audience": survey.audience,
        "mode": survey.mode,
        "opens_on": timezone.localdate(survey.opens_at) if survey.opens_at else None,
        "closes_on": timezone.localdate(survey.closes_at) if survey.closes_at else None,
        "allow_edit": survey.allow_edit,
        "reminder_every_days": survey.reminder_every_days,
        "schools": list(survey.schools.all()),
        "subjects": list(survey.subjects.all()),
        "positions": list(survey.positions.all()),
        "categories": list(survey.categories),
        "early_career_only": survey.early_career_only,
    }


class SectionForm(forms.Form):
    title = forms.CharField(
        label="Название раздела", max_length=300, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    description = forms.CharField(
        label="Пояснение", required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 2})
    )


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def _numbers(value: str, field: str) -> list[int]:
    """«1, 3» → [1, 3] (option numbers as people count them, from 1)."""
    result = []
    for raw in (value or "").replace(";", ",").split(","):
        part = raw.strip()
        if not part:
            continue
        if not part.lstrip("-").isdecimal():
            raise ValidationError(f"«{part}» — не число. Перечислите номера через запятую: 1, 2.")
        result.append(int(part))
    return result


def condition_choices(question: Question | None) -> list[tuple[str, str]]:
    """The answers of a condition's question: option indexes for choices, values for a scale."""
    if question is None:
        return []
    if question.kind == QuestionKind.SCALE:
        return [(str(value), str(value)) for value in range(question.scale_min, question.scale_max + 1)]
    return [(str(index), option) for index, option in enumerate(question.options)]


class QuestionForm(forms.Form):
    """One question. Shown groups depend on `kind`; the view re-renders the form when the kind changes."""

    kind = forms.ChoiceField(
        label="Вид вопроса", choices=QuestionKind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    text = forms.CharField(
        label="Вопрос", max_length=1000, widget=forms.Textarea(attrs={"class": "form-control", "rows": 2})
    )
    help_text = forms.CharField(
        label="Подсказка",
        max_length=1000,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    required = forms.BooleanField(
        label="Обязательный вопрос",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    section = forms.TypedChoiceField(
        label="Раздел", coerce=int, widget=forms.Select(attrs={"class": "form-select"})
    )
    options = forms.CharField(
        label="Варианты ответа (каждый с новой строки)",
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 5}),
    )
    allow_other = forms.BooleanField(
        label="Добавить вариант «Другое» с полем для ответа",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    scale_max = forms.TypedChoiceField(
        label="Шкала",
        coerce=int,
        choices=[(5, "от 1 до 5"), (10, "от 1 до 10")],
        initial=5,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    grid_rows = forms.CharField(
        label="Строки таблицы (каждая с новой строки)",
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 5}),
    )
    number_min = forms.DecimalField(
        label="Не меньше", required=False, max_digits=12, decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}),
    )  # fmt: skip
    number_max = forms.DecimalField(
        label="Не больше", required=False, max_digits=12, decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}),
    )  # fmt: skip
    show_if = forms.TypedChoiceField(
        label="Показывать, только если ответ на вопрос",
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    show_if_values = forms.MultipleChoiceField(
        label="…равен одному из",
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    is_gap_indicator = forms.BooleanField(
        label="Показатель затруднения (для ИОМ педагога)",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    gap_values = forms.CharField(
        label="Ответы, означающие затруднение",
        required=False,
        help_text="Номера вариантов через запятую (считая с 1), для шкалы — значения: «1, 2».",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    gap_topic = forms.CharField(
        label="Тема затруднения для ИОМ",
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    code = forms.CharField(
        label="Код вопроса (для выгрузки)",
        max_length=40,
        required=False,
        help_text="Латинские буквы и цифры; пусто — присвоится сам. Код сохраняется при копировании.",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    GROUPS: dict[str, tuple[str, ...]] = {
        "options": (QuestionKind.SINGLE, QuestionKind.MULTIPLE),
        "scale": (QuestionKind.SCALE, QuestionKind.GRID),
        "grid": (QuestionKind.GRID,),
        "number": (QuestionKind.NUMBER,),
        "gap": (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE),
    }

    def __init__(
        self,
        *args: Any,
        sections: list[Any],
        earlier: list[Question],
        question: Question | None = None,
        survey: Survey,
        **kwargs: Any,
    ) -> None:
        if question is not None:
            kwargs.setdefault("initial", question_initial(question))
        super().__init__(*args, **kwargs)
        self.question = question
        self.survey = survey
        cast(forms.ChoiceField, self.fields["section"]).choices = [
            (section.pk, section.title) for section in sections
        ]
        conditions = [q for q in earlier if q.kind in CONDITION_KINDS]
        self.conditions = {q.pk: q for q in conditions}
        cast(forms.ChoiceField, self.fields["show_if"]).choices = [("", "— показывать всегда —")] + [
            (q.pk, _short(q.text)) for q in conditions
        ]
        self.fields["show_if"].widget.attrs["aria-controls"] = "show-if-values"
        self.fields["kind"].widget.attrs["aria-controls"] = "kind-fields"
        if survey.audience == AudienceKind.EDUCATORS:
            cast(forms.ChoiceField, self.fields["kind"]).choices = [
                c for c in QuestionKind.choices if c[0] != QuestionKind.FILE
            ]
        if survey.mode != Mode.NAMED or survey.audience != AudienceKind.EDUCATORS:
            for name in ("is_gap_indicator", "gap_values", "gap_topic"):
                del self.fields[name]
        chosen = self._chosen_condition()
        condition = self.conditions.get(chosen) if chosen is not None else None
        cast(forms.ChoiceField, self.fields["show_if_values"]).choices = condition_choices(condition)

    def enable_refresh(self, url: str) -> None:
        """htmx: a new kind re-renders the kind's fields, a new condition question its answers."""
        for name, part, target in (
            ("kind", "kind", "#kind-fields"),
            ("show_if", "condition", "#show-if-values"),
        ):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": f"{url}?refresh={part}",
                    "hx-include": "closest form",
                    "hx-target": target,
                    "hx-swap": "outerHTML",
                    "hx-trigger": "change",
                }
            )

    def _chosen_condition(self) -> int | None:
        raw = self.data.get(self.add_prefix("show_if")) if self.is_bound else self.initial.get("show_if")
        try:
            return int(raw) if raw not in (None, "") else None  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None

    @property
    def kind_value(self) -> str:
        raw = self.data.get("kind") if self.is_bound else self.initial.get("kind")
        return raw or QuestionKind.SINGLE

    def shows(self, group: str) -> bool:
        return self.kind_value in self.GROUPS[group]

    @property
    def shows_options(self) -> bool:
        return self.shows("options")

    @property
    def shows_scale(self) -> bool:
        return self.shows("scale")

    @property
    def shows_grid(self) -> bool:
        return self.shows("grid")

    @property
    def shows_number(self) -> bool:
        return self.shows("number")

    @property
    def shows_gap(self) -> bool:
        return self.shows("gap") and "is_gap_indicator" in self.fields

    def clean_gap_values(self) -> list[int]:
        return _numbers(self.cleaned_data.get("gap_values", ""), "gap_values")

    def service_data(self, sections_by_pk: dict[int, Any]) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        kind = data["kind"]
        data["options"] = _lines(data.get("options", ""))
        data["grid_rows"] = _lines(data.get("grid_rows", ""))
        data["scale_min"] = 1
        data["section"] = sections_by_pk.get(data.get("section") or 0)
        data["show_if"] = self.conditions.get(data["show_if"]) if data.get("show_if") else None
        data["show_if_values"] = [int(v) for v in data.get("show_if_values") or []]
        gap = data.get("gap_values") or []
        # People count options from 1; the model stores indexes from 0. Scale values are kept as they are.
        data["gap_values"] = (
            [v - 1 for v in gap] if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) else gap
        )
        for name in ("number_min", "number_max"):
            if isinstance(data.get(name), Decimal):
                data[name] = data[name]
        return data


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def question_initial(question: Question) -> dict[str, Any]:
    gap = question.gap_values
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        gap = [value + 1 for value in gap]
    return {
        "kind": question.kind,
        "text": question.text,
        "help_text": question.help_text,
        "required": question.required,
        "section": question.section_id,
        "options": "\n".join(question.options),
        "allow_other": question.allow_other,
        "scale_max": question.scale_max,
        "grid_rows": "\n".join(question.grid_rows),
        "number_min": question.number_min,
        "number_max": question.number_max,
        "show_if": question.show_if_id,
        "show_if_values": [str(value) for value in question.show_if_values],
        "is_gap_indicator": question.is_gap_indicator,
        "gap_values": ", ".join(str(value) for value in gap),
        "gap_topic": question.gap_topic,
        "code": question.code,
    }
