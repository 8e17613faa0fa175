from __future__ import annotations

from django.conf import settings
from django.db import models

from imo.core.identifiers import validate_ogrn, validate_organization_inn
from imo.core.links import pk_url
from imo.core.models import TimeStampedModel


class Organization(TimeStampedModel):
    """A node of the tree region → municipality → schools, kindergartens, additional-education centres."""

    class Kind(models.TextChoices):
        REGION = "region", "Субъект РФ"
        MUNICIPALITY = "municipality", "Муниципалитет (орган управления образованием)"
        SCHOOL = "school", "Школа"
        KINDERGARTEN = "kindergarten", "Детский сад"
        ADDITIONAL_EDUCATION = "additional_education", "Организация дополнительного образования"
        OTHER = "other", "Другая организация"

    class Status(models.TextChoices):
        ACTIVE = "active", "Действует"
        CLOSED = "closed", "Закрыта"

    parent = models.ForeignKey(
        "self",
        verbose_name="вышестоящая организация",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Materialised path ("000001/000002/") so that "the subtree a user may see" is one indexed prefix filter.
    path = models.CharField("путь в дереве", max_length=255, editable=False, db_index=True)
    kind = models.CharField("тип", max_length=32, choices=Kind.choices, default=Kind.SCHOOL)
    name = models.CharField("полное наименование", max_length=500)
    short_name = models.CharField("краткое наименование", max_length=200)
    settlement = models.CharField("населённый пункт", max_length=200, blank=True)
    inn = models.CharField("ИНН", max_length=10, blank=True, validators=[validate_organization_inn])
    ogrn = models.CharField("ОГРН", max_length=13, blank=True, validators=[validate_ogrn])
    address = models.CharField("адрес", max_length=500, blank=True)
    director = models.CharField("руководитель", max_length=300, blank=True)
    phone = models.CharField("телефон", max_length=50, blank=True)
    email = models.EmailField("электронная почта", blank=True)
    website = models.URLField("сайт", blank=True)
    status = models.CharField("статус", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    closed_on = models.DateField("дата закрытия", null=True, blank=True)
    # Folded (case, ё→е) copy of the names and settlement: search works the same on SQLite and PostgreSQL.
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = "организация"
        verbose_name_plural = "организации"
        constraints = [
            models.UniqueConstraint(
                fields=["inn"],
                condition=~models.Q(inn=""),
                name="orgs_organization_inn_unique",
                violation_error_message="Организация с таким ИНН уже есть.",
            ),
        ]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return pk_url("orgs:detail", self.pk)

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def is_educational(self) -> bool:
        return self.kind not in (self.Kind.REGION, self.Kind.MUNICIPALITY)


class Role(models.TextChoices):
    HEAD = "head", "Начальник ИМО"
    METHODIST = "methodist", "Методист"
    SECRETARY = "secretary", "Секретарь"
    OBSERVER = "observer", "Наблюдатель (руководство)"
    SCHOOL_ADMIN = "school_admin", "Ответственный в ОО (зам. директора)"
    TEACHER = "teacher", "Педагог"
    ADMIN = "admin", "Администратор системы"


# Roles held at the municipality (or region) that see the whole subtree below it.
OFFICE_ROLES = frozenset({Role.HEAD, Role.METHODIST, Role.SECRETARY, Role.OBSERVER, Role.ADMIN})
# Roles that may change data of the organisations they see (the observer only reads).
OFFICE_EDITOR_ROLES = frozenset({Role.HEAD, Role.METHODIST, Role.SECRETARY, Role.ADMIN})
USER_MANAGER_ROLES = frozenset({Role.HEAD, Role.ADMIN})


class Membership(TimeStampedModel):
    """A user's role in an organisation; a user may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="пользователь",
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField("роль", max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = "роль пользователя"
        verbose_name_plural = "роли пользователей"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"],
                name="orgs_membership_unique",
                violation_error_message="У пользователя уже есть эта роль в этой организации.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.organization}"
