"""`imo createadmin`: the first technical administrator (a superuser with the admin role at the top
organisation, when one exists). Asks for what is missing; reads the password from IMO_ADMIN_PASSWORD
when run unattended."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction


class Command(BaseCommand):
    help = "Создать администратора системы."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--no-input", action="store_true", help="не задавать вопросов (пароль из IMO_ADMIN_PASSWORD)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interactive = not options["no_input"]
        username = options["username"] or (input("Логин: ").strip() if interactive else "")
        email = options["email"] or (input("Электронная почта: ").strip() if interactive else "")
        password = os.environ.get("IMO_ADMIN_PASSWORD", "")
        if not password and interactive:
            password = getpass.getpass("Пароль: ")
            if password != getpass.getpass("Пароль ещё раз: "):
                raise CommandError("Пароли не совпадают.")
        if not username or not password:
            raise CommandError("Нужны логин и пароль (--username и IMO_ADMIN_PASSWORD при --no-input).")
        model = get_user_model()
        if model.objects.filter(username__iexact=username).exists():
            raise CommandError(f"Пользователь «{username}» уже есть.")
        candidate = model(username=username, email=email)
        try:
            validate_password(password, candidate)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self._create(username=username, email=email, password=password)
        self.stdout.write(self.style.SUCCESS(f"Администратор «{username}» создан."))

    @transaction.atomic
    def _create(self, *, username: str, email: str, password: str) -> None:
        from django.apps import apps

        user = get_user_model().objects.create_superuser(username=username, email=email, password=password)
        user.refresh_search_text()
        user.save(update_fields=["search_text"])
        # The admin role makes the menu show administration; the organisation tree lives in imo.orgs,
        # a higher layer, so it is looked up through the app registry rather than imported.
        organization_model = apps.get_model("orgs", "Organization")
        membership_model = apps.get_model("orgs", "Membership")
        top = organization_model.objects.filter(parent__isnull=True).order_by("pk").first()
        if top is not None:
            membership_model.objects.create(user=user, organization=top, role="admin")
