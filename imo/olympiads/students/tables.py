"""Tables of olympiads/students (imo.core.tables): the students list, the consent register, enrolment."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from imo.core.tables import ChoiceFilter, Column, SearchFilter, Table
from imo.olympiads.students.consent import signed_late
from imo.olympiads.students.selectors import academic_years, consent_of, schools_visible_to
from imo.reference.selectors import academic_year_current

NO_CONSENT = "none"
FULL = "full"
REFUSED = "refused"
NO_RULES = "no_rules"
CONSENT_STATES = [
    (NO_CONSENT, "Заявления нет"),
    (FULL, "Согласие на публикацию есть"),
    (REFUSED, "Публикация не разрешена"),
    (NO_RULES, "Не отмечено ознакомление с Порядком"),
]
ACTIONS_TEMPLATE = "olympiads/students/_row_actions.html"
TOGGLE_TEMPLATE = "olympiads/students/_consent_toggle.html"


def _plain_context(request: HttpRequest) -> dict[str, Any]:
    """What the row templates need from the request, without running the context processors per row."""
    return {"csrf_token": get_token(request), "next": request.get_full_path()}


def _consent(row: Any) -> Any:
    return consent_of(row)


def consent_state(row: Any) -> str:
    consent = _consent(row)
    if consent is None:
        return "заявления нет"
    if consent.publication_allowed:
        return "публикация разрешена"
    return "публикация не разрешена"


def _consent_badge(row: Any) -> SafeString:
    consent = _consent(row)
    if consent is None:
        return format_html('<span class="badge text-bg-warning">{}</span>', "заявления нет")
    if consent.publication_allowed:
        return format_html('<span class="badge text-bg-success">{}</span>', "публикация разрешена")
    return format_html('<span class="badge text-bg-secondary">{}</span>', "публикация не разрешена")


def _by_consent(rows: QuerySet[Any], state: str) -> QuerySet[Any]:
    if state == NO_CONSENT:
        return rows.filter(consent__isnull=True)
    if state == FULL:
        return rows.filter(consent__publication_allowed=True)
    if state == REFUSED:
        return rows.filter(consent__isnull=False, consent__publication_allowed=False)
    if state == NO_RULES:
        return rows.filter(Q(consent__isnull=True) | Q(consent__rules_accepted=False))
    return rows


def _grade(row: Any) -> str:
    return f"{row.grade}{row.class_letter}" if row.class_letter else str(row.grade)


def _year_choices(table: Table) -> list[tuple[Any, str]]:
    return [(year.start_year, year.name) for year in academic_years()]


def _school_choices(table: Table) -> list[tuple[Any, str]]:
    return [(school.pk, school.short_name) for school in schools_visible_to(user=table.user)]


def _common_filters() -> list[Any]:
    current = academic_year_current()
    return [
        SearchFilter("q", "ФИО", fields=("name_key",), placeholder="Фамилия, имя"),
        ChoiceFilter(
            "year",
            "Учебный год",
            choices=_year_choices,
            field="academic_year__start_year",
            default=current.start_year if current else None,
            coerce=int,
        ),
        ChoiceFilter(
            "school", "Школа", choices=_school_choices, field="school_id", coerce=int, min_choices=2
        ),
        ChoiceFilter(
            "grade", "Класс", choices=[(g, f"{g} класс") for g in range(1, 12)], field="grade", coerce=int
        ),
        ChoiceFilter("consent", "Заявление родителя", choices=CONSENT_STATES, method=_by_consent),
    ]


class StudentTable(Table):
    columns = [
        Column(
            "name",
            "ФИО",
            display=str,
            export=str,
            sort=True,
            sort_fields=("name_key", "pk"),
            hideable=False,
            width=36,
        ),
        Column("birth_date", "Дата рождения", sort=True, width=14),
        Column(
            "grade", "Класс", display=_grade, export=_grade, sort=True, sort_fields=("grade", "class_letter")
        ),
        Column(
            "school",
            "Школа",
            field="school.short_name",
            sort=True,
            sort_fields=("school__short_name",),
            width=30,
        ),
        Column("year", "Учебный год", field="academic_year.name", visible=False, width=12),
        Column("consent", "Заявление родителя", display=_consent_badge, export=consent_state, width=24),
    ]
    default_sort = "name"
    noun = "обучающийся,обучающихся,обучающихся"
    caption = "Обучающиеся"
    export_url_name = "olympiads:student_export"
    export_filename = "обучающиеся"
    sheet_name = "Обучающиеся"
    empty_text = "В списке пока нет обучающихся. Добавьте их по одному или загрузите из Excel."

    def __init__(self, request: HttpRequest, *, queryset: QuerySet[Any], editable: bool = False) -> None:
        self.filters = _common_filters()  # type: ignore[misc]
        self.editable = editable
        if editable:
            actions = Column(
                "actions",
                "Действия",
                display=self._actions,
                hideable=False,
                exportable=False,
                classes="text-end",
            )
            self.columns = [*type(self).columns, actions]  # type: ignore[misc]
        super().__init__(request, queryset=queryset)

    def _actions(self, row: Any) -> SafeString:
        return render_to_string(
            ACTIONS_TEMPLATE,
            {
                "label": str(row),
                "edit_url": reverse("olympiads:student_edit", args=[row.pk]),
                "consent_url": reverse("olympiads:student_consent", args=[row.pk]),
                "delete_url": reverse("olympiads:student_delete", args=[row.pk]),
                # the head and the admin of the office: the student's request and erasure
                "privacy_url": reverse("olympiads:student_privacy", args=[row.pk])
                if self.request.user.has_perm("staff.view_access_log")
                else "",
                **_plain_context(self.request),
            },
        )


class ConsentTable(Table):
    """The register of parents' statements: who has one and who lacks it; quick switches for writers."""

    default_sort = "name"
    noun = "обучающийся,обучающихся,обучающихся"
    caption = "Заявления родителей"
    export_url_name = "olympiads:consent_export"
    export_filename = "заявления_родителей"
    sheet_name = "Заявления"
    empty_text = "В списке пока нет обучающихся."

    def __init__(
        self, request: HttpRequest, *, queryset: QuerySet[Any], editable: bool = False, deadlines: Any = None
    ) -> None:
        self.filters = _common_filters()  # type: ignore[misc]
        self.editable = editable
        self.deadlines: dict[int, Any] = deadlines or {}
        self.columns = [  # type: ignore[misc]
            Column(
                "name",
                "ФИО",
                display=str,
                export=str,
                sort=True,
                sort_fields=("name_key", "pk"),
                hideable=False,
                width=36,
            ),
            Column(
                "grade",
                "Класс",
                display=_grade,
                export=_grade,
                sort=True,
                sort_fields=("grade", "class_letter"),
            ),
            Column(
                "school",
                "Школа",
                field="school.short_name",
                sort=True,
                sort_fields=("school__short_name",),
                width=30,
            ),
            Column("parent", "Родитель", display=self._parent, export=self._parent, width=30),
            Column(
                "signed_on",
                "Дата заявления",
                display=self._signed,
                export=self._signed_text,
                width=14,
                sort=True,
                sort_fields=("consent__signed_on",),
            ),
            Column("rules", "С Порядком ознакомлен", display=self._rules, export=self._rules_text, width=14),
            Column(
                "publication",
                "Публикация разрешена",
                display=self._publication,
                export=self._publication_text,
                width=14,
            ),
            Column("scan", "Скан", display=self._scan, export=self._scan_text, width=8),
        ]
        if editable:
            self.columns.append(
                Column(
                    "actions",
                    "Действия",
                    display=self._actions,
                    hideable=False,
                    exportable=False,
                    classes="text-end",
                )
            )
        super().__init__(request, queryset=queryset)

    def _deadline(self, row: Any) -> Any:
        return self.deadlines.get(row.school.parent_id)

    def late(self, row: Any) -> bool:
        consent = _consent(row)
        return bool(consent and signed_late(consent.signed_on, self._deadline(row)))

    @staticmethod
    def _parent(row: Any) -> str:
        consent = _consent(row)
        return consent.parent_name if consent else ""

    def _signed_text(self, row: Any) -> str:
        consent = _consent(row)
        if consent is None:
            return "нет заявления"
        text = f"{consent.signed_on:%d.%m.%Y}"
        return f"{text} (позже срока)" if self.late(row) else text

    def _signed(self, row: Any) -> SafeString:
        consent = _consent(row)
        if consent is None:
            return format_html('<span class="badge text-bg-warning">{}</span>', "нет заявления")
        if self.late(row):
            return format_html(
                '{} <span class="badge text-bg-warning">{}</span>',
                f"{consent.signed_on:%d.%m.%Y}",
                "позже срока",
            )
        return format_html("{}", f"{consent.signed_on:%d.%m.%Y}")

    def _toggle(self, row: Any, field: str) -> SafeString:
        consent = _consent(row)
        value = bool(consent and getattr(consent, field))
        if not self.editable:
            return format_html("{}", "да" if value else "нет")
        return render_to_string(
            TOGGLE_TEMPLATE, {"student": row, "field": field, "value": value, **_plain_context(self.request)}
        )

    def _rules(self, row: Any) -> SafeString:
        return self._toggle(row, "rules_accepted")

    def _publication(self, row: Any) -> SafeString:
        return self._toggle(row, "publication_allowed")

    @staticmethod
    def _rules_text(row: Any) -> str:
        consent = _consent(row)
        return "да" if consent and consent.rules_accepted else "нет"

    @staticmethod
    def _publication_text(row: Any) -> str:
        consent = _consent(row)
        return "да" if consent and consent.publication_allowed else "нет"

    @staticmethod
    def _scan_text(row: Any) -> str:
        consent = _consent(row)
        return "есть" if consent and consent.document else ""

    @staticmethod
    def _scan(row: Any) -> SafeString:
        consent = _consent(row)
        if consent and consent.document:
            return format_html(
                '<a href="{}" hx-boost="false">{}</a>',
                reverse("olympiads:student_consent_scan", args=[row.pk]),
                "открыть",
            )
        return format_html("{}", "—")

    def _actions(self, row: Any) -> SafeString:
        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}" hx-boost="false">{}'
            '<span class="visually-hidden"> — {}</span></a>',
            reverse("olympiads:student_consent", args=[row.pk]),
            "Заявление",
            str(row),
        )
