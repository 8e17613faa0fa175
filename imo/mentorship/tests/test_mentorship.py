"""Early-career educators and mentoring: the date edges of early-career status, the lists' filters and
scope per role, validation messages, mentor load, the Excel exports, a fixed number of queries, the
mentorship page and its permissions, the profile section and the home-page counts."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imo.mentorship import services
from imo.mentorship.models import Mentorship, MentorshipReport
from imo.mentorship.selectors import early_career_counts, early_career_q
from imo.orgs.models import Role
from imo.orgs.tests.factories import make_user_with_role
from imo.staff.experience import add_years, is_early_career
from imo.staff.models import Educator
from imo.staff.services import educator_link_user
from imo.staff.tests.factories import make_educator

ON = dt.date(2026, 1, 15)
YOUNG_START = dt.date(2024, 9, 1)  # 1 year 4 months on ON
OLD_START = dt.date(2005, 9, 1)


def _person(district, school, last_name, start=YOUNG_START, **data):
    return make_educator(
        municipality=district.municipality,
        school=school,
        last_name=last_name,
        teaching_experience_start=start,
        starts_on=dt.date(2020, 9, 1),
        **data,
    )


@pytest.fixture
def people(district):
    """School A: two young (Яковлева, Абрамова) and an experienced mentor; school B: one young, one mentor."""
    return {
        "young_a1": _person(district, district.school_a, "Яковлева"),
        "young_a2": _person(district, district.school_a, "Абрамова"),
        "mentor_a": _person(district, district.school_a, "Опытная", start=OLD_START),
        "young_b": _person(district, district.school_b, "Ёлкина"),
        "mentor_b": _person(district, district.school_b, "Старшая", start=OLD_START),
    }


def _mentor(people, mentor="mentor_a", mentee="young_a1", **data):
    return services.mentorship_create(
        mentor=people[mentor],
        mentee=people[mentee],
        starts_on=data.pop("starts_on", dt.date(2025, 9, 1)),
        **data,
    )


def _get(client, user, name, params=None, args=None):
    client.force_login(user)
    return client.get(reverse(name, args=args), params or {})


def _xlsx(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


# --- early-career status on date edges ------------------------------------------------------------


@pytest.mark.parametrize(
    "start",
    [
        add_years(ON, -3),  # exactly three years: no longer early-career
        add_years(ON, -3) + dt.timedelta(days=1),  # one day short of three years
        add_years(ON, -3) - dt.timedelta(days=1),
        ON,  # starts today
        ON + dt.timedelta(days=10),  # starts later (0 years)
        dt.date(2023, 2, 28),
        dt.date(2000, 1, 1),
    ],
)
def test_early_career_sql_matches_python(district, start):
    educator = _person(district, district.school_a, "Граничная", start=start)
    in_sql = Educator.objects.filter(early_career_q(ON), pk=educator.pk).exists()
    assert in_sql == is_early_career(start, ON)


def test_leap_day_edge(district):
    educator = _person(district, district.school_a, "Високосная", start=dt.date(2024, 2, 29))
    # Three full years from 29.02.2024 are completed on 01.03.2027 (as imo.staff.experience counts).
    for day, early in ((dt.date(2027, 2, 28), True), (dt.date(2027, 3, 1), False)):
        assert Educator.objects.filter(early_career_q(day), pk=educator.pk).exists() is early
        assert is_early_career(educator.teaching_experience_start, day) is early


def test_unknown_experience_is_not_early_career(district):
    educator = _person(district, district.school_a, "Безстажа", start=None)
    assert not Educator.objects.filter(early_career_q(ON), pk=educator.pk).exists()


# --- the early-career list --------------------------------------------------------------------------


def _names(response):
    return [row.educator.last_name for row in response.context["rows"]]


def test_office_sees_every_school_in_russian_order(client, district, people):
    response = _get(client, district.user("head"), "mentorship:early_career", {"on": ON.isoformat()})
    assert response.status_code == 200
    assert _names(response) == ["Абрамова", "Ёлкина", "Яковлева"]
    assert "нет наставника" in response.content.decode()


def test_school_admin_sees_own_school_only(client, district, people):
    response = _get(
        client, district.user("school_admin_a"), "mentorship:early_career", {"on": ON.isoformat()}
    )
    assert _names(response) == ["Абрамова", "Яковлева"]


@pytest.mark.parametrize("key", ["teacher_a", "no_role"])
def test_lists_forbidden_to_teachers(client, district, people, key):
    for name in ("mentorship:early_career", "mentorship:list", "mentorship:create"):
        assert _get(client, district.user(key), name).status_code == 403


def test_anonymous_goes_to_login(client, district):
    response = client.get(reverse("mentorship:early_career"))
    assert response.status_code == 302


def test_filters_school_and_without_mentor(client, district, people):
    _mentor(people)
    user = district.user("head")
    by_school = _get(
        client, user, "mentorship:early_career", {"on": ON.isoformat(), "school": district.school_b.pk}
    )
    assert _names(by_school) == ["Ёлкина"]
    without = _get(client, user, "mentorship:early_career", {"on": ON.isoformat(), "no_mentor": "1"})
    assert _names(without) == ["Абрамова", "Ёлкина"]
    everyone = _get(client, user, "mentorship:early_career", {"on": ON.isoformat()})
    rows = {row.educator.last_name: row for row in everyone.context["rows"]}
    assert rows["Яковлева"].mentor == people["mentor_a"]
    assert rows["Яковлева"].school == district.school_a.short_name
    assert rows["Яковлева"].experience == "1 г. 4 мес."


def test_date_moves_people_out(client, district, people):
    later = _get(client, district.user("head"), "mentorship:early_career", {"on": "2027-09-01"})
    assert _names(later) == []  # all started 01.09.2024: three full years on 01.09.2027


def test_left_employment_is_not_listed(client, district, people):
    from imo.staff.services import employment_end

    employment = people["young_a2"].employments.get()
    employment_end(employment=employment, ends_on=dt.date(2025, 12, 31), reason="")
    response = _get(client, district.user("head"), "mentorship:early_career", {"on": ON.isoformat()})
    assert "Абрамова" not in _names(response)


def test_early_career_export(client, district, people):
    _mentor(people)
    rows = _xlsx(
        _get(
            client, district.user("head"), "mentorship:early_career", {"on": ON.isoformat(), "export": "xlsx"}
        )
    )
    assert rows[0][0] == "ФИО"
    assert [r[0].split()[0] for r in rows[1:]] == ["Абрамова", "Ёлкина", "Яковлева"]
    assert rows[1][4] == "нет наставника"
    assert rows[3][4].startswith("Опытная")


def test_early_career_fixed_queries(client, district, people):
    user = district.user("head")
    client.force_login(user)
    url = reverse("mentorship:early_career")
    client.get(url, {"on": ON.isoformat()})
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"on": ON.isoformat()})
    for n in range(5):
        young = _person(district, district.school_b, f"Новая{n}")
        services.mentorship_create(mentor=people["mentor_b"], mentee=young, starts_on=dt.date(2025, 9, 1))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"on": ON.isoformat()})
    assert len(response.context["rows"]) == 8
    assert len(many) == len(few)


def test_counts_for_home_page(district, people):
    _mentor(people)
    assert early_career_counts(district.user("head"), ON) == (3, 2)
    assert early_career_counts(district.user("school_admin_a"), ON) == (2, 1)
    assert early_career_counts(district.user("no_role"), ON) == (0, 0)


# --- validation ---------------------------------------------------------------------------------------


def _messages(error):
    return [m for messages in error.value.message_dict.values() for m in messages]


def test_mentor_must_differ(people):
    with pytest.raises(ValidationError) as error:
        _mentor(people, mentor="young_a1", mentee="young_a1")
    assert "Наставник и наставляемый должны быть разными педагогами." in _messages(error)
    assert not Mentorship.objects.exists()


def test_dates_consistent(people):
    with pytest.raises(ValidationError) as error:
        _mentor(people, starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2025, 8, 1))
    assert "Дата окончания не может быть раньше даты начала." in _messages(error)


def test_second_active_mentorship_refused(people):
    _mentor(people)
    with pytest.raises(ValidationError) as error:
        _mentor(people, mentor="mentor_b")
    assert any("уже есть действующее наставничество" in m for m in _messages(error))
    assert Mentorship.objects.count() == 1


def test_after_finishing_a_new_mentor_may_be_assigned(people):
    first = _mentor(people)
    services.mentorship_finish(mentorship=first, ends_on=dt.date(2025, 12, 31))
    second = _mentor(people, mentor="mentor_b", starts_on=dt.date(2026, 1, 10))
    assert second.status == Mentorship.Status.ACTIVE
    with pytest.raises(ValidationError):
        services.mentorship_finish(mentorship=first, ends_on=dt.date(2026, 1, 1))


def test_mentee_must_work_on_start(people):
    with pytest.raises(ValidationError) as error:
        _mentor(people, starts_on=dt.date(2019, 1, 1))
    assert "На дату начала наставляемый не работает ни в одной организации." in _messages(error)


def test_plan_and_report_validation(people):
    mentorship = _mentor(people)
    with pytest.raises(ValidationError) as error:
        services.plan_item_add(mentorship=mentorship, title="  ", due_on=dt.date(2025, 10, 1))
    assert "Укажите мероприятие плана." in _messages(error)
    with pytest.raises(ValidationError) as error:
        services.plan_item_add(mentorship=mentorship, title="Открытый урок", due_on=dt.date(2025, 1, 1))
    assert "Срок не может быть раньше начала наставничества." in _messages(error)
    with pytest.raises(ValidationError) as error:
        services.report_add(
            mentorship=mentorship, author_role="mentor", reported_on=dt.date(2025, 12, 1), text=" "
        )
    assert "Отчёт не может быть пустым." in _messages(error)


# --- mentorships list, mentor load, export ---------------------------------------------------------------


def test_mentor_load_and_scope(client, district, people):
    _mentor(people)
    _mentor(people, mentee="young_a2")
    _mentor(people, mentor="mentor_b", mentee="young_b")
    response = _get(client, district.user("head"), "mentorship:list")
    loads = {m.mentee.last_name: m.mentor_load for m in response.context["page"].object_list}
    assert loads == {"Абрамова": 2, "Яковлева": 2, "Ёлкина": 1}
    own = _get(client, district.user("school_admin_b"), "mentorship:list")
    assert [m.mentee.last_name for m in own.context["page"].object_list] == ["Ёлкина"]


def test_list_status_filter(client, district, people):
    finished = _mentor(people)
    services.mentorship_finish(mentorship=finished, ends_on=dt.date(2025, 12, 31))
    _mentor(people, mentee="young_b", mentor="mentor_b")
    user = district.user("head")
    active = _get(client, user, "mentorship:list")
    assert [m.mentee.last_name for m in active.context["page"].object_list] == ["Ёлкина"]
    everything = _get(client, user, "mentorship:list", {"status": "all"})
    assert len(everything.context["page"].object_list) == 2


def test_mentorship_export(client, district, people):
    _mentor(people)
    rows = _xlsx(_get(client, district.user("school_admin_a"), "mentorship:list", {"export": "xlsx"}))
    assert rows[0][:3] == ("Наставляемый", "Наставник", "Нагрузка наставника")
    assert rows[1][0].startswith("Яковлева") and rows[1][2] == 1


def test_mentorship_list_fixed_queries(client, district, people):
    client.force_login(district.user("head"))
    _mentor(people)
    client.get(reverse("mentorship:list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("mentorship:list"))
    _mentor(people, mentee="young_a2")
    _mentor(people, mentor="mentor_b", mentee="young_b")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("mentorship:list"))
    assert len(many) == len(few)


# --- one mentorship: who sees and manages it ----------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "status"),
    [("head", 200), ("observer", 200), ("school_admin_a", 200), ("school_admin_b", 404), ("no_role", 404)],
)
def test_detail_scope(client, district, people, key, status):
    mentorship = _mentor(people)
    assert _get(client, district.user(key), "mentorship:detail", args=[mentorship.pk]).status_code == status


@pytest.mark.parametrize(
    ("key", "status"),
    [("methodist", 200), ("school_admin_a", 200), ("observer", 403), ("school_admin_b", 404)],
)
def test_edit_permissions(client, district, people, key, status):
    mentorship = _mentor(people)
    assert _get(client, district.user(key), "mentorship:edit", args=[mentorship.pk]).status_code == status


def test_teacher_sees_own_mentorship_and_reports(client, district, people):
    mentorship = _mentor(people)
    teacher = district.user("teacher_a")
    educator_link_user(educator=people["young_a1"], user=teacher)
    response = _get(client, teacher, "mentorship:detail", args=[mentorship.pk])
    assert response.status_code == 200
    assert response.context["can_change"] is False
    assert response.context["report_form"].fields["author_role"].choices == [("mentee", "наставляемый")]
    posted = client.post(
        reverse("mentorship:report_add", args=[mentorship.pk]),
        {"author_role": "mentee", "reported_on": "2025-12-20", "text": "Провела два открытых урока."},
    )
    assert posted.status_code == 302
    report = MentorshipReport.objects.get()
    assert report.author_role == "mentee"
    # A mentee cannot write the mentor's report, nor change the plan.
    refused = client.post(
        reverse("mentorship:report_add", args=[mentorship.pk]),
        {"author_role": "mentor", "reported_on": "2025-12-20", "text": "Чужой отчёт."},
    )
    assert refused.status_code == 400
    plan = client.post(
        reverse("mentorship:plan_item_add", args=[mentorship.pk]), {"title": "x", "due_on": "2025-10-01"}
    )
    assert plan.status_code == 403


def test_other_teacher_gets_404(client, district, people):
    mentorship = _mentor(people)
    other = make_user_with_role(Role.TEACHER, district.school_a, username="other_teacher")
    assert _get(client, other, "mentorship:detail", args=[mentorship.pk]).status_code == 404
    response = client.post(
        reverse("mentorship:report_add", args=[mentorship.pk]),
        {"author_role": "mentee", "reported_on": "2025-12-20", "text": "x"},
    )
    assert response.status_code == 404


def test_school_admin_assigns_plans_and_finishes(client, district, people):
    client.force_login(district.user("school_admin_a"))
    form = client.get(reverse("mentorship:create"), {"mentee": people["young_a2"].pk})
    assert form.status_code == 200
    response = client.post(
        reverse("mentorship:create"),
        {
            "mentee": people["young_a2"].pk,
            "mentor": people["mentor_a"].pk,
            "starts_on": "2025-09-01",
            "goals": "Адаптация в коллективе",
        },
    )
    mentorship = Mentorship.objects.get()
    assert response.status_code == 302 and mentorship.organization == district.school_a
    url = reverse("mentorship:plan_item_add", args=[mentorship.pk])
    assert (
        client.post(url, {"title": "Посещение уроков наставника", "due_on": "2025-10-15"}).status_code == 302
    )
    bad = client.post(url, {"title": "Рано", "due_on": "2025-01-15"})
    assert bad.status_code == 400
    assert "Срок не может быть раньше начала наставничества." in bad.content.decode()
    item = mentorship.plan_items.get()
    done_url = reverse("mentorship:plan_item_done", args=[mentorship.pk, item.pk])
    assert client.post(done_url, {"done_on": "2025-10-10", "result": "Посетила 5 уроков"}).status_code == 302
    item.refresh_from_db()
    assert item.done_on == dt.date(2025, 10, 10)
    finish = client.post(reverse("mentorship:finish", args=[mentorship.pk]), {"ends_on": "2026-01-10"})
    assert finish.status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.FINISHED


def test_create_shows_validation_and_warns(client, district, people):
    client.force_login(district.user("head"))
    response = client.post(
        reverse("mentorship:create"),
        {"mentee": people["young_a1"].pk, "mentor": people["young_a1"].pk, "starts_on": "2025-09-01"},
    )
    assert response.status_code == 200
    assert "Наставник и наставляемый должны быть разными педагогами." in response.content.decode()
    # Not an early-career educator: saved, with a warning.
    response = client.post(
        reverse("mentorship:create"),
        {"mentee": people["mentor_b"].pk, "mentor": people["mentor_a"].pk, "starts_on": "2025-09-01"},
        follow=True,
    )
    assert "не относится к молодым специалистам" in response.content.decode()


def test_school_admin_cannot_pick_other_schools_mentee(client, district, people):
    client.force_login(district.user("school_admin_a"))
    response = client.get(reverse("mentorship:create"), {"mentee": people["young_b"].pk})
    assert response.status_code == 404


# --- profile section ---------------------------------------------------------------------------------------


def test_profile_section(client, district, people):
    _mentor(people)
    client.force_login(district.user("head"))
    mentor_page = client.get(reverse("staff:detail", args=[people["mentor_a"].pk])).content.decode()
    assert 'id="section-mentorship"' in mentor_page and "наставляемый: " in mentor_page
    young_page = client.get(reverse("staff:detail", args=[people["young_a2"].pk])).content.decode()
    assert f"{reverse('mentorship:create')}?mentee={people['young_a2'].pk}" in young_page


# --- demo -------------------------------------------------------------------------------------------------


def test_demo_seed(district):
    import random

    from imo.mentorship import demo

    today = dt.date(2026, 3, 1)
    mentors = [_person(district, district.school_a, f"Мастер{n}", start=OLD_START) for n in range(2)]
    young = [
        _person(district, district.school_a, f"Молодая{n}", start=dt.date(2024, 9, 1)) for n in range(10)
    ]
    _person(district, district.school_b, "Одинокая")  # no experienced colleague at school B: no mentor
    result = demo.seed(rng=random.Random(1), today=today)
    assert 5 <= result.mentorships <= 6  # at most three mentees per mentor
    assert result.plan_items >= 3 * result.mentorships
    mentorships = list(Mentorship.objects.all())
    assert {m.mentor_id for m in mentorships} <= {m.pk for m in mentors}
    assert {m.mentee_id for m in mentorships} <= {y.pk for y in young}
    assert all(m.organization_id == district.school_a.pk for m in mentorships)
    assert all(m.starts_on <= today for m in mentorships)
    total, without = early_career_counts(district.user("head"), today)
    assert total == 11 and without == 11 - result.mentorships


# --- report files ------------------------------------------------------------------------------------------


def _docx_bytes():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _post_report(client, mentorship, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("mentorship:report_add", args=[mentorship.pk]),
        {
            "author_role": "mentor",
            "reported_on": "2025-12-20",
            "text": "Отчёт за полугодие.",
            "document": SimpleUploadedFile(name, content),
        },
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("отчёт.pdf", b"%PDF-1.7\n%fake but starts right\n"),
        ("отчёт.docx", None),
        ("фото.png", b"\x89PNG\r\n\x1a\n0000"),
    ],
)
def test_report_with_a_file(client, district, people, name, content):
    mentorship = _mentor(people)
    client.force_login(district.user("school_admin_a"))
    assert _post_report(client, mentorship, name, content or _docx_bytes()).status_code == 302
    report = MentorshipReport.objects.get()
    assert report.document
    download = client.get(reverse("mentorship:report_document", args=[mentorship.pk, report.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    client.force_login(district.user("school_admin_b"))
    assert (
        client.get(reverse("mentorship:report_document", args=[mentorship.pk, report.pk])).status_code == 404
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("отчёт.pdf", b"just text pretending to be a PDF", "Приложите документ PDF или DOCX"),
        ("отчёт.docx", b"PK\x03\x04 not really a zip", "Приложите документ PDF или DOCX"),
        ("отчёт.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "Файл больше 10 МБ."),
    ],
)
def test_report_file_checked_by_content(client, district, people, name, content, message):
    mentorship = _mentor(people)
    client.force_login(district.user("school_admin_a"))
    response = _post_report(client, mentorship, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MentorshipReport.objects.exists()


# --- editing ------------------------------------------------------------------------------------------------


def test_edit_changes_mentor_and_validates(client, district, people):
    mentorship = _mentor(people)
    client.force_login(district.user("school_admin_a"))
    url = reverse("mentorship:edit", args=[mentorship.pk])
    data = {"mentor": people["young_a2"].pk, "starts_on": "2025-09-01", "goals": " Новые цели "}
    assert client.post(url, data).status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.mentor == people["young_a2"] and mentorship.goals == "Новые цели"
    bad = client.post(url, {**data, "mentor": people["young_a1"].pk})
    assert bad.status_code == 200
    assert "Наставник и наставляемый должны быть разными педагогами." in bad.content.decode()
    late = client.post(url, {**data, "ends_on": "2025-01-01"})
    assert "Дата окончания не может быть раньше даты начала." in late.content.decode()


def test_finished_mentorship_editable_while_a_new_one_runs(people):
    first = _mentor(people)
    services.mentorship_finish(mentorship=first, ends_on=dt.date(2025, 12, 31))
    _mentor(people, mentor="mentor_b", starts_on=dt.date(2026, 1, 10))
    services.mentorship_update(mentorship=first, goals="Итоги подведены")
    with pytest.raises(ValidationError) as error:
        services.mentorship_update(mentorship=first, ends_on=None)
    assert "У завершённого наставничества должна быть дата окончания." in _messages(error)
