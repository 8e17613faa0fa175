"""Every validator of the project fed random text: it either accepts the value or raises a
ValidationError whose every message is Russian. Any other exception is a 500 on the form that uses it.

The validators: the identifier checks (imo.core.identifiers), the form fields built on them
(imo.core.fields) and the ФИО check (imo.core.names.validate_full_name).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from imo.core import fields, identifiers
from imo.core.names import validate_full_name

from .conftest import LOOKALIKES, assert_russian, fuzz_settings

VALIDATORS: list[Callable[[str], None]] = [
    identifiers.validate_inn,
    identifiers.validate_organization_inn,
    identifiers.validate_ogrn,
    identifiers.validate_snils,
    identifiers.validate_kpp,
    validate_full_name,
]
FIELDS: list[type[forms.Field]] = [
    fields.SnilsField,
    fields.InnField,
    fields.OrganizationInnField,
    fields.OgrnField,
    fields.KppField,
]

# Digits of every script (str.isdigit() is true for all of them, int() only for some), separators people
# type, and letters: the inputs on which a digit check can go wrong.
DIGITS = "0123456789" + "٠١٢٣٤٥٦٧٨٩" + "۰۱۲۳۴۵۶۷۸۹" + "０１２３４５６７８９" + "²³¹⁰" + "①"
identifier_text = st.one_of(
    st.text(alphabet=DIGITS + " -–.", max_size=20),
    st.text(alphabet="0123456789", min_size=9, max_size=15),
    st.text(max_size=20),
    st.text(alphabet="0123456789ABCZАБВ ", max_size=12),
)
name_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=LOOKALIKES + " -'.ё", max_size=40),
    st.lists(
        st.sampled_from(["Иванов", "Пётр", "оглы", "-", "'", ".", " ", "И.", "O'Нил", "\x00"]), max_size=6
    ).map(" ".join),
)


def _accepts_or_russian(check: Callable[[Any], Any], value: Any) -> None:
    try:
        check(value)
    except ValidationError as error:
        for message in error.messages:
            assert_russian(message)


@pytest.mark.parametrize("validator", VALIDATORS, ids=lambda v: v.__name__)
@fuzz_settings(max_examples=150)
@given(value=st.one_of(identifier_text, name_text))
@example(value="²" * 10)
@example(value="²" * 11)
@example(value="²" * 13)
@example(value="\x00" * 11)
@example(value="9" * 100_000)
def test_validator_accepts_or_explains_in_russian(validator, value):
    _accepts_or_russian(validator, value)


@pytest.mark.parametrize("field_class", FIELDS, ids=lambda f: f.__name__)
@fuzz_settings(max_examples=150)
@given(value=st.one_of(identifier_text, st.integers(), st.none(), st.floats(allow_nan=True)))
@example(value="²" * 10)
@example(value="٧٧٠٧٠٨٣٨٩٣")  # a valid ИНН in Arabic-Indic digits
def test_identifier_field_cleans_to_ascii_digits_or_explains(field_class, value):
    field = field_class(required=False)
    try:
        cleaned = field.clean(value)
    except ValidationError as error:
        for message in error.messages:
            assert_russian(message)
    else:
        # What is saved is what a register reads: ASCII digits (and Latin letters in a КПП).
        assert cleaned == "" or (cleaned.isascii() and cleaned.isalnum()), cleaned
