from __future__ import annotations

from django.db import models

from imo.core.models import TimeStampedModel


class OfficeContacts(TimeStampedModel):
    """The methodical office's public name and contacts, shown on the public front page."""

    municipality = models.OneToOneField(
        "orgs.Organization",
        verbose_name="муниципалитет",
        on_delete=models.CASCADE,
        related_name="office_contacts",
    )
    office_name = models.CharField("наименование отдела", max_length=300)
    address = models.CharField("адрес", max_length=500, blank=True)
    phone = models.CharField("телефон", max_length=100, blank=True)
    email = models.EmailField("электронная почта", blank=True)
    working_hours = models.CharField("часы работы", max_length=200, blank=True)
    about = models.TextField("о нас", blank=True)

    class Meta:
        verbose_name = "контакты методического отдела"
        verbose_name_plural = "контакты методических отделов"

    def __str__(self) -> str:
        return self.office_name
