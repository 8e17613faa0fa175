from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

from imo.core import names
from imo.core.text import search_text


class User(AbstractUser):
    """A person who logs in. Roles are not here: they are Memberships in organisations (imo.orgs)."""

    patronymic = models.CharField("отчество", max_length=150, blank=True)
    phone = models.CharField("телефон", max_length=30, blank=True)
    # Folded (case, ё→е) name, login and e-mail: search that works the same on SQLite and PostgreSQL.
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_unique_ci",
                violation_error_message="Пользователь с таким адресом электронной почты уже есть.",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def full_name(self) -> str:
        return names.full_name(self.last_name, self.first_name, self.patronymic)

    def refresh_search_text(self) -> None:
        self.search_text = search_text(
            self.last_name, self.first_name, self.patronymic, self.username, self.email
        )

    @property
    def short_name(self) -> str:
        """«Фамилия И. О.»"""
        return names.short_name(self.last_name, self.first_name, self.patronymic) or self.username
