"""Surveys and monitorings (issue #9): questionnaires with sections, questions and skip logic, frozen in
versions once answered; their audience (educators or schools), named or anonymous responses, answers
stored one row per value so that the results are counted in SQL.

Anonymity: an anonymous response row holds no person, no school, no user and no time finer than the day;
who has answered is kept apart, in RespondentToken (a flag, no time, no link to the response), which
prevents a second response. While an anonymous respondent keeps a draft, the draft sits on their token
(it is theirs until they send it); sending moves the answers into the anonymous response and empties it.
Responses and answers are therefore never registered with the audit log (its rows name the actor).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from imo.core.models import TimeStampedModel


class AudienceKind(models.TextChoices):
    EDUCATORS = "educators", "Педагоги"
    SCHOOLS = "schools", "Образовательные организации (заполняет ответственный)"


class Mode(models.TextChoices):
    NAMED = "named", "Именная"
    ANONYMOUS = "anonymous", "Анонимная"


class Survey(TimeStampedModel):
    """A questionnaire with its audience and dates. Its questions live in versions (SurveyVersion)."""

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="организация", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("название", max_length=300)
    description = models.TextField("пояснение для респондентов", blank=True)
    audience = models.CharField(
        "кто отвечает", max_length=20, choices=AudienceKind.choices, default=AudienceKind.EDUCATORS
    )
    mode = models.CharField("режим", max_length=20, choices=Mode.choices, default=Mode.NAMED)
    opens_at = models.DateTimeField("начало приёма ответов", null=True, blank=True)
    closes_at = models.DateTimeField("окончание приёма ответов", null=True, blank=True)
    # Published: the audience sees it (between the dates); a draft is seen by the office only.
    is_published = models.BooleanField("опубликована", default=False)
    allow_edit = models.BooleanField("ответ можно изменить до окончания приёма", default=True)
    # A ready template the office copies (issue #9, item 6); never answered itself.
    is_template = models.BooleanField("шаблон", default=False)
    copied_from = models.ForeignKey(
        "self",
        verbose_name="скопирована из",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The audience of an educators' survey, narrowed (empty = all educators of the organisation's scope).
    schools = models.ManyToManyField(
        "orgs.Organization", verbose_name="только организации", blank=True, related_name="+"
    )
    subjects = models.ManyToManyField(
        "reference.Subject", verbose_name="только предметы", blank=True, related_name="+"
    )
    positions = models.ManyToManyField(
        "reference.Position", verbose_name="только должности", blank=True, related_name="+"
    )
    # Qualification categories (attestation codes, e.g. "first", "highest", "none"); empty = any.
    categories = models.JSONField("только категории", default=list, blank=True)
    early_career_only = models.BooleanField("только молодые специалисты", default=False)
    reminder_every_days = models.PositiveSmallIntegerField(
        "напоминать не ответившим раз в, дней (0 — не напоминать)", default=7
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="создал",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "анкета"
        verbose_name_plural = "анкеты и мониторинги"

    def __str__(self) -> str:
        return self.title


class SurveyVersion(models.Model):
    """The questions of a survey as they were answered. The newest version is the one being answered; it
    is frozen by its first response, and editing a frozen version makes a new one (old answers keep their
    version's questions, never silently changed)."""

    survey = models.ForeignKey(
        Survey, verbose_name="анкета", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField("версия")
    created_at = models.DateTimeField("создана", auto_now_add=True)
    frozen_at = models.DateTimeField("первый ответ", null=True, blank=True)

    class Meta:
        verbose_name = "версия анкеты"
        verbose_name_plural = "версии анкет"
        ordering = ["survey", "number"]
        constraints = [models.UniqueConstraint(fields=["survey", "number"], name="surveys_version_unique")]

    def __str__(self) -> str:
        return f"{self.survey} — версия {self.number}"


class Section(models.Model):
    version = models.ForeignKey(
        SurveyVersion, verbose_name="версия", on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveIntegerField("порядок", default=0)
    title = models.CharField("название раздела", max_length=300)
    description = models.TextField("пояснение", blank=True)

    class Meta:
        verbose_name = "раздел анкеты"
        verbose_name_plural = "разделы анкет"
        ordering = ["version", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Один вариант"
    MULTIPLE = "multiple", "Несколько вариантов"
    SCALE = "scale", "Шкала"
    NUMBER = "number", "Число"
    SHORT_TEXT = "short_text", "Короткий текст"
    LONG_TEXT = "long_text", "Развёрнутый ответ"
    DATE = "date", "Дата"
    GRID = "grid", "Таблица (строки × шкала)"
    FILE = "file", "Файл"


class Question(models.Model):
    """One question. `code` is stable across versions (a copied question keeps it), so results of several
    versions are counted together by code. Options are a list of strings; answers store their index."""

    version = models.ForeignKey(
        SurveyVersion, verbose_name="версия", on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(
        Section, verbose_name="раздел", on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveIntegerField("порядок", default=0)
    code = models.CharField("код", max_length=40)
    kind = models.CharField("вид", max_length=20, choices=QuestionKind.choices)
    text = models.CharField("вопрос", max_length=1000)
    help_text = models.CharField("подсказка", max_length=1000, blank=True)
    required = models.BooleanField("обязательный", default=False)
    options = models.JSONField("варианты ответа", default=list, blank=True)
    allow_other = models.BooleanField("вариант «другое»", default=False)
    # Scale: scale_min..scale_max (1–5 or 1–10); grid rows are answered on the same scale.
    scale_min = models.SmallIntegerField("шкала от", default=1)
    scale_max = models.SmallIntegerField("шкала до", default=5)
    grid_rows = models.JSONField("строки таблицы", default=list, blank=True)
    number_min = models.DecimalField(
        "число не меньше", max_digits=12, decimal_places=2, null=True, blank=True
    )
    number_max = models.DecimalField(
        "число не больше", max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Skip logic: shown only when the answer to `show_if` (an earlier question of the version) is one of
    # `show_if_values` (option indexes for choices, numbers for a scale).
    show_if = models.ForeignKey(
        "self",
        verbose_name="показывать, если ответ на вопрос",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    show_if_values = models.JSONField("…равен одному из", default=list, blank=True)
    # Gap indicator (issue #9, item 7): these answers (option indexes / scale values) reveal a difficulty
    # that can go into the educator's individual development plan as `gap_topic`.
    is_gap_indicator = models.BooleanField("показатель затруднения", default=False)
    gap_values = models.JSONField("ответы, означающие затруднение", default=list, blank=True)
    gap_topic = models.CharField("тема затруднения для ИОМ", max_length=300, blank=True)

    class Meta:
        verbose_name = "вопрос анкеты"
        verbose_name_plural = "вопросы анкет"
        ordering = ["version", "section__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="surveys_question_code_unique")
        ]

    def __str__(self) -> str:
        return self.text


def new_token() -> str:
    return secrets.token_urlsafe(24)


class RespondentToken(models.Model):
    """Who is asked (an educator, or a school for monitorings) and whether they have answered; the personal
    link's secret. No timestamps and no link to the response: for an anonymous survey this row cannot be
    joined to the answers. `draft` holds an anonymous respondent's unsent answers (emptied on sending)."""

    survey = models.ForeignKey(Survey, verbose_name="анкета", on_delete=models.CASCADE, related_name="tokens")
    educator = models.ForeignKey(
        "staff.Educator",
        verbose_name="педагог",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    school = models.ForeignKey(
        "orgs.Organization",
        verbose_name="организация",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    responded = models.BooleanField("ответил", default=False)
    draft = models.JSONField(default=dict, blank=True, editable=False)
    # The date (not time) of the last reminder: at most one every `reminder_every_days`.
    reminded_on = models.DateField("последнее напоминание", null=True, blank=True)

    class Meta:
        verbose_name = "респондент анкеты"
        verbose_name_plural = "респонденты анкет"
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "educator"],
                condition=models.Q(educator__isnull=False),
                name="surveys_token_educator",
            ),
            models.UniqueConstraint(
                fields=["survey", "school"],
                condition=models.Q(school__isnull=False),
                name="surveys_token_school",
            ),
        ]

    def __str__(self) -> str:
        return f"Респондент анкеты «{self.survey}»"


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", "Черновик"
    SUBMITTED = "submitted", "Отправлен"


class Response(models.Model):
    """One response. Named: `educator` (or `school` for a monitoring) and the respondent's school at the
    time, for breakdowns. Anonymous: none of them, and only the day it was sent (no created/updated
    times that could be matched with anything)."""

    survey = models.ForeignKey(
        Survey, verbose_name="анкета", on_delete=models.CASCADE, related_name="responses"
    )
    version = models.ForeignKey(
        SurveyVersion, verbose_name="версия", on_delete=models.PROTECT, related_name="responses"
    )
    educator = models.ForeignKey(
        "staff.Educator",
        verbose_name="педагог",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    school = models.ForeignKey(
        "orgs.Organization",
        verbose_name="организация",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        "состояние", max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    submitted_on = models.DateField("дата отправки", null=True, blank=True)

    class Meta:
        verbose_name = "ответ на анкету"
        verbose_name_plural = "ответы на анкеты"
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "educator"],
                condition=models.Q(educator__isnull=False),
                name="surveys_response_educator",
            ),
            models.UniqueConstraint(
                fields=["survey", "school"],
                condition=models.Q(school__isnull=False, educator__isnull=True),
                name="surveys_response_school",
            ),
        ]
        indexes = [models.Index(fields=["survey", "status"], name="surveys_response_status")]

    def __str__(self) -> str:
        return f"Ответ на анкету «{self.survey}»"


class Answer(models.Model):
    """One value of a response: a chosen option (`option`, one row per option for multiple choice), a
    scale or number (`number`), a grid row's scale value (`row` + `number`), a date, a text (the text of
    «другое» too, with `option` empty), a file. Counted in SQL by question, option, row."""

    response = models.ForeignKey(
        Response, verbose_name="ответ", on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name="вопрос", on_delete=models.CASCADE, related_name="answers"
    )
    option = models.SmallIntegerField("вариант", null=True, blank=True)
    row = models.SmallIntegerField("строка таблицы", null=True, blank=True)
    number = models.DecimalField("число", max_digits=14, decimal_places=2, null=True, blank=True)
    date = models.DateField("дата", null=True, blank=True)
    text = models.TextField("текст", blank=True)
    file = models.FileField("файл", upload_to="surveys/%Y/%m/", max_length=300, blank=True)

    class Meta:
        verbose_name = "значение ответа"
        verbose_name_plural = "значения ответов"
        indexes = [
            models.Index(fields=["question", "option"], name="surveys_answer_option"),
            models.Index(fields=["question", "row", "number"], name="surveys_answer_number"),
        ]

    def __str__(self) -> str:
        return f"Ответ на вопрос «{self.question}»"


class Tally(models.Model):
    """Running counts of a survey's submitted answers by question code and bucket — what the unfiltered
    results page reads instead of scanning every answer row (issue #9, item 10: 25,000 responses × 30
    questions). Kept in step by the answering services in the same transaction as the answers and
    rebuilt from the answers by `imo.surveys.tallies.tallies_rebuild` (bulk seeding, repair). Buckets:
    see imo/surveys/tallies.py. Holds counts only, so an anonymous survey's tallies identify nobody."""

    survey = models.ForeignKey(Survey, verbose_name="анкета", on_delete=models.CASCADE, related_name="+")
    code = models.CharField("код вопроса", max_length=40)
    bucket = models.CharField("группа", max_length=40)
    n = models.IntegerField("количество", default=0)

    class Meta:
        verbose_name = "счётчик ответов"
        verbose_name_plural = "счётчики ответов"
        constraints = [
            models.UniqueConstraint(fields=["survey", "code", "bucket"], name="surveys_tally_bucket"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.bucket}: {self.n}"
