"""The list tables of organisations and of users (imo.core.tables declarations)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from imo.core.tables import (
    ChoiceFilter,
    Column,
    DateRangeFilter,
    MultiChoiceFilter,
    SearchFilter,
    Table,
    label_order,
    russian,
)
from imo.orgs.models import Organization, Role
from imo.orgs.selectors import (
    UserFilters,
    municipalities_visible_to,
    settlements_visible_to,
    users_managed_by,
)

EDUCATIONAL_KINDS = [
    choice
    for choice in Organization.Kind.choices
    if choice[0] not in (Organization.Kind.REGION, Organization.Kind.MUNICIPALITY)
]


def _status_badge(organization: Organization) -> SafeString:
    if organization.is_closed:
        return format_html('<span class="badge text-bg-secondary">{}</span>', "Закрыта")
    return format_html('<span class="badge text-bg-success">{}</span>', "Действует")


def _has_several_municipalities(table: Table) -> bool:
    return len(_municipalities(table)) > 1


def _municipalities(table: Table) -> list[tuple[int, str]]:
    # Every page of the list (and every htmx update) asked the database for these options again.
    return table.kept_for_user(
        "municipalities",
        topics=("orgs",),
        compute=lambda: [(m.pk, str(m)) for m in municipalities_visible_to(user=table.user)],
    )


def _settlements(table: Table) -> list[tuple[str, str]]:
    return table.kept_for_user(
        "settlements",
        topics=("orgs",),
        compute=lambda: [(s, s) for s in settlements_visible_to(user=table.user)],
    )


class OrganizationTable(Table):
    """Schools, kindergartens and additional-education centres the user sees (regions and
    municipalities are not listed). Columns are in the order of the Excel file of the organisations
    import, so «все столбцы» exports a file that imports back unchanged."""

    columns = [
        Column(
            "name",
            "Наименование",
            field="short_name",
            export_label="Краткое наименование",
            sort=russian,
            link=Organization.get_absolute_url,
            hideable=False,
            width=32,
        ),
        Column("full_name", "Полное наименование", field="name", sort=russian, visible=False, width=60),
        Column("kind", "Тип", sort=label_order(Organization.Kind.choices), width=22),
        Column(
            "municipality",
            "Муниципалитет",
            field="parent",
            sort=russian,
            sort_fields=("parent__short_name",),
            visible=_has_several_municipalities,
            width=30,
        ),
        Column("settlement", "Населённый пункт", sort=russian, width=22),
        Column("inn", "ИНН", sort=True, visible=False, width=14),
        Column("ogrn", "ОГРН", sort=True, visible=False, width=16),
        Column("address", "Адрес", visible=False, width=40),
        Column("director", "Руководитель", sort=russian, classes="d-none d-md-table-cell", width=30),
        Column("phone", "Телефон", classes="d-none d-lg-table-cell", width=18),
        Column("email", "Электронная почта", visible=False, width=26),
        Column("website", "Сайт", visible=False, width=26),
        Column(
            "status",
            "Статус",
            display=_status_badge,
            export=Organization.get_status_display,
            sort=label_order(Organization.Status.choices),
            width=12,
        ),
        Column("closed_on", "Дата закрытия", sort=True, visible=False, width=14),
        Column("created_at", "Добавлена", sort=True, visible=False, width=18),
    ]
    filters = [
        SearchFilter("q", "Поиск", placeholder="Название, населённый пункт, ИНН"),
        MultiChoiceFilter("kind", "Тип", choices=EDUCATIONAL_KINDS),
        ChoiceFilter(
            "settlement",
            "Населённый пункт",
            choices=_settlements,
        ),
        ChoiceFilter(
            "municipality",
            "Муниципалитет",
            field="parent_id",
            choices=_municipalities,
            coerce=int,
            min_choices=2,
        ),
        ChoiceFilter(
            "status",
            "Статус",
            choices=[(Organization.Status.ACTIVE, "Действующие"), (Organization.Status.CLOSED, "Закрытые")],
            default=Organization.Status.ACTIVE,
        ),
        DateRangeFilter("created_at", "Добавлена"),
    ]
    # The choices (settlements, municipalities) come from the organisations the user sees.
    filters_topics = ("orgs",)
    default_sort = "name"
    noun = "организация,организации,организаций"
    caption = "Список организаций"
    export_url_name = "orgs:export"
    export_filename = "организации"
    sheet_name = "Организации"
    empty_text = "Организаций пока нет. Добавьте первую школу или детский сад."

    def export_queryset(self) -> QuerySet[Organization]:
        # A few municipalities are parents of every row: read each once, not once per row.
        # Columns no export shows are not read: parsing timestamps and long texts is most of the work.
        return (
            super()
            .export_queryset()
            .select_related(None)
            .prefetch_related("parent")
            .defer("search_text", "path", "updated_at")
        )


def _roles(person: Any) -> SafeString:
    return format_html_join(
        "",
        '<div class="small">{} — {}</div>',
        ((m.get_role_display(), m.organization) for m in person.memberships.all()),
    )


def _state(person: Any) -> SafeString:
    badges = [
        format_html('<span class="badge text-bg-success">{}</span>', "Активен")
        if person.is_active
        else format_html('<span class="badge text-bg-secondary">{}</span>', "Отключён")
    ]
    if not person.has_usable_password():
        badges.append(format_html('<span class="badge text-bg-warning">{}</span>', "Не входил"))
    return format_html_join(" ", "{}", ((badge,) for badge in badges))


class UserTable(Table):
    """Users with a role in the manager's scope (a school admin: the teachers of their school)."""

    columns = [
        Column(
            "name",
            "ФИО",
            display=lambda person: person.full_name or person.username,
            link=lambda person: reverse("orgs:user_detail", args=[person.pk]),
            sort=russian,
            sort_fields=("last_name", "first_name", "patronymic"),
            hideable=False,
            width=36,
        ),
        Column("username", "Логин", sort=True, width=20),
        Column(
            "email", "Почта", export_label="Электронная почта", classes="d-none d-md-table-cell", width=28
        ),
        Column(
            "roles",
            "Роли",
            display=_roles,
            export=lambda person: "; ".join(
                f"{m.get_role_display()} — {m.organization}" for m in person.memberships.all()
            ),
            width=60,
        ),
        Column(
            "state",
            "Состояние",
            display=_state,
            export=lambda person: person.is_active,
            export_label="Активен",
        ),
        Column("phone", "Телефон", visible=False, width=18),
        Column("last_login", "Последний вход", sort=True, visible=False, width=18),
    ]
    filters = [
        SearchFilter("q", "Поиск", placeholder="ФИО, логин, почта"),
        ChoiceFilter("role", "Роль", choices=Role.choices, method="with_role"),
        ChoiceFilter(
            "active",
            "Состояние",
            choices=[("1", "Активные"), ("0", "Отключённые")],
            method=lambda users, value: users.filter(is_active=value == "1"),
        ),
    ]
    default_sort = "name"
    noun = "пользователь,пользователя,пользователей"
    caption = "Пользователи"
    export_url_name = "orgs:users_export"
    export_filename = "пользователи"
    sheet_name = "Пользователи"
    empty_text = "Пользователей не найдено. Пригласите коллег по электронной почте."
    empty_filtered_text = "Пользователей не найдено. Измените фильтры или сбросьте их."

    def with_role(self, users: QuerySet[Any], role: str) -> QuerySet[Any]:
        """Users holding `role` inside the manager's scope (not anywhere)."""
        holders = users_managed_by(user=self.user, filters=UserFilters(role=role))
        holders = holders.prefetch_related(None).order_by().values("pk")
        return users.filter(pk__in=holders)
