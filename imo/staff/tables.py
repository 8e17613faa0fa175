"""The educators list (imo.core.tables): filters in SQL for a chosen date, Russian order, masked personal
data on screen, and an Excel export whose access to personal data is logged.

Everything that depends on a date — current employment, age, experience, early-career — is computed for
the date of the list («На дату», today unless chosen), never stored. Rows are completed a batch at a time
(imo.core.batches): each educator gets the date as `list_on` and their posts in force on it as `posts`
(main first), read with two queries per batch — the page's rows, or each chunk of the Excel export — as
plain names rather than model instances (25,000 rows of an export would otherwise build ~150,000
organisation, position and subject objects). A page runs the same number of queries whatever the size
of the district.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.safestring import SafeString

from imo.core import pagecache
from imo.core.batches import completed_in_batches
from imo.core.excel import write_xlsx, xlsx_response
from imo.core.identifiers import format_snils
from imo.core.markup import escaped
from imo.core.prepared import prepared
from imo.core.tables import (
    ChoiceFilter,
    Column,
    Filter,
    MultiChoiceFilter,
    SearchFilter,
    Table,
    label_order,
    russian,
)
from imo.core.tables.table import EXPORT_CHUNK, Control
from imo.orgs.selectors import (
    ORGANIZATION_VIEWER_ROLES,
    educational_organizations_visible_to,
    scope_paths,
    subtree_ids,
)
from imo.reference.models import Position, Subject
from imo.reference.selectors import active_items
from imo.staff.access_log import personal_data_access_log
from imo.staff.display import mask_birth_date, mask_snils
from imo.staff.experience import (
    AGE_BANDS,
    EXPERIENCE_BANDS,
    format_length,
    full_years,
    is_early_career,
    years_months,
)
from imo.staff.facets import EducatorFacet, registered
from imo.staff.list_filters import (
    ACTIVE,
    LEFT,
    MAIN,
    NO,
    PART_TIME,
    YES,
    OnDateFilter,
    bands_q,
    early_career_q,
    education_q,
    employment_q,
    search_words,
)
from imo.staff.models import EducationRecord, Educator, Employment, PersonalDataAccess
from imo.staff.selectors import active_on

YES_NO = [(YES, "да"), (NO, "нет")]
# The fields of Educator the columns read, on screen and in Excel: the rest (timestamps, the search text,
# keys, contacts) would be fetched and parsed for nothing (a list page of 100 rows: ~7 % of its time).
ROW_FIELDS = (
    "last_name",
    "first_name",
    "patronymic",
    "sex",
    "birth_date",
    "snils",
    "teaching_experience_start",
)
# The filter bar: the first row is always shown; the rest open under «Ещё фильтры».
MAIN_FILTERS = ("q", "on", "organization", "position", "subject", "status")


class _Reversed(F):
    """Order a start date the other way round: the oldest person (the earliest birth date) has the
    greatest age, the longest experience the earliest start."""

    def asc(self, **kwargs: Any) -> OrderBy:
        return super().desc(**kwargs)

    def desc(self, **kwargs: Any) -> OrderBy:
        return super().asc(**kwargs)


def _by_length(field: str) -> _Reversed:
    return _Reversed(field)


class _NeverNull(F):
    """A column without NULLs, ordered without a NULLS clause so PostgreSQL can read its index
    backwards too (an explicit DESC NULLS LAST would not match the index)."""

    def asc(self, **kwargs: Any) -> OrderBy:
        return OrderBy(self)

    def desc(self, **kwargs: Any) -> OrderBy:
        return OrderBy(self, descending=True)


def _by_name_key(field: str) -> _NeverNull:
    """Full names in Russian order by `name_key`: the folded «фамилия имя отчество» (lower case, ё as е)
    compares code point by code point in alphabetical order (а…я are consecutive; a space before any
    letter, so «Иван» comes before «Иванов»), on SQLite and on PostgreSQL alike. It is indexed: the
    first page of 25,000 people is read from the index (about 1 ms) instead of sorting every row by
    collation keys of three columns (about 100 ms). Names equal once folded (Семенова, Семёнова)
    keep the order of their ids."""
    return _NeverNull(field)


# --- cells ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    """An employment as the list shows it: names, not objects."""

    organization: str
    position: str
    is_main: bool
    subjects: tuple[str, ...]


# The completion of every page of the list (imo/core/prepared.py: one statement text, values bound).
_POSTS = prepared(
    lambda educators, on: (
        Employment.objects.filter(active_on(on), educator_id__any=educators)
        .order_by("-is_main", "ends_on", "-starts_on", "pk")
        .values_list(
            "pk", "educator_id", "organization__short_name", "organization__name", "position__name", "is_main"
        )
    ),
    educators=list,
    on=dt.date,
)
_SUBJECTS = prepared(
    lambda employments: (
        Employment.subjects.through.objects.filter(employment_id__any=employments)
        .order_by("subject__order", "subject__name", "subject_id")
        .values_list("employment_id", "subject__name")
    ),
    employments=list,
)


def posts_on(
    on: dt.date, facets: tuple[EducatorFacet, ...] = ()
) -> Callable[[list[Educator]], list[Educator]]:
    """The completion of a batch of educators: the date of the list and their posts in force on it; and
    the values of `facets` (the registered facets whose column is shown), one query per facet."""

    def complete(educators: list[Educator]) -> list[Educator]:
        ids = [educator.pk for educator in educators]
        facet_values: dict[int, dict[str, str]] = defaultdict(dict)
        for facet in facets:
            for pk, value in facet.values_for(ids, on).items():
                facet_values[pk][facet.key] = value
        rows = _POSTS(educators=ids, on=on)
        subjects: dict[int, list[str]] = defaultdict(list)
        if rows:
            for employment_id, name in _SUBJECTS(employments=[row[0] for row in rows]):
                subjects[employment_id].append(name)
        posts: dict[int, list[Post]] = defaultdict(list)
        for pk, educator_id, short_name, name, position, is_main in rows:
            posts[educator_id].append(Post(short_name or name, position, is_main, tuple(subjects[pk])))
        for educator in educators:
            educator.list_on = on  # type: ignore[attr-defined]
            educator.posts = posts.get(educator.pk, [])  # type: ignore[attr-defined]
            educator.facet_values = facet_values.get(educator.pk, {})  # type: ignore[attr-defined]
        return educators

    return complete


def _posts(educator: Educator) -> list[Post]:
    return list(getattr(educator, "posts", ()))


def _workplace_text(post: Post) -> str:
    return post.organization if post.is_main else f"{post.organization} (совм.)"


PART_TIME_MARK = ' <abbr class="small text-body-secondary" title="совместительство">совм.</abbr>'


def _workplaces_html(educator: Educator) -> SafeString:
    """One line per post, «совм.» after a part-time one (joined with html.escape: a cell of every row)."""
    return SafeString(
        "".join(
            f"<div>{html.escape(post.organization)}{'' if post.is_main else PART_TIME_MARK}</div>"
            for post in _posts(educator)
        )
    )


def _workplaces_export(educator: Educator) -> str:
    return "; ".join(_workplace_text(post) for post in _posts(educator))


def _positions(educator: Educator) -> str:
    return "; ".join(dict.fromkeys(post.position for post in _posts(educator)))


def _subjects(educator: Educator) -> str:
    return ", ".join(dict.fromkeys(name for post in _posts(educator) for name in post.subjects))


def _on(educator: Educator) -> dt.date:
    on = getattr(educator, "list_on", None)
    return on if isinstance(on, dt.date) else timezone.localdate()


def _age(educator: Educator) -> int | None:
    return full_years(educator.birth_date, _on(educator))


def _experience(educator: Educator) -> str:
    if educator.teaching_experience_start is None:
        return ""
    return format_length(years_months(educator.teaching_experience_start, _on(educator)))


def _is_early_career(educator: Educator) -> bool:
    return is_early_career(educator.teaching_experience_start, _on(educator))


EARLY_CAREER_BADGE = SafeString('<span class="badge text-bg-info">молодой специалист</span>')


def _early_career_badge(educator: Educator) -> SafeString:
    if not _is_early_career(educator):
        return SafeString("")
    return EARLY_CAREER_BADGE


def facet_column(facet: EducatorFacet) -> Column:
    """The optional column of a registered facet («Категория»): hidden until chosen; its values are read
    for the page's rows in one query (posts_on), only when it is shown."""

    def display(educator: Educator) -> str:
        values: dict[str, str] = getattr(educator, "facet_values", {})
        return facet.label_of(values.get(facet.key))

    return Column(facet.key, facet.column_label, display=display, visible=False, width=20)


class FacetFilter(MultiChoiceFilter):
    """A registered facet as a filter («Квалификационная категория»: высшая, первая, …, без категории):
    its condition for the date of the list, inside the list's query."""

    def __init__(self, facet: EducatorFacet) -> None:
        super().__init__(facet.key, facet.label, choices=list(facet.choices))
        self.facet = facet

    def apply(self, queryset: QuerySet[Any], value: Any, table: Table) -> QuerySet[Any]:
        if not value:
            return queryset
        on = getattr(table, "on", None)
        return queryset.filter(self.facet.q(value, on if isinstance(on, dt.date) else timezone.localdate()))


# --- filter choices ------------------------------------------------------------------------------


def _organization_rows(table: Table) -> list[tuple[int, str, str]]:
    """(id, short name, municipality) of the educational organisations the user sees, by municipality
    then name in Russian order: read once per page, and kept between pages until organisations or
    memberships change (the list is asked for all day; the schools change a few times a year)."""
    user = table.user

    def read() -> list[tuple[int, str, str]]:
        return list(
            educational_organizations_visible_to(user=user)
            .select_related(None)
            .order_by(russian("parent__short_name"), russian("short_name"), "pk")
            .values_list("pk", "short_name", "parent__short_name")
        )

    return table.kept_for_user("organization_rows", topics=("orgs",), compute=read)


def _organizations(table: Table) -> list[tuple[int, str]]:
    return [(pk, name) for pk, name, _ in _organization_rows(table)]


def _reference_choices(label: str, read: Callable[[], list[tuple[int, str]]]) -> list[tuple[int, str]]:
    """A reference list in force (positions, subjects), kept until the reference data changes."""
    return pagecache.cached("staff.list.reference", topics=("reference",), parts=(label,), compute=read)


def _positions_choices(table: Table) -> list[tuple[int, str]]:
    return _reference_choices("positions", lambda: list(active_items(Position).values_list("pk", "name")))


def _subjects_choices(table: Table) -> list[tuple[int, str]]:
    return _reference_choices("subjects", lambda: list(active_items(Subject).values_list("pk", "name")))


@dataclass(frozen=True)
class Option:
    value: Any
    label: str
    checked: bool
    dom_id: str


@dataclass(frozen=True)
class OptionGroup:
    label: str  # the municipality of a group of organisations at region level; else ""
    options: list[Option]


GROUP_OPEN = '<fieldset class="mb-2"><legend class="fs-6 fw-semibold mb-1">{}</legend>'
BOX = (
    '<div class="form-check"><input type="checkbox" name="{}" value="{}" class="form-check-input" id="{}"{}>'
    '<label class="form-check-label" for="{}">{}</label></div>'
)


@dataclass(frozen=True)
class CheckboxControl(Control):
    """A multi-choice filter whose check boxes the template writes directly: rendering hundreds of form
    widgets (a region's schools, the subjects, the positions) through the template engine costs more
    than the rest of the page."""

    groups: tuple[OptionGroup, ...] = ()

    @property
    def template(self) -> str:
        return "staff/records/filter_checkboxes.html"

    @property
    def groups_html(self) -> SafeString:
        """The boxes, grouped by municipality when there are groups: joined here, as a template loop over
        a region's ~500 schools cost more than the rest of the page (and format_html per box, with its
        lazy-text wrappers, a tenth of a district's list page)."""
        name = escaped(self.field.html_name)
        parts: list[str] = []
        for group in self.groups:
            if group.label:
                parts.append(GROUP_OPEN.format(escaped(group.label)))
            for option in group.options:
                dom_id = escaped(option.dom_id)
                checked = " checked" if option.checked else ""
                parts.append(
                    BOX.format(name, escaped(option.value), dom_id, checked, dom_id, escaped(option.label))
                )
            if group.label:
                parts.append("</fieldset>")
        return SafeString("".join(parts))  # every value escaped above


class _OrganizationFilter(MultiChoiceFilter):
    """Shown when there is a choice: a school admin has one school."""

    def shown(self, table: Table) -> bool:
        return len(self.choices(table)) > 1


class EducatorTable(Table):
    """The educators the user sees (educators_visible_to), for the date of the list."""

    columns = [
        Column(
            "name",
            "ФИО",
            display=lambda educator: educator.full_name,
            link=Educator.get_absolute_url,
            sort=_by_name_key,
            sort_fields=("name_key",),
            hideable=False,
            width=36,
        ),
        Column("workplace", "Место работы", display=_workplaces_html, export=_workplaces_export, width=40),
        Column("position", "Должность", display=_positions, width=28),
        Column("subjects", "Предметы", display=_subjects, classes="d-none d-md-table-cell", width=30),
        Column("sex", "Пол", sort=label_order(Educator.Sex.choices), visible=False, width=10),
        # On screen СНИЛС and birth date are masked for everyone; the Excel file (a logged access to
        # personal data) holds them in full: every row a user sees is one whose personal data they may
        # see (staff.view_personal_data holds on each of educators_visible_to; tested).
        Column(
            "birth_date",
            "Дата рождения",
            display=lambda educator: mask_birth_date(educator.birth_date),
            export=lambda educator: educator.birth_date,
            sort=True,
            visible=False,
            width=14,
        ),
        Column(
            "snils",
            "СНИЛС",
            display=lambda educator: mask_snils(educator.snils),
            export=lambda educator: format_snils(educator.snils),
            visible=False,
            width=16,
        ),
        Column("age", "Возраст", display=_age, sort=_by_length, sort_fields=("birth_date",), width=10),
        Column(
            "experience",
            "Пед. стаж",
            export_label="Педагогический стаж",
            display=_experience,
            sort=_by_length,
            sort_fields=("teaching_experience_start",),
            width=18,
        ),
        Column(
            "early_career",
            "Молодой специалист",
            display=_early_career_badge,
            export=lambda educator: "да" if _is_early_career(educator) else "",
            width=14,
        ),
    ]
    filters = [
        SearchFilter("q", "Поиск", placeholder="ФИО или СНИЛС", method="search"),
        OnDateFilter("on", "На дату"),
        _OrganizationFilter(
            "organization", "Организация", choices=_organizations, coerce=int, method="employment_filter"
        ),
        MultiChoiceFilter(
            "position", "Должность", choices=_positions_choices, coerce=int, method="employment_filter"
        ),
        MultiChoiceFilter(
            "subject", "Предмет", choices=_subjects_choices, coerce=int, method="employment_filter"
        ),
        ChoiceFilter(
            "status",
            "Работают",
            choices=[(ACTIVE, "работают на дату"), (LEFT, "не работают на дату")],
            default=ACTIVE,
            all_label="все в базе",
            method="employment_filter",
        ),
        ChoiceFilter(
            "kind",
            "Место работы",
            choices=[(MAIN, "основное"), (PART_TIME, "совместительство")],
            method="employment_filter",
        ),
        ChoiceFilter("sex", "Пол", choices=Educator.Sex.choices),
        MultiChoiceFilter(
            "age", "Возраст", choices=[(band.key, band.label) for band in AGE_BANDS], method="by_age"
        ),
        MultiChoiceFilter(
            "experience",
            "Пед. стаж",
            choices=[(band.key, band.label) for band in EXPERIENCE_BANDS],
            method="by_experience",
        ),
        ChoiceFilter(
            "early",
            "Молодые специалисты",
            choices=[(YES, "только молодые специалисты"), (NO, "без молодых специалистов")],
            method="by_early_career",
        ),
        MultiChoiceFilter(
            "education", "Образование", choices=EducationRecord.Level.choices, method="education_filter"
        ),
        ChoiceFilter("pedagogical", "Педагогическое образование", choices=YES_NO, method="education_filter"),
    ]
    default_sort = "name"
    noun = "педагог,педагога,педагогов"
    caption = "Педагогические работники"
    export_url_name = "staff:export"
    export_filename = "педагоги"
    sheet_name = "Педагоги"
    empty_text = "Педагогов пока нет. Добавьте их по одному или загрузите список из Excel."
    empty_filtered_text = "Педагогов не найдено. Измените фильтры или сбросьте их."
    filters_template = "staff/records/filters.html"
    # The choices: organisations of the scope, positions and subjects; the facets' are fixed.
    filters_topics = ("orgs", "reference")

    def __init__(self, request: HttpRequest, *, queryset: QuerySet[Any]) -> None:
        # The facets other apps registered (imo.staff.facets): a column and a filter each, read when the
        # table is built, so registration order against this module's import does not matter.
        self.facets = registered()
        setattr(self, "columns", [*type(self).columns, *(facet_column(f) for f in self.facets)])  # noqa: B010
        setattr(self, "filters", [*type(self).filters, *(FacetFilter(f) for f in self.facets)])  # noqa: B010
        super().__init__(request, queryset=queryset)
        on = self.values.get("on")
        self.on: dt.date = on if isinstance(on, dt.date) else timezone.localdate()

    # --- the rows -------------------------------------------------------------------------------

    def employment_scope(self) -> Q | None:
        """Employments in the user's organisations (None: all, for a superuser)."""
        if getattr(self.user, "is_superuser", False):
            return None
        # By ids, not a join on paths: see subtree_ids.
        return Q(organization_id__in=subtree_ids(scope_paths(self.user, ORGANIZATION_VIEWER_ROLES)))

    def get_queryset(self) -> QuerySet[Any]:
        """The other filters narrow the rows one by one; the employment ones and the education ones
        are each combined into one condition here (see employment_q, education_q)."""
        values = self.values
        queryset = (
            super()
            .get_queryset()
            .filter(
                employment_q(
                    on=self.on,
                    scope=self.employment_scope(),
                    status=values.get("status"),
                    organizations=values.get("organization"),
                    positions=values.get("position"),
                    subjects=values.get("subject"),
                    kind=values.get("kind"),
                )
            )
        )
        if values.get("education") or values.get("pedagogical"):
            queryset = queryset.filter(
                education_q(levels=values.get("education"), pedagogical=values.get("pedagogical"))
            )
        shown = {column.name for column in self.visible_columns}
        facets = tuple(facet for facet in self.facets if facet.key in shown)
        return completed_in_batches(queryset.only(*ROW_FIELDS), posts_on(self.on, facets))

    def search(self, queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        for word in search_words(value):
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def employment_filter(self, queryset: QuerySet[Any], value: Any) -> QuerySet[Any]:
        return queryset  # combined in get_queryset

    def education_filter(self, queryset: QuerySet[Any], value: Any) -> QuerySet[Any]:
        return queryset  # combined in get_queryset

    def by_age(self, queryset: QuerySet[Any], keys: Any) -> QuerySet[Any]:
        return queryset.filter(bands_q("birth_date", AGE_BANDS, keys, self.on))

    def by_experience(self, queryset: QuerySet[Any], keys: Any) -> QuerySet[Any]:
        return queryset.filter(bands_q("teaching_experience_start", EXPERIENCE_BANDS, keys, self.on))

    def by_early_career(self, queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        early = early_career_q(self.on)
        return queryset.filter(early if value == YES else ~early)

    # --- the page -------------------------------------------------------------------------------

    @property
    def reset_url(self) -> str:
        """The list with no filters; the date, the order, the page size and the columns stay."""
        params = QueryDict(self.query(), mutable=True)
        for item in self.active_filters:
            if isinstance(item, OnDateFilter):
                continue
            for key, _ in item.params(self.values[item.name]):
                params.pop(key, None)
        query = params.urlencode()
        return f"{self.request.path}?{query}" if query else self.request.path

    @property
    def controls(self) -> list[Control]:
        return self.cached("controls", self._build_controls)

    def _build_controls(self) -> list[Control]:
        result: list[Control] = []
        for control in super().controls:
            item = control.filter
            if not isinstance(item, MultiChoiceFilter):
                result.append(control)
                continue
            groups = self._option_groups(item, control.field.auto_id or f"id_{item.name}")
            result.append(
                CheckboxControl(
                    filter=item,
                    fields=control.fields,
                    summary=control.summary,
                    dom_id=control.dom_id,
                    groups=groups,
                )
            )
        return result

    def _option_groups(self, item: MultiChoiceFilter, prefix: str) -> tuple[OptionGroup, ...]:
        name = item.name
        chosen = set(self.values.get(name) or ())
        if name == "organization":  # grouped by municipality when there are several
            rows: list[tuple[Any, str, str]] = _organization_rows(self)
        else:
            rows = [(value, str(label), "") for value, label in item.choices(self)]
        groups: dict[str, list[Option]] = {}
        for index, (value, label, group) in enumerate(rows):
            groups.setdefault(group or "", []).append(
                Option(value, label, value in chosen, f"{prefix}_{index}")
            )
        if len(groups) == 1:
            return (OptionGroup("", next(iter(groups.values()))),)
        return tuple(OptionGroup(label, options) for label, options in groups.items())

    @property
    def main_controls(self) -> list[Control]:
        return [control for control in self.controls if control.filter.name in MAIN_FILTERS]

    @property
    def more_controls(self) -> list[Control]:
        return [control for control in self.controls if control.filter.name not in MAIN_FILTERS]

    @property
    def more_filtered(self) -> bool:
        """Whether a filter under «Ещё фильтры» narrows the list (the block then opens by itself)."""
        return any(
            item.is_narrowing(self.values[item.name])
            for item in self.active_filters
            if item.name not in MAIN_FILTERS
        )

    # --- Excel ----------------------------------------------------------------------------------

    def describe(self) -> str:
        """The filters in words, for the access log: «на 01.09.2026; Организация: СОШ № 1; …»."""
        parts = [f"на {self.on:%d.%m.%Y}"]
        for item in self.active_filters:
            value = self.values[item.name]
            if value is None or isinstance(item, OnDateFilter):
                continue
            parts.append(f"{item.label}: {_describe_value(item, value, self)}")
        return "; ".join(parts)

    def export_response(self) -> HttpResponse:
        """Every filtered row with the visible columns, read in chunks; the ids of the rows written are
        collected on the way, and the export is logged as an access to those records' personal data."""
        ids: list[int] = []

        def rows() -> Iterator[Educator]:
            for educator in self.export_queryset().iterator(chunk_size=EXPORT_CHUNK):
                ids.append(educator.pk)
                yield educator

        content = write_xlsx(self.export_columns(), rows(), sheet_name=self.sheet_name)
        personal_data_access_log(
            user=self.user,
            action=PersonalDataAccess.Action.EXPORT,
            educator_ids=ids,
            what=f"Список педагогов: {self.describe()}",
        )
        return xlsx_response(content, f"{self.export_filename}_{timezone.localdate():%d.%m.%Y}.xlsx")


def _describe_value(item: Filter, value: Any, table: Table) -> str:
    if isinstance(item, MultiChoiceFilter):
        return item.summary(value, table)
    if isinstance(item, ChoiceFilter):
        return str(dict(item.choices(table)).get(value, value))
    if isinstance(item, SearchFilter):
        return f"«{value}»"
    return str(value)
