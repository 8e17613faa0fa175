"""Changes a teacher proposes to their own record, and their school admin's (or the office's) decision."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imo.core.profile import sections_for
from imo.staff.models import Award, ChangeProposal, EducationRecord
from imo.staff.proposals import (
    proposal_accept,
    proposal_create,
    proposal_reject,
    proposals_of,
    proposals_pending_count,
    proposals_pending_for,
)
from imo.staff.services import award_save, education_record_save, educator_link_user, educator_update
from imo.staff.tests.factories import make_educator

Status = ChangeProposal.Status


@pytest.fixture
def people(district):
    a = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        last_name="Алиева",
        phone="+7 (928) 000-00-01",
        email="alieva@example.ru",
    )
    educator_link_user(educator=a, user=district.user("teacher_a"))
    b = make_educator(municipality=district.municipality, school=district.school_b, last_name="Бисаева")
    record = education_record_save(
        educator=a,
        data={
            "level": EducationRecord.Level.HIGHER,
            "is_pedagogical": True,
            "institution": "ЧГПУ",
            "graduation_year": 2005,
            "speciality": "Математика",
            "qualification": "Учитель математики",
        },
    )
    award = award_save(
        educator=a,
        data={
            "kind": Award.Kind.MUNICIPAL,
            "title": "Грамота управления образования",
            "awarded_on": dt.date(2020, 5, 1),
        },
    )
    return {"a": a, "b": b, "record": record, "award": award}


def _as(client, district, key):
    client.force_login(district.user(key))
    return client


def _propose_url(educator, section, target=None):
    url = reverse("staff:propose", args=[educator.pk, section])
    return f"{url}?target={target.pk}" if target is not None else url


def _phone_proposal(district, people, phone="+7 (928) 111-22-33"):
    return proposal_create(
        educator=people["a"],
        section="contacts",
        action="change",
        values={"phone": phone, "email": people["a"].email},
        by=district.user("teacher_a"),
    )


# --- proposing -------------------------------------------------------------------------------------


def test_teacher_proposes_new_contacts_and_the_record_waits(client, district, people):
    client = _as(client, district, "teacher_a")
    url = _propose_url(people["a"], "contacts")
    page = client.get(url)
    assert page.status_code == 200 and "alieva@example.ru" in page.content.decode()
    response = client.post(url, {"phone": "  +7 (928)  111-22-33 ", "email": "alieva@example.ru"})
    proposal = ChangeProposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:proposal_detail", args=[proposal.pk])
    assert (proposal.section, proposal.action, proposal.status) == ("contacts", "change", Status.PENDING)
    assert proposal.data["values"] == {"phone": "+7 (928) 111-22-33"}  # only what changed, spaces collapsed
    assert proposal.data["before"]["phone"] == "+7 (928) 000-00-01"
    assert proposal.proposed_by == district.user("teacher_a")
    people["a"].refresh_from_db()
    assert people["a"].phone == "+7 (928) 000-00-01"


def test_contacts_are_validated_like_the_records_fields(client, district, people):
    client = _as(client, district, "teacher_a")
    response = client.post(_propose_url(people["a"], "contacts"), {"phone": "", "email": "не почта"})
    assert response.status_code == 200
    assert "Введите правильный адрес электронной почты" in response.content.decode()
    response = client.post(
        _propose_url(people["a"], "contacts"), {"phone": "+7 (928) 000-00-01", "email": "alieva@example.ru"}
    )
    assert "Вы ничего не изменили." in response.content.decode()
    assert not ChangeProposal.objects.exists()


EDUCATION = {
    "level": "secondary_vocational",
    "is_pedagogical": "on",
    "institution": "Грозненский педагогический колледж",
    "graduation_year": "2001",
    "speciality": "Преподавание в начальных классах",
    "qualification": "Учитель начальных классов",
}
AWARD = {
    "kind": "regional",
    "title": "Почётная грамота Министерства",
    "awarded_on": "2023-10-05",
    "order_number": "15-к",
}


@pytest.mark.parametrize(("section", "form"), [("education", EDUCATION), ("award", AWARD)])
def test_teacher_proposes_to_add_a_record(client, district, people, section, form):
    client = _as(client, district, "teacher_a")
    assert client.post(_propose_url(people["a"], section), form).status_code == 302
    proposal = ChangeProposal.objects.get()
    assert (proposal.section, proposal.action, proposal.target_id) == (section, "add", None)
    if section == "award":
        assert proposal.data["values"]["awarded_on"] == "2023-10-05"  # JSON-safe: an ISO string
    else:
        assert proposal.data["values"]["graduation_year"] == 2001
        assert proposal.data["values"]["is_pedagogical"] is True


def test_teacher_proposes_to_change_an_education_record(client, district, people):
    client = _as(client, district, "teacher_a")
    url = _propose_url(people["a"], "education", people["record"])
    assert "ЧГПУ" in client.get(url).content.decode()
    form = {
        "level": "higher",
        "is_pedagogical": "on",
        "institution": "Чеченский государственный педагогический университет",
        "graduation_year": "2005",
        "speciality": "Математика",
        "qualification": "Учитель математики",
    }
    assert client.post(url, form).status_code == 302
    proposal = ChangeProposal.objects.get()
    assert (proposal.action, proposal.target_id) == ("change", people["record"].pk)
    assert proposal.data["values"] == {"institution": "Чеченский государственный педагогический университет"}


def test_teacher_proposes_to_change_an_award_date(client, district, people):
    client = _as(client, district, "teacher_a")
    form = {"kind": "municipal", "title": "Грамота управления образования", "awarded_on": "2020-05-11"}
    assert client.post(_propose_url(people["a"], "award", people["award"]), form).status_code == 302
    assert ChangeProposal.objects.get().data["values"] == {"awarded_on": "2020-05-11"}


@pytest.mark.parametrize("section", ["education", "award"])
def test_teacher_proposes_to_remove_a_record(client, district, people, section):
    target = people["record"] if section == "education" else people["award"]
    client = _as(client, district, "teacher_a")
    assert client.post(_propose_url(people["a"], section, target), {"action": "remove"}).status_code == 302
    proposal = ChangeProposal.objects.get()
    assert (proposal.action, proposal.target_id, proposal.data["values"]) == ("remove", target.pk, {})
    assert type(target).objects.filter(pk=target.pk).exists()


def test_teacher_cannot_propose_for_another_educator(client, district, people):
    client = _as(client, district, "teacher_a")
    for section in ("contacts", "education", "award"):
        assert client.get(_propose_url(people["b"], section)).status_code == 404
        assert client.post(_propose_url(people["b"], section), {"phone": "1"}).status_code == 404
    assert not ChangeProposal.objects.exists()


def test_only_the_teacher_proposes_on_their_record(client, district, people):
    # The school admin sees the record but edits it directly instead of proposing.
    assert (
        _as(client, district, "school_admin_a").get(_propose_url(people["a"], "contacts")).status_code == 403
    )
    assert _as(client, district, "observer").get(_propose_url(people["a"], "contacts")).status_code == 403
    assert (
        _as(client, district, "school_admin_b").get(_propose_url(people["a"], "contacts")).status_code == 404
    )


def test_unknown_section_or_someone_elses_record_answers_404(client, district, people):
    other_award = award_save(educator=people["b"], data={"kind": "other", "title": "Чужая"})
    client = _as(client, district, "teacher_a")
    assert client.get(_propose_url(people["a"], "salary")).status_code == 404
    assert client.get(_propose_url(people["a"], "award", other_award)).status_code == 404
    assert client.get(_propose_url(people["a"], "award") + "?target=abc").status_code == 404


def test_anonymous_is_sent_to_login(client, district, people):
    response = client.get(_propose_url(people["a"], "contacts"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_service_refuses_fields_outside_the_section(district, people):
    with pytest.raises(ValidationError):
        proposal_create(
            educator=people["a"],
            section="contacts",
            action="change",
            values={"snils": "11223344595"},
            by=district.user("teacher_a"),
        )


# --- deciding --------------------------------------------------------------------------------------


def _decide(client, proposal, decision, comment=""):
    return client.post(
        reverse("staff:proposal_decide", args=[proposal.pk]), {"decision": decision, "comment": comment}
    )


def test_school_admin_accepts_and_the_change_is_applied_and_logged(client, district, people):
    proposal = _phone_proposal(district, people)
    client = _as(client, district, "school_admin_a")
    page = client.get(reverse("staff:proposal_detail", args=[proposal.pk])).content.decode()
    assert "+7 (928) 000-00-01" in page and "+7 (928) 111-22-33" in page  # old → new
    response = _decide(client, proposal, "accept")
    assert response.status_code == 302
    people["a"].refresh_from_db()
    assert people["a"].phone == "+7 (928) 111-22-33"
    proposal.refresh_from_db()
    assert proposal.status == Status.ACCEPTED
    assert proposal.decided_by == district.user("school_admin_a") and proposal.decided_at is not None
    entry = (
        LogEntry.objects.get_for_object(people["a"]).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    )
    assert entry.actor == district.user("school_admin_a")
    assert "phone" in entry.changes_dict


def test_accepting_an_added_award_creates_it(client, district, people):
    proposal = proposal_create(
        educator=people["a"],
        section="award",
        action="add",
        values={"kind": "regional", "title": "Почётная грамота", "awarded_on": dt.date(2024, 3, 8)},
        by=district.user("teacher_a"),
    )
    client = _as(client, district, "school_admin_a")
    page = client.get(reverse("staff:proposal_detail", args=[proposal.pk])).content.decode()
    assert "Предложено добавить" in page and "08.03.2024" in page and "региональная" in page
    assert _decide(client, proposal, "accept").status_code == 302
    award = people["a"].awards.get(title="Почётная грамота")
    assert award.awarded_on == dt.date(2024, 3, 8)
    proposal.refresh_from_db()
    assert proposal.target_id == award.pk
    assert LogEntry.objects.get_for_object(award).filter(action=LogEntry.Action.CREATE).exists()


def test_accepting_a_change_and_a_removal_of_education(client, district, people):
    change = proposal_create(
        educator=people["a"],
        section="education",
        action="change",
        values={"graduation_year": 2006},
        target=people["record"],
        by=district.user("teacher_a"),
    )
    client = _as(client, district, "methodist")  # the office decides too
    assert _decide(client, change, "accept").status_code == 302
    people["record"].refresh_from_db()
    assert people["record"].graduation_year == 2006
    removal = proposal_create(
        educator=people["a"],
        section="award",
        action="remove",
        target=people["award"],
        by=district.user("teacher_a"),
    )
    page = client.get(reverse("staff:proposal_detail", args=[removal.pk])).content.decode()
    assert "предложено удалить" in page and "Грамота управления образования" in page and "01.05.2020" in page
    assert _decide(client, removal, "accept").status_code == 302
    assert not Award.objects.filter(pk=people["award"].pk).exists()


def test_school_admin_rejects_with_a_comment_and_nothing_changes(client, district, people):
    proposal = _phone_proposal(district, people)
    client = _as(client, district, "school_admin_a")
    response = _decide(client, proposal, "reject")
    assert response.status_code == 400
    assert "Напишите, почему предложение отклонено" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Status.PENDING
    assert _decide(client, proposal, "reject", "Номер не совпадает с заявлением").status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.comment) == (Status.REJECTED, "Номер не совпадает с заявлением")
    people["a"].refresh_from_db()
    assert people["a"].phone == "+7 (928) 000-00-01"


def test_rejecting_without_a_comment_is_refused_by_the_service(district, people):
    proposal = _phone_proposal(district, people)
    with pytest.raises(ValidationError):
        proposal_reject(proposal=proposal, by=district.user("school_admin_a"), comment="  ")


def test_another_schools_admin_gets_404(client, district, people):
    proposal = _phone_proposal(district, people)
    client = _as(client, district, "school_admin_b")
    response = client.get(reverse("staff:proposal_detail", args=[proposal.pk]))
    assert response.status_code == 404 and "Алиева" not in response.content.decode()
    assert _decide(client, proposal, "accept").status_code == 404
    assert (
        reverse("staff:proposal_detail", args=[proposal.pk])
        not in client.get(reverse("staff:proposals")).content.decode()
    )
    proposal.refresh_from_db()
    assert proposal.status == Status.PENDING


def test_observer_and_the_teacher_cannot_decide(client, district, people):
    proposal = _phone_proposal(district, people)
    observer = _as(client, district, "observer")
    assert observer.get(reverse("staff:proposal_detail", args=[proposal.pk])).status_code == 403
    assert _decide(observer, proposal, "accept").status_code == 403
    assert observer.get(reverse("staff:proposals")).status_code == 403
    teacher = _as(client, district, "teacher_a")
    page = teacher.get(reverse("staff:proposal_detail", args=[proposal.pk]))
    assert page.status_code == 200 and "Принять" not in page.content.decode()
    assert _decide(teacher, proposal, "accept").status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Status.PENDING
    assert (
        _as(client, district, "no_role").get(reverse("staff:proposal_detail", args=[proposal.pk])).status_code
        == 404
    )


def test_decide_needs_post(client, district, people):
    proposal = _phone_proposal(district, people)
    client = _as(client, district, "school_admin_a")
    assert client.get(reverse("staff:proposal_decide", args=[proposal.pk])).status_code == 405


def test_a_proposal_is_decided_once(client, district, people):
    proposal = _phone_proposal(district, people)
    client = _as(client, district, "school_admin_a")
    assert _decide(client, proposal, "accept").status_code == 302
    response = _decide(client, proposal, "reject", "Передумала")
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "Решение по этому предложению уже принято." in follow
    proposal.refresh_from_db()
    assert (proposal.status, proposal.comment) == (Status.ACCEPTED, "")
    with pytest.raises(ValidationError):
        proposal_accept(proposal=proposal, by=district.user("methodist"))


def test_a_deleted_target_is_not_applied(client, district, people):
    proposal = proposal_create(
        educator=people["a"],
        section="award",
        action="change",
        values={"title": "Почётная грамота администрации района"},
        target=people["award"],
        by=district.user("teacher_a"),
    )
    people["award"].delete()
    client = _as(client, district, "school_admin_a")
    page = client.get(reverse("staff:proposal_detail", args=[proposal.pk])).content.decode()
    assert "уже удалена" in page
    response = _decide(client, proposal, "accept")
    assert "уже удалена" in client.get(response["Location"]).content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Status.PENDING
    assert not Award.objects.filter(educator=people["a"]).exists()
    assert _decide(client, proposal, "reject", "Награда удалена из записи").status_code == 302


def test_a_target_changed_meanwhile_is_not_applied(client, district, people):
    proposal = _phone_proposal(district, people)
    educator_update(educator=people["a"], data={"phone": "+7 (928) 999-99-99"})
    client = _as(client, district, "school_admin_a")
    page = client.get(reverse("staff:proposal_detail", args=[proposal.pk])).content.decode()
    assert "уже изменили" in page and "+7 (928) 999-99-99" in page
    with pytest.raises(ValidationError, match="уже изменили"):
        proposal_accept(proposal=proposal, by=district.user("school_admin_a"))
    _decide(client, proposal, "accept")
    people["a"].refresh_from_db()
    assert people["a"].phone == "+7 (928) 999-99-99"
    proposal.refresh_from_db()
    assert proposal.status == Status.PENDING


# --- the queue and the profile section -------------------------------------------------------------


def test_queue_of_the_school_admin_and_the_office(client, district, people):
    proposal = _phone_proposal(district, people)
    detail = reverse("staff:proposal_detail", args=[proposal.pk])
    for key in ("school_admin_a", "methodist", "head"):
        response = _as(client, district, key).get(reverse("staff:proposals"))
        assert response.status_code == 200 and detail in response.content.decode(), key
    assert proposals_pending_count(district.user("school_admin_a")) == 1
    assert proposals_pending_count(district.user("school_admin_b")) == 0
    assert proposals_pending_count(district.user("observer")) == 0
    assert proposals_pending_count(district.user("teacher_a")) == 0
    proposal_reject(proposal=proposal, by=district.user("school_admin_a"), comment="Нет")
    client = _as(client, district, "school_admin_a")
    assert detail not in client.get(reverse("staff:proposals")).content.decode()
    assert detail in client.get(reverse("staff:proposals") + "?status=decided").content.decode()


def test_queue_runs_a_fixed_number_of_queries(client, district, people):
    client = _as(client, district, "school_admin_a")
    _phone_proposal(district, people)
    client.get(reverse("staff:proposals"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("staff:proposals"))
    for n in range(5):
        _phone_proposal(district, people, phone=f"+7 (928) 222-22-2{n}")
    with CaptureQueriesContext(connection) as six:
        client.get(reverse("staff:proposals"))
    assert len(six) == len(one)


def test_queue_leaves_out_those_who_left_the_school(district, people):
    _phone_proposal(district, people)
    employment = people["a"].employments.get()
    from imo.staff.services import employment_end

    employment_end(employment=employment, ends_on=dt.date(2020, 1, 1), reason="Увольнение")
    assert not proposals_pending_for(district.user("school_admin_a")).exists()
    assert proposals_pending_for(district.user("methodist")).exists()


def test_teacher_sees_their_proposals_and_the_decisions(client, district, people):
    proposal = _phone_proposal(district, people)
    proposal_reject(
        proposal=proposal, by=district.user("school_admin_a"), comment="Позвоните в учебную часть"
    )
    client = _as(client, district, "teacher_a")
    page = client.get(reverse("staff:proposals")).content.decode()
    assert "отклонено" in page and "Позвоните в учебную часть" in page
    assert reverse("staff:propose", args=[people["a"].pk, "contacts"]) in page
    assert _as(client, district, "no_role").get(reverse("staff:proposals")).status_code == 403


def test_profile_section_for_the_teacher_and_the_deciders_only(district, people):
    proposal = _phone_proposal(district, people)
    proposal_accept(proposal=proposal, by=district.user("school_admin_a"), comment="Готово")

    def keys(user_key):
        request = RequestFactory().get("/")
        request.user = district.user(user_key)
        return {s.section.key: s.context for s in sections_for(request, people["a"])}

    teacher = keys("teacher_a")["proposals"]
    assert teacher["can_propose"] and [p["proposal"] for p in teacher["proposals"]] == [proposal]
    admin = keys("school_admin_a")["proposals"]
    assert not admin["can_propose"] and admin["proposals"][0]["proposal"].comment == "Готово"
    assert "proposals" not in keys("observer")
    assert list(proposals_of(people["a"])) == [proposal]


def test_profile_section_template_renders_on_its_own(district, people):
    from django.template.loader import render_to_string

    proposal = _phone_proposal(district, people)
    proposal_reject(proposal=proposal, by=district.user("school_admin_a"), comment="Нужна справка")
    request = RequestFactory().get("/")
    request.user = district.user("teacher_a")
    (section,) = [s for s in sections_for(request, people["a"]) if s.section.key == "proposals"]
    html = render_to_string(section.section.template, section.context, request=request)
    assert "Предложенные изменения" in html and "Нужна справка" in html and "отклонено" in html
    assert "+7 (928) 000-00-01 → +7 (928) 111-22-33" in html


def test_queue_export_holds_the_pending_proposals(client, district):
    import io

    import openpyxl

    from imo.staff.models import ChangeProposal
    from imo.staff.tests.factories import make_educator

    educator = make_educator(municipality=district.municipality, school=district.school_a, last_name="Алиева")
    ChangeProposal.objects.create(
        educator=educator, section="contacts", action="change", data={"values": {"phone": "1"}, "before": {}},
        proposed_by=district.user("teacher_a"),
    )  # fmt: skip
    client.force_login(district.user("teacher_a"))
    assert client.get(reverse("staff:proposals_export")).status_code == 403
    client.force_login(district.user("school_admin_a"))
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(reverse("staff:proposals_export")).content)).active
    assert sheet.max_row == 2 and "Алиева" in sheet["B2"].value and sheet["E2"].value == "ждёт решения"
    client.force_login(district.user("school_admin_b"))
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(reverse("staff:proposals_export")).content)).active
    assert sheet.max_row == 1
