"""Attestation history of an educator (issue #5, item 1; rules: shared/domain/attestation.md).

Categories awarded from 01.09.2023 have no end date; earlier ones keep their five-year term. Exemptions from
conformity attestation keep only a basis code and an end date, never a medical fact (personal-data.md).
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from imo.core.models import TimeStampedModel

#: The new order (Минпросвещения № 196) applies to categories awarded from this date: no end date.
NEW_ORDER_FROM = dt.date(2023, 9, 1)
CATEGORY_TERM_YEARS = 5


def add_years(day: dt.date, years: int) -> dt.date:
    """`day` moved by whole years (29 February → 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def default_valid_until(awarded_on: dt.date | None) -> dt.date | None:
    """Empty for categories awarded from 01.09.2023; five years for earlier ones."""
    if awarded_on is None or awarded_on >= NEW_ORDER_FROM:
        return None
    return add_years(awarded_on, CATEGORY_TERM_YEARS)


class QualificationCategory(TimeStampedModel):
    class Kind(models.TextChoices):
        FIRST = "first", "первая"
        HIGHEST = "highest", "высшая"
        METHODIST = "methodist", "педагог-методист"
        MENTOR = "mentor", "педагог-наставник"

    educator = models.ForeignKey(
        "staff.Educator", verbose_name="педагог", on_delete=models.CASCADE, related_name="categories"
    )
    kind = models.CharField("категория", max_length=16, choices=Kind.choices)
    order_number = models.CharField("номер приказа", max_length=50, blank=True)
    order_date = models.DateField("дата приказа", null=True, blank=True)
    awarded_on = models.DateField("дата присвоения")
    valid_until = models.DateField("действует до", null=True, blank=True)

    class Meta:
        verbose_name = "квалификационная категория"
        verbose_name_plural = "квалификационные категории"
        ordering = ["-awarded_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("awarded_on")),
                name="attestation_category_valid_after_award",
                violation_error_message="Срок действия не может закончиться раньше даты присвоения.",
            ),
        ]
        indexes = [
            models.Index(fields=["educator", "awarded_on"]),
            models.Index(fields=["valid_until"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} категория от {self.awarded_on:%d.%m.%Y}"

    def is_valid_on(self, on: dt.date) -> bool:
        return self.awarded_on <= on and (self.valid_until is None or self.valid_until >= on)


class ConformityAttestation(TimeStampedModel):
    class Result(models.TextChoices):
        CONFORMS = "conforms", "соответствует занимаемой должности"
        DOES_NOT_CONFORM = "does_not_conform", "не соответствует занимаемой должности"

    educator = models.ForeignKey(
        "staff.Educator",
        verbose_name="педагог",
        on_delete=models.CASCADE,
        related_name="conformity_attestations",
    )
    date = models.DateField("дата аттестации")
    result = models.CharField("результат", max_length=20, choices=Result.choices, default=Result.CONFORMS)
    order_number = models.CharField("номер приказа организации", max_length=50, blank=True)
    order_date = models.DateField("дата приказа организации", null=True, blank=True)

    class Meta:
        verbose_name = "аттестация на соответствие занимаемой должности"
        verbose_name_plural = "аттестации на соответствие занимаемой должности"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["educator", "date"])]

    def __str__(self) -> str:
        return f"Аттестация на соответствие от {self.date:%d.%m.%Y}"


class Exemption(TimeStampedModel):
    """Exempt from conformity attestation until a date. Only a basis code: never a medical fact."""

    class Basis(models.TextChoices):
        PREGNANCY = "pregnancy", "временное освобождение (код 1)"
        MATERNITY = "maternity", "отпуск по беременности и родам"
        PARENTAL = "parental", "отпуск по уходу за ребёнком до 3 лет"
        LONG_ABSENCE = "long_absence", "отсутствие на работе более 4 месяцев подряд"
        OTHER = "other", "иное основание"

    educator = models.ForeignKey(
        "staff.Educator",
        verbose_name="педагог",
        on_delete=models.CASCADE,
        related_name="attestation_exemptions",
    )
    basis = models.CharField("основание", max_length=20, choices=Basis.choices)
    until = models.DateField("освобождён до")

    class Meta:
        verbose_name = "освобождение от аттестации на соответствие"
        verbose_name_plural = "освобождения от аттестации на соответствие"
        ordering = ["-until", "-pk"]
        indexes = [models.Index(fields=["educator", "until"])]

    def __str__(self) -> str:
        return f"Освобождение до {self.until:%d.%m.%Y}"


class AttestationSettings(models.Model):
    """The office's settings for attestation (one row, pk=1): deadlines of the application pipeline and the
    reminder schedule. Data the office edits, not constants (attestation.md, item 7)."""

    check_days = models.PositiveSmallIntegerField("дней на проверку заявления методистом", default=10)
    take_up_days = models.PositiveSmallIntegerField("дней на принятие заявления комиссией", default=30)
    total_days = models.PositiveSmallIntegerField("дней на всю аттестацию", default=60)
    reminder_days = models.CharField(
        "напоминать за столько дней до окончания срока категории",
        max_length=50,
        default="90,60,30",
        help_text="Числа через запятую, например: 90,60,30.",
    )
    apply_months_before_expiry = models.PositiveSmallIntegerField(
        "подавать заявление не ранее чем за столько месяцев до окончания срока", default=3
    )

    class Meta:
        verbose_name = "настройки аттестации"
        verbose_name_plural = "настройки аттестации"

    def __str__(self) -> str:
        return "Настройки аттестации"

    @classmethod
    def current(cls) -> AttestationSettings:
        """The one row; defaults until the office saves its own."""
        found = cls.objects.filter(pk=1).first()
        return found or cls(pk=1)

    def reminder_day_list(self) -> list[int]:
        """The reminder offsets, largest first; malformed parts are ignored (the form rejects them)."""
        days = {int(part) for part in self.reminder_days.replace(" ", "").split(",") if part.isdecimal()}
        return sorted((day for day in days if day > 0), reverse=True)


class Application(TimeStampedModel):
    """An educator's application for a qualification category, from the draft to the commission's decision
    (issue #5, item 3). The history of every step is kept in ApplicationEvent."""

    class Status(models.TextChoices):
        DRAFT = "draft", "черновик"
        SUBMITTED = "submitted", "на проверке в ИМО"
        RETURNED = "returned", "возвращено на доработку"
        FORWARDED = "forwarded", "направлено в аттестационную комиссию"
        ACCEPTED = "accepted", "принято комиссией к рассмотрению"
        AWARDED = "awarded", "категория установлена"
        REFUSED = "refused", "в установлении категории отказано"
        WITHDRAWN = "withdrawn", "отозвано"

    #: Statuses in which the application is still going; only one such per educator and category.
    ACTIVE = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.FORWARDED, Status.ACCEPTED)
    CLOSED = (Status.AWARDED, Status.REFUSED, Status.WITHDRAWN)

    educator = models.ForeignKey(
        "staff.Educator", verbose_name="педагог", on_delete=models.CASCADE, related_name="applications"
    )
    kind = models.CharField("категория", max_length=16, choices=QualificationCategory.Kind.choices)
    position = models.ForeignKey(
        "reference.Position",
        verbose_name="должность",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="организация",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Место работы педагога на день подачи: по нему заявление видит администратор школы.",
    )
    status = models.CharField("состояние", max_length=16, choices=Status.choices, default=Status.DRAFT)
    simplified = models.BooleanField(
        "упрощённая процедура",
        default=False,
        help_text=(
            "Для педагогов с государственными, ведомственными наградами или званиями победителей конкурсов."
        ),
    )
    note = models.TextField("пояснение педагога", blank=True)
    started_by = models.ForeignKey(
        "accounts.User", verbose_name="создал", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_on = models.DateField("передано в ИМО", null=True, blank=True)
    forwarded_on = models.DateField("направлено в комиссию", null=True, blank=True)
    letter_number = models.CharField("исходящий номер письма", max_length=50, blank=True)
    accepted_on = models.DateField("принято комиссией", null=True, blank=True)
    decided_on = models.DateField("дата решения", null=True, blank=True)
    decision_order_number = models.CharField("номер приказа о решении", max_length=50, blank=True)
    decision_order_date = models.DateField("дата приказа о решении", null=True, blank=True)
    category = models.OneToOneField(
        QualificationCategory,
        verbose_name="установленная категория",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="application",
    )

    class Meta:
        verbose_name = "заявление на аттестацию"
        verbose_name_plural = "заявления на аттестацию"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["educator", "kind"],
                condition=models.Q(status__in=["draft", "submitted", "returned", "forwarded", "accepted"]),
                name="attestation_one_active_application",
                violation_error_message="У педагога уже есть незавершённое заявление на эту категорию.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_on"]),
            models.Index(fields=["status", "forwarded_on"]),
        ]

    def __str__(self) -> str:
        return f"Заявление на категорию «{self.get_kind_display()}»"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class ApplicationEvent(models.Model):
    """One step in an application's history: who did what, when, with the comment shown to everyone who
    sees the application."""

    class Action(models.TextChoices):
        CREATED = "created", "заявление создано"
        SUBMITTED = "submitted", "передано на проверку в ИМО"
        COMMENTED = "commented", "комментарий"
        RETURNED = "returned", "возвращено на доработку"
        FORWARDED = "forwarded", "направлено в аттестационную комиссию"
        ACCEPTED = "accepted", "принято комиссией к рассмотрению"
        AWARDED = "awarded", "категория установлена"
        REFUSED = "refused", "в установлении категории отказано"
        WITHDRAWN = "withdrawn", "отозвано"
        FILE_ADDED = "file_added", "добавлен файл"
        FILE_REMOVED = "file_removed", "удалён файл"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("когда", auto_now_add=True)
    by = models.ForeignKey(
        "accounts.User", verbose_name="кто", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField("действие", max_length=16, choices=Action.choices)
    comment = models.TextField("комментарий", blank=True)

    class Meta:
        verbose_name = "шаг заявления"
        verbose_name_plural = "история заявления"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.get_action_display()


class ApplicationFile(TimeStampedModel):
    """A file of the portfolio uploaded to an application (PDF, DOCX, JPEG, PNG; type checked by content)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    title = models.CharField("название", max_length=300)
    file = models.FileField("файл", upload_to="attestation/applications/%Y/")
    size = models.PositiveIntegerField("размер, байт", default=0)
    uploaded_by = models.ForeignKey(
        "accounts.User", verbose_name="загрузил", on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "файл портфолио"
        verbose_name_plural = "файлы портфолио"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class ScheduleEntry(TimeStampedModel):
    """A line of the attestation schedule for an academic year (issue #5, item 4): who, which attestation,
    which month. Built from the due lists and edited by the office or the school admin."""

    class Kind(models.TextChoices):
        CONFORMITY = "conformity", "на соответствие занимаемой должности"
        FIRST = "first", "на первую категорию"
        HIGHEST = "highest", "на высшую категорию"
        METHODIST = "methodist", "на категорию «педагог-методист»"
        MENTOR = "mentor", "на категорию «педагог-наставник»"

    academic_year = models.ForeignKey(
        "reference.AcademicYear", verbose_name="учебный год", on_delete=models.PROTECT, related_name="+"
    )
    educator = models.ForeignKey(
        "staff.Educator", verbose_name="педагог", on_delete=models.CASCADE, related_name="schedule_entries"
    )
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="организация", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("вид аттестации", max_length=16, choices=Kind.choices)
    planned_month = models.DateField("планируемый месяц", help_text="Первое число месяца.")
    note = models.CharField("примечание", max_length=300, blank=True)

    class Meta:
        verbose_name = "строка графика аттестации"
        verbose_name_plural = "график аттестации"
        ordering = ["planned_month", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "educator", "kind"],
                name="attestation_schedule_once_per_year",
                violation_error_message=(
                    "Этот педагог уже есть в графике на этот учебный год с тем же видом аттестации."
                ),
            ),
        ]
        indexes = [models.Index(fields=["academic_year", "organization"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.planned_month:%m.%Y}"
