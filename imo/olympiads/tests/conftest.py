from __future__ import annotations

import pytest

from imo.orgs.tests.factories import make_district


@pytest.fixture
def district(db):
    return make_district()
