"""The four catalogues of the reference section, described once for URLs, views, templates and counts.

Subjects and positions are named catalogues with the same pages (list, create, edit, archive, delete);
grades and academic years have their own pages because their rows are not typed in by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from imo.reference.models import AcademicYear, Grade, Position, Subject


@dataclass(frozen=True)
class Catalogue:
    key: str  # the URL segment: /reference/<key>/
    model: type[Any]  # Subject, Position, Grade or AcademicYear
    title: str  # page title, "Предметы"
    description: str  # one line on the index page
    count_forms: str  # Russian plural forms for plural_ru: "предмет,предмета,предметов"
    list_url: str  # URL name of the list page
    named: bool = False  # subjects and positions: rows typed in by hand, pages shared (item_*)
    new_label: str = ""  # the "add" button of named catalogues

    @property
    def url(self) -> str:
        return reverse(self.list_url, args=[self.key]) if self.named else reverse(self.list_url)


SUBJECTS = Catalogue(
    key="subjects",
    model=Subject,
    title="Предметы",
    description="Учебные предметы: по ним ведутся РМО, олимпиады, экзамены и курсы.",
    count_forms="предмет,предмета,предметов",
    list_url="reference:item_list",
    named=True,
    new_label="Добавить предмет",
)
POSITIONS = Catalogue(
    key="positions",
    model=Position,
    title="Должности",
    description="Должности педагогических и руководящих работников.",
    count_forms="должность,должности,должностей",
    list_url="reference:item_list",
    named=True,
    new_label="Добавить должность",
)
GRADES = Catalogue(
    key="grades",
    model=Grade,
    title="Классы (параллели)",
    description="Параллели с 1 по 11 класс.",
    count_forms="параллель,параллели,параллелей",
    list_url="reference:grade_list",
)
ACADEMIC_YEARS = Catalogue(
    key="academic-years",
    model=AcademicYear,
    title="Учебные годы",
    description="Учебный год начинается 1 сентября и заканчивается 31 августа.",
    count_forms="учебный год,учебных года,учебных лет",
    list_url="reference:academic_year_list",
)

# Catalogues of named items (ReferenceItem): their URL segment → description.
NAMED_CATALOGUES: dict[str, Catalogue] = {c.key: c for c in (SUBJECTS, POSITIONS)}
ALL_CATALOGUES: tuple[Catalogue, ...] = (SUBJECTS, POSITIONS, GRADES, ACADEMIC_YEARS)
