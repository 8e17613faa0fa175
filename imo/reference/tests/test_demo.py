import datetime as dt

import pytest

from imo.reference import demo
from imo.reference.models import AcademicYear

pytestmark = pytest.mark.django_db


def test_demo_seed_adds_years_around_today_once():
    demo.seed(today=dt.date(2026, 5, 20))
    demo.seed(today=dt.date(2026, 5, 20))
    assert list(AcademicYear.objects.order_by("start_year").values_list("start_year", flat=True)) == [
        2022,
        2023,
        2024,
        2025,
        2026,
    ]
