"""Duplicates and merging; a subject's export, erasure with an act, the personal-data access log."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from imo.accounts.tests.factories import UserFactory
from imo.orgs.models import Organization, Role
from imo.orgs.tests.factories import make_organization, make_user_with_role
from imo.staff import personal_sections
from imo.staff.access_log import personal_data_access_log
from imo.staff.merging import duplicate_groups, educators_merge, merged_ids
from imo.staff.models import (
    Award,
    ChangeProposal,
    Consent,
    EducationRecord,
    Educator,
    Employment,
    ErasureAct,
    PersonalDataAccess,
)
from imo.staff.privacy import educator_erase, history_entries
from imo.staff.selectors import educators_visible_to
from imo.staff.services import award_save, consent_record, education_record_save, educator_link_user
from imo.staff.tests.factories import make_educator, snils_with_check

BORN = dt.date(1985, 3, 14)


@pytest.fixture
def other(district):
    """A second municipality of the region with its own office head and methodist and one school."""
    municipality = make_organization(
        parent=district.region, kind=Organization.Kind.MUNICIPALITY, short_name="Шалинский район"
    )
    school = make_organization(parent=municipality, short_name="СОШ № 1 г. Шали")
    return {
        "municipality": municipality,
        "school": school,
        "head": make_user_with_role(Role.HEAD, municipality, username="head_shali"),
        "methodist": make_user_with_role(Role.METHODIST, municipality, username="methodist_shali"),
    }


def _person(district, last_name="Садулаева", school=None, **data):
    return make_educator(
        municipality=district.municipality,
        school=school or district.school_a,
        last_name=last_name,
        first_name=data.pop("first_name", "Зарема"),
        patronymic=data.pop("patronymic", "Ахмедовна"),
        **data,
    )


@pytest.fixture
def pair(district):
    """Two records of one person: same name and birth date, in different schools."""
    keep = _person(district, birth_date=BORN, phone="", email="old@example.ru", subjects=("Математика",))
    remove = _person(
        district,
        last_name="САДУЛАЕВА",
        school=district.school_b,
        birth_date=BORN,
        phone="+7 928 000-00-00",
        email="new@example.ru",
        snils=snils_with_check("112233445"),
        subjects=("Физика",),
    )
    return keep, remove


# --- duplicate groups -------------------------------------------------------------------------------


def test_groups_by_name_and_birth_date_and_by_name_at_one_school(district, pair):
    keep, remove = pair
    namesake_1 = _person(
        district, last_name="Исаева", birth_date=dt.date(1970, 1, 1), school=district.school_b
    )
    namesake_2 = _person(
        district, last_name="Исаева", birth_date=dt.date(1990, 5, 5), school=district.school_b
    )
    _person(
        district, last_name="Исаева", birth_date=dt.date(1991, 5, 5), school=district.school_a
    )  # other school
    _person(district, last_name="Другая", birth_date=BORN)  # same birth date, other name

    groups = duplicate_groups(district.user("head"))

    found = {tuple(e.pk for e in group.educators): group.reasons for group in groups}
    assert set(found) == {(keep.pk, remove.pk), (namesake_1.pk, namesake_2.pk)}
    assert "дата рождения 14.03.1985" in found[(keep.pk, remove.pk)][0]
    assert district.school_b.short_name in found[(namesake_1.pk, namesake_2.pk)][0]


def test_groups_are_scoped_and_skip_erased_records(district, other, pair):
    twin: dict[str, Any] = {"first_name": "Зарема", "patronymic": "Ахмедовна", "birth_date": BORN}
    make_educator(municipality=other["municipality"], school=other["school"], last_name="Садулаева", **twin)
    make_educator(municipality=other["municipality"], school=other["school"], last_name="Садулаева", **twin)

    mine = duplicate_groups(district.user("head"))
    theirs = duplicate_groups(other["head"])

    assert [{e.municipality_id for e in g.educators} for g in mine] == [{district.municipality.pk}]
    assert [{e.municipality_id for e in g.educators} for g in theirs] == [{other["municipality"].pk}]
    educator_erase(
        educator=pair[1], act_number="1", made_on=dt.date.today(), reason="Отзыв", by=district.user("head")
    )
    assert duplicate_groups(district.user("head")) == []


def test_duplicates_page_for_office_editors(client, district, pair):
    keep, remove = pair
    client.force_login(district.user("methodist"))
    response = client.get(reverse("staff:duplicates"))
    content = response.content.decode()
    assert response.status_code == 200
    assert reverse("staff:merge", args=[keep.pk, remove.pk]) in content
    assert "Объединить" in content and "14.03.1985" in content
    assert PersonalDataAccess.objects.filter(user=district.user("methodist"), action="view").exists()


@pytest.mark.parametrize("key", ["observer", "school_admin_a", "teacher_a", "no_role"])
def test_duplicates_page_refused_to_others(client, district, key):
    client.force_login(district.user(key))
    assert client.get(reverse("staff:duplicates")).status_code == 403


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_duplicates_page_runs_a_fixed_number_of_queries(client, district):
    client.force_login(district.user("head"))
    for n in range(2):
        _person(district, last_name=f"Первая{n}", birth_date=BORN)
        _person(district, last_name=f"Первая{n}", birth_date=BORN, school=district.school_b)
    _count_queries(client, reverse("staff:duplicates"))  # warm caches (content types, the session)
    few = _count_queries(client, reverse("staff:duplicates"))
    for n in range(8):
        _person(district, last_name=f"Вторая{n}", birth_date=BORN, subjects=("Химия",))
        _person(district, last_name=f"Вторая{n}", birth_date=BORN, subjects=("Химия", "Биология"))
    assert _count_queries(client, reverse("staff:duplicates")) == few


# --- merging -------------------------------------------------------------------------------------


def _fill(district, keep, remove):
    education_record_save(
        educator=remove, data={"level": "higher", "institution": "ЧГУ", "is_pedagogical": True}
    )
    award_save(educator=remove, data={"kind": "regional", "title": "Почётная грамота"})
    consent_record(educator=remove, purpose="processing", given_on=dt.date(2024, 9, 1))
    ChangeProposal.objects.create(educator=remove, section="contacts", action="change", data={"phone": "1"})
    personal_data_access_log(user=district.user("head"), action="view", educator_ids=[remove.pk], what="one")
    personal_data_access_log(user=district.user("head"), action="export", educator_ids=[keep.pk, remove.pk])
    educator_link_user(educator=remove, user=district.user("teacher_a"))


def test_merge_moves_everything_and_fills_empty_fields(district, pair):
    keep, remove = pair
    _fill(district, keep, remove)
    snils = remove.snils

    educators_merge(keep=keep, remove=remove, by=district.user("head"))

    keep.refresh_from_db()
    assert not Educator.objects.filter(pk=remove.pk).exists()
    assert keep.phone == "+7 928 000-00-00"  # empty → filled
    assert keep.snils == snils
    assert keep.email == "old@example.ru"  # both filled: the kept value stays
    assert keep.user == district.user("teacher_a")
    assert EducationRecord.objects.get(educator=keep).institution == "ЧГУ"
    assert Award.objects.filter(educator=keep).count() == 1
    assert Consent.objects.filter(educator=keep).count() == 1
    assert ChangeProposal.objects.filter(educator=keep).count() == 1
    employments = Employment.objects.filter(educator=keep)
    assert {e.organization_id for e in employments} == {district.school_a.pk, district.school_b.pk}
    assert {s.name for e in employments for s in e.subjects.all()} == {"Математика", "Физика"}
    link = PersonalDataAccess.educators.through
    assert link.objects.filter(educator_id=keep.pk).count() == 2  # the entry linking both is not doubled
    entry = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Educator),
        object_pk=str(keep.pk),
        additional_data__merged_from=remove.pk,
    ).get()
    assert entry.actor == district.user("head")
    assert "Объединение записей" in entry.changes_dict
    assert merged_ids(keep.pk) == {keep.pk, remove.pk}
    # the moves themselves went through the change log
    moved = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Employment), action=1)
    assert moved.filter(changes__educator__1=str(keep.pk)).exists()


def test_merge_respects_the_chosen_values(district, pair):
    keep, remove = pair
    educators_merge(
        keep=keep, remove=remove, by=district.user("head"), take_from_removed=["email", "last_name"]
    )
    keep.refresh_from_db()
    assert keep.email == "new@example.ru"
    assert keep.last_name == "САДУЛАЕВА"


def test_merge_is_all_or_nothing(district, pair):
    keep, remove = pair
    education_record_save(educator=remove, data={"level": "higher", "institution": "ЧГУ"})
    Educator.objects.filter(pk=remove.pk).update(birth_date=dt.date.today())  # too young: invalid result
    with pytest.raises(ValidationError):
        educators_merge(keep=keep, remove=remove, by=district.user("head"), take_from_removed=["birth_date"])
    assert Educator.objects.filter(pk=remove.pk).exists()
    assert EducationRecord.objects.get().educator_id == remove.pk


def test_merge_preview_and_confirm(client, district, pair):
    keep, remove = pair
    client.force_login(district.user("head"))
    url = reverse("staff:merge", args=[keep.pk, remove.pk])

    preview = client.get(url)
    content = preview.content.decode()
    assert preview.status_code == 200
    assert "old@example.ru" in content and "new@example.ru" in content
    assert 'name="field_email"' in content and 'name="field_phone"' not in content  # phone only fills

    response = client.post(url, {"field_email": "remove", "field_last_name": "keep"})
    assert response.status_code == 302
    keep.refresh_from_db()
    assert keep.email == "new@example.ru" and keep.last_name == "Садулаева"
    assert not Educator.objects.filter(pk=remove.pk).exists()


def test_merge_outside_scope_is_404(client, district, other, pair):
    keep, _ = pair
    stranger = make_educator(municipality=other["municipality"], school=other["school"])
    client.force_login(district.user("head"))
    assert client.get(reverse("staff:merge", args=[keep.pk, stranger.pk])).status_code == 404
    assert client.post(reverse("staff:merge", args=[stranger.pk, keep.pk])).status_code == 404
    assert client.get(reverse("staff:merge", args=[keep.pk, keep.pk])).status_code == 404
    assert Educator.objects.filter(pk=stranger.pk).exists()


@pytest.mark.parametrize("key", ["observer", "school_admin_a", "teacher_a"])
def test_merge_refused_to_non_editors(client, district, pair, key):
    keep, remove = pair
    client.force_login(district.user(key))
    assert client.post(reverse("staff:merge", args=[keep.pk, remove.pk])).status_code == 403
    assert Educator.objects.filter(pk=remove.pk).exists()


# --- a subject's request ----------------------------------------------------------------------------


def _sheets(content: bytes) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_subject_export_holds_every_section_and_is_logged(client, district, pair):
    keep, remove = pair
    _fill(district, remove, keep)  # everything on `keep`
    personal_data_access_log(
        user=district.user("secretary"), action="view", educator_ids=[keep.pk], what="Карточка"
    )
    client.force_login(district.user("methodist"))

    response = client.get(reverse("staff:subject_export", args=[keep.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheets = _sheets(response.content)
    assert list(sheets) == [
        "Сведения",
        "Образование",
        "Награды",
        "Места работы",
        "Согласия",
        "Предложенные изменения",
        # what the domain apps hold (imo.staff.personal_sections), in the order they registered
        *[section.title for section in personal_sections.sections()],
        "Доступ к данным",
        "История изменений",
    ]
    flat = {name: json.dumps(rows, ensure_ascii=False, default=str) for name, rows in sheets.items()}
    assert "Садулаева" in flat["Сведения"] and "old@example.ru" in flat["Сведения"]
    assert "ЧГУ" in flat["Образование"]
    assert "Почётная грамота" in flat["Награды"]
    assert district.school_a.short_name in flat["Места работы"] and "Математика" in flat["Места работы"]
    assert "обработка" in flat["Согласия"]
    assert "контакты" in flat["Предложенные изменения"]
    assert "Карточка" in flat["Доступ к данным"] and "по запросу субъекта" in flat["Доступ к данным"]
    assert "Создание" in flat["История изменений"]
    logged = PersonalDataAccess.objects.get(action="subject_request")
    assert logged.user == district.user("methodist")
    assert list(logged.educators.all()) == [keep]


def test_subject_export_refused_outside_the_office(client, district, other, pair):
    keep, _ = pair
    client.force_login(district.user("school_admin_a"))  # sees the record, may not export it
    assert client.get(reverse("staff:subject_export", args=[keep.pk])).status_code == 403
    client.force_login(other["methodist"])
    assert client.get(reverse("staff:subject_export", args=[keep.pk])).status_code == 404
    assert not PersonalDataAccess.objects.filter(action="subject_request").exists()


# --- erasure -------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _erase_data(**changes):
    return {
        "number": "7-ПД",
        "made_on": dt.date.today().strftime("%d.%m.%Y"),
        "reason": "Отзыв согласия на обработку персональных данных (ч. 5 ст. 21 152-ФЗ)",
        "reason_other": "",
        "confirm": "on",
        **changes,
    }


def test_erasure_anonymises_keeps_statistics_and_makes_the_act(
    client, district, pair, media, django_capture_on_commit_callbacks
):
    person, _ = pair
    Educator.objects.filter(pk=person.pk).update(
        inn="500100732259",
        total_experience_start=dt.date(2008, 9, 1),
        teaching_experience_start=dt.date(2010, 9, 1),
        academic_degree="candidate",
    )
    education_record_save(
        educator=person,
        data={"level": "higher", "institution": "ЧГУ", "speciality": "Математика", "graduation_year": 2007},
    )
    award_save(educator=person, data={"kind": "regional", "title": "Грамота", "order_number": "12-к"})
    consent = consent_record(
        educator=person,
        purpose="processing",
        given_on=dt.date(2024, 9, 1),
        document=SimpleUploadedFile("согласие.pdf", b"%PDF-1.4"),
    )
    scan = media / consent.document.name
    assert scan.exists()
    ChangeProposal.objects.create(educator=person, section="contacts", action="change", data={"phone": "1"})
    educator_link_user(educator=person, user=district.user("teacher_a"))
    personal_data_access_log(user=district.user("methodist"), action="view", educator_ids=[person.pk])
    client.force_login(district.user("head"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staff:erase", args=[person.pk]), _erase_data())

    act = ErasureAct.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("staff:erasure_act", args=[act.pk])
    assert act.subject == f"С. З. А., запись № {person.pk}"
    assert act.municipality == district.municipality and act.made_by == district.user("head")
    person.refresh_from_db()
    assert str(person) == "Удалено"
    assert (person.snils, person.inn, person.phone, person.email, person.academic_degree) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert person.user is None and person.erased_at is not None
    assert person.birth_date == dt.date(1985, 7, 1)
    assert person.sex == Educator.Sex.FEMALE
    assert person.total_experience_start == dt.date(2008, 9, 1)
    assert person.teaching_experience_start == dt.date(2010, 9, 1)
    assert Employment.objects.filter(educator=person).count() == 1
    education = EducationRecord.objects.get(educator=person)
    assert (education.level, education.graduation_year, education.institution, education.speciality) == (
        "higher",
        2007,
        "",
        "",
    )
    award = Award.objects.get(educator=person)
    assert (award.kind, award.title, award.order_number) == ("regional", "", "")
    assert Consent.objects.get(educator=person).document.name == ""
    assert not scan.exists()
    assert not ChangeProposal.objects.filter(educator=person).exists()
    assert PersonalDataAccess.objects.filter(educators=person).count() == 1  # the access log stays
    assert not educators_visible_to(user=district.user("head")).filter(pk=person.pk).exists()
    # the change log keeps who and when, not the values
    history = json.dumps([(e.object_repr, e.changes) for e in history_entries(person.pk)], ensure_ascii=False)
    for secret in ("Садулаева", "Зарема", "ЧГУ", "Грамота", "12-к", "old@example.ru", "1985-03-14"):
        assert secret not in history

    page = client.get(reverse("staff:erasure_act", args=[act.pk]))
    content = page.content.decode()
    assert page.status_code == 200
    assert "АКТ № 7-ПД" in content and "Выгрузка из журнала регистрации событий" in content
    assert "Уничтожение персональных данных" in content and "Садулаева" not in content


def test_erased_record_is_404_and_cannot_be_erased_twice(client, district, pair):
    person, _ = pair
    educator_erase(
        educator=person, act_number="1", made_on=dt.date.today(), reason="x", by=district.user("head")
    )
    client.force_login(district.user("head"))
    assert client.get(reverse("staff:erase", args=[person.pk])).status_code == 404
    with pytest.raises(ValidationError):
        educator_erase(
            educator=person, act_number="2", made_on=dt.date.today(), reason="x", by=district.user("head")
        )


def test_erasure_after_merge_scrubs_the_merged_records_history(district, pair):
    keep, remove = pair
    educators_merge(keep=keep, remove=remove, by=district.user("head"))
    educator_erase(
        educator=keep, act_number="1", made_on=dt.date.today(), reason="x", by=district.user("head")
    )
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Educator), object_pk__in=[str(keep.pk), str(remove.pk)]
    )
    assert entries.filter(object_pk=str(remove.pk)).exists()
    assert "Садулаева" not in json.dumps([(e.object_repr, e.changes) for e in entries], ensure_ascii=False)
    assert "САДУЛАЕВА" not in json.dumps([(e.object_repr, e.changes) for e in entries], ensure_ascii=False)


def test_erasure_form_checks_its_input(client, district, pair):
    person, _ = pair
    client.force_login(district.user("admin"))
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).strftime("%d.%m.%Y")
    response = client.post(
        reverse("staff:erase", args=[person.pk]),
        _erase_data(made_on=tomorrow, reason="other", confirm="", number=""),
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Дата акта не может быть в будущем." in content
    assert "Укажите основание." in content and "Подтвердите уничтожение данных." in content
    assert not ErasureAct.objects.exists()
    response = client.post(
        reverse("staff:erase", args=[person.pk]), _erase_data(reason="other", reason_other="Решение суда")
    )
    assert response.status_code == 302
    assert ErasureAct.objects.get().reason == "Решение суда"


def test_erasure_refused_to_a_methodist_and_outside_scope(client, district, other, pair):
    person, _ = pair
    client.force_login(district.user("methodist"))
    assert client.get(reverse("staff:erase", args=[person.pk])).status_code == 403
    assert client.post(reverse("staff:erase", args=[person.pk]), _erase_data()).status_code == 403
    client.force_login(other["head"])
    assert client.post(reverse("staff:erase", args=[person.pk]), _erase_data()).status_code == 404
    person.refresh_from_db()
    assert person.erased_at is None and not ErasureAct.objects.exists()


def test_erasure_acts_register_is_scoped(client, district, other, pair):
    educator_erase(
        educator=pair[0], act_number="5", made_on=dt.date.today(), reason="x", by=district.user("head")
    )
    act = ErasureAct.objects.get()
    client.force_login(district.user("admin"))
    assert "№ 5 от" in client.get(reverse("staff:erasure_acts")).content.decode()
    client.force_login(other["head"])
    assert "№ 5 от" not in client.get(reverse("staff:erasure_acts")).content.decode()
    assert client.get(reverse("staff:erasure_act", args=[act.pk])).status_code == 404
    client.force_login(district.user("methodist"))
    assert client.get(reverse("staff:erasure_acts")).status_code == 403
    assert client.get(reverse("staff:erasure_act", args=[act.pk])).status_code == 403


# --- the access log ---------------------------------------------------------------------------------


@pytest.fixture
def log(district, other, pair):
    keep, remove = pair
    stranger = make_educator(municipality=other["municipality"], school=other["school"], last_name="Чужая")
    secretary, methodist = district.user("secretary"), district.user("methodist")
    personal_data_access_log(user=secretary, action="view", educator_ids=[keep.pk], what="Карточка А")
    personal_data_access_log(
        user=methodist, action="export", educator_ids=[keep.pk, remove.pk], what="Список Б"
    )
    personal_data_access_log(
        user=other["methodist"], action="view", educator_ids=[stranger.pk], what="Чужое В"
    )
    PersonalDataAccess.objects.filter(what="Карточка А").update(
        at=dt.datetime(2024, 1, 10, 12, tzinfo=dt.UTC)
    )
    return {"keep": keep, "remove": remove, "stranger": stranger}


def _rows(client, **params):
    response = client.get(reverse("staff:access_log"), params)
    assert response.status_code == 200
    content = response.content.decode()
    return {what for what in ("Карточка А", "Список Б", "Чужое В") if what in content}


def test_access_log_lists_the_scope_newest_first_and_filters(client, district, log):
    client.force_login(district.user("head"))
    response = client.get(reverse("staff:access_log"))
    content = response.content.decode()
    assert content.index("Список Б") < content.index("Карточка А")
    assert _rows(client) == {"Карточка А", "Список Б"}
    assert _rows(client, user=district.user("secretary").pk) == {"Карточка А"}
    assert _rows(client, action="export") == {"Список Б"}
    assert _rows(client, at_from="2024-01-01", at_to="2024-01-31") == {"Карточка А"}
    assert _rows(client, at_from=dt.date.today().isoformat()) == {"Список Б"}
    assert _rows(client, educator=f"№{log['remove'].pk}") == {"Список Б"}
    assert _rows(client, educator="садулаева") == {"Карточка А", "Список Б"}


def test_access_log_shows_erased_records_as_deleted_and_exports(client, district, log):
    educator_erase(
        educator=log["keep"], act_number="1", made_on=dt.date.today(), reason="x", by=district.user("head")
    )
    client.force_login(district.user("head"))
    content = client.get(reverse("staff:access_log"), {"educator": f"№{log['keep'].pk}"}).content.decode()
    assert f"Удалено (запись № {log['keep'].pk})" in content
    response = client.get(reverse("staff:access_log_export"))
    assert response.status_code == 200
    rows = next(iter(_sheets(response.content).values()))
    assert rows[0][:3] == ["Когда", "Кто", "Действие"]
    assert {row[3] for row in rows[1:]} == {"Карточка А", "Список Б"}


@pytest.mark.parametrize("key", ["methodist", "secretary", "observer", "school_admin_a", "teacher_a"])
def test_access_log_refused_to_others(client, district, key):
    client.force_login(district.user(key))
    assert client.get(reverse("staff:access_log")).status_code == 403
    assert client.get(reverse("staff:access_log_export")).status_code == 403


def test_superuser_sees_the_whole_access_log(client, log):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert _rows(client) == {"Карточка А", "Список Б", "Чужое В"}


def test_erasure_acts_export(client, district):
    import io

    import openpyxl

    from imo.staff.models import ErasureAct

    ErasureAct.objects.create(
        number="7", made_on=dt.date(2026, 11, 1), reason="Отзыв согласия", subject="А. Б. В. (запись № 1)",
        municipality=district.municipality, made_by=district.user("head"),
    )  # fmt: skip
    client.force_login(district.user("methodist"))
    assert client.get(reverse("staff:erasure_acts_export")).status_code == 403
    client.force_login(district.user("head"))
    response = client.get(reverse("staff:erasure_acts_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][:4] == [
        "7",
        dt.datetime(2026, 11, 1),
        "А. Б. В. (запись № 1)",
        "Отзыв согласия",
    ]
