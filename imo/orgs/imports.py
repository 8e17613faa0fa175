"""The organisations import (`imo import organizations FILE`, «Загрузить из Excel» on the list).

Natural key, as the office thinks of a school: its ИНН when the row has one; otherwise its short name
within its municipality. A row with an ИНН that matches no organisation but whose short name matches one
without an ИНН in the same municipality updates that one (adds the ИНН) instead of making a duplicate.
Empty cells never erase what the card already holds. Municipalities and the region are not changed by
an import; rows are written through `organization_upsert_many`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from django.db.models import Q

from imo.core.identifiers import validate_ogrn, validate_organization_inn
from imo.core.imports.registry import register
from imo.core.imports.spec import (
    Column,
    ColumnType,
    ImportContext,
    ImportSpec,
    Lookup,
    Progress,
    RowProblem,
    name_key,
)
from imo.orgs.models import OFFICE_EDITOR_ROLES, Organization
from imo.orgs.selectors import organizations_visible_to, scope_paths
from imo.orgs.services import organization_upsert_many

PARENT_KINDS = (Organization.Kind.REGION, Organization.Kind.MUNICIPALITY)
EDUCATIONAL_KINDS = tuple(kind for kind in Organization.Kind if kind not in PARENT_KINDS)


def _parents(context: ImportContext) -> list[Organization]:
    parents: list[Organization] = context.cache["parents"]
    return parents


def _parent_options(context: ImportContext) -> Iterable[tuple[Any, list[str]]]:
    if "parents" not in context.cache:
        OrganizationImport().prepare(context)
    for parent in _parents(context):
        yield parent, [parent.short_name, parent.name]


def _example_inn() -> str:
    digits = "201400123"
    check = sum(int(d) * w for d, w in zip(digits, (2, 4, 10, 3, 5, 9, 4, 6, 8), strict=True)) % 11 % 10
    return f"{digits}{check}"


def _example_ogrn() -> str:
    digits = "102200012345"
    return f"{digits}{int(digits) % 11 % 10}"


class OrganizationImport(ImportSpec):
    kind = "organizations"
    title = "Образовательные организации"
    permission = "orgs.add_organization"
    url_base = "orgs:import"
    sheet_name = "Организации"
    scope_label = "Муниципалитет для строк, где он не указан"
    columns = (
        Column(
            "name",
            "Полное наименование",
            required=True,
            aliases=(
                "Наименование",
                "Полное наименование организации",
                "Наименование организации",
                "Наименование ОО",
                "Полное название",
                "Название организации",
            ),
            max_length=500,
            example="Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная "
            "школа № 1 с. Примерное»",
            help="Полное наименование по уставу.",
            width=60,
        ),
        Column(
            "short_name",
            "Краткое наименование",
            required=True,
            aliases=(
                "Сокращённое наименование",
                "Краткое название",
                "Короткое наименование",
                "Сокращенное название",
            ),
            max_length=200,
            example="МБОУ «СОШ № 1 с. Примерное»",
            help="Как организацию называют в списках и отчётах. В одном муниципалитете не повторяется.",
            width=32,
        ),
        Column(
            "kind",
            "Тип",
            ColumnType.CHOICE,
            required=True,
            aliases=("Тип организации", "Вид организации", "Вид ОО", "Тип ОО"),
            choices=tuple((kind.value, str(kind.label)) for kind in EDUCATIONAL_KINDS),
            choice_aliases=(
                ("СОШ", Organization.Kind.SCHOOL),
                ("ООШ", Organization.Kind.SCHOOL),
                ("НОШ", Organization.Kind.SCHOOL),
                ("Гимназия", Organization.Kind.SCHOOL),
                ("Лицей", Organization.Kind.SCHOOL),
                ("Школа-интернат", Organization.Kind.SCHOOL),
                ("Общеобразовательная организация", Organization.Kind.SCHOOL),
                ("ДОУ", Organization.Kind.KINDERGARTEN),
                ("ДОО", Organization.Kind.KINDERGARTEN),
                ("Дошкольная образовательная организация", Organization.Kind.KINDERGARTEN),
                ("Ясли-сад", Organization.Kind.KINDERGARTEN),
                ("УДО", Organization.Kind.ADDITIONAL_EDUCATION),
                ("ДО", Organization.Kind.ADDITIONAL_EDUCATION),
                ("Дополнительное образование", Organization.Kind.ADDITIONAL_EDUCATION),
                ("Организация доп. образования", Organization.Kind.ADDITIONAL_EDUCATION),
                ("ЦДТ", Organization.Kind.ADDITIONAL_EDUCATION),
                ("ДЮСШ", Organization.Kind.ADDITIONAL_EDUCATION),
                ("Другое", Organization.Kind.OTHER),
                ("Прочее", Organization.Kind.OTHER),
            ),
            example=str(Organization.Kind.SCHOOL.label),
            help="Школа, детский сад, организация дополнительного образования или другая "
            "(выберите из списка).",
            width=22,
        ),
        Column(
            "parent",
            "Муниципалитет",
            aliases=("Муниципальный район", "Район", "Муниципальное образование", "Вышестоящая организация"),
            lookup=Lookup(_parent_options, noun="муниципалитет"),
            help="Название муниципалитета, как в системе. Можно не заполнять, если вы работаете в одном "
            "муниципалитете.",
            width=30,
        ),
        Column(
            "settlement",
            "Населённый пункт",
            aliases=("Нас. пункт", "Город, село", "Населённый пункт (город, село)"),
            max_length=200,
            example="с. Примерное",
            width=22,
        ),
        Column(
            "inn",
            "ИНН",
            ColumnType.DIGITS,
            aliases=("ИНН организации", "ИНН ОО"),
            digits=(10,),
            validator=validate_organization_inn,
            example=_example_inn(),
            help="10 цифр. По ИНН организация узнаётся при повторной загрузке.",
            width=14,
        ),
        Column(
            "ogrn",
            "ОГРН",
            ColumnType.DIGITS,
            aliases=("ОГРН организации",),
            digits=(13,),
            validator=validate_ogrn,
            example=_example_ogrn(),
            help="13 цифр.",
            width=16,
        ),
        Column(
            "address",
            "Адрес",
            aliases=("Юридический адрес", "Почтовый адрес", "Адрес организации", "Фактический адрес"),
            max_length=500,
            example="366000, Чеченская Республика, с. Примерное, ул. Школьная, д. 1",
            width=40,
        ),
        Column(
            "director",
            "Руководитель",
            aliases=("Директор", "ФИО руководителя", "ФИО директора", "Заведующий", "Руководитель (ФИО)"),
            max_length=300,
            example="Иванов Иван Иванович",
            width=30,
        ),
        Column(
            "phone",
            "Телефон",
            aliases=("Тел.", "Контактный телефон", "Телефон организации"),
            max_length=50,
            example="+7 (8714) 00-00-00",
            width=18,
        ),
        Column(
            "email",
            "Эл. почта",
            ColumnType.EMAIL,
            aliases=("Электронная почта", "E-mail", "Email", "Адрес электронной почты", "Почта"),
            max_length=254,
            example="school1@example.ru",
            width=26,
        ),
        Column(
            "website",
            "Сайт",
            ColumnType.URL,
            aliases=("Адрес сайта", "Официальный сайт", "Веб-сайт"),
            max_length=200,
            example="https://school1.example.ru",
            width=26,
        ),
    )

    # --- scope ------------------------------------------------------------------------------------

    def _candidate_parents(self, user: Any | None, organization_id: int | None) -> list[Organization]:
        queryset = Organization.objects.filter(kind__in=PARENT_KINDS)
        if user is not None:
            queryset = organizations_visible_to(user=user, roles=OFFICE_EDITOR_ROLES).filter(
                kind__in=PARENT_KINDS
            )
        elif organization_id:
            root = Organization.objects.filter(pk=organization_id).first()
            queryset = queryset.filter(path__startswith=root.path) if root else queryset.none()
        return list(queryset.filter(status=Organization.Status.ACTIVE).order_by("path"))

    def check_options(self, context: ImportContext) -> str:
        organization_id = context.options.get("organization_id")
        if organization_id and not Organization.objects.filter(pk=organization_id).exists():
            return f"Организация с кодом {organization_id} не найдена."
        return ""

    def scope_choices(self, user: Any) -> list[tuple[int, str]]:
        parents = self._candidate_parents(user, None)
        return [(parent.pk, parent.short_name) for parent in parents]

    def prepare(self, context: ImportContext) -> None:
        organization_id = context.options.get("organization_id")
        parents = self._candidate_parents(context.user, organization_id)
        chosen = next((p for p in parents if p.pk == organization_id), None) if organization_id else None
        municipalities = [p for p in parents if p.kind == Organization.Kind.MUNICIPALITY]
        default = chosen
        if default is None and len(municipalities) == 1:
            default = municipalities[0]
        if default is None and len(parents) == 1:
            default = parents[0]
        if context.user is not None:
            paths: list[str] | None = scope_paths(context.user, OFFICE_EDITOR_ROLES)
            if getattr(context.user, "is_superuser", False):
                paths = None
        elif organization_id:
            root = Organization.objects.filter(pk=organization_id).first()
            paths = [root.path] if root else []
        else:
            paths = None  # the command line without --organization: the whole database
        context.cache.update(parents=parents, default_parent=default, scope_paths=paths)
        context.cache["parents_by_id"] = {p.pk: p for p in parents}

    # --- matching ---------------------------------------------------------------------------------

    def _parent_of(self, context: ImportContext, values: dict[str, Any]) -> Organization | None:
        parent: Organization | None = values.get("parent") or context.cache.get("default_parent")
        return parent

    def keys(self, context: ImportContext, values: dict[str, Any]) -> list[tuple[str, str, Hashable]]:
        found: list[tuple[str, str, Hashable]] = []
        if values.get("inn"):
            found.append(("inn", "тот же ИНН", ("inn", values["inn"])))
        if values.get("short_name"):
            parent = self._parent_of(context, values)
            found.append(
                (
                    "short_name",
                    "то же краткое наименование в том же муниципалитете",
                    ("name", parent.pk if parent else None, name_key(values["short_name"])),
                )
            )
        return found

    def fetch(self, context: ImportContext, rows: list[dict[str, Any]]) -> None:
        paths: list[str] | None = context.cache["scope_paths"]
        queryset = Organization.objects.all()
        if paths is not None:
            condition = Q(pk__in=[])
            for path in paths:
                condition |= Q(path__startswith=path)
            queryset = queryset.filter(condition)
        by_inn: dict[str, Organization] = {}
        by_name: dict[tuple[int | None, str], list[Organization]] = {}
        for organization in queryset.order_by("pk").iterator(chunk_size=2000):
            if organization.inn:
                by_inn[organization.inn] = organization
            by_name.setdefault((organization.parent_id, name_key(organization.short_name)), []).append(
                organization
            )
        elsewhere = self._inns_elsewhere(paths, rows, by_inn)
        context.cache.update(by_inn=by_inn, by_name=by_name, elsewhere=elsewhere)

    @staticmethod
    def _inns_elsewhere(
        paths: list[str] | None, rows: list[dict[str, Any]], by_inn: dict[str, Organization]
    ) -> set[str]:
        """The file's ИНН that belong to organisations outside the user's scope (one query)."""
        if paths is None:  # the whole register was read above
            return set()
        wanted = {row["inn"] for row in rows if row.get("inn") and row["inn"] not in by_inn}
        if not wanted:
            return set()
        outside = Organization.objects.exclude(inn="")
        for path in paths:
            outside = outside.exclude(path__startswith=path)
        # All ИНН outside the scope rather than `inn IN (…)` of thousands: a region has a few thousand.
        return wanted & set(outside.values_list("inn", flat=True))

    def find(self, context: ImportContext, values: dict[str, Any]) -> Organization | None:
        inn = values.get("inn", "")
        if inn:
            organization = context.cache["by_inn"].get(inn)
            if organization is None and inn in context.cache["elsewhere"]:
                raise RowProblem(
                    "inn",
                    f"Организация с ИНН {inn} уже есть в системе, но не в вашем муниципалитете. Обратитесь "
                    "к методистам её муниципалитета или к администратору.",
                )
            if organization is not None:
                if not organization.is_educational:
                    raise RowProblem(
                        "inn",
                        f"ИНН {inn} принадлежит «{organization}» — это муниципалитет или регион; они через "
                        "загрузку не меняются.",
                    )
                return organization
        parent = self._parent_of(context, values)
        if parent is None:
            return None
        candidates = [
            o
            for o in context.cache["by_name"].get((parent.pk, name_key(values.get("short_name", ""))), [])
            if o.is_educational
        ]
        if len(candidates) > 1:
            raise RowProblem(
                "short_name",
                "В муниципалитете несколько организаций с таким кратким наименованием: укажите ИНН, чтобы "
                "выбрать нужную.",
            )
        if not candidates:
            return None
        organization = candidates[0]
        if inn and organization.inn and organization.inn != inn:
            raise RowProblem(
                "inn",
                f"В муниципалитете уже есть «{organization.short_name}» с ИНН {organization.inn}, а в файле "
                f"ИНН {inn}. Проверьте ИНН или краткое наименование.",
            )
        return organization

    def complete(self, context: ImportContext, values: dict[str, Any], existing: Any | None) -> None:
        if existing is None and "parent" not in values and context.cache.get("default_parent"):
            values["parent"] = context.cache["default_parent"]

    def check(
        self, context: ImportContext, values: dict[str, Any], existing: Any | None
    ) -> Iterable[RowProblem]:
        if existing is None and values.get("parent") is None:
            if not _parents(context):
                yield RowProblem("parent", "Нет муниципалитета, в который вы можете загружать организации.")
            else:
                yield RowProblem("parent", "Укажите муниципалитет: вам доступны несколько.")
        if existing is not None and existing.is_closed and self.changes(context, existing, values):
            yield RowProblem(
                None,
                f"Организация «{existing.short_name}» закрыта: изменения через загрузку не вносятся. "
                "Откройте её карточку, если она снова действует.",
            )

    def changes(
        self, context: ImportContext, existing: Any, values: dict[str, Any]
    ) -> dict[str, tuple[Any, Any]]:
        found: dict[str, tuple[Any, Any]] = {}
        for key, new in values.items():
            if key == "parent":
                if existing.parent_id != (new.pk if new else None):
                    old = context.cache["parents_by_id"].get(existing.parent_id, existing.parent_id)
                    found[key] = (old, new)
                continue
            old = getattr(existing, key)
            if old != new:
                found[key] = (old, new)
        return found

    def describe(self, values: dict[str, Any]) -> str:
        return str(values.get("short_name") or values.get("name") or "")

    def example_rows(self, context: ImportContext) -> list[dict[str, Any]]:
        rows = super().example_rows(context)
        default = context.cache.get("default_parent")
        if default is not None:
            rows[0]["parent"] = default.short_name
        return rows

    def save(
        self,
        context: ImportContext,
        creates: list[dict[str, Any]],
        updates: list[tuple[Any, dict[str, Any]]],
        *,
        by: Any | None,
        progress: Progress,
    ) -> None:
        # Every cell went through the model's validators (the columns above use the same functions and
        # limits; test_imports checks they stay in step), so the service does not repeat them.
        organization_upsert_many(creates=creates, updates=updates, by=by, validated=True)


ORGANIZATION_IMPORT = register(OrganizationImport())
