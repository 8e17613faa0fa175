import pytest
from hypothesis import given
from hypothesis import strategies as st

from imo.core.names import (
    PersonName,
    PersonNameError,
    full_name,
    initial,
    initials,
    mixed_script_words,
    name_key,
    parse_full_name,
    short_name,
)
from imo.core.text import collapse_spaces


def test_full_and_short_names():
    assert full_name("Магомадов", "Ахмед", "Русланович") == "Магомадов Ахмед Русланович"
    assert full_name(" Магомадов ", "Ахмед", "") == "Магомадов Ахмед"
    assert full_name("Магомадов", None, None) == "Магомадов"
    assert short_name("Магомадов", "Ахмед", "Русланович") == "Магомадов А. Р."
    assert short_name("Магомадов", "Ахмед") == "Магомадов А."
    assert short_name("", "", "") == ""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Иван", "И."),
        ("анна-мария", "А.-М."),
        ("Магомед оглы", "М."),
        ("Ёлка", "Ё."),
        ("", ""),
        (None, ""),
    ],
)
def test_initial(name, expected):
    assert initial(name) == expected


def test_initials_skip_missing_parts():
    assert initials("Ахмед", "") == "А."
    assert initials("", "Русланович") == "Р."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Магомадов Ахмед Русланович", ("Магомадов", "Ахмед", "Русланович")),
        ("  Магомадов \u00a0 Ахмед\tРусланович  ", ("Магомадов", "Ахмед", "Русланович")),
        ("Магомадова Зарема", ("Магомадова", "Зарема", "")),
        ("ИВАНОВА-ПЕТРОВА анна сергеевна", ("Иванова-Петрова", "Анна", "Сергеевна")),
        ("Иванова - Петрова Анна", ("Иванова-Петрова", "Анна", "")),
        ("Иванова–Петрова Анна", ("Иванова-Петрова", "Анна", "")),
        ("Ёлкина Алёна Фёдоровна", ("Ёлкина", "Алёна", "Фёдоровна")),
        ("Алиев Руслан Магомед ОГЛЫ", ("Алиев", "Руслан", "Магомед оглы")),
        ("Алиева Айгюн Магомед кызы", ("Алиева", "Айгюн", "Магомед кызы")),
        ("Магомадов, Ахмед Русланович.", ("Магомадов", "Ахмед", "Русланович")),
        ("Магомадов А.Р.", ("Магомадов", "А.", "Р.")),
        ("Магомадов а. р.", ("Магомадов", "А.", "Р.")),
        ("Д’Артаньян Шарль", ("Д'Артаньян", "Шарль", "")),
        ("МакКвин Стив", ("МакКвин", "Стив", "")),
        ("Алиева Кызы", ("Алиева", "Кызы", "")),  # a particle only after the father's name
    ],
)
def test_parse_full_name(text, expected):
    assert parse_full_name(text) == PersonName(*expected)


def test_parse_keeps_case_when_asked():
    assert parse_full_name("иванов иван", fix_case=False) == PersonName("иванов", "иван")


def test_latin_look_alikes_are_not_converted_but_found():
    # «Ивaнов» with a Latin «a» (U+0061): a different string, left as typed, reported.
    text = "Ив\u0061нов Иван"
    parsed = parse_full_name(text)
    assert parsed.last_name == "Ив\u0061нов" and parsed.last_name != "Иванов"
    assert mixed_script_words(text) == ["Ив\u0061нов"]
    assert mixed_script_words("Иванов Иван") == []
    assert mixed_script_words("Smith John") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Укажите фамилию, имя и отчество."),
        ("   ", "Укажите фамилию, имя и отчество."),
        (None, "Укажите фамилию, имя и отчество."),
        (" - ", "Укажите фамилию, имя и отчество."),
        ("Магомадов", "одно слово «Магомадов»"),
        ("Магомадов 2 Ахмед", "недопустимые символы: «2»"),
        ("Магомадов Ахмед Русланович Иванович", "больше трёх слов"),
        ("Магомадов @хмед", "недопустимые символы"),
    ],
)
def test_parse_rejects_what_is_not_a_name_in_russian(text, message):
    with pytest.raises(PersonNameError) as error:
        parse_full_name(text)
    assert message in str(error.value)
    assert isinstance(error.value, ValueError)


def test_name_key_matches_the_same_person_written_differently():
    assert name_key("ЁЛКИНА", " анна ", "") == name_key("Елкина", "Анна") == "елкина анна"
    assert parse_full_name("Ёлкина  Анна").key == parse_full_name("ЕЛКИНА анна").key
    assert PersonName("Магомадов", "Ахмед", "Русланович").short == "Магомадов А. Р."
    assert PersonName("Магомадов", "Ахмед").full == "Магомадов Ахмед"


# --- properties --------------------------------------------------------------------------------

CYRILLIC_LOWER = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
lower_part = st.text(alphabet=CYRILLIC_LOWER, min_size=2, max_size=12)
capitalised = lower_part.map(lambda part: part[0].upper() + part[1:])
word = st.one_of(capitalised, st.tuples(capitalised, capitalised).map("-".join))
spaces = st.text(alphabet=" \t\u00a0", min_size=1, max_size=3)


maybe_patronymic = st.one_of(st.just(""), capitalised)


@given(last=word, first=word, patronymic=maybe_patronymic, gaps=st.lists(spaces, min_size=4))
def test_parse_reverses_full_name_whatever_the_spaces(last, first, patronymic, gaps):
    parts = [last, first, patronymic] if patronymic else [last, first]
    text = gaps[0] + "".join(part + gap for part, gap in zip(parts, gaps[1:], strict=False))
    parsed = parse_full_name(text)
    assert parsed == PersonName(last, first, patronymic)
    assert parsed.full == collapse_spaces(text)


@given(last=word, first=word, patronymic=capitalised)
def test_any_case_gives_the_same_name(last, first, patronymic):
    text = f"{last} {first} {patronymic}"
    assert parse_full_name(text.upper()) == parse_full_name(text.lower()) == parse_full_name(text)


@given(last=word, first=word, patronymic=maybe_patronymic)
def test_short_name_has_the_surname_and_one_initial_per_name(last, first, patronymic):
    short = short_name(last, first, patronymic)
    assert short.startswith(f"{last} {first[0]}.")
    assert short.count(".") == first.count("-") + 1 + (patronymic.count("-") + 1 if patronymic else 0)


@given(text=st.text(max_size=60))
def test_parse_either_gives_a_name_or_a_russian_error(text):
    try:
        parsed = parse_full_name(text)
    except PersonNameError as error:
        assert str(error)
    else:
        assert parsed.last_name and parsed.first_name
