"""The educators list and its export: who sees it, every filter (band edges on a chosen date), search,
Russian order, masking, the Excel file and its entry in the personal-data access log, and a fixed
number of queries per page."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imo.staff.models import EducationRecord, Educator, PersonalDataAccess
from imo.staff.selectors import educators_visible_to
from imo.staff.services import education_record_save, employment_end
from imo.staff.tests.factories import make_educator, make_employment, snils_with_check

ON = dt.date(2026, 1, 15)  # the date most tests compute the list for


# --- helpers ----------------------------------------------------------------------------------------


def _person(district, school=None, **data):
    return make_educator(municipality=district.municipality, school=school, **data)


def _get(client, user, params=None, **headers):
    client.force_login(user)
    response = client.get(reverse("staff:list"), params or {}, **headers)
    assert response.status_code == 200
    return response


def _names(response):
    """The full names in the rows, in order (the link text of the first cell)."""
    body = response.content.decode().split("<tbody>", 1)[-1]
    return re.findall(r'hx-boost="false">([^<]+)</a></td>', body)


def _listed(client, district, params=None, user="head"):
    return _names(_get(client, district.user(user), {"on": ON.isoformat(), **(params or {})}))


def _export_rows(client, user, params=None):
    client.force_login(user)
    response = client.get(reverse("staff:export"), params or {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


# --- access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["head", "methodist", "secretary", "observer", "admin", "school_admin_a"])
def test_roles_that_see_and_export_the_list(client, district, key):
    client.force_login(district.user(key))
    assert client.get(reverse("staff:list")).status_code == 200
    assert client.get(reverse("staff:export")).status_code == 200


@pytest.mark.parametrize("key", ["teacher_a", "no_role"])
def test_teacher_and_no_role_get_403(client, district, key):
    client.force_login(district.user(key))
    assert client.get(reverse("staff:list")).status_code == 403
    assert client.get(reverse("staff:export")).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_anonymous_is_sent_to_login(client, district):
    for name in ("staff:list", "staff:export"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_url_names():
    assert reverse("staff:list") == "/staff/"
    assert reverse("staff:export") == "/staff/export/"


def test_editors_get_the_add_and_import_buttons(client, district):
    html = _get(client, district.user("head")).content.decode()
    assert f'href="{reverse("staff:create")}"' in html and f'href="{reverse("staff:import")}"' in html
    html = _get(client, district.user("observer")).content.decode()
    assert reverse("staff:create") not in html and reverse("staff:import") not in html


def test_each_role_sees_its_scope(client, district):
    _person(district, district.school_a, last_name="Алиева")
    _person(district, district.school_b, last_name="Бисаева")
    both = _person(district, district.school_b, last_name="Вахаева")
    make_employment(both, district.school_a, is_main=False)
    assert _listed(client, district) == [
        "Алиева Мария Ивановна",
        "Бисаева Мария Ивановна",
        "Вахаева Мария Ивановна",
    ]
    assert [n.split()[0] for n in _listed(client, district, user="school_admin_a")] == ["Алиева", "Вахаева"]
    assert [n.split()[0] for n in _listed(client, district, user="school_admin_b")] == ["Бисаева", "Вахаева"]
    assert [n.split()[0] for n in _listed(client, district, user="observer")] == [
        "Алиева",
        "Бисаева",
        "Вахаева",
    ]


def test_school_admin_cannot_filter_their_way_into_another_school(client, district):
    _person(district, district.school_b, last_name="Бисаева")
    response = _get(
        client, district.user("school_admin_a"), {"organization": district.school_b.pk, "status": "all"}
    )
    assert _names(response) == []
    # A school admin has one school: no organisation filter is offered.
    assert 'name="organization"' not in response.content.decode()


def test_everyone_listed_is_someone_whose_personal_data_the_user_may_see(client, district):
    """The export holds full birth dates and СНИЛС: this is what makes that right."""
    _person(district, district.school_a, last_name="Алиева")
    _person(district, district.school_b, last_name="Бисаева")
    _person(district, last_name="Без-работы")
    for key in ("head", "observer", "school_admin_a", "school_admin_b"):
        user = district.user(key)
        rows = list(educators_visible_to(user=user))
        assert rows and all(user.has_perm("staff.view_personal_data", row) for row in rows)


# --- the date and the employment filters -------------------------------------------------------------


@pytest.fixture
def staff(district):
    """Four people in the district on 15.01.2026 (see each line)."""
    a = _person(district, district.school_a, last_name="Алиева", position="Учитель", subjects=("Математика",))
    # A math teacher at B and a psychologist at A (part-time).
    b = _person(
        district,
        district.school_b,
        last_name="Бисаева",
        position="Учитель",
        subjects=("Математика", "Физика"),
    )
    make_employment(b, district.school_a, position="Педагог-психолог", is_main=False)
    # Left school A on 31.12.2025.
    c = _person(district, district.school_a, last_name="Вахаева", position="Учитель", subjects=("Химия",))
    employment_end(employment=c.employments.get(), ends_on=dt.date(2025, 12, 31), reason="Увольнение")
    # Starts at B on 01.02.2026.
    d = _person(district, district.school_b, last_name="Гаева", starts_on=dt.date(2026, 2, 1))
    return {"a": a, "b": b, "c": c, "d": d}


def _surnames(client, district, params=None, user="head"):
    return [name.split()[0] for name in _listed(client, district, params, user)]


def test_status_is_for_the_date_of_the_list(client, district, staff):
    assert _surnames(client, district) == ["Алиева", "Бисаева"]  # working on 15.01.2026 (the default)
    assert _surnames(client, district, {"status": "left"}) == ["Вахаева", "Гаева"]
    assert _surnames(client, district, {"status": "all"}) == ["Алиева", "Бисаева", "Вахаева", "Гаева"]
    assert _surnames(client, district, {"on": "2025-12-31"}) == ["Алиева", "Бисаева", "Вахаева"]
    assert _surnames(client, district, {"on": "2026-02-01"}) == ["Алиева", "Бисаева", "Гаева"]


def test_the_date_defaults_to_today_and_is_kept_in_links(client, district, staff):
    response = _get(client, district.user("head"), {"on": "2025-12-31", "sort": "-name"})
    html = response.content.decode()
    assert 'value="2025-12-31"' in html
    assert "/staff/export/?on=2025-12-31&amp;sort=-name" in html
    # «Сбросить» drops the filters, not the date.
    assert 'href="/staff/?on=2025-12-31&amp;sort=-name">Сбросить' in html
    # Today: no date in the links, and the field shows today.
    from django.utils import timezone

    html = _get(client, district.user("head")).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in html
    assert "?on=" not in html and "&amp;on=" not in html


def test_organization_filter(client, district, staff):
    school_a, school_b = district.school_a.pk, district.school_b.pk
    assert _surnames(client, district, {"organization": school_a}) == ["Алиева", "Бисаева"]
    assert _surnames(client, district, {"organization": school_b}) == ["Бисаева"]
    assert _surnames(client, district, {"organization": [school_a, school_b]}) == ["Алиева", "Бисаева"]
    # Worked there (on the date or before): those who left are found with «все» and «не работают».
    assert _surnames(client, district, {"organization": school_a, "status": "all"}) == [
        "Алиева",
        "Бисаева",
        "Вахаева",
    ]
    assert _surnames(client, district, {"organization": school_a, "status": "left"}) == ["Вахаева"]


def test_position_and_subject_filters(client, district, staff):
    from imo.reference.models import Position, Subject

    teacher = Position.objects.get(name="Учитель").pk
    psychologist = Position.objects.get(name="Педагог-психолог").pk
    math = Subject.objects.get(name="Математика").pk
    physics = Subject.objects.get(name="Физика").pk
    assert _surnames(client, district, {"position": teacher}) == ["Алиева", "Бисаева"]
    assert _surnames(client, district, {"position": psychologist}) == ["Бисаева"]
    assert _surnames(client, district, {"subject": physics}) == ["Бисаева"]
    assert _surnames(client, district, {"subject": [math, physics]}) == ["Алиева", "Бисаева"]
    assert _surnames(client, district, {"subject": math, "status": "all"}) == ["Алиева", "Бисаева"]


def test_employment_conditions_hold_for_one_employment(client, district, staff):
    """Бисаева is a teacher (at B) and works at A (as a psychologist): not «a teacher at A»."""
    from imo.reference.models import Position

    teacher = Position.objects.get(name="Учитель").pk
    params = {"organization": district.school_a.pk, "position": teacher}
    assert _surnames(client, district, params) == ["Алиева"]
    assert _surnames(client, district, {"organization": district.school_a.pk, "kind": "part"}) == ["Бисаева"]


def test_main_and_part_time(client, district, staff):
    assert _surnames(client, district, {"kind": "main"}) == ["Алиева", "Бисаева"]
    assert _surnames(client, district, {"kind": "part"}) == ["Бисаева"]


def test_school_admin_status_and_kind_look_at_their_school_only(client, district, staff):
    # At school A, Бисаева is a part-timer (her main post is at B).
    assert _surnames(client, district, {"kind": "main"}, user="school_admin_a") == ["Алиева"]
    assert _surnames(client, district, {"kind": "part"}, user="school_admin_a") == ["Бисаева"]


def test_workplaces_positions_and_subjects_are_those_of_the_date(client, district, staff):
    response = _get(client, district.user("head"), {"on": ON.isoformat(), "q": "бисаева"})
    row = response.content.decode().split("<tbody>", 1)[1].split("</tr>", 1)[0]
    # Main post first, then the part-time one marked «совм.».
    assert row.index(district.school_b.short_name) < row.index(district.school_a.short_name)
    assert 'title="совместительство">совм.</abbr>' in row
    assert "Учитель; Педагог-психолог" in row and "Математика, Физика" in row
    # Before Гаева starts, her future post is not shown.
    response = _get(client, district.user("head"), {"on": ON.isoformat(), "q": "гаева", "status": "all"})
    assert district.school_b.short_name not in response.content.decode().split("<tbody>", 1)[1]


# --- the person's filters -----------------------------------------------------------------------------


def test_sex_filter(client, district):
    _person(district, district.school_a, last_name="Алиева")
    _person(district, district.school_a, last_name="Алиев", sex=Educator.Sex.MALE)
    assert _surnames(client, district, {"sex": "male"}) == ["Алиев"]
    assert _surnames(client, district, {"sex": "female"}) == ["Алиева"]


def test_age_bands_on_the_chosen_date_edges_included(client, district):
    # On 15.01.2026: 30 today, 29 until tomorrow, 24 until tomorrow, 65 today, no birth date.
    _person(district, district.school_a, last_name="Тридцать", birth_date=dt.date(1996, 1, 15))
    _person(district, district.school_a, last_name="Двадцать-девять", birth_date=dt.date(1996, 1, 16))
    _person(district, district.school_a, last_name="Двадцать-четыре", birth_date=dt.date(2001, 1, 16))
    _person(district, district.school_a, last_name="Шестьдесят-пять", birth_date=dt.date(1961, 1, 15))
    _person(district, district.school_a, last_name="Без-даты", birth_date=None)
    assert _surnames(client, district, {"age": "30-34"}) == ["Тридцать"]
    assert _surnames(client, district, {"age": "25-29"}) == ["Двадцать-девять"]
    assert _surnames(client, district, {"age": "-25"}) == ["Двадцать-четыре"]
    assert _surnames(client, district, {"age": "65+"}) == ["Шестьдесят-пять"]
    assert _surnames(client, district, {"age": ["-25", "65+"]}) == ["Двадцать-четыре", "Шестьдесят-пять"]
    # A day later Двадцать-девять turns 30.
    assert _surnames(client, district, {"age": "30-34", "on": "2026-01-16"}) == [
        "Двадцать-девять",
        "Тридцать",
    ]


def test_experience_bands_and_early_career_on_the_chosen_date(client, district):
    _person(district, district.school_a, last_name="Три-года", teaching_experience_start=dt.date(2023, 1, 15))
    _person(district, district.school_a, last_name="Два-года", teaching_experience_start=dt.date(2023, 1, 16))
    _person(district, district.school_a, last_name="Двадцать", teaching_experience_start=dt.date(2006, 1, 15))
    _person(district, district.school_a, last_name="Новичок", teaching_experience_start=dt.date(2025, 9, 1))
    _person(district, district.school_a, last_name="Неизвестно", teaching_experience_start=None)
    assert _surnames(client, district, {"experience": "3-5"}) == ["Три-года"]
    assert _surnames(client, district, {"experience": "0-3"}) == ["Два-года", "Новичок"]
    assert _surnames(client, district, {"experience": "20+"}) == ["Двадцать"]
    assert _surnames(client, district, {"experience": "15-20"}) == []
    assert _surnames(client, district, {"early": "yes"}) == ["Два-года", "Новичок"]
    assert _surnames(client, district, {"early": "no"}) == ["Двадцать", "Неизвестно", "Три-года"]
    # A day later «Два-года» has three years and is no longer early-career.
    assert _surnames(client, district, {"early": "yes", "on": "2026-01-16"}) == ["Новичок"]


def test_columns_computed_for_the_date(client, district):
    _person(
        district,
        district.school_a,
        last_name="Алиева",
        birth_date=dt.date(1996, 1, 16),
        teaching_experience_start=dt.date(2023, 1, 16),
    )
    row = _get(client, district.user("head"), {"on": ON.isoformat()}).content.decode().split("<tbody>")[1]
    assert "<td>29</td>" in row and "2 года 11 мес." in row and "молодой специалист" in row
    row = _get(client, district.user("head"), {"on": "2026-01-16"}).content.decode().split("<tbody>")[1]
    assert "<td>30</td>" in row and "3 года" in row and "молодой специалист" not in row


def test_education_level_and_pedagogical(client, district):
    def person(name, *records):
        educator = _person(district, district.school_a, last_name=name)
        for level, pedagogical in records:
            education_record_save(educator=educator, data={"level": level, "is_pedagogical": pedagogical})

    higher, vocational = EducationRecord.Level.HIGHER, EducationRecord.Level.SECONDARY_VOCATIONAL
    person("Высшее-пед", (higher, True))
    person("Высшее-непед", (higher, False))
    person("Смешанное", (higher, False), (vocational, True))  # higher, but the pedagogical one is college
    person("Колледж", (vocational, False))
    person("Нет-записей")
    assert _surnames(client, district, {"education": higher}) == ["Высшее-непед", "Высшее-пед", "Смешанное"]
    assert _surnames(client, district, {"education": [higher, vocational]}) == [
        "Высшее-непед",
        "Высшее-пед",
        "Колледж",
        "Смешанное",
    ]
    assert _surnames(client, district, {"pedagogical": "yes"}) == ["Высшее-пед", "Смешанное"]
    assert _surnames(client, district, {"pedagogical": "no"}) == ["Высшее-непед", "Колледж", "Нет-записей"]
    # «Высшее педагогическое» is one record, not two facts.
    assert _surnames(client, district, {"education": higher, "pedagogical": "yes"}) == ["Высшее-пед"]
    assert _surnames(client, district, {"education": higher, "pedagogical": "no"}) == [
        "Высшее-непед",
        "Смешанное",
    ]


# --- search and order ---------------------------------------------------------------------------


def test_search_ignores_case_and_yo(client, district):
    _person(district, district.school_a, last_name="Семёнова", first_name="Алёна")
    _person(district, district.school_a, last_name="Семенов", first_name="Пётр", sex=Educator.Sex.MALE)
    _person(district, district.school_a, last_name="Иванова")
    assert _surnames(client, district, {"q": "СЕМЕН"}) == ["Семенов", "Семёнова"]
    assert _surnames(client, district, {"q": "семёнова  алена"}) == ["Семёнова"]
    assert _surnames(client, district, {"q": "ПЕТР семЁнов"}) == ["Семенов"]


def test_search_by_snils_with_or_without_separators(client, district):
    snils = snils_with_check("112233445")
    _person(district, district.school_a, last_name="Алиева", snils=snils)
    _person(district, district.school_a, last_name="Бисаева", snils=snils_with_check("123456789"))
    for query in (snils, "112-233-445 95", "112 233 445 95", "445 95", "233-445"):
        assert _surnames(client, district, {"q": query}) == ["Алиева"], query
    assert _surnames(client, district, {"q": "999-999"}) == []


def test_names_sort_in_russian_order_with_yo_beside_ye(client, district):
    for name in ("Жукова", "Ёлкина", "Абрамова", "Елисеева", "Ежова"):
        _person(district, district.school_a, last_name=name)
    order = ["Абрамова", "Ежова", "Елисеева", "Ёлкина", "Жукова"]
    assert _surnames(client, district) == order
    assert _surnames(client, district, {"sort": "-name"}) == order[::-1]


def test_same_surname_sorts_by_first_name_then_patronymic(client, district):
    _person(district, district.school_a, last_name="Иванова", first_name="Юлия")
    _person(district, district.school_a, last_name="Иванова", first_name="Ёлка", patronymic="Петровна")
    _person(district, district.school_a, last_name="Иванова", first_name="Ёлка", patronymic="Ахмедовна")
    assert _listed(client, district) == [
        "Иванова Ёлка Ахмедовна",
        "Иванова Ёлка Петровна",
        "Иванова Юлия Ивановна",
    ]


def test_sort_by_age_birth_date_and_experience(client, district):
    _person(district, district.school_a, last_name="Младшая", birth_date=dt.date(1999, 1, 1))
    _person(
        district,
        district.school_a,
        last_name="Старшая",
        birth_date=dt.date(1960, 1, 1),
        teaching_experience_start=dt.date(1985, 9, 1),
    )
    _person(
        district,
        district.school_a,
        last_name="Средняя",
        birth_date=dt.date(1980, 1, 1),
        teaching_experience_start=dt.date(2010, 9, 1),
    )
    assert _surnames(client, district, {"sort": "age"}) == ["Младшая", "Средняя", "Старшая"]
    assert _surnames(client, district, {"sort": "-age"}) == ["Старшая", "Средняя", "Младшая"]
    assert _surnames(client, district, {"sort": "birth_date"}) == ["Старшая", "Средняя", "Младшая"]
    # Unknown experience goes last either way.
    assert _surnames(client, district, {"sort": "experience"}) == ["Средняя", "Старшая", "Младшая"]
    assert _surnames(client, district, {"sort": "-experience"}) == ["Старшая", "Средняя", "Младшая"]


# --- what the page shows ------------------------------------------------------------------------


def test_birth_date_and_snils_are_masked_on_the_page(client, district):
    snils = snils_with_check("112233445")
    educator = _person(district, district.school_a, snils=snils, birth_date=dt.date(1985, 3, 7))
    html = _get(client, district.user("head"), {"cols": "all"}).content.decode()
    assert "***-***-*** 95" in html and "**.**.****" in html
    assert snils not in html and "112-233-445" not in html and "07.03.1985" not in html
    assert f'href="{reverse("staff:detail", args=[educator.pk])}"' in html


def test_htmx_request_gets_only_the_results(client, district):
    _person(district, district.school_a)
    response = _get(client, district.user("head"), {"q": "тестов"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert 'id="results"' in content and "<html" not in content
    assert response["HX-Push-Url"] == "/staff/?q=%D1%82%D0%B5%D1%81%D1%82%D0%BE%D0%B2"


def test_bad_parameters_give_a_russian_hint_not_an_error(client, district):
    _person(district, district.school_a, last_name="Алиева")
    html = _get(
        client, district.user("head"), {"on": "31.02.2026", "age": "7-8", "sort": "x"}
    ).content.decode()
    assert "Не все условия применены" in html and "«На дату»" in html and "«Возраст»" in html
    # An impossible date: the list is for today, with a hint.
    response = _get(client, district.user("head"), {"on": "1066-10-14"})
    assert _names(response) == ["Алиева Мария Ивановна"]
    assert "не раньше 01.01.1900" in response.content.decode()


def test_more_filters_open_when_one_of_them_is_set(client, district):
    html = _get(client, district.user("head")).content.decode()
    assert '<details class="mt-2">' in html
    html = _get(client, district.user("head"), {"sex": "male"}).content.decode()
    assert '<details class="mt-2" open>' in html


def test_empty_district_offers_text_not_an_error(client, district):
    html = _get(client, district.user("head")).content.decode()
    assert "Педагогов пока нет" in html


# --- Excel --------------------------------------------------------------------------------------


def test_export_holds_exactly_the_filtered_rows_and_logs_the_access(client, district, staff):
    head = district.user("head")
    params = {"on": ON.isoformat(), "organization": district.school_a.pk}
    rows = _export_rows(client, head, params)
    assert rows[0] == (
        "ФИО",
        "Место работы",
        "Должность",
        "Предметы",
        "Возраст",
        "Педагогический стаж",
        "Молодой специалист",
    )
    assert [row[0] for row in rows[1:]] == ["Алиева Мария Ивановна", "Бисаева Мария Ивановна"]
    assert rows[2][1] == f"{district.school_b.short_name}; {district.school_a.short_name} (совм.)"
    entry = PersonalDataAccess.objects.get()
    assert entry.user == head and entry.action == PersonalDataAccess.Action.EXPORT
    assert entry.count == 2
    assert set(entry.educators.values_list("pk", flat=True)) == {staff["a"].pk, staff["b"].pk}
    school = district.school_a.short_name
    assert entry.what == f"Список педагогов: на 15.01.2026; Организация: {school}; Работают: работают на дату"


def test_export_has_the_chosen_columns_with_full_personal_data(client, district):
    snils = snils_with_check("112233445")
    _person(district, district.school_a, last_name="Алиева", snils=snils, birth_date=dt.date(1985, 3, 7))
    rows = _export_rows(client, district.user("school_admin_a"), {"cols": ["snils", "birth_date", "sex"]})
    assert rows[0] == ("ФИО", "Пол", "Дата рождения", "СНИЛС")
    name, sex, born, shown_snils = rows[1]
    assert name.startswith("Алиева") and sex == "женский"
    assert born.date() == dt.date(1985, 3, 7)  # a real date in Excel
    assert shown_snils == "112-233-445 95"


def test_export_of_nothing_still_logs_the_request(client, district):
    rows = _export_rows(client, district.user("head"), {"q": "никого"})
    assert rows == [
        (
            "ФИО",
            "Место работы",
            "Должность",
            "Предметы",
            "Возраст",
            "Педагогический стаж",
            "Молодой специалист",
        )
    ]
    entry = PersonalDataAccess.objects.get()
    assert entry.count == 0 and "Поиск: «никого»" in entry.what


def test_export_link_carries_the_date_filters_order_and_columns(client, district):
    html = _get(
        client, district.user("head"), {"on": "2025-09-01", "sex": "male", "sort": "-age", "cols": ["snils"]}
    ).content.decode()
    assert (
        'href="/staff/export/?on=2025-09-01&amp;sex=male&amp;sort=-age&amp;cols=name&amp;cols=snils"' in html
    )


# --- queries ------------------------------------------------------------------------------------


def _count_queries(client, user, params):
    client.force_login(user)
    client.get(reverse("staff:list"))  # warm the session
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("staff:list"), {"per_page": 100, "cols": "all", **params})
    assert response.status_code == 200
    return len(context), response


def _add(district, count, start):
    for n in range(start, start + count):
        school = district.school_a if n % 2 else district.school_b
        educator = _person(
            district, school, last_name=f"Педагог{n}", subjects=("Математика", "Физика"), position="Учитель"
        )
        if n % 3 == 0:
            make_employment(educator, district.school_a, position="Педагог-психолог", is_main=False)
        education_record_save(
            educator=educator, data={"level": EducationRecord.Level.HIGHER, "is_pedagogical": True}
        )


@pytest.mark.parametrize(
    ("key", "params"),
    [
        ("head", {}),
        ("head", {"q": "педагог", "age": ["40-44", "45-49"], "subject": "math", "education": "higher"}),
        ("school_admin_a", {"status": "all", "sort": "-experience"}),
        # Every column: none may read a field the page does not fetch (ROW_FIELDS), a query per row
        ("methodist", {"cols": "all"}),
    ],
)
def test_a_page_runs_the_same_number_of_queries_with_3_and_30_educators(client, district, key, params):
    from imo.reference.models import Subject

    _add(district, 3, 0)
    if params.get("subject") == "math":
        params = {**params, "subject": Subject.objects.get(name="Математика").pk}
    few, response = _count_queries(client, district.user(key), params)
    _add(district, 27, 3)
    many, response = _count_queries(client, district.user(key), params)
    assert few == many
    if not params:
        assert len(_names(response)) == 30


def _count_export_queries(client, user):
    client.force_login(user)
    client.get(reverse("staff:list"))  # warm the session
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("staff:export"), {"cols": "all"})
    assert response.status_code == 200
    return len(context)


def test_the_export_runs_the_same_number_of_queries_with_3_and_30_educators(client, district):
    _add(district, 3, 0)
    few = _count_export_queries(client, district.user("head"))
    _add(district, 27, 3)
    assert _count_export_queries(client, district.user("head")) == few


def test_filter_boxes_escape_names_and_keep_the_choice(client, district):
    """The organisation boxes are written without the template engine: names escaped, the chosen one
    checked."""
    school = district.school_a
    school.short_name = 'Школа <b>"№1"</b> & Ко'
    school.save()

    response = _get(client, district.user("head"), {"organization": school.pk})

    page = response.content.decode()
    assert "Школа &lt;b&gt;&quot;№1&quot;&lt;/b&gt; &amp; Ко</label>" in page
    assert '<b>"№1"</b>' not in page
    box = re.search(rf'<input type="checkbox" name="organization" value="{school.pk}"[^>]*>', page)
    assert box is not None and " checked" in box.group(0)


# --- the filter bar, kept per user and address (Table.filters_html) --------------------------------


def _filter_bar(response):
    page = response.content.decode()
    start = page.index('<form id="results-filters"')
    return page[start : page.index("</form>", start)]


def _bar_rendered(response):
    return "staff/records/filters.html" in [template.name for template in response.templates]


def test_the_filter_bar_is_kept_until_the_organisations_change(client, district, monkeypatch):
    from imo.core import pagecache
    from imo.orgs.tests.factories import make_organization

    head = district.user("head")
    pagecache.forget_own_writes()  # as a request after the setup's transaction would
    first = _get(client, head)
    again = _get(client, head)
    assert _bar_rendered(first) and not _bar_rendered(again)
    assert _filter_bar(again) == _filter_bar(first)

    school = make_organization(parent=district.municipality, short_name="СОШ с. Новая Жизнь")
    # The thread that made the change sees it at once (its own write)…
    assert "СОШ с. Новая Жизнь" in _filter_bar(_get(client, head))
    # …and every other request once the change commits, which bumps the topic (here by hand: a test's
    # transaction never commits).
    pagecache.forget_own_writes()
    monkeypatch.setattr(pagecache, "_in_transaction", lambda: False)
    pagecache.bump("orgs")
    later = _get(client, head)
    assert _bar_rendered(later)
    assert re.search(rf'name="organization" value="{school.pk}"', _filter_bar(later))


def test_the_kept_filter_bar_belongs_to_one_user_and_one_address(client, district):
    from imo.core import pagecache

    pagecache.forget_own_writes()
    head_bar = _filter_bar(_get(client, district.user("head")))
    assert 'name="organization"' in head_bar
    # Another user: their own bar (a school admin has no organisation filter).
    admin_bar = _filter_bar(_get(client, district.user("school_admin_a")))
    assert 'name="organization"' not in admin_bar
    # Another address: the choice shows checked.
    school = district.school_a
    chosen = _filter_bar(_get(client, district.user("head"), {"organization": school.pk}))
    box = re.search(rf'<input type="checkbox" name="organization" value="{school.pk}"[^>]*>', chosen)
    assert box is not None and " checked" in box.group(0)
    unchosen = re.search(rf'name="organization" value="{school.pk}"[^>]*>', head_bar)
    assert unchosen is not None and " checked" not in unchosen.group(0)
