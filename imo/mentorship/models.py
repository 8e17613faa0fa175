"""Mentoring of early-career educators (issue #5 item 5): who mentors whom, the plan and the reports.

Early-career status itself is never stored: it is computed from the educator's teaching experience for a
chosen date (imo.staff.experience)."""

from __future__ import annotations

from django.db import models

from imo.core.models import TimeStampedModel


class Mentorship(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "действует"
        FINISHED = "finished", "завершено"

    mentor = models.ForeignKey(
        "staff.Educator", models.PROTECT, related_name="mentorships_as_mentor", verbose_name="наставник"
    )
    mentee = models.ForeignKey(
        "staff.Educator", models.PROTECT, related_name="mentorships_as_mentee", verbose_name="наставляемый"
    )
    organization = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name="организация"
    )
    starts_on = models.DateField("дата начала")
    ends_on = models.DateField("дата окончания", null=True, blank=True)
    goals = models.TextField("цели и задачи", blank=True)
    status = models.CharField("состояние", max_length=16, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        verbose_name = "наставничество"
        verbose_name_plural = "наставничество"
        ordering = ["-starts_on", "pk"]
        indexes = [models.Index(fields=["mentee", "status"]), models.Index(fields=["mentor", "status"])]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee}"


class MentorshipPlanItem(TimeStampedModel):
    mentorship = models.ForeignKey(Mentorship, models.CASCADE, related_name="plan_items")
    title = models.CharField("мероприятие", max_length=500)
    due_on = models.DateField("срок")
    done_on = models.DateField("выполнено", null=True, blank=True)
    result = models.TextField("результат", blank=True)

    class Meta:
        verbose_name = "пункт плана наставничества"
        verbose_name_plural = "план наставничества"
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class MentorshipReport(TimeStampedModel):
    class Author(models.TextChoices):
        MENTOR = "mentor", "наставник"
        MENTEE = "mentee", "наставляемый"

    mentorship = models.ForeignKey(Mentorship, models.CASCADE, related_name="reports")
    author_role = models.CharField("автор", max_length=16, choices=Author.choices)
    period = models.CharField("период", max_length=100, blank=True)
    reported_on = models.DateField("дата отчёта")
    text = models.TextField("текст отчёта")
    document = models.FileField("файл", upload_to="mentorship/reports/%Y/", blank=True)

    class Meta:
        verbose_name = "отчёт по наставничеству"
        verbose_name_plural = "отчёты по наставничеству"
        ordering = ["reported_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_author_role_display()}, {self.reported_on:%d.%m.%Y}"
