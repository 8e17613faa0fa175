"""The list of who has not answered a named survey (imo.core.tables): educators with their workplaces,
or the schools of a monitoring; filter by school, Russian order, Excel of exactly the filtered rows."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from imo.core.tables import ChoiceFilter, Column, Table, russian
from imo.surveys.tracking.selectors import Scope, with_school


def _places(token: Any) -> str:
    return ", ".join(str(e.organization) for e in getattr(token.educator, "places", []))


def _email(token: Any) -> str:
    educator = token.educator
    if educator is not None:
        return educator.email or (educator.user.email if educator.user is not None else "")
    return token.school.email if token.school is not None else ""


class NonRespondentTable(Table):
    filters = [
        ChoiceFilter("school", "Организация", choices="school_choices", coerce=int, method="by_school")
    ]
    caption = "Не ответили"
    export_url_name = "surveys:tracking_export"
    export_filename = "не_ответили"
    sheet_name = "Не ответили"
    dom_id = "non-respondents"
    empty_text = "Ответили все."
    empty_filtered_text = "В этой организации ответили все."

    def __init__(
        self,
        request: HttpRequest,
        *,
        queryset: QuerySet[Any],
        scope: Scope,
        schools: list[tuple[int, str]],
    ) -> None:
        self.scope = scope
        self.schools = schools
        super().__init__(request, queryset=queryset)

    def school_choices(self) -> list[tuple[int, str]]:
        return self.schools

    def by_school(self, queryset: QuerySet[Any], value: Any) -> QuerySet[Any]:
        return with_school(queryset, value, self.scope.survey)

    @property
    def export_url(self) -> str:
        query = self.query(per_page=None)
        url = reverse(self.export_url_name, args=[self.scope.survey.pk])
        return f"{url}?{query}" if query else url


class EducatorNonRespondentTable(NonRespondentTable):
    columns: ClassVar[list[Column]] = [
        Column(
            "name",
            "Педагог",
            field="educator",
            sort=russian,
            sort_fields=("educator__last_name", "educator__first_name", "educator__patronymic"),
            hideable=False,
            width=40,
        ),
        Column("places", "Место работы", display=_places, width=40),
        Column("email", "Электронная почта", display=_email, classes="d-none d-md-table-cell", width=30),
        Column("reminded_on", "Последнее напоминание", sort=True, width=16),
    ]
    default_sort = "name"
    noun = "педагог,педагога,педагогов"


class SchoolNonRespondentTable(NonRespondentTable):
    columns: ClassVar[list[Column]] = [
        Column(
            "name",
            "Организация",
            field="school",
            sort=russian,
            sort_fields=("school__short_name",),
            hideable=False,
            width=40,
        ),
        Column("email", "Электронная почта", display=_email, classes="d-none d-md-table-cell", width=30),
        Column("reminded_on", "Последнее напоминание", sort=True, width=16),
    ]
    default_sort = "name"
    noun = "организация,организации,организаций"
