"""The demo district (and the region-scale data set for benchmarks): organisations and their users.

District: Чеченская Республика → Курчалоевский муниципальный район → the schools of
orgs/data/kurchaloy-district.json. Region: the same plus 16 more municipalities with generated schools
(~500 organisations), and users for each municipality and school.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from imo.accounts.demo import random_person
from imo.orgs.models import Membership, Organization, Role
from imo.orgs.services import organization_create

_DISTRICT_FILE = Path(__file__).resolve().parent / "data" / "kurchaloy-district.json"

# The other municipalities of the Chechen Republic with their centres (for generated schools).
OTHER_MUNICIPALITIES = (
    ("г. Грозный", "Грозный (городской округ)", "г. Грозный", 90),
    ("г. Аргун", "Аргун (городской округ)", "г. Аргун", 12),
    ("Ачхой-Мартановский муниципальный район", "Ачхой-Мартановский район", "с. Ачхой-Мартан", 28),
    ("Веденский муниципальный район", "Веденский район", "с. Ведено", 26),
    ("Грозненский муниципальный район", "Грозненский район", "с. Толстой-Юрт", 34),
    ("Гудермесский муниципальный район", "Гудермесский район", "г. Гудермес", 46),
    ("Итум-Калинский муниципальный район", "Итум-Калинский район", "с. Итум-Кали", 12),
    ("Надтеречный муниципальный район", "Надтеречный район", "с. Знаменское", 24),
    ("Наурский муниципальный район", "Наурский район", "ст. Наурская", 24),
    ("Ножай-Юртовский муниципальный район", "Ножай-Юртовский район", "с. Ножай-Юрт", 30),
    ("Серноводский муниципальный район", "Серноводский район", "с. Серноводское", 14),
    ("Урус-Мартановский муниципальный район", "Урус-Мартановский район", "г. Урус-Мартан", 42),
    ("Шалинский муниципальный район", "Шалинский район", "г. Шали", 39),
    ("Шаройский муниципальный район", "Шаройский район", "с. Химой", 8),
    ("Шатойский муниципальный район", "Шатойский район", "с. Шатой", 12),
    ("Шелковской муниципальный район", "Шелковской район", "ст. Шелковская", 20),
)


def district_data() -> dict[str, Any]:
    return json.loads(_DISTRICT_FILE.read_text(encoding="utf-8"))


def _inn(rng: random.Random) -> str:
    """A valid 10-digit ИНН of an organisation of the Chechen Republic (prefix 20)."""
    body = "20" + "".join(str(rng.randint(0, 9)) for _ in range(7))
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return body + str(sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11 % 10)


def _ogrn(rng: random.Random) -> str:
    body = "1022000" + "".join(str(rng.randint(0, 9)) for _ in range(5))
    return body + str(int(body) % 11 % 10)


def _phone(rng: random.Random) -> str:
    return f"+7 (928) {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"


def _school_data(
    rng: random.Random, parent: Organization, item: dict[str, str], postcode: str
) -> dict[str, Any]:
    director = random_person(rng)
    return {
        "parent": parent,
        "kind": item["kind"],
        "name": item["name"],
        "short_name": item["short_name"],
        "settlement": item["settlement"],
        "inn": _inn(rng),
        "ogrn": _ogrn(rng),
        "address": f"{postcode}, Чеченская Республика, {item['settlement']}, ул. {rng.choice(_STREETS)}, "
        f"д. {rng.randint(1, 60)}",
        "director": f"{director.last_name} {director.first_name} {director.patronymic}",
        "phone": _phone(rng),
        "email": f"school{rng.randint(1000, 9999)}@example.ru",
    }


_STREETS = (
    "А. Кадырова",
    "Школьная",
    "Центральная",
    "Мира",
    "Садовая",
    "Х. Нурадилова",
    "Шоссейная",
    "Молодёжная",
)


@dataclass
class DemoOrganizations:
    region: Organization
    municipality: Organization  # the demo district (Курчалоевский район)
    schools: list[Organization]
    other_municipalities: list[tuple[Organization, list[Organization]]] = field(default_factory=list)


def seed_organizations(*, rng: random.Random, scale: str) -> DemoOrganizations:
    data = district_data()
    region = organization_create(
        data={
            "kind": Organization.Kind.REGION,
            "name": data["region"]["name"],
            "short_name": data["region"]["name"],
        }
    )
    municipality = organization_create(
        data={
            "parent": region,
            "kind": Organization.Kind.MUNICIPALITY,
            "name": data["municipality"]["education_department"],
            "short_name": data["municipality"]["name"],
            "settlement": "г. Курчалой",
            "address": f"{data['municipality']['postcode']}, Чеченская Республика, г. Курчалой, "
            "ул. А. Кадырова, д. 1",
            "inn": _inn(rng),
            "phone": _phone(rng),
            "email": "imo-kurchaloy@example.ru",
        }
    )
    postcode = data["municipality"]["postcode"]
    schools = [
        organization_create(data=_school_data(rng, municipality, item, postcode)) for item in data["schools"]
    ]
    result = DemoOrganizations(region, municipality, schools)
    if scale == "region":
        for name, short, centre, count in OTHER_MUNICIPALITIES:
            other = organization_create(
                data={
                    "parent": region,
                    "kind": Organization.Kind.MUNICIPALITY,
                    "name": f"Управление образования: {name}",
                    "short_name": short,
                    "settlement": centre,
                }
            )
            items = [
                {
                    "kind": Organization.Kind.SCHOOL,
                    "name": f"МБОУ «СОШ № {n} {centre}»",
                    "short_name": f"СОШ № {n} {centre}",
                    "settlement": centre,
                }
                for n in range(1, count - 1)
            ] + [
                {
                    "kind": Organization.Kind.KINDERGARTEN,
                    "name": f"МБДОУ «Детский сад № 1 {centre}»",
                    "short_name": f"Детский сад № 1 {centre}",
                    "settlement": centre,
                },
                {
                    "kind": Organization.Kind.ADDITIONAL_EDUCATION,
                    "name": f"МБУ ДО «ЦДТ {centre}»",
                    "short_name": f"ЦДТ {centre}",
                    "settlement": centre,
                },
            ]
            result.other_municipalities.append(
                (
                    other,
                    [organization_create(data=_school_data(rng, other, item, "366000")) for item in items],
                )
            )
    return result


DEMO_PASSWORD = "imo-demo-2026"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    where: str


def _user(username: str, rng: random.Random, password_hash: str, **extra: Any) -> Any:
    person = random_person(rng)
    user = get_user_model()(
        username=username,
        email=f"{username}@example.ru",
        last_name=person.last_name,
        first_name=person.first_name,
        patronymic=person.patronymic,
        password=password_hash,
        **extra,
    )
    user.refresh_search_text()
    return user


def seed_users(*, rng: random.Random, orgs: DemoOrganizations) -> list[DemoLogin]:
    """Users for every role. One password hash for all (hashing thousands with argon2 would take minutes)."""
    password_hash = make_password(DEMO_PASSWORD)
    model = get_user_model()
    plan: list[tuple[Any, Organization, str]] = []
    logins: list[DemoLogin] = []

    def add(username: str, organization: Organization, role: str, *, show: bool = True, **extra: Any) -> None:
        plan.append((_user(username, rng, password_hash, **extra), organization, role))
        if show:
            logins.append(DemoLogin(Role(role).label, username, str(organization)))

    add("admin", orgs.region, Role.ADMIN, is_staff=True, is_superuser=True)
    add("head", orgs.municipality, Role.HEAD)
    add("methodist1", orgs.municipality, Role.METHODIST)
    add("methodist2", orgs.municipality, Role.METHODIST)
    add("secretary", orgs.municipality, Role.SECRETARY)
    add("observer", orgs.municipality, Role.OBSERVER)
    for number, school in enumerate(orgs.schools, start=1):
        add(f"zam{number}", school, Role.SCHOOL_ADMIN, show=number <= 3)
    for number, school in enumerate(orgs.schools[:3], start=1):
        add(f"teacher{number}", school, Role.TEACHER)
    for index, (municipality, schools) in enumerate(orgs.other_municipalities, start=1):
        add(f"head_m{index}", municipality, Role.HEAD, show=False)
        add(f"methodist_m{index}", municipality, Role.METHODIST, show=False)
        add(f"observer_m{index}", municipality, Role.OBSERVER, show=False)
        for number, school in enumerate(schools, start=1):
            add(f"zam_m{index}_{number}", school, Role.SCHOOL_ADMIN, show=False)
            add(f"teacher_m{index}_{number}", school, Role.TEACHER, show=False)
    users = model.objects.bulk_create([user for user, _, _ in plan], batch_size=500)
    Membership.objects.bulk_create(
        [
            Membership(user=user, organization=org, role=role)
            for user, (_, org, role) in zip(users, plan, strict=True)
        ],
        batch_size=1000,
    )
    return logins
