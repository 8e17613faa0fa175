import datetime as dt

import pytest

from imo.reference.models import AcademicYear, Grade, Subject
from imo.reference.selectors import (
    academic_year_current,
    academic_year_next_start,
    active_items,
    catalogue_counts,
    catalogue_rows,
    item_in_use,
    reverse_relations,
)
from imo.reference.services import academic_year_create, item_archive

pytestmark = pytest.mark.django_db


def test_catalogue_rows_hold_the_archive_too():
    item_archive(item=Subject.objects.get(name="Астрономия"))
    assert catalogue_rows(model=Subject).count() == Subject.objects.count()
    assert catalogue_rows(model=Grade).count() == 11


def test_active_items_hide_the_archive_but_keep_the_current_value():
    archived = Subject.objects.get(name="Астрономия")
    item_archive(item=archived)
    assert archived not in active_items(Subject)
    assert archived in active_items(Subject, keep=archived)
    assert active_items(Grade)[0].number == 1


def test_catalogue_counts():
    item_archive(item=Grade.objects.get(number=1))
    counts = catalogue_counts()
    assert counts["grades"].active == 10 and counts["grades"].archived == 1
    assert counts["subjects"].active == Subject.objects.count()
    assert counts["academic-years"].active == 0


def test_academic_year_current_follows_1_september():
    academic_year_create(start_year=2024)
    academic_year_create(start_year=2025)
    for day, start in ((dt.date(2025, 8, 31), 2024), (dt.date(2025, 9, 1), 2025)):
        year = academic_year_current(day)
        assert year is not None and year.start_year == start
    assert academic_year_current(dt.date(2027, 1, 1)) is None


def test_academic_year_next_start():
    today = dt.date(2026, 3, 10)
    assert academic_year_next_start(today) == 2025  # the current one is missing: offer it first
    academic_year_create(start_year=2025)
    assert academic_year_next_start(today) == 2026
    academic_year_create(start_year=2026)
    assert academic_year_next_start(today) == 2027
    AcademicYear.objects.all().delete()
    academic_year_create(start_year=2019)
    assert academic_year_next_start(today) == 2025


def test_item_in_use_is_false_without_references():
    assert not item_in_use(Subject.objects.get(name="Физика"))
    assert not item_in_use(Grade.objects.get(number=5))


def test_item_in_use_sees_a_hidden_protect_reference(usage_model):
    assert any(relation.related_model is usage_model for relation in reverse_relations(Subject))
    physics, chemistry = Subject.objects.get(name="Физика"), Subject.objects.get(name="Химия")
    usage_model.objects.create(subject=physics)
    assert item_in_use(physics)
    assert not item_in_use(chemistry)


def test_the_throwaway_model_leaves_no_trace():
    """Runs after the tests above: the model of `usage_model` is gone from the registry."""
    names = [getattr(relation.related_model, "__name__", "") for relation in reverse_relations(Subject)]
    assert "SubjectUsage" not in names
