import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from imo.reference import services
from imo.reference.models import AcademicYear, Grade, Position, Subject, academic_year_start
from imo.reference.selectors import current_academic_year_start
from imo.reference.services import (
    IN_USE_MESSAGE,
    academic_year_create,
    academic_year_ensure,
    item_archive,
    item_create,
    item_delete,
    item_unarchive,
    item_update,
)

pytestmark = pytest.mark.django_db


def test_seed_fills_the_catalogues_with_searchable_names():
    assert Subject.objects.filter(name="Русский язык", is_olympiad=True).exists()
    assert Position.objects.filter(name="Учитель").exists()
    assert list(Grade.objects.values_list("number", flat=True)) == list(range(1, 12))
    assert not Subject.objects.filter(search_text="").exists()
    assert Subject.objects.get(name="Русский язык").search_text == "русский язык"


def test_item_create_tidies_the_name_and_folds_it_for_search():
    subject = item_create(
        model=Subject, data={"name": "  Родной\u00a0 язык ", "is_olympiad": False, "order": 5}
    )
    assert subject.name == "Родной язык"
    assert subject.search_text == "родной язык"
    assert subject.order == 5 and not subject.is_archived


def test_item_create_refuses_a_name_that_differs_only_in_case_or_yo():
    item_create(model=Position, data={"name": "Учёный секретарь"})
    with pytest.raises(ValidationError) as error:
        item_create(model=Position, data={"name": "учёный  СЕКРЕТАРЬ"})
    assert error.value.message_dict["name"] == ["В справочнике уже есть «Учёный секретарь»."]
    with pytest.raises(ValidationError):
        item_create(model=Position, data={"name": "Ученый секретарь"})


def test_item_create_requires_a_name():
    with pytest.raises(ValidationError) as error:
        item_create(model=Subject, data={"name": "   "})
    assert "name" in error.value.message_dict


def test_item_update_keeps_its_own_name_and_ignores_fields_the_model_lacks():
    position = Position.objects.get(name="Учитель")
    item_update(item=position, data={"name": "Учитель", "order": 99, "is_olympiad": True})
    position.refresh_from_db()
    assert position.order == 99


def _archive_and_back(item):
    item_archive(item=item)
    item.refresh_from_db()
    assert item.is_archived
    with pytest.raises(ValidationError):
        item_archive(item=item)
    item_unarchive(item=item)
    item.refresh_from_db()
    assert not item.is_archived
    with pytest.raises(ValidationError):
        item_unarchive(item=item)


def test_archive_and_unarchive_work_for_every_catalogue():
    _archive_and_back(Subject.objects.get(name="Астрономия"))
    _archive_and_back(Position.objects.get(name="Учитель"))
    _archive_and_back(Grade.objects.get(number=11))
    _archive_and_back(academic_year_create(start_year=2001))


def test_the_current_academic_year_cannot_be_archived():
    current = academic_year_ensure(on=dt.date.today())
    with pytest.raises(ValidationError, match="Текущий учебный год"):
        item_archive(item=current)
    past = academic_year_create(start_year=current.start_year - 1)
    item_archive(item=past)
    assert AcademicYear.objects.get(pk=past.pk).is_archived


def test_an_unused_item_is_deleted():
    subject = item_create(model=Subject, data={"name": "Черчение"})
    item_delete(item=subject)
    assert not Subject.objects.filter(name="Черчение").exists()


def test_delete_refuses_an_item_in_use_and_keeps_it(usage_model):
    used = Subject.objects.get(name="Физика")
    usage_model.objects.create(subject=used)
    with pytest.raises(ValidationError) as error:
        item_delete(item=used)
    assert error.value.messages == [IN_USE_MESSAGE]
    assert Subject.objects.filter(pk=used.pk).exists()
    # …and archiving is the way out.
    item_archive(item=used)
    assert Subject.objects.get(pk=used.pk).is_archived


def test_delete_turns_a_protected_error_into_the_same_refusal(usage_model, monkeypatch):
    """A reference that appears after the check (another user, another request) is caught by the delete."""
    used = Subject.objects.get(name="Химия")
    usage_model.objects.create(subject=used)
    monkeypatch.setattr(services, "item_in_use", lambda item: False)
    with pytest.raises(ValidationError) as error:
        item_delete(item=used)
    assert error.value.messages == [IN_USE_MESSAGE]
    assert Subject.objects.filter(pk=used.pk).exists()


def test_delete_refusal_when_the_model_raises_protected_error(monkeypatch):
    subject = Subject.objects.get(name="Право")

    def protected(self, *args, **kwargs):
        raise ProtectedError("used", set())

    monkeypatch.setattr(Subject, "delete", protected)
    with pytest.raises(ValidationError, match="можно только отправить в архив"):
        item_delete(item=subject)


def test_academic_year_create_fills_1_september_to_31_august():
    year = academic_year_create(start_year=2030)
    assert (year.starts_on, year.ends_on) == (dt.date(2030, 9, 1), dt.date(2031, 8, 31))
    assert str(year) == "2030/2031"


def test_academic_year_create_refuses_duplicates_and_odd_years():
    academic_year_create(start_year=2030)
    with pytest.raises(ValidationError) as error:
        academic_year_create(start_year=2030)
    assert error.value.message_dict["start_year"] == ["Учебный год 2030/2031 уже есть."]
    with pytest.raises(ValidationError):
        academic_year_create(start_year=1812)


@pytest.mark.parametrize(
    ("day", "start"),
    [(dt.date(2025, 8, 31), 2024), (dt.date(2025, 9, 1), 2025), (dt.date(2026, 1, 15), 2025)],
)
def test_academic_year_ensure_adds_the_year_containing_the_day_once(day, start):
    year = academic_year_ensure(on=day)
    assert year.start_year == start == academic_year_start(day)
    assert year.contains(day)
    assert academic_year_ensure(on=day).pk == year.pk
    assert AcademicYear.objects.count() == 1


def test_current_academic_year_start_defaults_to_today():
    assert current_academic_year_start() == academic_year_start(dt.date.today())
