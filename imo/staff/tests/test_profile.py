"""One educator's pages: the profile, creating and editing, education, awards, employments, consents,
history, the teacher's own record; who may open each (403 / 404 / login) and what is logged."""

from __future__ import annotations

import datetime as dt

import pytest
import rules
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from imo.core import profile as core_profile
from imo.core.profile import ProfileSection
from imo.orgs.selectors import municipality_of
from imo.reference.models import Position, Subject
from imo.staff.experience import start_from_length
from imo.staff.models import Award, Consent, EducationRecord, Educator, Employment, PersonalDataAccess
from imo.staff.services import (
    award_save,
    consent_record,
    education_record_save,
    educator_link_user,
)
from imo.staff.tests.factories import make_educator, make_employment, snils_with_check

SNILS = snils_with_check("112233445")  # 11223344595


@pytest.fixture
def people(district):
    a = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        last_name="Алиева",
        first_name="Петимат",
        snils=SNILS,
        birth_date=dt.date(1985, 4, 12),
        phone="+7 (928) 000-00-01",
        teaching_experience_start=dt.date(2010, 9, 1),
        total_experience_start=dt.date(2008, 9, 1),
    )
    educator_link_user(educator=a, user=district.user("teacher_a"))
    colleague = make_educator(
        municipality=district.municipality, school=district.school_a, last_name="Вахаева"
    )
    b = make_educator(municipality=district.municipality, school=district.school_b, last_name="Бисаева")
    return {"a": a, "colleague": colleague, "b": b}


def _client(client, user):
    client.force_login(user)
    return client


def _url(name, *args):
    return reverse(f"staff:{name}", args=args)


# --- who may open what ----------------------------------------------------------------------------

VIEWERS = ["head", "methodist", "secretary", "observer", "admin", "school_admin_a"]


@pytest.mark.parametrize("key", VIEWERS)
def test_profile_opens_for_those_who_see_the_educator(client, district, people, key):
    response = _client(client, district.user(key)).get(_url("detail", people["a"].pk))
    assert response.status_code == 200
    assert "Алиева Петимат" in response.content.decode()


@pytest.mark.parametrize("key", ["school_admin_b", "no_role"])
def test_profile_of_another_schools_educator_answers_404(client, district, people, key):
    response = _client(client, district.user(key)).get(_url("detail", people["a"].pk))
    assert response.status_code == 404
    assert "Алиева" not in response.content.decode()


def test_teacher_sees_own_record_only(client, district, people):
    client = _client(client, district.user("teacher_a"))
    assert client.get(_url("detail", people["a"].pk)).status_code == 200
    assert client.get(_url("detail", people["colleague"].pk)).status_code == 404


def test_anonymous_is_sent_to_login_from_every_page(client, district, people):
    pk = people["a"].pk
    employment = people["a"].employments.get()
    for url in (
        _url("detail", pk),
        _url("edit", pk),
        _url("history", pk),
        _url("create"),
        _url("me"),
        _url("education_add", pk),
        _url("award_add", pk),
        _url("employment_add", pk),
        _url("employment_end", pk, employment.pk),
        _url("consent_add", pk),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert reverse("accounts:login") in response["Location"]


def _change_urls(people):
    a = people["a"]
    employment = a.employments.get()
    record = education_record_save(
        educator=a, data={"level": EducationRecord.Level.HIGHER, "institution": "ЧГУ"}
    )
    award = award_save(educator=a, data={"kind": Award.Kind.MUNICIPAL, "title": "Грамота"})
    consent = consent_record(educator=a, purpose=Consent.Purpose.PROCESSING, given_on=dt.date(2024, 1, 10))
    return [
        _url("edit", a.pk),
        _url("education_add", a.pk),
        _url("education_edit", a.pk, record.pk),
        _url("education_delete", a.pk, record.pk),
        _url("award_add", a.pk),
        _url("award_edit", a.pk, award.pk),
        _url("award_delete", a.pk, award.pk),
        _url("employment_add", a.pk),
        _url("employment_edit", a.pk, employment.pk),
        _url("employment_end", a.pk, employment.pk),
        _url("employment_transfer", a.pk, employment.pk),
        _url("consent_add", a.pk),
        _url("consent_withdraw", a.pk, consent.pk),
    ]


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("methodist", 200),
        ("head", 200),
        ("school_admin_a", 200),
        ("observer", 403),  # reads, never edits
        ("teacher_a", 403),  # own record: read-only, changes are proposed
        ("school_admin_b", 404),
        ("no_role", 404),
    ],
)
def test_changing_pages_per_role(client, district, people, key, status):
    client = _client(client, district.user(key))
    for url in _change_urls(people):
        response = client.get(url)
        # The school admin's only workplace is their school: the transfer page explains and goes back.
        expected = 302 if (key == "school_admin_a" and url.endswith("/transfer/")) else status
        assert response.status_code == expected, url


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("methodist", 200),
        ("observer", 200),
        ("school_admin_a", 200),
        ("teacher_a", 403),
        ("school_admin_b", 404),
    ],
)
def test_history_page_per_role(client, district, people, key, status):
    assert _client(client, district.user(key)).get(_url("history", people["a"].pk)).status_code == status


@pytest.mark.parametrize(("key", "status"), [("methodist", 200), ("school_admin_a", 200), ("observer", 403)])
def test_create_page_per_role(client, district, key, status):
    assert _client(client, district.user(key)).get(_url("create")).status_code == status


@pytest.mark.parametrize("key", ["teacher_a", "no_role"])
def test_create_page_refused_without_the_role(client, district, key):
    assert _client(client, district.user(key)).get(_url("create")).status_code == 403


def test_edit_buttons_only_for_editors(client, district, people):
    url = _url("detail", people["a"].pk)
    page = _client(client, district.user("methodist")).get(url).content.decode()
    assert _url("edit", people["a"].pk) in page and _url("education_add", people["a"].pk) in page
    client.logout()
    page = _client(client, district.user("observer")).get(url).content.decode()
    assert _url("edit", people["a"].pk) not in page and _url("education_add", people["a"].pk) not in page


def test_personal_data_buttons_follow_their_permissions(client, district, people):
    url = _url("detail", people["a"].pk)
    export, erase = _url("subject_export", people["a"].pk), _url("erase", people["a"].pk)
    page = _client(client, district.user("head")).get(url).content.decode()
    assert export in page and erase in page
    client.logout()
    page = _client(client, district.user("methodist")).get(url).content.decode()
    assert export in page and erase not in page
    client.logout()
    page = _client(client, district.user("school_admin_a")).get(url).content.decode()
    assert export not in page and erase not in page


# --- the teacher's own record ---------------------------------------------------------------------


def test_me_redirects_the_teacher_to_their_record(client, district, people):
    response = _client(client, district.user("teacher_a")).get(_url("me"))
    assert response.status_code == 302 and response["Location"] == _url("detail", people["a"].pk)


def test_me_without_a_linked_record_explains_what_to_do(client, district, people):
    response = _client(client, district.user("no_role")).get(_url("me"))
    assert response.status_code == 200
    assert "не связана с карточкой" in response.content.decode()


def test_teacher_sees_propose_links_and_no_edit_buttons(client, district, people):
    a = people["a"]
    record = education_record_save(
        educator=a, data={"level": EducationRecord.Level.HIGHER, "institution": "ЧГУ"}
    )
    page = _client(client, district.user("teacher_a")).get(_url("detail", a.pk)).content.decode()
    assert "Предложить изменение" in page
    assert reverse("staff:propose", args=[a.pk, "contacts"]) in page
    assert reverse("staff:propose", args=[a.pk, "education"]) + f"?target={record.pk}" in page
    assert _url("edit", a.pk) not in page and _url("education_edit", a.pk, record.pk) not in page


def test_office_sees_no_propose_links(client, district, people):
    page = _client(client, district.user("methodist")).get(_url("detail", people["a"].pk)).content.decode()
    assert reverse("staff:propose", args=[people["a"].pk, "contacts"]) not in page


# --- personal data: masking and the access log ----------------------------------------------------


@pytest.fixture
def personal_data_hidden():
    """No one may see personal data unmasked (the rule is replaced for the test, then restored)."""
    original = rules.permissions.permissions["staff.view_personal_data"]
    rules.set_perm("staff.view_personal_data", rules.always_false)
    yield
    rules.set_perm("staff.view_personal_data", original)


def test_personal_data_unmasked_with_the_permission_and_the_view_logged(client, district, people):
    user = district.user("methodist")
    page = _client(client, user).get(_url("detail", people["a"].pk)).content.decode()
    assert "112-233-445 95" in page and "12.04.1985" in page
    entry = PersonalDataAccess.objects.get()
    assert entry.user == user and entry.action == "view" and entry.what == "Карточка педагога"
    assert list(entry.educators.all()) == [people["a"]]


def test_personal_data_masked_without_the_permission_and_nothing_logged(
    client, district, people, personal_data_hidden
):
    page = _client(client, district.user("methodist")).get(_url("detail", people["a"].pk)).content.decode()
    assert "112-233-445 95" not in page and "12.04.1985" not in page
    assert "***-***-*** 95" in page and "**.**.****" in page
    assert not PersonalDataAccess.objects.exists()


def test_teacher_viewing_own_record_is_not_logged(client, district, people):
    page = _client(client, district.user("teacher_a")).get(_url("detail", people["a"].pk)).content.decode()
    assert "112-233-445 95" in page
    assert not PersonalDataAccess.objects.exists()


# --- the page's figures ---------------------------------------------------------------------------


def test_age_and_experience_for_a_chosen_date(client, district, people):
    client = _client(client, district.user("methodist"))
    page = client.get(_url("detail", people["a"].pk), {"on": "2012-09-01"}).content.decode()
    assert "27 лет" in page  # born 12.04.1985
    assert "2 года" in page  # teaching since 01.09.2010
    assert "Молодой специалист" in page
    page = client.get(_url("detail", people["a"].pk), {"on": "2020-09-01"}).content.decode()
    assert "35 лет" in page and "10 лет" in page
    assert "Молодой специалист" not in page


def test_profile_runs_a_fixed_number_of_queries(client, district, people):
    a = people["a"]
    client = _client(client, district.user("methodist"))
    url = _url("detail", a.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for n in range(3):
        education_record_save(
            educator=a, data={"level": EducationRecord.Level.HIGHER, "institution": f"ВУЗ {n}"}
        )
        award_save(educator=a, data={"kind": Award.Kind.OTHER, "title": f"Грамота {n}"})
        make_employment(a, district.school_b, is_main=False, subjects=("Математика", f"Предмет {n}"))
        consent_record(educator=a, purpose=Consent.Purpose.DISTRIBUTION, given_on=dt.date(2024, 1, n + 1))
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(first)


def test_sections_from_the_registry_render(client, district, people, monkeypatch):
    seen = []

    def context(request, educator):
        seen.append(educator.pk)
        return {"text": f"Тестовый раздел о {educator.last_name}"}

    monkeypatch.setitem(
        core_profile._SECTIONS,
        "test_courses",
        ProfileSection("test_courses", "Курсы (тест)", 50, "components/empty.html", context),
    )
    monkeypatch.setitem(
        core_profile._SECTIONS,
        "test_hidden",
        ProfileSection("test_hidden", "Скрытый раздел", 51, "components/empty.html", lambda r, e: None),
    )
    page = _client(client, district.user("methodist")).get(_url("detail", people["a"].pk)).content.decode()
    assert "Курсы (тест)" in page and "Тестовый раздел о Алиева" in page
    assert "Скрытый раздел" not in page
    assert seen == [people["a"].pk]
    # Built-in sections come from the same registry, in order.
    assert page.index("Места работы") < page.index("Образование") < page.index("Курсы (тест)")


# --- creating -------------------------------------------------------------------------------------


def _person(**extra):
    return {
        "last_name": " Ибрагимова ",
        "first_name": "Хава",
        "patronymic": "Ахмедовна",
        "sex": "female",
        "birth_date": "15.03.1990",
        "snils": "112-233-445 95",
        "inn": "",
        "phone": "",
        "email": "",
        **extra,
    }


def _job(organization, **extra):
    position, _ = Position.objects.get_or_create(name="Учитель")
    subject, _ = Subject.objects.get_or_create(name="Математика")
    return {
        "job-organization": organization.pk,
        "job-position": position.pk,
        "job-subjects": [subject.pk],
        "job-is_main": "on",
        "job-weekly_hours": "18",
        "job-starts_on": "01.09.2015",
        **extra,
    }


def test_methodist_creates_an_educator_with_the_first_employment(client, district):
    client = _client(client, district.user("methodist"))
    data = {**_person(), **_job(district.school_b), "teaching_years": "5", "teaching_months": "3"}
    data["teaching_as_of"] = "01.09.2020"
    response = client.post(_url("create"), data)
    educator = Educator.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("detail", educator.pk)
    assert educator.last_name == "Ибрагимова" and educator.snils == "11223344595"
    assert educator.municipality == district.municipality
    assert (
        educator.teaching_experience_start
        == start_from_length(5, 3, dt.date(2020, 9, 1))
        == dt.date(2015, 6, 1)
    )
    employment = educator.employments.get()
    assert employment.organization == district.school_b and employment.is_main
    assert [s.name for s in employment.subjects.all()] == ["Математика"]
    assert employment.weekly_hours == 18


def test_school_admin_creates_only_at_their_school(client, district):
    client = _client(client, district.user("school_admin_a"))
    response = client.post(_url("create"), {**_person(), **_job(district.school_b)})
    assert response.status_code == 200
    assert "Выберите корректный вариант" in response.content.decode()
    assert not Educator.objects.exists()
    page = client.get(_url("create")).content.decode()
    assert district.school_a.short_name in page and district.school_b.short_name not in page
    response = client.post(_url("create"), {**_person(), **_job(district.school_a)})
    assert response.status_code == 302
    assert Educator.objects.get().employments.get().organization == district.school_a


def test_create_refuses_bad_input_with_russian_messages_and_saves_nothing(client, district, people):
    client = _client(client, district.user("methodist"))
    data = {
        **_person(snils="112-233-445 96", birth_date="01.01.2030"),
        **_job(district.school_a),
        "total_start": "01.09.2010",
        "total_years": "3",
    }
    page = client.post(_url("create"), data).content.decode()
    assert "СНИЛС введён с ошибкой: не сходится контрольное число." in page
    assert "либо дату начала общего стажа" in page
    assert Educator.objects.count() == 3
    # The same СНИЛС as another person's.
    page = client.post(_url("create"), {**_person(), **_job(district.school_a)}).content.decode()
    assert "Педагог с таким СНИЛС уже есть" in page
    # A birth date in the future (the service's check, shown on the field).
    page = client.post(
        _url("create"), {**_person(snils="", birth_date="01.01.2030"), **_job(district.school_a)}
    )
    assert "Дата рождения в будущем" in page.content.decode()
    assert Educator.objects.count() == 3


def test_municipality_of_walks_up_the_tree(district):
    assert municipality_of(district.school_a) == district.municipality
    assert municipality_of(district.region) is None


# --- editing --------------------------------------------------------------------------------------


def test_edit_saves_and_keeps_digits_of_identifiers(client, district, people):
    a = people["a"]
    client = _client(client, district.user("school_admin_a"))
    data = {
        **_person(last_name="Алиева", first_name="Петимат", birth_date="12.04.1985", snils="11223344595"),
        "phone": "+7 (928) 555-55-55",
        "inn": "500100732259",
        "total_start": "01.09.2008",
        "teaching_start": "01.09.2010",
    }
    response = client.post(_url("edit", a.pk), data)
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.phone == "+7 (928) 555-55-55" and a.snils == SNILS and a.inn == "500100732259"
    assert a.teaching_experience_start == dt.date(2010, 9, 1)


def test_observer_cannot_post_an_edit(client, district, people):
    response = _client(client, district.user("observer")).post(_url("edit", people["a"].pk), _person())
    assert response.status_code == 403
    people["a"].refresh_from_db()
    assert people["a"].last_name == "Алиева"


# --- education and awards -------------------------------------------------------------------------


def test_education_add_edit_delete(client, district, people):
    a = people["a"]
    client = _client(client, district.user("methodist"))
    data = {
        "level": "higher",
        "is_pedagogical": "on",
        "institution": "ЧГПУ",
        "graduation_year": "2007",
        "speciality": "Математика",
        "qualification": "Учитель математики",
    }
    assert client.post(_url("education_add", a.pk), data).status_code == 302
    record = a.education_records.get()
    assert record.is_pedagogical and record.graduation_year == 2007
    response = client.post(_url("education_edit", a.pk, record.pk), {**data, "institution": "ЧГУ"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.institution == "ЧГУ"
    page = client.get(_url("detail", a.pk)).content.decode()
    assert "ЧГУ" in page
    assert client.post(_url("education_delete", a.pk, record.pk)).status_code == 302
    assert not a.education_records.exists()


def test_another_educators_record_answers_404(client, district, people):
    record = education_record_save(educator=people["b"], data={"level": "higher", "institution": "ЧГУ"})
    client = _client(client, district.user("methodist"))
    assert client.get(_url("education_edit", people["a"].pk, record.pk)).status_code == 404
    assert client.post(_url("education_delete", people["a"].pk, record.pk)).status_code == 404
    assert EducationRecord.objects.filter(pk=record.pk).exists()


def test_award_add_edit_delete(client, district, people):
    a = people["a"]
    client = _client(client, district.user("school_admin_a"))
    data = {
        "kind": "regional",
        "title": "Почётная грамота МОиН ЧР",
        "awarded_on": "20.05.2021",
        "order_number": "15-п",
    }
    assert client.post(_url("award_add", a.pk), data).status_code == 302
    award = a.awards.get()
    assert award.awarded_on == dt.date(2021, 5, 20)
    assert (
        client.post(_url("award_edit", a.pk, award.pk), {**data, "order_number": "16-п"}).status_code == 302
    )
    award.refresh_from_db()
    assert award.order_number == "16-п"
    assert client.post(_url("award_delete", a.pk, award.pk)).status_code == 302
    assert not a.awards.exists()


def test_award_in_the_future_is_refused(client, district, people):
    client = _client(client, district.user("methodist"))
    future = f"{timezone.localdate() + dt.timedelta(days=10):%d.%m.%Y}"
    page = client.post(
        _url("award_add", people["a"].pk), {"kind": "other", "title": "Х", "awarded_on": future}
    )
    assert "не может быть в будущем" in page.content.decode()
    assert not Award.objects.exists()


# --- employments ----------------------------------------------------------------------------------


def test_end_before_start_is_refused_in_russian(client, district, people):
    employment = people["a"].employments.get()
    client = _client(client, district.user("methodist"))
    response = client.post(
        _url("employment_end", people["a"].pk, employment.pk),
        {"ends_on": "01.01.2010", "reason": "Увольнение"},
    )
    assert "Дата окончания не может быть раньше даты начала работы (01.09.2015)" in response.content.decode()
    employment.refresh_from_db()
    assert employment.ends_on is None


def test_end_keeps_the_record_and_its_history(client, district, people):
    a = people["a"]
    employment = a.employments.get()
    client = _client(client, district.user("methodist"))
    response = client.post(
        _url("employment_end", a.pk, employment.pk), {"ends_on": "30.06.2024", "reason": "Выход на пенсию"}
    )
    assert response.status_code == 302
    employment.refresh_from_db()
    assert employment.ends_on == dt.date(2024, 6, 30) and employment.end_reason == "Выход на пенсию"
    page = client.get(_url("detail", a.pk)).content.decode()
    assert "Выход на пенсию" in page and "30.06.2024" in page and "в прошлом" in page
    # Ending twice is refused.
    client.post(_url("employment_end", a.pk, employment.pk), {"ends_on": "01.07.2024"})
    employment.refresh_from_db()
    assert employment.ends_on == dt.date(2024, 6, 30)


def test_transfer_to_another_school_keeps_history(client, district, people):
    a = people["a"]
    employment = a.employments.get()
    client = _client(client, district.user("methodist"))
    response = client.post(
        _url("employment_transfer", a.pk, employment.pk),
        {"organization": district.school_b.pk, "on": "01.09.2025", "reason": "Перевод"},
    )
    assert response.status_code == 302
    old, new = Employment.objects.filter(educator=a).order_by("pk")
    assert old.ends_on == dt.date(2025, 8, 31) and old.end_reason == "Перевод"
    assert new.organization == district.school_b and new.starts_on == dt.date(2025, 9, 1)
    page = client.get(_url("detail", a.pk)).content.decode()
    assert district.school_a.short_name in page and district.school_b.short_name in page


def test_transfer_before_the_start_is_refused(client, district, people):
    a = people["a"]
    employment = a.employments.get()
    client = _client(client, district.user("methodist"))
    page = client.post(
        _url("employment_transfer", a.pk, employment.pk),
        {"organization": district.school_b.pk, "on": "01.09.2014", "reason": "Перевод"},
    ).content.decode()
    assert "Дата перевода должна быть позже начала работы" in page
    assert a.employments.count() == 1


def test_second_part_time_employment_and_edit(client, district, people):
    a = people["a"]
    client = _client(client, district.user("methodist"))
    position = Position.objects.get(name="Учитель")
    response = client.post(
        _url("employment_add", a.pk),
        {
            "organization": district.school_b.pk,
            "position": position.pk,
            "weekly_hours": "6",
            "starts_on": "01.09.2024",
        },
    )
    assert response.status_code == 302
    part_time = a.employments.get(organization=district.school_b)
    assert not part_time.is_main
    response = client.post(
        _url("employment_edit", a.pk, part_time.pk),
        {
            "organization": district.school_b.pk,
            "position": position.pk,
            "weekly_hours": "9",
            "starts_on": "01.09.2024",
        },
    )
    assert response.status_code == 302
    part_time.refresh_from_db()
    assert part_time.weekly_hours == 9


def test_school_admin_cannot_touch_the_employment_at_another_school(client, district, people):
    a = people["a"]
    other = make_employment(a, district.school_b, is_main=False)
    client = _client(client, district.user("school_admin_a"))
    assert client.get(_url("employment_edit", a.pk, other.pk)).status_code == 404
    assert client.post(_url("employment_end", a.pk, other.pk), {"ends_on": "01.01.2025"}).status_code == 404
    page = client.get(_url("detail", a.pk)).content.decode()
    assert _url("employment_edit", a.pk, other.pk) not in page
    assert _url("employment_edit", a.pk, a.employments.get(organization=district.school_a).pk) in page


# --- consents -------------------------------------------------------------------------------------


def test_consent_add_with_a_scan_and_withdraw(client, district, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = people["a"]
    client = _client(client, district.user("methodist"))
    scan = SimpleUploadedFile("согласие.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(
        _url("consent_add", a.pk), {"purpose": "processing", "given_on": "10.01.2024", "document": scan}
    )
    assert response.status_code == 302
    client.post(_url("consent_add", a.pk), {"purpose": "distribution", "given_on": "11.01.2024"})
    processing = a.consents.get(purpose="processing")
    assert processing.document and processing.recorded_by == district.user("methodist")
    download = client.get(_url("consent_document", a.pk, processing.pk))
    assert download.status_code == 200 and download.content == b"%PDF-1.4 test"
    page = client.get(_url("detail", a.pk)).content.decode()
    assert "Согласие на обработку персональных данных" in page and "Согласие на распространение" in page
    response = client.post(_url("consent_withdraw", a.pk, processing.pk), {"on": "01.02.2024"})
    assert response.status_code == 302
    processing.refresh_from_db()
    assert processing.withdrawn_on == dt.date(2024, 2, 1)
    assert a.consents.get(purpose="distribution").withdrawn_on is None
    assert "отозвано 01.02.2024" in client.get(_url("detail", a.pk)).content.decode()


def test_consent_withdrawn_before_it_was_given_is_refused(client, district, people):
    consent = consent_record(educator=people["a"], purpose="processing", given_on=dt.date(2024, 1, 10))
    client = _client(client, district.user("methodist"))
    page = client.post(_url("consent_withdraw", people["a"].pk, consent.pk), {"on": "01.01.2024"})
    assert "не может быть раньше даты согласия" in page.content.decode()


def test_consent_scan_of_another_type_is_refused(client, district, people):
    client = _client(client, district.user("methodist"))
    bad = SimpleUploadedFile("virus.exe", b"MZ")
    page = client.post(
        _url("consent_add", people["a"].pk),
        {"purpose": "processing", "given_on": "10.01.2024", "document": bad},
    )
    assert "PDF, JPG или PNG" in page.content.decode()
    assert not Consent.objects.exists()


def test_consent_scan_not_shown_to_another_school(client, district, people):
    consent = consent_record(educator=people["a"], purpose="processing", given_on=dt.date(2024, 1, 10))
    client = _client(client, district.user("school_admin_b"))
    assert client.get(_url("consent_document", people["a"].pk, consent.pk)).status_code == 404


# --- history --------------------------------------------------------------------------------------


def test_history_shows_changes_in_russian_with_masked_snils(client, district, people):
    a = people["a"]
    client = _client(client, district.user("methodist"))
    data = {
        **_person(last_name="Алиева", first_name="Петимат", birth_date="12.04.1985", snils=SNILS),
        "phone": "+7 (928) 999-99-99",
        "total_start": "01.09.2008",
        "teaching_start": "01.09.2010",
    }
    client.post(_url("edit", a.pk), data)
    client.post(_url("education_add", a.pk), {"level": "higher", "institution": "ЧГПУ"})
    record = a.education_records.get()
    client.post(_url("education_delete", a.pk, record.pk))
    page = client.get(_url("history", a.pk)).content.decode()
    assert "Телефон:" in page and "+7 (928) 000-00-01" in page and "+7 (928) 999-99-99" in page
    assert "Образование: высшее, ЧГПУ" in page and "Удаление" in page  # the deleted row's entries stay
    assert "Учебное заведение:" in page and "Уровень:" in page and "высшее" in page
    assert "СНИЛС:" in page and "***-***-*** 95" in page and "112-233-445" not in page
    assert "Магомадов А. Р." in page  # who
    assert page.index("Удаление") < page.index("Телефон:")  # newest first


def test_history_lists_transfers_with_organisation_names(client, district, people):
    a = people["a"]
    client = _client(client, district.user("methodist"))
    employment = a.employments.get()
    client.post(
        _url("employment_transfer", a.pk, employment.pk),
        {"organization": district.school_b.pk, "on": "01.09.2025", "reason": "Перевод"},
    )
    page = client.get(_url("history", a.pk)).content.decode()
    assert "Дата окончания:" in page and "31.08.2025" in page
    assert f"Место работы: Учитель — {district.school_b.short_name} (основное)" in page
    assert "Причина окончания:" in page and "Перевод" in page


def test_history_does_not_show_other_educators(client, district, people):
    award_save(educator=people["b"], data={"kind": "other", "title": "Чужая грамота"})
    page = _client(client, district.user("methodist")).get(_url("history", people["a"].pk)).content.decode()
    assert "Чужая грамота" not in page and "Бисаева" not in page
