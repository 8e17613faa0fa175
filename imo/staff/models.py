"""The district's database of educators: the person, education, awards, employments, consent to processing,
changes a teacher proposes, and the personal-data duties (access log, erasure acts).

Ages, experience and "early-career" are never stored: they are computed for a chosen date from the dates
kept here (imo.staff.experience). Experience is kept as the date it would have started had it run without
interruption: the office enters either that date or "N years M months as of a date", which the form turns
into it (an interruption moves it later by its length).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from imo.core.identifiers import validate_inn, validate_snils
from imo.core.links import pk_url
from imo.core.models import TimeStampedModel


class Educator(TimeStampedModel):
    class Sex(models.TextChoices):
        FEMALE = "female", "женский"
        MALE = "male", "мужской"

    class AcademicDegree(models.TextChoices):
        NONE = "", "нет"
        CANDIDATE = "candidate", "кандидат наук"
        DOCTOR = "doctor", "доктор наук"

    class AcademicTitle(models.TextChoices):
        NONE = "", "нет"
        DOCENT = "docent", "доцент"
        PROFESSOR = "professor", "профессор"

    # The district database the person belongs to: they stay in it after leaving every school.
    municipality = models.ForeignKey(
        "orgs.Organization", verbose_name="муниципалитет", on_delete=models.PROTECT, related_name="educators"
    )
    last_name = models.CharField("фамилия", max_length=100)
    first_name = models.CharField("имя", max_length=100)
    patronymic = models.CharField("отчество", max_length=100, blank=True)
    sex = models.CharField("пол", max_length=8, choices=Sex.choices)
    birth_date = models.DateField("дата рождения", null=True, blank=True)
    snils = models.CharField("СНИЛС", max_length=11, blank=True, validators=[validate_snils])
    inn = models.CharField("ИНН", max_length=12, blank=True, validators=[validate_inn])
    phone = models.CharField("телефон", max_length=50, blank=True)
    email = models.EmailField("электронная почта", blank=True)
    academic_degree = models.CharField(
        "учёная степень", max_length=16, choices=AcademicDegree.choices, blank=True, default=""
    )
    academic_title = models.CharField(
        "учёное звание", max_length=16, choices=AcademicTitle.choices, blank=True, default=""
    )
    total_experience_start = models.DateField("начало общего стажа", null=True, blank=True)
    teaching_experience_start = models.DateField("начало педагогического стажа", null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="учётная запись",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="educator",
    )
    # Set when the person's data were destroyed (ErasureAct): the row stays, anonymised, for statistics.
    erased_at = models.DateTimeField("данные уничтожены", null=True, blank=True, editable=False)
    # Folded (case, ё→е) full name and СНИЛС digits: search and duplicate detection on both databases.
    search_text = models.TextField(editable=False, blank=True, default="")
    name_key = models.CharField(editable=False, max_length=300, blank=True, default="", db_index=True)

    class Meta:
        verbose_name = "педагогический работник"
        verbose_name_plural = "педагогические работники"
        constraints = [
            models.UniqueConstraint(
                fields=["snils"],
                condition=~models.Q(snils=""),
                name="staff_educator_snils_unique",
                violation_error_message="Педагог с таким СНИЛС уже есть.",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "last_name", "first_name"])]

    def __str__(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)

    def get_absolute_url(self) -> str:
        return pk_url("staff:detail", self.pk)

    @property
    def full_name(self) -> str:
        return str(self)


class EducationRecord(TimeStampedModel):
    class Level(models.TextChoices):
        HIGHER = "higher", "высшее"
        SECONDARY_VOCATIONAL = "secondary_vocational", "среднее профессиональное"
        OTHER = "other", "другое"

    educator = models.ForeignKey(Educator, on_delete=models.CASCADE, related_name="education_records")
    level = models.CharField("уровень", max_length=32, choices=Level.choices)
    is_pedagogical = models.BooleanField("педагогическое", default=False)
    institution = models.CharField("учебное заведение", max_length=300, blank=True)
    graduation_year = models.PositiveSmallIntegerField("год окончания", null=True, blank=True)
    speciality = models.CharField("специальность", max_length=300, blank=True)
    qualification = models.CharField("квалификация", max_length=300, blank=True)

    class Meta:
        verbose_name = "образование"
        verbose_name_plural = "образование"
        ordering = ["graduation_year", "pk"]

    def __str__(self) -> str:
        return f"{self.get_level_display()}, {self.institution}".strip(", ")


class Award(TimeStampedModel):
    class Kind(models.TextChoices):
        STATE = "state", "государственная"
        DEPARTMENTAL = "departmental", "ведомственная"
        REGIONAL = "regional", "региональная"
        MUNICIPAL = "municipal", "муниципальная"
        OTHER = "other", "другая"

    educator = models.ForeignKey(Educator, on_delete=models.CASCADE, related_name="awards")
    kind = models.CharField("вид", max_length=16, choices=Kind.choices)
    title = models.CharField("наименование", max_length=500)
    awarded_on = models.DateField("дата", null=True, blank=True)
    order_number = models.CharField("номер приказа", max_length=100, blank=True)

    class Meta:
        verbose_name = "награда, звание"
        verbose_name_plural = "награды и звания"
        ordering = ["awarded_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Employment(TimeStampedModel):
    """Where and as whom an educator works (or worked: an end date keeps the history of transfers)."""

    educator = models.ForeignKey(Educator, on_delete=models.CASCADE, related_name="employments")
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="организация", on_delete=models.PROTECT, related_name="employments"
    )
    position = models.ForeignKey(
        "reference.Position", verbose_name="должность", on_delete=models.PROTECT, related_name="employments"
    )
    subjects = models.ManyToManyField(
        "reference.Subject", verbose_name="преподаваемые предметы", blank=True, related_name="employments"
    )
    is_main = models.BooleanField("основное место работы", default=True)
    weekly_hours = models.DecimalField(
        "учебная нагрузка, часов в неделю", max_digits=4, decimal_places=1, null=True, blank=True
    )
    starts_on = models.DateField("дата начала", null=True, blank=True)
    ends_on = models.DateField("дата окончания", null=True, blank=True)
    end_reason = models.CharField("причина окончания", max_length=300, blank=True)

    class Meta:
        verbose_name = "место работы"
        verbose_name_plural = "места работы"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="staff_employment_ends_after_start",
                violation_error_message="Дата окончания раньше даты начала.",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "ends_on"]),
            models.Index(fields=["educator", "ends_on"]),
        ]

    def __str__(self) -> str:
        kind = "основное" if self.is_main else "совместительство"
        return f"{self.position} — {self.organization} ({kind})"


class Consent(TimeStampedModel):
    """Consent to processing of personal data (152-ФЗ ст. 9) or to their distribution (ст. 10.1), apart."""

    class Purpose(models.TextChoices):
        PROCESSING = "processing", "обработка персональных данных"
        DISTRIBUTION = "distribution", "распространение (публикация)"

    educator = models.ForeignKey(Educator, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField("цель", max_length=16, choices=Purpose.choices, default=Purpose.PROCESSING)
    given_on = models.DateField("дата согласия")
    withdrawn_on = models.DateField("отозвано", null=True, blank=True)
    document = models.FileField("скан согласия", upload_to="staff/consents/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "согласие на обработку персональных данных"
        verbose_name_plural = "согласия на обработку персональных данных"
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} от {self.given_on:%d.%m.%Y}"


class ChangeProposal(TimeStampedModel):
    """A change a teacher proposes to their own record; their school admin accepts or rejects it."""

    class Section(models.TextChoices):
        CONTACTS = "contacts", "контакты"
        EDUCATION = "education", "образование"
        AWARD = "award", "награды"

    class Action(models.TextChoices):
        ADD = "add", "добавить"
        CHANGE = "change", "изменить"
        REMOVE = "remove", "удалить"

    class Status(models.TextChoices):
        PENDING = "pending", "ждёт решения"
        ACCEPTED = "accepted", "принято"
        REJECTED = "rejected", "отклонено"

    educator = models.ForeignKey(Educator, on_delete=models.CASCADE, related_name="change_proposals")
    section = models.CharField("раздел", max_length=16, choices=Section.choices)
    action = models.CharField("действие", max_length=8, choices=Action.choices)
    target_id = models.PositiveIntegerField("запись", null=True, blank=True)  # the education record or award
    data = models.JSONField("предложенные значения", default=dict, blank=True)
    status = models.CharField("состояние", max_length=16, choices=Status.choices, default=Status.PENDING)
    comment = models.TextField("комментарий", blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("решено", null=True, blank=True)

    class Meta:
        verbose_name = "предложенное изменение"
        verbose_name_plural = "предложенные изменения"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "educator"])]

    def __str__(self) -> str:
        return f"{self.get_section_display()}: {self.get_action_display()}"


class PersonalDataAccess(models.Model):
    """Who viewed or exported which educators' personal data, and when (152-ФЗ, ФСТЭК № 117)."""

    class Action(models.TextChoices):
        VIEW = "view", "просмотр"
        EXPORT = "export", "выгрузка"
        SUBJECT_REQUEST = "subject_request", "выгрузка по запросу субъекта"

    at = models.DateTimeField("когда", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="кто", on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField("действие", max_length=16, choices=Action.choices)
    what = models.CharField("что", max_length=300, blank=True)
    educators = models.ManyToManyField(Educator, verbose_name="записи", related_name="+", blank=True)
    count = models.PositiveIntegerField("число записей", default=0)
    # People who are not educators (students, users, …): the kind of record, their ids and a short text;
    # `organization` is whose data it was (a school, a municipality), so the log is scoped without educators.
    subject_model = models.CharField("вид записей", max_length=100, blank=True)
    subject_ids = models.JSONField("коды записей", default=list, blank=True)
    subject = models.CharField("о ком", max_length=300, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="чьи данные",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "доступ к персональным данным"
        verbose_name_plural = "журнал доступа к персональным данным"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.get_action_display()}"


class ErasureAct(TimeStampedModel):
    """The act that records the destruction of a person's data (152-ФЗ ст. 21); the person is anonymised."""

    number = models.CharField("номер акта", max_length=50)
    made_on = models.DateField("дата акта")
    reason = models.CharField("основание", max_length=500)
    subject = models.CharField("чьи данные (инициалы и код записи)", max_length=200)
    municipality = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "акт об уничтожении персональных данных"
        verbose_name_plural = "акты об уничтожении персональных данных"
        ordering = ["-made_on", "-pk"]

    def __str__(self) -> str:
        return f"Акт № {self.number} от {self.made_on:%d.%m.%Y}"
