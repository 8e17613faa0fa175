"""The application pipeline's writes: every transition allowed and denied, bad inputs (issue #5, item 9)
with nothing saved, the decision creating the category."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from imo.attestation.applications import services
from imo.attestation.applications.services import (
    MSG_ALREADY_ACTIVE,
    MSG_NOT_ALLOWED,
    MSG_RETURN_COMMENT,
    application_accept,
    application_comment,
    application_decide,
    application_file_add,
    application_file_remove,
    application_forward,
    application_return,
    application_start,
    application_submit,
    application_update,
    application_withdraw,
)
from imo.attestation.models import Application, ApplicationEvent, ApplicationFile, QualificationCategory
from imo.attestation.services import MSG_NEEDS_HIGHEST, category_save
from imo.core.uploads import MSG_WRONG_TYPE
from imo.reference.models import Position
from imo.staff.tests.factories import make_educator

Status = Application.Status
Action = ApplicationEvent.Action
Kind = QualificationCategory.Kind
TODAY = dt.date(2026, 3, 10)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for values in error.message_dict.values() for m in values]
    return list(error.messages)


@pytest.fixture
def educator(district):
    return make_educator(municipality=district.municipality, school=district.school_a, position="Учитель")


@pytest.fixture
def methodist(district):
    return district.user("methodist")


@pytest.fixture
def draft(educator, district, methodist):
    return application_start(educator=educator, kind=Kind.FIRST, by=district.user("teacher_a"), today=TODAY)


def at(application: Application, status: str, *, by, today=TODAY) -> Application:
    """Move a draft along the happy path up to `status`."""
    path = [Status.SUBMITTED, Status.FORWARDED, Status.ACCEPTED]
    if status == Status.DRAFT:
        return application
    if status == Status.RETURNED:
        application_submit(application=application, by=by, today=today)
        return application_return(application=application, by=by, comment="Нет справки")
    if status == Status.WITHDRAWN:
        return application_withdraw(application=application, by=by)
    for step in path:
        if step == Status.SUBMITTED:
            application_submit(application=application, by=by, today=today)
        elif step == Status.FORWARDED:
            application_forward(application=application, by=by, letter_number="01-15/7", today=today)
        elif step == Status.ACCEPTED:
            application_accept(application=application, by=by, accepted_on=today, today=today)
        if step == status:
            return application
    application_decide(
        application=application,
        by=by,
        awarded=status == Status.AWARDED,
        order_number="123-п",
        order_date=today,
        today=today,
    )
    return application


# --- start ---------------------------------------------------------------------------------------------


def test_start_makes_a_draft_from_the_current_employment(educator, district):
    user = district.user("teacher_a")
    application = application_start(
        educator=educator, kind=Kind.HIGHEST, by=user, note=" Прошу ", today=TODAY
    )
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert application.organization == district.school_a
    assert application.position == Position.objects.get(name="Учитель")
    assert application.started_by == user
    assert application.note == "Прошу"
    event = application.events.get()
    assert event.action == Action.CREATED and event.by == user


def test_explicit_position_wins(educator, district):
    other = Position.objects.get_or_create(name="Педагог-психолог")[0]
    application = application_start(educator=educator, kind=Kind.FIRST, by=None, position=other, today=TODAY)
    assert application.position == other


@pytest.mark.parametrize("kind", [Kind.METHODIST, Kind.MENTOR])
def test_methodist_and_mentor_need_a_valid_highest(educator, kind):
    with pytest.raises(ValidationError) as caught:
        application_start(educator=educator, kind=kind, by=None, today=TODAY)
    assert MSG_NEEDS_HIGHEST in messages(caught.value)
    assert not Application.objects.exists() and not ApplicationEvent.objects.exists()


@pytest.mark.parametrize("kind", [Kind.METHODIST, Kind.MENTOR])
def test_an_expired_highest_is_not_enough(educator, kind):
    category_save(educator=educator, kind=Kind.HIGHEST, awarded_on=dt.date(2019, 5, 1), default_term=True)
    with pytest.raises(ValidationError):
        application_start(educator=educator, kind=kind, by=None, today=TODAY)
    assert not Application.objects.exists()


@pytest.mark.parametrize("kind", [Kind.METHODIST, Kind.MENTOR])
def test_a_valid_highest_allows_methodist_and_mentor(educator, kind):
    category_save(educator=educator, kind=Kind.HIGHEST, awarded_on=dt.date(2024, 5, 1), default_term=True)
    application = application_start(educator=educator, kind=kind, by=None, today=TODAY)
    assert application.kind == kind


def test_second_active_application_refused(draft, educator):
    with pytest.raises(ValidationError) as caught:
        application_start(educator=educator, kind=Kind.FIRST, by=None, today=TODAY)
    assert MSG_ALREADY_ACTIVE in messages(caught.value)
    assert Application.objects.count() == 1
    assert ApplicationEvent.objects.count() == 1


def test_another_kind_or_after_closing_is_allowed(draft, educator):
    application_start(educator=educator, kind=Kind.HIGHEST, by=None, today=TODAY)
    application_withdraw(application=draft, by=None)
    again = application_start(educator=educator, kind=Kind.FIRST, by=None, today=TODAY)
    assert again.pk != draft.pk


def test_erased_educator_refused(educator):
    educator.erased_at = timezone.now()
    educator.save(update_fields=["erased_at"])
    with pytest.raises(ValidationError):
        application_start(educator=educator, kind=Kind.FIRST, by=None, today=TODAY)
    assert not Application.objects.exists()


def test_unknown_kind_refused(educator):
    with pytest.raises(ValidationError):
        application_start(educator=educator, kind="doctor", by=None, today=TODAY)
    assert not Application.objects.exists()


def test_educator_without_employment_gets_no_organization(district):
    loose = make_educator(municipality=district.municipality)
    application = application_start(educator=loose, kind=Kind.FIRST, by=None, today=TODAY)
    assert application.organization is None and application.position is None


# --- transitions -------------------------------------------------------------------------------------

#: action name → (statuses it is allowed from, resulting status or None when unchanged)
TRANSITIONS = {
    "update": ({Status.DRAFT, Status.RETURNED}, None),
    "submit": ({Status.DRAFT, Status.RETURNED}, Status.SUBMITTED),
    "return": ({Status.SUBMITTED}, Status.RETURNED),
    "forward": ({Status.SUBMITTED}, Status.FORWARDED),
    "accept": ({Status.FORWARDED}, Status.ACCEPTED),
    "award": ({Status.FORWARDED, Status.ACCEPTED}, Status.AWARDED),
    "refuse": ({Status.FORWARDED, Status.ACCEPTED}, Status.REFUSED),
    "withdraw": (set(Application.ACTIVE), Status.WITHDRAWN),
    "file_add": ({Status.DRAFT, Status.RETURNED, Status.SUBMITTED}, None),
}


def run(action: str, application: Application, by) -> None:
    if action == "update":
        application_update(application=application, by=by, position=None, simplified=True, note="ок")
    elif action == "submit":
        application_submit(application=application, by=by, today=TODAY)
    elif action == "return":
        application_return(application=application, by=by, comment="Доработать")
    elif action == "forward":
        application_forward(application=application, by=by, letter_number="01-15/9", today=TODAY)
    elif action == "accept":
        application_accept(application=application, by=by, accepted_on=TODAY, today=TODAY)
    elif action in ("award", "refuse"):
        application_decide(
            application=application,
            by=by,
            awarded=action == "award",
            order_number="77",
            order_date=TODAY,
            today=TODAY,
        )
    elif action == "withdraw":
        application_withdraw(application=application, by=by, comment="Передумала")
    elif action == "file_add":
        application_file_add(application=application, by=by, title="Диплом", file=upload("d.pdf", PDF))


@pytest.mark.parametrize("status", list(Status.values))
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_every_transition_allowed_or_denied(draft, methodist, status, action):
    at(draft, status, by=methodist)
    allowed, result = TRANSITIONS[action]
    draft = Application.objects.get(pk=draft.pk)
    events_before = ApplicationEvent.objects.count()
    categories_before = QualificationCategory.objects.count()
    files_before = ApplicationFile.objects.count()
    if status in allowed:
        run(action, draft, methodist)
        draft.refresh_from_db()
        assert draft.status == (result or status)
        if action != "update":
            assert ApplicationEvent.objects.count() == events_before + 1
            event = ApplicationEvent.objects.latest("pk")
            assert event.by == methodist
    else:
        with pytest.raises(ValidationError) as caught:
            run(action, draft, methodist)
        expected = MSG_NOT_ALLOWED.format(status=Status(status).label)
        assert expected in messages(caught.value)
        draft.refresh_from_db()
        assert draft.status == status
        assert ApplicationEvent.objects.count() == events_before
        assert QualificationCategory.objects.count() == categories_before
        assert ApplicationFile.objects.count() == files_before


def test_submit_sets_the_date_and_resubmission_restarts_it(draft, methodist):
    application_submit(application=draft, by=methodist, today=TODAY)
    assert draft.submitted_on == TODAY
    application_return(application=draft, by=methodist, comment="Нет характеристики")
    later = TODAY + dt.timedelta(days=5)
    application_submit(application=draft, by=methodist, today=later)
    draft.refresh_from_db()
    assert draft.submitted_on == later
    actions = list(draft.events.values_list("action", "comment"))
    assert actions == [
        (Action.CREATED, ""),
        (Action.SUBMITTED, ""),
        (Action.RETURNED, "Нет характеристики"),
        (Action.SUBMITTED, ""),
    ]


def test_return_needs_a_comment(draft, methodist):
    application_submit(application=draft, by=methodist, today=TODAY)
    with pytest.raises(ValidationError) as caught:
        application_return(application=draft, by=methodist, comment="  ")
    assert MSG_RETURN_COMMENT in messages(caught.value)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_comment_at_any_status_and_required(draft, methodist):
    at(draft, Status.AWARDED, by=methodist)
    event = application_comment(application=draft, by=methodist, comment="Поздравляем")
    assert event.action == Action.COMMENTED and event.comment == "Поздравляем"
    with pytest.raises(ValidationError):
        application_comment(application=draft, by=methodist, comment="")
    assert draft.events.filter(action=Action.COMMENTED).count() == 1


def test_forward_records_the_letter_and_checks_dates(draft, methodist):
    application_submit(application=draft, by=methodist, today=TODAY)
    with pytest.raises(ValidationError) as caught:
        application_forward(application=draft, by=methodist, letter_number="", today=TODAY)
    assert "letter_number" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        application_forward(
            application=draft,
            by=methodist,
            letter_number="5",
            forwarded_on=TODAY + dt.timedelta(1),
            today=TODAY,
        )
    assert "forwarded_on" in caught.value.message_dict
    with pytest.raises(ValidationError):
        application_forward(
            application=draft,
            by=methodist,
            letter_number="5",
            forwarded_on=TODAY - dt.timedelta(1),
            today=TODAY,
        )
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED and draft.forwarded_on is None
    application_forward(application=draft, by=methodist, letter_number=" 01-15/3 ", today=TODAY)
    draft.refresh_from_db()
    assert (draft.status, draft.forwarded_on, draft.letter_number) == (Status.FORWARDED, TODAY, "01-15/3")


def test_accept_between_forwarding_and_today(draft, methodist):
    at(draft, Status.FORWARDED, by=methodist)
    for wrong in (TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=1)):
        with pytest.raises(ValidationError) as caught:
            application_accept(application=draft, by=methodist, accepted_on=wrong, today=TODAY)
        assert "accepted_on" in caught.value.message_dict
    draft.refresh_from_db()
    assert draft.status == Status.FORWARDED and draft.accepted_on is None


# --- the decision ----------------------------------------------------------------------------------------


def test_award_creates_the_category_without_end_date(draft, methodist, educator):
    at(draft, Status.ACCEPTED, by=methodist)
    application_decide(
        application=draft,
        by=methodist,
        awarded=True,
        order_number="245-п",
        order_date=TODAY,
        comment="Решение комиссии",
        today=TODAY,
    )
    draft.refresh_from_db()
    category = draft.category
    assert draft.status == Status.AWARDED
    assert (category.educator, category.kind, category.awarded_on, category.valid_until) == (
        educator,
        Kind.FIRST,
        TODAY,
        None,
    )
    assert (category.order_number, category.order_date) == ("245-п", TODAY)
    assert (draft.decided_on, draft.decision_order_number, draft.decision_order_date) == (
        TODAY,
        "245-п",
        TODAY,
    )
    event = draft.events.latest("pk")
    assert event.action == Action.AWARDED and "245-п" in event.comment and "Решение комиссии" in event.comment


def test_award_before_the_new_order_keeps_five_years(draft, methodist):
    old = dt.date(2023, 5, 2)
    application_submit(application=draft, by=methodist, today=old)
    application_forward(application=draft, by=methodist, letter_number="1", today=old)
    application_decide(
        application=draft,
        by=methodist,
        awarded=True,
        order_number="10",
        order_date=dt.date(2023, 6, 30),
        decided_on=dt.date(2023, 6, 29),
        today=TODAY,
    )
    draft.refresh_from_db()
    assert draft.category.awarded_on == dt.date(2023, 6, 29)
    assert draft.category.valid_until == dt.date(2028, 6, 29)
    assert draft.decided_on == dt.date(2023, 6, 29)


def test_refusal_creates_no_category(draft, methodist):
    at(draft, Status.REFUSED, by=methodist)
    draft.refresh_from_db()
    assert draft.category is None and not QualificationCategory.objects.exists()
    assert draft.events.latest("pk").action == Action.REFUSED


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("order_number", {"order_number": " "}),
        ("order_date", {"order_date": TODAY + dt.timedelta(days=1)}),
        ("order_date", {"order_date": TODAY - dt.timedelta(days=30)}),
        ("decided_on", {"decided_on": TODAY + dt.timedelta(days=1)}),
        ("decided_on", {"decided_on": TODAY - dt.timedelta(days=30)}),
    ],
)
def test_bad_decisions_save_nothing(draft, methodist, field, values):
    at(draft, Status.FORWARDED, by=methodist)
    arguments = {"order_number": "1", "order_date": TODAY, **values}
    with pytest.raises(ValidationError) as caught:
        application_decide(application=draft, by=methodist, awarded=True, today=TODAY, **arguments)
    assert field in caught.value.message_dict
    draft.refresh_from_db()
    assert draft.status == Status.FORWARDED and draft.decided_on is None
    assert not QualificationCategory.objects.exists()
    assert not draft.events.filter(action=Action.AWARDED).exists()


def test_category_save_refusal_surfaces_with_nothing_saved(educator, methodist, monkeypatch):
    category_save(educator=educator, kind=Kind.HIGHEST, awarded_on=dt.date(2024, 1, 10), default_term=True)
    application = application_start(educator=educator, kind=Kind.MENTOR, by=None, today=TODAY)
    at(application, Status.ACCEPTED, by=methodist)
    QualificationCategory.objects.filter(kind=Kind.HIGHEST).delete()  # the highest was cancelled meanwhile
    with pytest.raises(ValidationError) as caught:
        application_decide(
            application=application,
            by=methodist,
            awarded=True,
            order_number="9",
            order_date=TODAY,
            today=TODAY,
        )
    assert MSG_NEEDS_HIGHEST in messages(caught.value)
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED and application.category is None
    assert not QualificationCategory.objects.exists()
    assert not application.events.filter(action=Action.AWARDED).exists()


# --- files -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"), [("a.pdf", PDF), ("b.png", PNG), ("c.jpg", JPEG), ("d.docx", None)]
)
def test_documents_and_images_accepted(draft, methodist, name, content):
    content = content if content is not None else docx_bytes()
    row = application_file_add(application=draft, by=methodist, title=" Диплом ", file=upload(name, content))
    assert (row.title, row.size, row.uploaded_by) == ("Диплом", len(content), methodist)
    assert row.file.read() == content
    event = draft.events.latest("pk")
    assert (event.action, event.comment) == (Action.FILE_ADDED, "Диплом")


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00 not a document",
        b"PK\x03\x04 a broken zip",
        b"<html>%PDF-</html>",
    ],
)
def test_file_that_is_not_a_document_by_content_refused(draft, methodist, content):
    with pytest.raises(ValidationError) as caught:
        application_file_add(application=draft, by=methodist, title="Скан", file=upload("scan.pdf", content))
    assert MSG_WRONG_TYPE in messages(caught.value)
    assert not ApplicationFile.objects.exists()
    assert not draft.events.filter(action=Action.FILE_ADDED).exists()


def test_zip_that_is_not_docx_refused(draft, methodist):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValidationError):
        application_file_add(
            application=draft, by=methodist, title="Архив", file=upload("x.docx", buffer.getvalue())
        )
    assert not ApplicationFile.objects.exists()


def test_file_too_large_refused(draft, methodist):
    big = upload("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError) as caught:
        application_file_add(application=draft, by=methodist, title="Большой", file=big)
    assert "Файл больше 10 МБ." in messages(caught.value)
    assert not ApplicationFile.objects.exists()


def test_file_title_required(draft, methodist):
    with pytest.raises(ValidationError) as caught:
        application_file_add(application=draft, by=methodist, title="", file=upload("a.pdf", PDF))
    assert "title" in caught.value.message_dict
    assert not ApplicationFile.objects.exists()


def test_file_remove_while_editable_only(draft, methodist, django_capture_on_commit_callbacks):
    row = application_file_add(application=draft, by=methodist, title="Диплом", file=upload("a.pdf", PDF))
    storage, name = row.file.storage, row.file.name
    with django_capture_on_commit_callbacks(execute=True):
        application_file_remove(file=row, by=methodist)
    assert not ApplicationFile.objects.exists() and not storage.exists(name)
    event = draft.events.latest("pk")
    assert (event.action, event.comment) == (Action.FILE_REMOVED, "Диплом")
    kept = application_file_add(application=draft, by=methodist, title="Справка", file=upload("b.pdf", PDF))
    at(draft, Status.FORWARDED, by=methodist)
    with pytest.raises(ValidationError):
        application_file_remove(file=ApplicationFile.objects.get(pk=kept.pk), by=methodist)
    assert ApplicationFile.objects.filter(pk=kept.pk).exists()


def test_update_changes_the_draft(draft, methodist):
    position = Position.objects.get_or_create(name="Педагог дополнительного образования")[0]
    application_update(application=draft, by=methodist, position=position, simplified=True, note=" Награды ")
    draft.refresh_from_db()
    assert (draft.position, draft.simplified, draft.note) == (position, True, "Награды")


def test_stale_object_is_checked_against_the_database(draft, methodist):
    """Two people act at once: the second sees the status saved by the first."""
    stale = Application.objects.get(pk=draft.pk)
    application_withdraw(application=draft, by=methodist)
    with pytest.raises(ValidationError):
        application_submit(application=stale, by=methodist, today=TODAY)
    assert Application.objects.get(pk=draft.pk).status == Status.WITHDRAWN


def test_module_exports_the_api():
    for name in services.__all__:
        assert callable(getattr(services, name)) or isinstance(getattr(services, name), (str, tuple))
