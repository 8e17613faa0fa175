import datetime as dt
import random

from imo.attestation import demo
from imo.attestation.models import QualificationCategory, default_valid_until
from imo.attestation.services import category_clean
from imo.staff.tests.factories import make_educator

TODAY = dt.date(2026, 11, 25)


def test_demo_history_is_realistic_and_valid(district):
    for _ in range(120):
        make_educator(municipality=district.municipality, school=district.school_a)
    result = demo.seed(rng=random.Random(7), today=TODAY)
    categories = list(QualificationCategory.objects.all())
    assert result.categories == len(categories) and result.conformity > 10
    current = {}
    for category in sorted(categories, key=lambda c: c.awarded_on):
        assert category.awarded_on <= TODAY
        assert category.valid_until == default_valid_until(category.awarded_on)
        if category.kind in ("first", "highest"):
            current[category.educator_id] = category.kind
        category_clean(category, today=TODAY)  # методист / наставник only on top of a valid highest
    highest = sum(1 for kind in current.values() if kind == "highest")
    first = sum(1 for kind in current.values() if kind == "first")
    assert 20 <= highest <= 55 and 25 <= first <= 65
    expiring = [c for c in categories if c.valid_until and TODAY <= c.valid_until <= TODAY.replace(year=2028)]
    assert len(expiring) >= 15
