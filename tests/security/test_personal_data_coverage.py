"""Personal-data duties for the whole project (issue #10, item 7; personal-data.md items 2, 3 and 5).

1. Every model with personal fields is audited for changes, or is listed below with the reason it is not.
   A new model with personal fields fails `test_every_model_with_personal_fields_is_audited` until it is
   registered with auditlog (in its app's ready()) or given a reasoned exemption here.
2. Every page and export that shows people writes a row to the personal-data access log.
3. An educator's subject-access export holds the domain apps' sheets, and erasure runs their erasers.
4. Olympiad students: export, erasure with an act (the educators' register), the office's pages.
5. Retention: works and parents' statements of seasons past the configured period are destroyed with an act.
6. The change log and the access log cannot be changed from any page.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from imo.core.jobs.chores import registered_chores
from imo.library.models import DigestSubscription
from imo.olympiads.models import (
    Participation,
    RetentionAct,
    RetentionSettings,
    StageSubject,
    Student,
    StudentConsent,
    Work,
)
from imo.olympiads.privacy import (
    retention_acts_visible_to,
    retention_run,
    student_erase,
    student_subject_export,
)
from imo.orgs.models import Organization, Role
from imo.orgs.tests.factories import make_district, make_organization, make_user_with_role
from imo.staff.models import ErasureAct, PersonalDataAccess
from imo.staff.personal_sections import sections
from imo.staff.privacy import access_log_visible_to, educator_erase, subject_access_export
from imo.training.models import CourseRecord
from tests.security.world import World, build_world

# --- 1. models with personal fields ------------------------------------------------------------------

PERSONAL_NAMES = frozenset(
    {"last_name", "first_name", "patronymic", "full_name", "parent_name", "snils", "inn", "birth_date"}
)
PERSONAL_PARTS = ("email", "phone", "address", "passport")
PEOPLE = ("staff.educator", "olympiads.student", settings.AUTH_USER_MODEL.lower())

# Models that hold personal fields but are deliberately not in the change log. Each needs its reason.
NOT_AUDITED: dict[str, str] = {
    # The logs themselves: auditing them would log the log (and the change log is append-only anyway).
    "auditlog.logentry": "the change log itself",
    "admin.logentry": "Django admin's own history of admin actions, kept by Django",
    "staff.personaldataaccess": "the personal-data access log itself: rows are only ever added",
    # Append-only records whose every row is the event itself, with author and time.
    "staff.erasureact": "an act is written once by the erasure service and never edited",
    "attestation.applicationevent": "the application's own append-only history (who did what, when)",
    # Anonymous answers must not be tied to a person: an audit row names its actor (decision 0014).
    "surveys.response": "responses are not audited so an anonymous one cannot be tied to its author (0014)",
    "surveys.respondenttoken": "personal links: auditing them would reveal who answered an anonymous survey",
    # A teacher's proposal is a request, not data: accepting it changes the audited educator's rows, and
    # erasure deletes the proposals.
    "staff.changeproposal": "a request whose accepted values are audited on the educator's rows",
    # Login attempts (username, IP address) that django-axes keeps for the lockout; no page edits them.
    "axes.accessattempt": "login attempts kept by django-axes for the lockout",
    "axes.accesslog": "logins kept by django-axes",
    "axes.accessfailurelog": "failed logins kept by django-axes",
    # Technical rows whose only personal field is the user who started them.
    "jobs.job": "a background job: only who started it",
    "imports.importrun": "an import run: only who started it; the imported rows are audited",
    # The office's own public contacts (an organisation's, not a person's).
    "portal.officecontacts": "the office's public address and phone, not a person's",
}
# Models that must never be audited (anonymity), whatever else changes.
NEVER_AUDITED = ("surveys.response", "surveys.respondenttoken", "surveys.answer")


def personal_fields(model: type[models.Model]) -> list[str]:
    """The fields that make a model hold personal data: names, identifiers, contacts, or a link to a
    person (an educator, a student, a user)."""
    found = []
    for field in model._meta.get_fields():
        if not getattr(field, "concrete", False):
            continue
        name = field.name
        if name in PERSONAL_NAMES or any(part in name for part in PERSONAL_PARTS):
            found.append(name)
        elif field.is_relation and field.related_model is not None:
            related = field.related_model
            if not isinstance(related, str) and related._meta.label_lower in PEOPLE:
                found.append(name)
    return found


def models_with_personal_fields() -> dict[str, list[str]]:
    return {
        model._meta.label_lower: fields for model in apps.get_models() if (fields := personal_fields(model))
    }


def test_detection_sees_the_people() -> None:
    """The detector is not blind: the records of people and their links are found."""
    found = models_with_personal_fields()
    assert {"last_name", "snils", "birth_date"} <= set(found["staff.educator"])
    assert {"last_name", "birth_date"} <= set(found["olympiads.student"])
    assert "educator" in found["attestation.application"]
    assert "student" in found["olympiads.participation"]


def test_every_model_with_personal_fields_is_audited() -> None:
    uncovered = {
        label: fields
        for label, fields in models_with_personal_fields().items()
        if label not in NOT_AUDITED and not auditlog.contains(apps.get_model(label))
    }
    assert uncovered == {}, (
        "Models with personal data that are neither audited (auditlog.register in the app's ready()) "
        f"nor exempted with a reason in NOT_AUDITED: {uncovered}"
    )


def test_exemptions_are_real() -> None:
    """No stale entry: each exempted model exists, holds personal fields and is really not audited."""
    found = models_with_personal_fields()
    for label in NOT_AUDITED:
        assert label in found, f"{label} no longer holds personal fields: drop it from NOT_AUDITED"
        assert not auditlog.contains(apps.get_model(label)), f"{label} is audited now: drop the exemption"


def test_anonymous_survey_answers_are_never_audited() -> None:
    for label in NEVER_AUDITED:
        assert not auditlog.contains(apps.get_model(label)), label


# --- 2. pages and exports of people are logged -------------------------------------------------------


@pytest.fixture
def world(db: Any) -> World:
    """The permissions matrix's world: a district and one object of every kind (tests/security/world.py)."""
    return build_world()


def _educator(w: World) -> int:
    return int(w.objects["employment"].educator_id)


# URL name → how to reverse it in the world (kwargs, extra query string). GET as the head must log.
LOGGED_PAGES: dict[str, Callable[[World], tuple[dict[str, int], str]]] = {
    # educators
    "staff:detail": lambda w: ({"pk": _educator(w)}, ""),
    "staff:export": lambda w: ({}, ""),
    "staff:subject_export": lambda w: ({"pk": _educator(w)}, ""),
    # users and their roles
    "orgs:users": lambda w: ({}, ""),
    "orgs:users_export": lambda w: ({}, ""),
    "orgs:user_detail": lambda w: ({"pk": w.users["teacher"].pk}, ""),
    # attestation
    "attestation:applications": lambda w: ({}, ""),
    "attestation:applications_export": lambda w: ({}, ""),
    "attestation:application": lambda w: ({"pk": w.pk("application")}, ""),
    # training records
    "training:records": lambda w: ({}, "?status="),
    "training:records_export": lambda w: ({}, "?status="),
    # mentorship
    "mentorship:list": lambda w: ({}, "?status="),
    "mentorship:detail": lambda w: ({"pk": w.pk("mentorship")}, ""),
    # olympiad students, their parents' statements, participations
    "olympiads:students": lambda w: ({}, "?year="),
    "olympiads:student_export": lambda w: ({}, "?year="),
    "olympiads:consents": lambda w: ({}, ""),
    "olympiads:consent_export": lambda w: ({}, ""),
    "olympiads:participations": lambda w: ({}, ""),
    "olympiads:participations_export": lambda w: ({}, ""),
    "olympiads:student_privacy_export": lambda w: ({"pk": w.pk("student")}, ""),
}
# Pages of people that deliberately do not log, with the reason.
NOT_LOGGED_PAGES: dict[str, str] = {
    "staff:list": "the list shows names and workplaces only; its export (with identifiers) is logged",
    "staff:duplicates": "logs the records of the groups it shows (imo/staff/tests/test_people.py); none here",
    "mentorship:list?export=xlsx": "logged through mentorship:list (same view, export branch)",
}


@pytest.mark.parametrize("name", sorted(LOGGED_PAGES))
def test_page_of_people_is_logged(world: World, client: Any, name: str) -> None:
    kwargs, query = LOGGED_PAGES[name](world)
    client.force_login(world.users["head"])
    before = PersonalDataAccess.objects.count()
    response = client.get(reverse(name, kwargs=kwargs) + query)
    assert response.status_code == 200, (name, response.status_code)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    assert PersonalDataAccess.objects.count() > before, f"{name}: no row in the personal-data access log"


def test_mentorship_export_is_logged(world: World, client: Any) -> None:
    client.force_login(world.users["head"])
    before = PersonalDataAccess.objects.filter(action=PersonalDataAccess.Action.EXPORT).count()
    response = client.get(reverse("mentorship:list") + "?status=&export=xlsx")
    assert response.status_code == 200
    assert PersonalDataAccess.objects.filter(action=PersonalDataAccess.Action.EXPORT).count() == before + 1


def test_students_viewed_at_a_school_show_in_the_heads_log(world: World, client: Any) -> None:
    """A school admin's view of students is logged with their school, so the office's head sees it."""
    client.force_login(world.users["school_admin_own"])
    response = client.get(reverse("olympiads:students") + "?year=")
    assert response.status_code == 200
    entry = PersonalDataAccess.objects.filter(user=world.users["school_admin_own"]).latest("pk")
    assert entry.subject_model == "olympiads.student"
    assert world.pk("student") in entry.subject_ids
    assert access_log_visible_to(world.users["head"]).filter(pk=entry.pk).exists()
    assert not access_log_visible_to(world.users["methodist"]).filter(pk=entry.pk).exists()


# --- 3. an educator's export and erasure cover the domain apps --------------------------------------


def test_educator_export_has_the_domain_apps_sheets(world: World) -> None:
    titles = {section.title for section in sections()}
    expected = {
        "Аттестация — категории",
        "Аттестация — заявления",
        "Повышение квалификации",
        "Планы и маршруты",
        "Наставничество",
        "Олимпиады — жюри",
        "Олимпиады — ученики",
        "Анкеты (именные ответы)",
        "Подписка на дайджест",
    }
    assert expected <= titles
    educator = world.objects["employment"].educator
    book = load_workbook(io.BytesIO(subject_access_export(educator=educator, by=world.users["head"])))
    assert expected <= set(book.sheetnames)
    applications = list(book["Аттестация — заявления"].iter_rows(min_row=2, values_only=True))
    assert any("Маркер-Секрет-заявление" in str(cell) for row in applications for cell in row)
    mentorships = list(book["Наставничество"].iter_rows(min_row=2, values_only=True))
    assert mentorships and mentorships[0][0] == "наставляемый"


def test_educator_erasure_runs_the_domain_erasers(world: World) -> None:
    educator = world.objects["employment"].educator
    DigestSubscription.objects.get_or_create(user=educator.user)
    course = world.objects["course"]
    CourseRecord.objects.filter(pk=course.pk).update(educator=educator, document_number="ПК-0042")
    educator_erase(
        educator=educator,
        act_number="7",
        made_on=dt.date(2026, 11, 1),
        reason="Отзыв согласия",
        by=world.users["head"],
    )
    assert not DigestSubscription.objects.filter(user=world.users["teacher"]).exists()
    assert CourseRecord.objects.get(pk=course.pk).document_number == ""
    assert CourseRecord.objects.get(pk=course.pk).hours == course.hours  # kept for statistics
    assert world.objects["application"].__class__.objects.get(pk=world.pk("application")).note == ""


# --- 4. olympiad students --------------------------------------------------------------------------


@pytest.fixture
def district(db: Any) -> Any:
    return make_district()


def _year(start: int) -> Any:
    from imo.reference.models import AcademicYear

    found, _ = AcademicYear.objects.get_or_create(
        start_year=start, defaults={"starts_on": dt.date(start, 9, 1), "ends_on": dt.date(start + 1, 8, 31)}
    )
    return found


def _student(
    district: Any,
    start: int,
    last: str = "Смирнова",
    previous: Student | None = None,
    school: Organization | None = None,
) -> Student:
    return Student.objects.create(
        academic_year=_year(start),
        school=school or district.school_a,
        last_name=last,
        first_name="Мария",
        patronymic="Петровна",
        birth_date=dt.date(2012, 3, 4),
        grade=8,
        previous=previous,
        name_key=f"{last.lower()} мария петровна",
    )


def _consent(student: Student, with_scan: bool = True) -> StudentConsent:
    return StudentConsent.objects.create(
        student=student,
        parent_name="Смирнов Пётр Иванович",
        rules_accepted=True,
        publication_allowed=True,
        signed_on=dt.date(student.academic_year.start_year, 9, 5),
        document=SimpleUploadedFile("заявление.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
        if with_scan
        else "",
    )


def _stage_subject(district: Any, start: int) -> StageSubject:
    from imo.olympiads.tests.registration_fixtures import make_olympiad

    return make_olympiad(district, start).school_math


def test_student_export_holds_every_year_and_is_logged(district: Any) -> None:
    old = _student(district, 2025)
    new = _student(district, 2026, previous=old)
    _consent(new)
    stage_subject = _stage_subject(district, 2026)
    work = Work.objects.create(stage_subject=stage_subject, code="М-8-001", grade=8, score=Decimal("41"))
    Participation.objects.create(
        stage_subject=stage_subject, student=new, grade=8, work=work, score=Decimal("41")
    )
    head = district.user("head")
    content = student_subject_export(student=old, by=head)
    book = load_workbook(io.BytesIO(content))
    years = [row[0] for row in book["Обучающийся"].iter_rows(min_row=2, values_only=True)]
    assert years == ["2025/2026", "2026/2027"]
    parts = list(book["Участие и результаты"].iter_rows(min_row=2, values_only=True))
    assert parts[0][4] == "М-8-001" and parts[0][6] == 41
    statement = next(book["Заявления родителей"].iter_rows(min_row=2, values_only=True))
    assert statement[1] == "Смирнов Пётр Иванович"
    entry = PersonalDataAccess.objects.get(action=PersonalDataAccess.Action.SUBJECT_REQUEST)
    assert sorted(entry.subject_ids) == sorted([old.pk, new.pk])
    assert access_log_visible_to(head).filter(pk=entry.pk).exists()


def test_student_erasure_with_an_act(district: Any) -> None:
    old = _student(district, 2025)
    new = _student(district, 2026, previous=old)
    consent = _consent(new)
    storage, name = consent.document.storage, consent.document.name
    stage_subject = _stage_subject(district, 2026)
    participation = Participation.objects.create(
        stage_subject=stage_subject, student=new, grade=8, score=Decimal("30"), status="winner"
    )
    other = _student(district, 2026, last="Кузнецова")
    from django.db import transaction

    with transaction.atomic():  # files go on commit; the test's transaction is the outer one
        act = student_erase(
            student=new,
            act_number="12",
            made_on=dt.date(2026, 11, 2),
            reason="Отзыв согласия",
            by=district.user("head"),
        )
    for record in Student.objects.filter(pk__in=[old.pk, new.pk]):
        assert (record.last_name, record.first_name, record.patronymic, record.birth_date) == (
            "Удалено",
            "",
            "",
            None,
        )
    assert Student.objects.get(pk=other.pk).last_name == "Кузнецова"
    assert not StudentConsent.objects.filter(student=new).exists()
    participation.refresh_from_db()
    assert participation.score == Decimal("30") and participation.status == "winner"
    assert act.subject == f"С. М. П., обучающийся, запись № {new.pk}"
    assert ErasureAct.objects.filter(pk=act.pk, municipality=district.municipality).exists()
    names = LogEntry.objects.filter(object_repr__contains="Смирнова")
    assert not names.exists()  # the change log no longer names the child
    del storage, name  # deleted on the outer commit, which a test never reaches


def test_student_privacy_pages(district: Any, client: Any) -> None:
    student = _student(district, 2026)
    url = reverse("olympiads:student_privacy", args=[student.pk])
    client.force_login(district.user("school_admin_a"))
    assert client.get(url).status_code == 403
    client.force_login(district.user("methodist"))
    assert client.get(url).status_code == 403
    client.force_login(district.user("head"))
    page = client.get(url)
    assert page.status_code == 200 and "Уничтожить данные и составить акт" in page.content.decode()
    answer = client.post(
        url,
        {
            "number": "5",
            "made_on": "01.11.2026",
            "reason": "Требование субъекта персональных данных (ч. 1 ст. 21 152-ФЗ)",
            "confirm": "on",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    act = ErasureAct.objects.get()
    assert answer["Location"] == reverse("staff:erasure_act", args=[act.pk])
    assert Student.objects.get(pk=student.pk).last_name == "Удалено"


def test_student_list_offers_privacy_to_the_head_only(district: Any, client: Any) -> None:
    student = _student(district, 2026)
    url = reverse("olympiads:student_privacy", args=[student.pk])
    client.force_login(district.user("head"))
    assert url in client.get(reverse("olympiads:students") + "?year=2026").content.decode()
    client.force_login(district.user("school_admin_a"))
    assert url not in client.get(reverse("olympiads:students") + "?year=2026").content.decode()


# --- 5. retention ---------------------------------------------------------------------------------


def test_retention_destroys_past_seasons_only(district: Any) -> None:
    old_subject = _stage_subject(district, 2020)  # the year ended 31.08.2021
    new_subject = _stage_subject(district, 2026)  # the year ends 31.08.2027
    old_works = [Work.objects.create(stage_subject=old_subject, code=f"А-{i}", grade=8) for i in range(3)]
    new_work = Work.objects.create(stage_subject=new_subject, code="Б-1", grade=8)
    old_student, new_student = _student(district, 2020), _student(district, 2026)
    Participation.objects.create(
        stage_subject=old_subject, student=old_student, grade=8, work=old_works[0], score=Decimal("12")
    )
    _consent(old_student, with_scan=False)
    _consent(new_student, with_scan=False)
    RetentionSettings.objects.create(pk=1, works_years=1, consents_years=1)

    acts = retention_run(today=dt.date(2027, 1, 15))

    assert not Work.objects.filter(pk__in=[w.pk for w in old_works]).exists()
    assert Work.objects.filter(pk=new_work.pk).exists()
    assert Participation.objects.get(student=old_student).score == Decimal("12")  # the result stays
    assert not StudentConsent.objects.filter(student=old_student).exists()
    assert StudentConsent.objects.filter(student=new_student).exists()
    kinds = {(a.kind, a.academic_year.start_year, a.municipality, a.rows) for a in acts}
    assert kinds == {
        (RetentionAct.Kind.WORKS, 2020, district.municipality, 3),
        (RetentionAct.Kind.CONSENTS, 2020, district.municipality, 1),
    }
    assert RetentionAct.objects.count() == 2
    assert retention_run(today=dt.date(2027, 1, 16)) == []  # nothing left: no empty act


def test_retention_acts_statements_per_municipality(
    district: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Each municipality's statements of a year are destroyed under its own act with its own counts;
    a district office sees only its own acts, the region's office and a superuser see them all."""
    other = make_organization(
        parent=district.region, kind=Organization.Kind.MUNICIPALITY, short_name="Гудермесский район"
    )
    other_school = make_organization(parent=other, short_name="СОШ № 2 г. Гудермес")
    stray_school = make_organization(parent=district.region, short_name="Школа без муниципалитета")
    other_head = make_user_with_role(Role.HEAD, other, username="head_other")
    region_head = make_user_with_role(Role.HEAD, district.region, username="head_region")
    here = [
        _consent(_student(district, 2020, last="Абаева")),
        _consent(_student(district, 2020, last="Бисаева", school=district.school_b), with_scan=False),
        _consent(_student(district, 2020, last="Вахаева"), with_scan=False),
    ]
    here_later = _consent(_student(district, 2021, last="Гаева"))
    there = [
        _consent(_student(district, 2020, last=name, school=other_school)) for name in ("Дудаева", "Ести")
    ]
    stray = _consent(_student(district, 2020, last="Жаева", school=stray_school), with_scan=False)
    kept = _consent(_student(district, 2026, last="Заурова", school=other_school))
    scans = [(c.document.storage, c.document.name) for c in [here[0], here_later, *there]]
    assert all(storage.exists(name) for storage, name in scans)
    RetentionSettings.objects.create(pk=1, works_years=1, consents_years=1)

    with django_capture_on_commit_callbacks(execute=True):
        acts = retention_run(today=dt.date(2027, 1, 15))

    summary = [(a.academic_year.start_year, a.municipality, a.rows, a.files) for a in acts]
    assert summary == [
        (2020, district.municipality, 3, 1),  # schools A and B of the same municipality: one act
        (2020, other, 2, 2),
        (2020, None, 1, 0),  # the school outside any municipality: its own act
        (2021, district.municipality, 1, 1),
    ]
    assert all(a.kind == RetentionAct.Kind.CONSENTS for a in acts)
    gone = [c.pk for c in [*here, here_later, *there, stray]]
    assert not StudentConsent.objects.filter(pk__in=gone).exists()
    assert StudentConsent.objects.filter(pk=kept.pk).exists()
    assert not any(storage.exists(name) for storage, name in scans)  # the scans go on commit
    assert kept.document.storage.exists(kept.document.name)

    def visible(user: Any) -> set[tuple[int, Any, int]]:
        return {(a.academic_year.start_year, a.municipality, a.rows) for a in retention_acts_visible_to(user)}

    assert visible(district.user("head")) == {
        (2020, district.municipality, 3),
        (2021, district.municipality, 1),
    }
    assert visible(other_head) == {(2020, other, 2)}
    everything = {(year, municipality, rows) for year, municipality, rows, _ in summary}
    assert visible(region_head) == everything
    root = get_user_model().objects.create_superuser("root-retention", "root@example.org", "x")
    assert visible(root) == everything
    assert visible(district.user("school_admin_a")) == set()

    client.force_login(district.user("head"))  # the page shows the district's own acts only
    page = client.get(reverse("olympiads:retention"))
    assert page.status_code == 200
    rows = page.content.decode()
    assert "Курчалоевский район" in rows and "Гудермесский район" not in rows and "все школы" not in rows


def test_retention_period_is_the_offices_setting(district: Any) -> None:
    subject = _stage_subject(district, 2020)
    Work.objects.create(stage_subject=subject, code="А-1", grade=8)
    RetentionSettings.objects.create(pk=1, works_years=10, consents_years=10)
    assert retention_run(today=dt.date(2027, 1, 15)) == []
    assert Work.objects.filter(stage_subject=subject).exists()


def test_retention_runs_as_a_chore() -> None:
    assert "olympiads.retention" in {chore.name for chore in registered_chores()}


# --- 6. the logs cannot be edited from the UI -------------------------------------------------------


def _routes(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


LOG_PAGES = ("audit:log", "audit:export", "audit:detail", "staff:access_log", "staff:access_log_export")


def test_log_pages_exist() -> None:
    names = {name for name, _ in _routes(get_resolver())}
    assert set(LOG_PAGES) <= names


@pytest.mark.parametrize("role", ["head", "admin", "methodist", "observer", "teacher", "superuser"])
def test_log_pages_change_nothing_on_post(world: World, client: Any, role: str) -> None:
    if role == "superuser":
        user = get_user_model().objects.create_superuser("root-pd", "root@example.org", "x")
    else:
        user = world.users[role]
    client.force_login(user)
    entry = world.objects["log_entry"]
    access = PersonalDataAccess.objects.create(user=world.users["head"], action="view", what="проверка")
    snapshot = (
        list(LogEntry.objects.order_by("pk").values_list("pk", "changes", "object_repr")),
        list(PersonalDataAccess.objects.order_by("pk").values_list("pk", "what", "user_id")),
    )
    for name in LOG_PAGES:
        kwargs = {"pk": entry.pk} if name == "audit:detail" else {}
        answer = client.post(
            reverse(name, kwargs=kwargs), {"changes": "{}", "what": "подделка", "action": "delete"}
        )
        assert answer.status_code in (302, 403, 404, 405), (name, role, answer.status_code)
    # Django admin, if enabled: the change log is read-only there, even for a superuser.
    admin_urls = [
        reverse("admin:auditlog_logentry_change", args=[entry.pk]),
        reverse("admin:auditlog_logentry_delete", args=[entry.pk]),
        reverse("admin:auditlog_logentry_changelist"),
    ]
    for url in admin_urls:
        client.post(url, {"post": "yes", "action": "delete_selected", "_selected_action": [entry.pk]})
    assert (
        list(LogEntry.objects.order_by("pk").values_list("pk", "changes", "object_repr")),
        list(PersonalDataAccess.objects.order_by("pk").values_list("pk", "what", "user_id")),
    ) == snapshot
    access.delete()


def test_no_admin_page_edits_the_logs() -> None:
    """The Django admin registers the change log read-only and never the access log or the acts."""
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().post("/")
    request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    request.resolver_match = None
    for model, model_admin in admin.site._registry.items():
        if model is LogEntry:
            assert not model_admin.has_add_permission(request)
            assert not model_admin.has_change_permission(request)
        assert model not in (PersonalDataAccess, ErasureAct, RetentionAct), model


def test_retention_settings_page(district: Any, client: Any) -> None:
    url = reverse("olympiads:retention")
    client.force_login(district.user("school_admin_a"))
    assert client.get(url).status_code == 403
    client.force_login(district.user("methodist"))
    assert client.get(url).status_code == 200
    answer = client.post(url, {"works_years": "2", "consents_years": "3"})
    assert answer.status_code == 302
    current = RetentionSettings.current()
    assert (current.works_years, current.consents_years) == (2, 3)
    assert "Ensure" not in client.post(url, {"works_years": "0", "consents_years": "1"}).content.decode()
    assert RetentionSettings.current().works_years == 2  # 0 years refused
