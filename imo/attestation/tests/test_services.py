import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from imo.attestation.models import QualificationCategory
from imo.attestation.services import (
    MSG_FUTURE,
    MSG_NEEDS_HIGHEST,
    MSG_UNTIL_BEFORE,
    category_save,
    conformity_save,
    exemption_save,
)
from imo.staff.tests.factories import make_educator

Kind = QualificationCategory.Kind


@pytest.fixture
def educator(district):
    return make_educator(municipality=district.municipality, school=district.school_a)


def messages(error: ValidationError) -> list[str]:
    return [m for values in error.message_dict.values() for m in values]


def test_default_term_by_the_rule(educator):
    old = category_save(educator=educator, kind=Kind.FIRST, awarded_on=dt.date(2021, 3, 1), default_term=True)
    assert old.valid_until == dt.date(2026, 3, 1)
    new = category_save(educator=educator, kind=Kind.FIRST, awarded_on=dt.date(2024, 3, 1), default_term=True)
    assert new.valid_until is None


def test_future_date_refused(educator):
    with pytest.raises(ValidationError) as caught:
        category_save(
            educator=educator, kind=Kind.FIRST, awarded_on=timezone.localdate() + dt.timedelta(days=1)
        )
    assert MSG_FUTURE in messages(caught.value)
    assert not QualificationCategory.objects.exists()


def test_valid_until_before_award_refused(educator):
    with pytest.raises(ValidationError) as caught:
        category_save(
            educator=educator,
            kind=Kind.FIRST,
            awarded_on=dt.date(2022, 3, 1),
            valid_until=dt.date(2022, 2, 1),
        )
    assert MSG_UNTIL_BEFORE in messages(caught.value)
    assert not QualificationCategory.objects.exists()


@pytest.mark.parametrize("kind", [Kind.METHODIST, Kind.MENTOR])
def test_methodist_and_mentor_need_a_valid_highest(educator, kind):
    with pytest.raises(ValidationError) as caught:
        category_save(educator=educator, kind=kind, awarded_on=dt.date(2024, 3, 1))
    assert MSG_NEEDS_HIGHEST in messages(caught.value)
    category_save(educator=educator, kind=Kind.HIGHEST, awarded_on=dt.date(2018, 3, 1), default_term=True)
    with pytest.raises(ValidationError):  # the highest ended on 01.03.2023
        category_save(educator=educator, kind=kind, awarded_on=dt.date(2024, 3, 1))
    category_save(educator=educator, kind=Kind.HIGHEST, awarded_on=dt.date(2023, 10, 1))
    saved = category_save(educator=educator, kind=kind, awarded_on=dt.date(2024, 3, 1))
    assert saved.pk


def test_conformity_and_exemption(educator):
    with pytest.raises(ValidationError) as caught:
        conformity_save(educator=educator, date=timezone.localdate() + dt.timedelta(days=3))
    assert "Дата аттестации не может быть в будущем." in messages(caught.value)
    assert conformity_save(educator=educator, date=dt.date(2023, 5, 1), order_number="12-к").pk
    with pytest.raises(ValidationError):
        exemption_save(educator=educator, basis="diagnosis", until=dt.date(2027, 1, 1))
    assert exemption_save(educator=educator, basis="parental", until=dt.date(2027, 1, 1)).pk
