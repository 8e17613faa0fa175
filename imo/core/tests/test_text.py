from imo.core.templatetags.imo import plural_ru
from imo.core.text import collapse_spaces, fold, russian_sort_key


def test_fold_ignores_case_yo_and_extra_spaces():
    assert fold("  Ёлкин\u00a0 Пётр  ") == "елкин петр"
    assert fold(None) == ""


def test_collapse_spaces():
    assert collapse_spaces(" СОШ  №\t1 ") == "СОШ № 1"


def test_russian_sort_key_puts_yo_with_ye_and_cyrillic_in_alphabet_order():
    names = ["Ёлкин", "Яковлев", "Абаев", "Елисеев", "Жуков", "ежов"]
    assert sorted(names, key=russian_sort_key) == ["Абаев", "ежов", "Елисеев", "Ёлкин", "Жуков", "Яковлев"]


def test_plural_ru():
    forms = "организация,организации,организаций"
    assert [plural_ru(n, forms) for n in (1, 2, 5, 11, 21, 22, 112)] == [
        "организация",
        "организации",
        "организаций",
        "организаций",
        "организация",
        "организации",
        "организаций",
    ]


def test_numero_sign_sorts_before_letters():
    assert sorted(["СОШ с. Бельты", "СОШ № 1"], key=russian_sort_key) == ["СОШ № 1", "СОШ с. Бельты"]
