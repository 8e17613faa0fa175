"""Professional development of educators (issue #6; rules: shared/domain/training.md).

Catalogues of course providers and programmes; completed courses per educator (CourseRecord); the rule
numbers the office edits (TrainingSettings); the district's training plan for an academic year (TrainingPlan →
PlanLine → PlanQuota per school, Nomination per educator); the rows of a provider's graduate list that found
no educator or several (PendingGraduate, resolved by a person); individual development plans (ИОМ:
DevelopmentPlan → DevelopmentGap, DevelopmentItem).

Whether a course counts for the three-year rule is stored on the record (`counts`), set by the services from
its status, provider type and end date, so the compliance page reads one indexed column instead of
re-deriving the rule for 100,000 rows.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from imo.core.identifiers import validate_inn
from imo.core.models import TimeStampedModel
from imo.core.prepared import prepared

#: Courses ending after this day count only from state, municipal and similar providers (training.md, 3).
OTHER_PROVIDERS_COUNT_UNTIL = dt.date(2025, 8, 31)


class ProviderKind(models.TextChoices):
    STATE = "state", "государственная организация"
    MUNICIPAL = "municipal", "муниципальная организация"
    STATE_FOUNDED = "state_founded", "организация, учреждённая государством"
    SIRIUS = "sirius", "«Сириус»"
    SKOLKOVO = "skolkovo", "«Сколково»"
    SPORTS_FEDERATION = "sports_federation", "общероссийская спортивная федерация"
    OTHER = "other", "иная организация"


class CourseKind(models.TextChoices):
    REFRESHER = "refresher", "повышение квалификации"
    RETRAINING = "retraining", "профессиональная переподготовка"


class CourseForm(models.TextChoices):
    IN_PERSON = "in_person", "очная"
    DISTANCE = "distance", "дистанционная"
    MIXED = "mixed", "смешанная (очно-дистанционная)"


class Provider(TimeStampedModel):
    """An organisation that runs courses (организация ДПО, институт развития образования, вуз…)."""

    name = models.CharField("наименование", max_length=300)
    short_name = models.CharField("краткое наименование", max_length=120, blank=True)
    inn = models.CharField("ИНН", max_length=12, blank=True, validators=[validate_inn])
    kind = models.CharField("тип организации", max_length=20, choices=ProviderKind.choices)
    is_active = models.BooleanField("используется", default=True)
    # fold(name): matching typed and imported provider names, Russian sort on both databases
    name_key = models.CharField(max_length=300, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = "организация повышения квалификации"
        verbose_name_plural = "организации повышения квалификации"
        ordering = ["name_key", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["inn"],
                condition=~models.Q(inn=""),
                name="training_provider_unique_inn",
                violation_error_message="Организация с таким ИНН уже есть в справочнике.",
            )
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


class Topic(TimeStampedModel):
    """A topic tag of programmes and courses (ФГОС, инклюзивное образование, наставничество…): a list the
    office edits."""

    name = models.CharField("тема", max_length=200, unique=True)
    order = models.PositiveIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "тема курсов"
        verbose_name_plural = "темы курсов"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Programme(TimeStampedModel):
    """A programme of additional professional education in the catalogue."""

    title = models.CharField("наименование программы", max_length=500)
    provider = models.ForeignKey(
        Provider, models.PROTECT, related_name="programmes", verbose_name="организация"
    )
    kind = models.CharField("вид", max_length=16, choices=CourseKind.choices, default=CourseKind.REFRESHER)
    hours = models.PositiveSmallIntegerField("объём, часов")
    form = models.CharField("форма обучения", max_length=16, choices=CourseForm.choices, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="programmes", verbose_name="темы")
    subjects = models.ManyToManyField(
        "reference.Subject", blank=True, related_name="+", verbose_name="предметы"
    )
    is_active = models.BooleanField("используется", default=True)
    title_key = models.CharField(max_length=500, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = "программа повышения квалификации"
        verbose_name_plural = "программы повышения квалификации"
        ordering = ["title_key", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.hours} ч)"


class TrainingSettings(models.Model):
    """The rule numbers of training.md, one row (pk=1): data the office edits when the law changes."""

    rule_years = models.PositiveSmallIntegerField("периодичность повышения квалификации, лет", default=3)
    refresher_min_hours = models.PositiveSmallIntegerField(
        "минимальный объём повышения квалификации, часов", default=16
    )
    retraining_min_hours = models.PositiveSmallIntegerField(
        "минимальный объём профессиональной переподготовки, часов", default=250
    )
    other_providers_count_until = models.DateField(
        "курсы иных организаций засчитываются, если окончены не позднее",
        default=OTHER_PROVIDERS_COUNT_UNTIL,
    )
    scan_max_mb = models.PositiveSmallIntegerField("наибольший размер скана, МБ", default=10)

    class Meta:
        verbose_name = "настройки повышения квалификации"
        verbose_name_plural = "настройки повышения квалификации"

    def __str__(self) -> str:
        return "Настройки повышения квалификации"

    @classmethod
    def current(cls) -> TrainingSettings:
        """The one row; defaults until the office saves its own."""
        return _SETTINGS.first() or cls(pk=1)


# Read for every educator card and course record (imo/core/prepared.py).
_SETTINGS = prepared(lambda: TrainingSettings.objects.filter(pk=1)[:1])


class CourseRecord(TimeStampedModel):
    """A completed course of an educator (training.md, item 4)."""

    class Status(models.TextChoices):
        PENDING = "pending", "ожидает подтверждения"
        CONFIRMED = "confirmed", "подтверждён"
        REJECTED = "rejected", "отклонён"

    class Source(models.TextChoices):
        EDUCATOR = "educator", "внесён педагогом"
        SCHOOL = "school", "внесён школой"
        OFFICE = "office", "внесён ИМО"
        IMPORT = "import", "список организации"

    class DocumentKind(models.TextChoices):
        CERTIFICATE = "certificate", "удостоверение о повышении квалификации"
        DIPLOMA = "diploma", "диплом о профессиональной переподготовке"
        OTHER = "other", "иной документ"

    class Funding(models.TextChoices):
        BUDGET = "budget", "бюджет"
        OWN = "own", "собственные средства"
        EMPLOYER = "employer", "средства работодателя"

    educator = models.ForeignKey(
        "staff.Educator", models.CASCADE, related_name="course_records", verbose_name="педагог"
    )
    programme = models.ForeignKey(
        Programme, models.SET_NULL, null=True, blank=True, related_name="records", verbose_name="программа"
    )
    title = models.CharField("наименование программы", max_length=500)
    kind = models.CharField("вид", max_length=16, choices=CourseKind.choices, default=CourseKind.REFRESHER)
    provider = models.ForeignKey(
        Provider, models.PROTECT, null=True, blank=True, related_name="records", verbose_name="организация"
    )
    # The provider as typed when it is not in the catalogue; its type is asked then too. For catalogue
    # providers both copy the catalogue's values at save time, so a record keeps the rule it was judged by.
    provider_name = models.CharField("организация (как указана)", max_length=300, blank=True)
    provider_kind = models.CharField("тип организации", max_length=20, choices=ProviderKind.choices)
    hours = models.PositiveSmallIntegerField("объём, часов")
    starts_on = models.DateField("дата начала")
    ends_on = models.DateField("дата окончания")
    form = models.CharField("форма обучения", max_length=16, choices=CourseForm.choices, blank=True)
    document_kind = models.CharField(
        "документ", max_length=16, choices=DocumentKind.choices, default=DocumentKind.CERTIFICATE
    )
    document_number = models.CharField("номер документа", max_length=100, blank=True)
    registration_number = models.CharField("регистрационный номер", max_length=100, blank=True)
    issued_on = models.DateField("дата выдачи", null=True, blank=True)
    funding = models.CharField("финансирование", max_length=16, choices=Funding.choices, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="records", verbose_name="темы")
    scan = models.FileField("скан документа", upload_to="training/scans/%Y/", blank=True, max_length=255)
    status = models.CharField("состояние", max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    source = models.CharField("источник", max_length=16, choices=Source.choices, default=Source.OFFICE)
    rejection_reason = models.TextField("причина отклонения", blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="подтвердил",
    )
    confirmed_at = models.DateTimeField("подтверждено", null=True, blank=True)
    plan_line = models.ForeignKey(
        "training.PlanLine",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="records",
        verbose_name="строка плана",
    )
    # Set by the services: confirmed, and not from an "other" provider after the cut-off (training.md, 3).
    counts = models.BooleanField("засчитывается в трёхлетний срок", default=False, editable=False)
    # fold(provider name): the duplicate document number check for typed providers
    provider_key = models.CharField(max_length=300, editable=False, default="", blank=True)

    class Meta:
        verbose_name = "курс повышения квалификации"
        verbose_name_plural = "курсы повышения квалификации"
        ordering = ["-ends_on", "-pk"]
        indexes = [
            models.Index(fields=["educator", "counts", "ends_on"], name="training_record_rule"),
            models.Index(fields=["status"], name="training_record_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="training_record_ends_after_start",
                violation_error_message="Дата окончания не может быть раньше даты начала.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, {self.hours} ч, {self.ends_on:%d.%m.%Y}"

    @property
    def provider_display(self) -> str:
        return str(self.provider) if self.provider_id else self.provider_name


class TrainingPlan(TimeStampedModel):
    """The district's training plan for an academic year (item 4)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "проект"
        NOMINATING = "nominating", "идёт выдвижение"
        APPROVED = "approved", "утверждён"

    municipality = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name="муниципалитет"
    )
    academic_year = models.ForeignKey(
        "reference.AcademicYear", models.PROTECT, related_name="+", verbose_name="учебный год"
    )
    title = models.CharField("наименование", max_length=300, blank=True)
    status = models.CharField("состояние", max_length=16, choices=Status.choices, default=Status.DRAFT)
    nominations_until = models.DateField("выдвижение кандидатов до", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="утвердил",
    )
    approved_at = models.DateTimeField("утверждён", null=True, blank=True)

    class Meta:
        verbose_name = "план повышения квалификации"
        verbose_name_plural = "планы повышения квалификации"
        ordering = ["-academic_year__start_year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "academic_year"],
                name="training_plan_one_per_year",
                violation_error_message="План на этот учебный год уже есть.",
            )
        ]

    def __str__(self) -> str:
        return self.title or f"План повышения квалификации на {self.academic_year} учебный год"


class PlanLine(TimeStampedModel):
    """One course of the plan: a programme from the catalogue or a topic, dates, provider, places."""

    plan = models.ForeignKey(TrainingPlan, models.CASCADE, related_name="lines", verbose_name="план")
    programme = models.ForeignKey(
        Programme, models.SET_NULL, null=True, blank=True, related_name="plan_lines", verbose_name="программа"
    )
    topic = models.CharField("тема (если программы нет в справочнике)", max_length=500, blank=True)
    provider = models.ForeignKey(
        Provider, models.PROTECT, null=True, blank=True, related_name="plan_lines", verbose_name="организация"
    )
    kind = models.CharField("вид", max_length=16, choices=CourseKind.choices, default=CourseKind.REFRESHER)
    hours = models.PositiveSmallIntegerField("объём, часов", null=True, blank=True)
    starts_on = models.DateField("начало", null=True, blank=True)
    ends_on = models.DateField("окончание", null=True, blank=True)
    audience = models.CharField("категория слушателей", max_length=300, blank=True)
    subjects = models.ManyToManyField(
        "reference.Subject", blank=True, related_name="+", verbose_name="предметы"
    )
    order = models.PositiveIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "строка плана повышения квалификации"
        verbose_name_plural = "строки плана повышения квалификации"
        ordering = ["order", "starts_on", "pk"]

    def __str__(self) -> str:
        return self.programme.title if self.programme_id and self.programme else self.topic


class PlanQuota(TimeStampedModel):
    """Places of one school on one line of the plan."""

    line = models.ForeignKey(PlanLine, models.CASCADE, related_name="quotas", verbose_name="строка плана")
    school = models.ForeignKey("orgs.Organization", models.PROTECT, related_name="+", verbose_name="школа")
    places = models.PositiveSmallIntegerField("мест")

    class Meta:
        verbose_name = "квота школы"
        verbose_name_plural = "квоты школ"
        ordering = ["line", "school__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "school"],
                name="training_quota_one_per_school",
                violation_error_message="У школы уже есть квота на эту строку плана.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.school}: {self.places}"


class Nomination(TimeStampedModel):
    """An educator a school admin puts forward against the school's quota on a line."""

    class Status(models.TextChoices):
        NOMINATED = "nominated", "выдвинут"
        APPROVED = "approved", "утверждён"
        REJECTED = "rejected", "отклонён"

    line = models.ForeignKey(
        PlanLine, models.CASCADE, related_name="nominations", verbose_name="строка плана"
    )
    educator = models.ForeignKey(
        "staff.Educator", models.CASCADE, related_name="training_nominations", verbose_name="педагог"
    )
    school = models.ForeignKey("orgs.Organization", models.PROTECT, related_name="+", verbose_name="школа")
    status = models.CharField("состояние", max_length=16, choices=Status.choices, default=Status.NOMINATED)
    comment = models.CharField("комментарий", max_length=500, blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="выдвинул",
    )

    class Meta:
        verbose_name = "кандидат на обучение"
        verbose_name_plural = "кандидаты на обучение"
        ordering = ["line", "school", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "educator"],
                name="training_nomination_once",
                violation_error_message="Этот педагог уже выдвинут на этот курс.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.educator} — {self.line}"


class PendingGraduate(TimeStampedModel):
    """A row of a provider's graduate list that found no educator, or several: a person resolves it by
    picking the educator (which creates the course record) or skipping it. Nothing is guessed."""

    class Reason(models.TextChoices):
        UNMATCHED = "unmatched", "педагог не найден"
        AMBIGUOUS = "ambiguous", "найдено несколько педагогов"

    class Status(models.TextChoices):
        OPEN = "open", "ждёт решения"
        RESOLVED = "resolved", "сопоставлена"
        SKIPPED = "skipped", "пропущена"

    run = models.ForeignKey(
        "imports.ImportRun", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="загрузка"
    )
    municipality = models.ForeignKey(
        "orgs.Organization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="муниципалитет",
    )
    row_number = models.PositiveIntegerField("строка файла")
    full_name = models.CharField("ФИО", max_length=300, blank=True)
    snils = models.CharField("СНИЛС", max_length=11, blank=True)
    school_name = models.CharField("школа (как указана)", max_length=500, blank=True)
    data = models.JSONField("данные курса", default=dict)  # the row's course fields, dates as ISO strings
    reason = models.CharField("причина", max_length=16, choices=Reason.choices)
    candidates = models.JSONField("возможные педагоги", default=list, blank=True)  # educator ids
    status = models.CharField("состояние", max_length=16, choices=Status.choices, default=Status.OPEN)
    educator = models.ForeignKey(
        "staff.Educator", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="педагог"
    )
    record = models.ForeignKey(
        CourseRecord, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="запись о курсе"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="решил",
    )
    resolved_at = models.DateTimeField("решено", null=True, blank=True)

    class Meta:
        verbose_name = "строка списка слушателей для сопоставления"
        verbose_name_plural = "строки списков слушателей для сопоставления"
        ordering = ["status", "-created_at", "row_number"]
        indexes = [models.Index(fields=["status", "municipality"], name="training_pending_open")]

    def __str__(self) -> str:
        return f"{self.full_name or self.snils} (строка {self.row_number})"


class DevelopmentPlan(TimeStampedModel):
    """An individual development plan (индивидуальный образовательный маршрут, ИОМ) of an educator."""

    class Status(models.TextChoices):
        DRAFT = "draft", "проект"
        ACTIVE = "active", "выполняется"
        COMPLETED = "completed", "выполнен"

    educator = models.ForeignKey(
        "staff.Educator", models.CASCADE, related_name="development_plans", verbose_name="педагог"
    )
    title = models.CharField("наименование", max_length=300, blank=True)
    starts_on = models.DateField("начало")
    ends_on = models.DateField("окончание")
    mentor = models.ForeignKey(
        "staff.Educator", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="наставник"
    )
    status = models.CharField("состояние", max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="составил",
    )

    class Meta:
        verbose_name = "индивидуальный образовательный маршрут"
        verbose_name_plural = "индивидуальные образовательные маршруты"
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="training_devplan_ends_after_start",
                violation_error_message="Дата окончания не может быть раньше даты начала.",
            )
        ]

    def __str__(self) -> str:
        return self.title or f"ИОМ {self.starts_on:%Y}–{self.ends_on:%Y}"


class DevelopmentGap(TimeStampedModel):
    """A professional gap (профессиональный дефицит) the plan addresses."""

    class Source(models.TextChoices):
        TYPED = "typed", "указан вручную"
        SURVEY = "survey", "по результатам анкетирования"

    plan = models.ForeignKey(DevelopmentPlan, models.CASCADE, related_name="gaps", verbose_name="ИОМ")
    text = models.CharField("профессиональный дефицит", max_length=500)
    source = models.CharField("источник", max_length=16, choices=Source.choices, default=Source.TYPED)
    source_ref = models.CharField("ссылка на источник", max_length=200, blank=True)

    class Meta:
        verbose_name = "профессиональный дефицит"
        verbose_name_plural = "профессиональные дефициты"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text


class DevelopmentItem(TimeStampedModel):
    """A step of the plan: a course, an event, work with the mentor, self-study."""

    class Kind(models.TextChoices):
        COURSE = "course", "курс повышения квалификации"
        EVENT = "event", "мероприятие (семинар, открытый урок, конференция)"
        MENTORING = "mentoring", "работа с наставником"
        SELF_STUDY = "self_study", "самообразование"
        OTHER = "other", "другое"

    class Status(models.TextChoices):
        PLANNED = "planned", "запланировано"
        IN_PROGRESS = "in_progress", "выполняется"
        DONE = "done", "выполнено"
        CANCELLED = "cancelled", "отменено"

    plan = models.ForeignKey(DevelopmentPlan, models.CASCADE, related_name="items", verbose_name="ИОМ")
    kind = models.CharField("вид", max_length=16, choices=Kind.choices)
    title = models.CharField("содержание", max_length=500)
    programme = models.ForeignKey(
        Programme, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="программа"
    )
    gap = models.ForeignKey(
        DevelopmentGap, models.SET_NULL, null=True, blank=True, related_name="items", verbose_name="дефицит"
    )
    due_on = models.DateField("срок")
    done_on = models.DateField("выполнено", null=True, blank=True)
    status = models.CharField("состояние", max_length=16, choices=Status.choices, default=Status.PLANNED)
    result = models.TextField("результат", blank=True)
    course_record = models.ForeignKey(
        CourseRecord, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="пройденный курс"
    )

    class Meta:
        verbose_name = "пункт ИОМ"
        verbose_name_plural = "пункты ИОМ"
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title
