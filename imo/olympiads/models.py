"""The school and municipal stages of the All-Russian olympiad (issue #7; rules: shared/domain/olympiads.md).

A Season (municipality × academic year) has Stages (school, municipal) with quota settings; a StageSubject
is one subject at one stage (grades, date, venue, optional quota overrides, the jury, closing and
publication); GradeSetting holds a grade's maximum (per task too) and the threshold for the next stage.
Students are kept per academic year (Student, with StudentConsent); a Participation registers a student for a
stage subject (grade performed, the teachers who prepared them) and carries the result (score, rank, status).

Works are coded: the jury scores `Work` rows, which hold a code, a grade and the scores — and no link to the
student. Only Participation.work points from a student to a work, and jury pages never read Participation.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from imo.core.models import TimeStampedModel

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class OlympiadSubject(TimeStampedModel):
    """A subject of the olympiad (24 in the federal list; the office edits the list)."""

    name = models.CharField("предмет", max_length=200, unique=True)
    short_name = models.CharField("краткое наименование", max_length=60, blank=True)
    min_grade_school = models.PositiveSmallIntegerField("с какого класса на школьном этапе", default=5)
    online_school_stage = models.BooleanField(
        "школьный этап на платформе «Сириус.Курсы»",
        default=False,
        help_text="Результаты школьного этапа загружаются из файла платформы, а не вводятся жюри.",
    )
    school_subject = models.ForeignKey(
        "reference.Subject",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="учебный предмет",
        help_text="Для аналитики по учителям предмета.",
    )
    order = models.PositiveIntegerField("порядок", default=0)
    is_active = models.BooleanField("используется", default=True)

    class Meta:
        verbose_name = "предмет олимпиады"
        verbose_name_plural = "предметы олимпиады"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Rounding(models.TextChoices):
    DOWN = "down", "в меньшую сторону"
    NEAREST = "nearest", "по правилам арифметики"
    UP = "up", "в большую сторону"


class QuotaBasis(models.TextChoices):
    GRADE = "grade", "по каждому классу (параллели)"
    SUBJECT = "subject", "по предмету в целом"


class Season(TimeStampedModel):
    """The olympiad of one academic year in a municipality."""

    municipality = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name="муниципалитет"
    )
    academic_year = models.ForeignKey(
        "reference.AcademicYear", models.PROTECT, related_name="+", verbose_name="учебный год"
    )
    title = models.CharField("наименование", max_length=300, blank=True)

    class Meta:
        verbose_name = "олимпиада учебного года"
        verbose_name_plural = "олимпиады по учебным годам"
        ordering = ["-academic_year__start_year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "academic_year"],
                name="olympiads_season_one_per_year",
                violation_error_message="Олимпиада на этот учебный год уже заведена.",
            )
        ]

    def __str__(self) -> str:
        return self.title or f"Всероссийская олимпиада школьников {self.academic_year}"


class QuotaSettings(models.Model):
    """Quota settings of a stage; a StageSubject may override any of them (null = the stage's)."""

    total_share = models.DecimalField(
        "доля победителей и призёров, %",
        max_digits=5,
        decimal_places=2,
        default=Decimal("45"),
        validators=PERCENT,
    )
    winners_share = models.DecimalField(
        "доля победителей, %", max_digits=5, decimal_places=2, default=Decimal("5"), validators=PERCENT
    )
    min_award_share = models.DecimalField(
        "наименьшая доля от максимального балла для награды, %",
        max_digits=5,
        decimal_places=2,
        default=Decimal("50"),
        validators=PERCENT,
    )
    rounding = models.CharField(
        "округление квоты", max_length=16, choices=Rounding.choices, default=Rounding.DOWN
    )
    quota_basis = models.CharField(
        "квота считается", max_length=16, choices=QuotaBasis.choices, default=QuotaBasis.GRADE
    )

    class Meta:
        abstract = True


class Stage(QuotaSettings, TimeStampedModel):
    class Level(models.TextChoices):
        SCHOOL = "school", "школьный"
        MUNICIPAL = "municipal", "муниципальный"

    season = models.ForeignKey(Season, models.CASCADE, related_name="stages", verbose_name="олимпиада")
    level = models.CharField("этап", max_length=16, choices=Level.choices)
    starts_on = models.DateField("начало")
    ends_on = models.DateField("окончание")

    class Meta:
        verbose_name = "этап олимпиады"
        verbose_name_plural = "этапы олимпиады"
        ordering = ["season", "starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["season", "level"],
                name="olympiads_stage_once",
                violation_error_message="Этот этап уже заведён.",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="olympiads_stage_ends_after_start",
                violation_error_message="Окончание этапа не может быть раньше начала.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display().capitalize()} этап, {self.season.academic_year}"


class StageSubject(TimeStampedModel):
    """One subject at one stage: grades, date, venue, quota overrides, the jury's work and publication."""

    stage = models.ForeignKey(Stage, models.CASCADE, related_name="subjects", verbose_name="этап")
    subject = models.ForeignKey(OlympiadSubject, models.PROTECT, related_name="+", verbose_name="предмет")
    min_grade = models.PositiveSmallIntegerField(
        "с класса", validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    max_grade = models.PositiveSmallIntegerField(
        "по класс", validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    held_on = models.DateField("дата проведения", null=True, blank=True)
    venue = models.CharField("место проведения", max_length=500, blank=True)
    online = models.BooleanField("результаты загружаются из «Сириус.Курсы»", default=False)
    # Quota overrides: empty means the stage's setting.
    total_share = models.DecimalField(
        "доля победителей и призёров, %",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    winners_share = models.DecimalField(
        "доля победителей, %", max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    min_award_share = models.DecimalField(
        "наименьшая доля от максимального балла для награды, %",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    rounding = models.CharField("округление квоты", max_length=16, choices=Rounding.choices, blank=True)
    quota_basis = models.CharField("квота считается", max_length=16, choices=QuotaBasis.choices, blank=True)
    codes_issued_at = models.DateTimeField("шифры выданы", null=True, blank=True)
    scoring_closed_at = models.DateTimeField("проверка закрыта", null=True, blank=True)
    scoring_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="закрыл проверку",
    )
    codes_matched_at = models.DateTimeField("шифры сопоставлены с участниками", null=True, blank=True)
    ranked_at = models.DateTimeField("рейтинг рассчитан", null=True, blank=True)
    published_at = models.DateTimeField("результаты опубликованы", null=True, blank=True)

    class Meta:
        verbose_name = "предмет этапа"
        verbose_name_plural = "предметы этапа"
        ordering = ["stage", "subject__order", "subject__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "subject"],
                name="olympiads_stage_subject_once",
                violation_error_message="Этот предмет уже есть на этапе.",
            ),
            models.CheckConstraint(
                condition=models.Q(max_grade__gte=models.F("min_grade")),
                name="olympiads_stage_subject_grades",
                violation_error_message="«По класс» не может быть меньше «с класса».",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject}, {self.stage}"


class GradeSetting(TimeStampedModel):
    """A grade of a stage subject: the maximum score (and per task), the threshold for the next stage."""

    stage_subject = models.ForeignKey(
        StageSubject, models.CASCADE, related_name="grade_settings", verbose_name="предмет этапа"
    )
    grade = models.PositiveSmallIntegerField(
        "класс", validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    max_score = models.DecimalField("максимальный балл", max_digits=7, decimal_places=2)
    # Maximum per task, in task order ([10, 10, 15, …]); empty when the protocol keeps only the total.
    task_max = models.JSONField("максимум по заданиям", default=list, blank=True)
    # Set on the school stage: the score from which a participant goes on to the municipal stage.
    threshold = models.DecimalField(
        "проходной балл на следующий этап", max_digits=7, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = "настройка класса"
        verbose_name_plural = "настройки классов"
        ordering = ["stage_subject", "grade"]
        constraints = [
            models.UniqueConstraint(fields=["stage_subject", "grade"], name="olympiads_grade_setting_once"),
            models.CheckConstraint(condition=models.Q(max_score__gt=0), name="olympiads_max_score_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.grade} класс: максимум {self.max_score}"


class JuryMember(TimeStampedModel):
    stage_subject = models.ForeignKey(
        StageSubject, models.CASCADE, related_name="jury", verbose_name="предмет этапа"
    )
    educator = models.ForeignKey("staff.Educator", models.PROTECT, related_name="+", verbose_name="член жюри")
    is_chair = models.BooleanField("председатель", default=False)

    class Meta:
        verbose_name = "член жюри"
        verbose_name_plural = "жюри"
        ordering = ["stage_subject", "-is_chair", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["stage_subject", "educator"], name="olympiads_jury_once"),
            models.UniqueConstraint(
                fields=["stage_subject"],
                condition=models.Q(is_chair=True),
                name="olympiads_one_jury_chair",
                violation_error_message="Председатель жюри по предмету уже назначен.",
            ),
        ]

    def __str__(self) -> str:
        return str(self.educator)


class AppealMember(TimeStampedModel):
    """A member of the appeal commission of a stage subject."""

    stage_subject = models.ForeignKey(
        StageSubject, models.CASCADE, related_name="appeal_commission", verbose_name="предмет этапа"
    )
    educator = models.ForeignKey(
        "staff.Educator", models.PROTECT, related_name="+", verbose_name="член комиссии"
    )
    is_chair = models.BooleanField("председатель", default=False)

    class Meta:
        verbose_name = "член апелляционной комиссии"
        verbose_name_plural = "апелляционная комиссия"
        ordering = ["stage_subject", "-is_chair", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["stage_subject", "educator"], name="olympiads_appeal_member_once")
        ]

    def __str__(self) -> str:
        return str(self.educator)


class CommitteeMember(TimeStampedModel):
    """A member of the organising committee of a stage."""

    stage = models.ForeignKey(Stage, models.CASCADE, related_name="committee", verbose_name="этап")
    educator = models.ForeignKey(
        "staff.Educator", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="педагог"
    )
    full_name = models.CharField("ФИО (если не педагог района)", max_length=300, blank=True)
    role = models.CharField("роль в оргкомитете", max_length=200, blank=True)

    class Meta:
        verbose_name = "член оргкомитета"
        verbose_name_plural = "оргкомитет"
        ordering = ["stage", "pk"]

    def __str__(self) -> str:
        return str(self.educator) if self.educator_id else self.full_name


class Student(TimeStampedModel):
    """A student in one academic year (a child's record is copied to the next year with `previous`)."""

    academic_year = models.ForeignKey(
        "reference.AcademicYear", models.PROTECT, related_name="+", verbose_name="учебный год"
    )
    school = models.ForeignKey("orgs.Organization", models.PROTECT, related_name="+", verbose_name="школа")
    last_name = models.CharField("фамилия", max_length=100)
    first_name = models.CharField("имя", max_length=100)
    patronymic = models.CharField("отчество", max_length=100, blank=True)
    birth_date = models.DateField("дата рождения", null=True, blank=True)
    grade = models.PositiveSmallIntegerField(
        "класс обучения", validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    class_letter = models.CharField("литера класса", max_length=4, blank=True)
    previous = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="запись прошлого года"
    )
    # fold(last first patronymic): Russian order and search on both databases
    name_key = models.CharField(max_length=300, editable=False, db_index=True, default="")
    # name_key + birth date: finds the same child in last year's records
    person_key = models.CharField(max_length=320, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = "обучающийся"
        verbose_name_plural = "обучающиеся"
        ordering = ["name_key", "pk"]
        indexes = [models.Index(fields=["academic_year", "school"], name="olympiads_student_year_school")]

    def __str__(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)

    @property
    def short_name(self) -> str:
        """Surname and initials, as results are published: «Иванова М. П.»."""
        initials = " ".join(f"{part[0]}." for part in (self.first_name, self.patronymic) if part)
        return f"{self.last_name} {initials}".strip()


class StudentConsent(TimeStampedModel):
    """A parent's written confirmation for the year (olympiads.md, 6): the rules read, publication allowed."""

    student = models.OneToOneField(
        Student, models.CASCADE, related_name="consent", verbose_name="обучающийся"
    )
    parent_name = models.CharField("родитель (законный представитель)", max_length=300, blank=True)
    rules_accepted = models.BooleanField("ознакомлен с Порядком проведения олимпиады", default=False)
    publication_allowed = models.BooleanField("согласие на публикацию результатов и работы", default=False)
    signed_on = models.DateField("дата заявления")
    document = models.FileField(
        "скан заявления", upload_to="olympiads/consents/%Y/", blank=True, max_length=255
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="внёс",
    )

    class Meta:
        verbose_name = "заявление родителя"
        verbose_name_plural = "заявления родителей"

    def __str__(self) -> str:
        return f"{self.student}: {self.signed_on:%d.%m.%Y}"


class Work(TimeStampedModel):
    """A coded work as the jury sees it: code, grade, scores. Deliberately no link to the student."""

    stage_subject = models.ForeignKey(
        StageSubject, models.CASCADE, related_name="works", verbose_name="предмет этапа"
    )
    code = models.CharField("шифр", max_length=20)
    grade = models.PositiveSmallIntegerField("класс (выполнял задания)")
    task_scores = models.JSONField("баллы по заданиям", default=list, blank=True)
    score = models.DecimalField("балл", max_digits=7, decimal_places=2, null=True, blank=True)
    # Marked by the jury: nobody wrote this work (copied to Participation.absent when the codes are matched).
    absent = models.BooleanField("не явился", default=False)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="проверил",
    )

    class Meta:
        verbose_name = "работа"
        verbose_name_plural = "работы"
        ordering = ["stage_subject", "grade", "code"]
        constraints = [
            models.UniqueConstraint(fields=["stage_subject", "code"], name="olympiads_work_code_once")
        ]

    def __str__(self) -> str:
        return self.code


class Participation(TimeStampedModel):
    """A student registered for a stage subject, and their result."""

    class Source(models.TextChoices):
        REGISTERED = "registered", "зарегистрирован школой"
        IMPORTED = "imported", "загружен из файла"
        PROPOSED = "proposed", "предложен по итогам прошлого этапа"

    class Status(models.TextChoices):
        PARTICIPANT = "participant", "участник"
        PRIZE_WINNER = "prize_winner", "призёр"
        WINNER = "winner", "победитель"

    # No index of its own: the unique (stage_subject, student) and the ranking index both start with it.
    stage_subject = models.ForeignKey(
        StageSubject,
        models.CASCADE,
        related_name="participations",
        verbose_name="предмет этапа",
        db_index=False,
    )
    student = models.ForeignKey(
        Student, models.PROTECT, related_name="participations", verbose_name="обучающийся"
    )
    grade = models.PositiveSmallIntegerField(
        "класс, за который выполняет задания", validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    teachers = models.ManyToManyField(
        "staff.Educator",
        blank=True,
        related_name="olympiad_participations",
        verbose_name="подготовившие педагоги",
    )
    source = models.CharField("источник", max_length=16, choices=Source.choices, default=Source.REGISTERED)
    confirmed = models.BooleanField(
        "подтверждён", default=True, help_text="Предложенных на муниципальный этап подтверждает ИМО."
    )
    absent = models.BooleanField("не явился", default=False)
    work = models.OneToOneField(
        Work, models.SET_NULL, null=True, blank=True, related_name="participation", verbose_name="работа"
    )
    # The result, after the codes are matched (copied from the work; changed by appeals).
    score = models.DecimalField("балл", max_digits=7, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField("место в рейтинге", null=True, blank=True)
    status = models.CharField("статус", max_length=16, choices=Status.choices, blank=True)
    status_reason = models.TextField("почему такой статус", blank=True)
    public_code = models.CharField("код для публикации", max_length=20, blank=True)

    class Meta:
        verbose_name = "участие в олимпиаде"
        verbose_name_plural = "участие в олимпиаде"
        ordering = ["stage_subject", "grade", "rank", "pk"]
        # Ranking a stage rewrites rank, status and the reason of every row, and each index on the table costs
        # a new entry per row rewritten (a municipal stage: 50,000): no index holds them (the ranking page
        # sorts a subject's few thousand rows itself), the student's ForeignKey index is the only one on
        # student, and a stage subject's rows of one grade are found through the unique (stage subject,
        # student) index — a separate (stage subject, grade) index cost a fifth of the ranking's write.
        constraints = [
            models.UniqueConstraint(
                fields=["stage_subject", "student"],
                name="olympiads_participation_once",
                violation_error_message="Обучающийся уже зарегистрирован на этот предмет этого этапа.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.student} — {self.stage_subject}"


class Appeal(TimeStampedModel):
    """An appeal about a score (olympiads.md, 13): the decision is final and recomputes the ranking."""

    class Decision(models.TextChoices):
        PENDING = "pending", "рассматривается"
        REJECTED = "rejected", "отклонена (балл не изменён)"
        RAISED = "raised", "удовлетворена, балл повышен"
        LOWERED = "lowered", "удовлетворена, балл понижен"

    participation = models.ForeignKey(
        Participation, models.CASCADE, related_name="appeals", verbose_name="участие"
    )
    filed_on = models.DateField("дата подачи")
    reason = models.TextField("содержание апелляции", blank=True)
    decision = models.CharField("решение", max_length=16, choices=Decision.choices, default=Decision.PENDING)
    score_before = models.DecimalField("балл до", max_digits=7, decimal_places=2, null=True, blank=True)
    score_after = models.DecimalField("балл после", max_digits=7, decimal_places=2, null=True, blank=True)
    decided_on = models.DateField("дата решения", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="внёс решение",
    )
    members = models.ManyToManyField(
        "staff.Educator", blank=True, related_name="+", verbose_name="состав комиссии"
    )

    class Meta:
        verbose_name = "апелляция"
        verbose_name_plural = "апелляции"
        ordering = ["-filed_on", "-pk"]

    def __str__(self) -> str:
        return f"Апелляция: {self.participation}"


class Certificate(TimeStampedModel):
    """A winner's or prize-winner's diploma; `token` opens the public verification page."""

    participation = models.OneToOneField(
        Participation, models.CASCADE, related_name="certificate", verbose_name="участие"
    )
    number = models.CharField("номер", max_length=40, unique=True)
    token = models.CharField("код проверки", max_length=40, unique=True)
    status = models.CharField("статус", max_length=16, choices=Participation.Status.choices)
    issued_on = models.DateField("дата выдачи")

    class Meta:
        verbose_name = "диплом"
        verbose_name_plural = "дипломы"
        ordering = ["number"]

    def __str__(self) -> str:
        return f"Диплом № {self.number}"


class Enrolment(TimeStampedModel):
    """How many students a school has in a grade in a year: the denominator of «share taking part»."""

    academic_year = models.ForeignKey(
        "reference.AcademicYear", models.PROTECT, related_name="+", verbose_name="учебный год"
    )
    school = models.ForeignKey("orgs.Organization", models.PROTECT, related_name="+", verbose_name="школа")
    grade = models.PositiveSmallIntegerField(
        "класс", validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    students = models.PositiveIntegerField("обучающихся")

    class Meta:
        verbose_name = "контингент класса"
        verbose_name_plural = "контингент"
        ordering = ["academic_year", "school", "grade"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "school", "grade"], name="olympiads_enrolment_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school}, {self.grade} класс: {self.students}"


class RetentionSettings(models.Model):
    """How long works and parents' statements are kept after the academic year of the olympiad ends
    (olympiads.md, 15: «not less than 1 year» in typical regional rules), one row (pk=1) the office edits."""

    works_years = models.PositiveSmallIntegerField(
        "работы (шифры, баллы по заданиям) хранятся после окончания учебного года, лет",
        default=1,
        validators=[MinValueValidator(1)],
    )
    consents_years = models.PositiveSmallIntegerField(
        "заявления родителей (и их сканы) хранятся после окончания учебного года, лет",
        default=1,
        validators=[MinValueValidator(1)],
    )

    class Meta:
        verbose_name = "сроки хранения работ и заявлений"
        verbose_name_plural = "сроки хранения работ и заявлений"

    def __str__(self) -> str:
        return "Сроки хранения работ и заявлений"

    @classmethod
    def current(cls) -> RetentionSettings:
        """The one row; defaults until the office saves its own."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class RetentionAct(models.Model):
    """The act of the scheduled destruction of works or statements whose retention period ran out."""

    class Kind(models.TextChoices):
        WORKS = "works", "работы участников"
        CONSENTS = "consents", "заявления родителей"

    made_on = models.DateField("дата акта")
    kind = models.CharField("что уничтожено", max_length=16, choices=Kind.choices)
    academic_year = models.ForeignKey(
        "reference.AcademicYear", models.PROTECT, related_name="+", verbose_name="учебный год"
    )
    municipality = models.ForeignKey(
        "orgs.Organization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="муниципалитет",
    )
    rows = models.PositiveIntegerField("уничтожено записей")
    files = models.PositiveIntegerField("удалено файлов", default=0)
    basis = models.CharField("основание", max_length=300)

    class Meta:
        verbose_name = "акт об уничтожении по истечении срока хранения"
        verbose_name_plural = "акты об уничтожении по истечении срока хранения"
        ordering = ["-made_on", "-pk"]

    def __str__(self) -> str:
        return f"Акт от {self.made_on:%d.%m.%Y}: {self.get_kind_display()}, {self.academic_year}"
