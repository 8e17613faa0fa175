"""`imo demo`: migrate, fill the demo district (once), print the logins, serve.

Running it again keeps the data; `--reset` starts over. `--scale region` builds the region-scale data set
used by `make bench` (17 municipalities, ~500 organisations, users for each).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from imo.attestation import demo as attestation_demo
from imo.attestation.applications import demo as applications_demo
from imo.attestation.reminders.services import run_reminders
from imo.attestation.schedule import demo as schedule_demo
from imo.library import demo as library_demo
from imo.library.digest.services import digests_send
from imo.mentorship import demo as mentorship_demo
from imo.olympiads import demo as olympiads_demo
from imo.orgs import demo as orgs_demo
from imo.orgs.models import Organization
from imo.portal import demo as portal_demo
from imo.reference import demo as reference_demo
from imo.staff import demo as staff_demo
from imo.surveys import demo as surveys_demo
from imo.training import demo as training_demo


class Command(BaseCommand):
    help = "Заполнить демонстрационный район и запустить сервер."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["district", "region"], default="district")
        parser.add_argument("--seed", type=int, default=2026, help="зерно генератора (одинаковые данные)")
        parser.add_argument("--no-serve", action="store_true", help="только заполнить базу, без сервера")
        parser.add_argument("--reset", action="store_true", help="удалить все данные и заполнить заново")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            self._reset()
        call_command("migrate", interactive=False, verbosity=0)
        if Organization.objects.filter(kind=Organization.Kind.MUNICIPALITY).exists():
            self.stdout.write(
                "Демонстрационные данные уже есть — оставляю их (начать заново: make demo-reset)."
            )
        else:
            self.stdout.write(f"Заполняю демонстрационные данные (масштаб: {options['scale']})…")
            self._fill(scale=options["scale"], seed=options["seed"])
            # Thousands of rows arrived at once: give the query planner their statistics now rather than
            # whenever autovacuum gets to them (without, PostgreSQL plans the region's pages for empty
            # tables). ANALYZE exists on both databases.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self._print_logins()
        if not options["no_serve"]:
            call_command("serve", host=options["host"], port=options["port"])

    def _reset(self) -> None:
        call_command("flush", interactive=False, verbosity=0)
        # flush keeps the schema but empties the seeded catalogues too: re-run the seed migration.
        call_command("migrate", "reference", "0001", interactive=False, verbosity=0)
        self.stdout.write("Данные удалены.")

    @transaction.atomic
    def _fill(self, *, scale: str, seed: int) -> None:
        rng = random.Random(seed)
        today = dt.date.today()
        reference_demo.seed(today=today)
        orgs = orgs_demo.seed_organizations(rng=rng, scale=scale)
        orgs_demo.seed_users(rng=rng, orgs=orgs)
        staff = staff_demo.seed(rng=rng, orgs=orgs, today=today)
        attestation_demo.seed(rng=rng, today=today)
        applications_demo.seed(rng=rng, today=today)
        schedule_demo.seed(rng=rng, today=today)
        mentorship_demo.seed(rng=rng, today=today)
        training_demo.seed(rng=rng, today=today)
        olympiads_demo.seed(rng=rng, today=today)
        library_demo.seed(rng=rng, today=today, scale=scale)
        surveys_demo.seed(rng=rng, today=today, scale=scale)
        portal_demo.seed(municipality=orgs.municipality)
        # The daily reminders' first run, so the mail log has the letters the worker would send today.
        run_reminders(today=today)
        # This week's digest, so the mail log shows the letters subscribers get (the worker sends it weekly).
        digests_send(now=timezone.now())
        total = Organization.objects.count()
        self.stdout.write(
            f"Готово: организаций — {total}, педагогов — {staff.educators}, "
            f"мест работы — {staff.employments} ({connection.vendor})."
        )

    def _print_logins(self) -> None:
        from imo.orgs.models import Membership, Role

        shown = [
            "admin",
            "head",
            "methodist1",
            "methodist2",
            "secretary",
            "observer",
            "zam1",
            "zam2",
            "zam3",
            "teacher1",
            "teacher2",
            "teacher3",
        ]
        memberships = {
            m.user.username: m
            for m in Membership.objects.filter(user__username__in=shown).select_related(
                "user", "organization"
            )
        }
        self.stdout.write("")
        self.stdout.write(f"Пароль всех демонстрационных пользователей: {orgs_demo.DEMO_PASSWORD}")
        self.stdout.write(f"{'Роль':<38} {'Логин':<12} Организация")
        for username in shown:
            membership = memberships.get(username)
            if membership is None:
                continue
            role = Role(membership.role).label
            self.stdout.write(f"{role:<38} {username:<12} {membership.organization}")
        self.stdout.write("Ответственные в остальных школах района: zam4 … zam39 (тот же пароль).")
        if settings.DEBUG:
            self.stdout.write("Письма записываются в «Журнал почты» (/mail/, вход admin), а не отправляются.")
