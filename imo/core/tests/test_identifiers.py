import pytest
from django.core.exceptions import ValidationError

from imo.core.identifiers import (
    digits_only,
    format_snils,
    inn_is_valid,
    ogrn_is_valid,
    snils_is_valid,
    validate_inn,
    validate_kpp,
    validate_ogrn,
    validate_organization_inn,
    validate_snils,
)


def test_snils_vector_from_the_regulation():
    assert snils_is_valid("11223344595")
    assert not snils_is_valid("11223344596")
    validate_snils("112-233-445 95")
    assert format_snils("11223344595") == "112-233-445 95"


def test_inn_ten_and_twelve_digits():
    assert inn_is_valid("7707083893")  # a well-known organisation ИНН
    assert not inn_is_valid("7707083894")
    assert inn_is_valid("500100732259")  # a well-known personal ИНН
    assert not inn_is_valid("500100732258")


def test_ogrn_and_ogrnip():
    assert ogrn_is_valid("1027700132195")
    assert not ogrn_is_valid("1027700132194")
    assert ogrn_is_valid("304500116000157")


def test_validators_accept_formatting_and_give_russian_messages():
    validate_inn("77 0708 3893")
    validate_ogrn("1027700132195")
    assert digits_only(" 770-708 3893 ") == "7707083893"
    with pytest.raises(ValidationError, match="контрольное число"):
        validate_inn("7707083894")
    with pytest.raises(ValidationError, match="10 цифр"):
        validate_organization_inn("500100732259")
    with pytest.raises(ValidationError, match="13 цифр"):
        validate_ogrn("12345")


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (validate_inn, "²" * 10),  # str.isdigit() is true for superscripts, int() raised ValueError (a 500)
        (validate_organization_inn, "²" * 10),
        (validate_snils, "²" * 11),
        (validate_ogrn, "²" * 13),
        (validate_inn, "٧٧٠٧٠٨٣٨٩٣"),  # a valid ИНН in Arabic-Indic digits must not pass as one
        (validate_kpp, "٧٧٠٧٠١٠٠١"),
    ],
)
def test_non_ascii_digits_are_a_russian_validation_error(check, value):
    with pytest.raises(ValidationError, match=r"[а-яё]"):
        check(value)
