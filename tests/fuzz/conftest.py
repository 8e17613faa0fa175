"""Shared pieces of the fuzz tests (issue #10, item 6): one hypothesis settings profile and the checks
every property makes.

The settings are derandomized: the same examples run on every machine and every run, so a failure in CI
is a failure on the developer's machine too. Each test builds its small world once (one `make_district()`
per test function) and feeds it many examples; `function_scoped_fixture` is suppressed on purpose.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def fuzz_settings(max_examples: int) -> Any:
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


def assert_russian(message: Any) -> None:
    """A message shown to a person: not empty, in Russian (at least one Cyrillic letter)."""
    text = str(message)
    assert CYRILLIC.search(text), f"not a Russian message: {text!r}"


# Latin letters that look like Cyrillic ones (and back): "Иванов" typed with a Latin "а" or "о".
LOOKALIKES = "AaBEeKMHOoPpCcTyXx" + "АаВЕеКМНОоРрСсТуХх"
SQL_AND_FTS = [
    '"',
    "*",
    ":",
    "(",
    ")",
    "&",
    "|",
    "!",
    "'",
    " NEAR ",
    " AND ",
    " OR ",
    " NOT ",
    "--",
    ";",
    "%",
    "_",
    "\\",
]

weird_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=LOOKALIKES + " -", max_size=40),
    st.lists(st.sampled_from([*SQL_AND_FTS, "иван", "школа", "1"]), max_size=12).map("".join),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30).map(lambda s: s + "\x00"),
    st.sampled_from(
        ["", " ", "\x00", "\u200b", "\ufeff", "Ё" * 2_500, "а" * 100_000, "٣²¹", "1e308", "-0", "NaN"]
    ),
)


@pytest.fixture
def district() -> Any:
    """The small world of the fuzz tests: built once per test function, shared by all its examples."""
    from imo.orgs.tests.factories import make_district

    return make_district()
