"""Synthetic people for the demo: plausible names of the Chechen Republic (and a few Russian ones)."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

_NAMES_FILE = Path(__file__).resolve().parent / "data" / "names.json"


@cache
def _names() -> dict[str, Any]:
    return json.loads(_NAMES_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class PersonName:
    last_name: str
    first_name: str
    patronymic: str
    sex: str  # "male" / "female"


def random_person(rng: random.Random, sex: str | None = None) -> PersonName:
    names = _names()
    sex = sex or rng.choice(("male", "female"))
    russian = rng.random() < 0.05
    pool = names["russian"] if russian else names
    fathers = pool["male"] if russian else pool["male_given_with_patronymics"]
    surnames = pool["surnames"] if russian else pool["surnames_male_form"]
    father = rng.choice(fathers)
    surname = rng.choice(surnames)
    if sex == "male":
        given = rng.choice(fathers)[0]
        return PersonName(surname, given, father[1], sex)
    given = rng.choice(pool["female"] if russian else pool["female_given"])
    female_surname = surname if surname.endswith(("а", "я", "о", "и", "ь")) else surname + "а"
    return PersonName(female_surname, given, father[2], sex)
