"""The rules of a course record (issue #6, items 2 and 8): hours, dates, duplicate documents, the 2025
provider rule at its boundary, scans by content and size; statuses and `counts` on every write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from imo.staff.tests.factories import make_educator
from imo.training import counting
from imo.training.catalogue.services import rejudge_other_providers
from imo.training.models import CourseKind, CourseRecord, ProviderKind, TrainingSettings
from imo.training.records import services
from imo.training.records.selectors import pending_count_for, pending_for, rule_state
from imo.training.tests.records_fixtures import (
    PDF_BYTES,
    course_data,
    make_programme,
    make_provider,
    pdf_file,
    png_file,
)

Status = CourseRecord.Status
Source = CourseRecord.Source


@pytest.fixture
def teacher(district):
    return make_educator(
        municipality=district.municipality, school=district.school_a, user=district.user("teacher_a")
    )


@pytest.fixture
def other(district):
    return make_educator(
        municipality=district.municipality, school=district.school_b, last_name="Бисултанова"
    )


def create(educator, by, source=Source.OFFICE, **changes):
    return services.record_create(educator=educator, data=course_data(**changes), by=by, source=source)


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- hours ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "hours", "ok"),
    [
        (CourseKind.REFRESHER, 15, False),
        (CourseKind.REFRESHER, 16, True),
        (CourseKind.RETRAINING, 249, False),
        (CourseKind.RETRAINING, 250, True),
    ],
)
def test_hours_minimum_by_kind(district, teacher, kind, hours, ok):
    head = district.user("head")
    if ok:
        record = create(teacher, head, kind=kind, hours=hours)
        assert record.hours == hours
        assert record.document_kind == (
            CourseRecord.DocumentKind.DIPLOMA
            if kind == CourseKind.RETRAINING
            else CourseRecord.DocumentKind.CERTIFICATE
        )
    else:
        with pytest.raises(ValidationError) as excinfo:
            create(teacher, head, kind=kind, hours=hours)
        assert errors_of(excinfo)["hours"] == [counting.hours_message(kind, TrainingSettings.current())]
        assert not CourseRecord.objects.exists()


def test_hours_minimum_follows_the_settings(district, teacher):
    TrainingSettings.objects.create(pk=1, refresher_min_hours=18)
    with pytest.raises(ValidationError) as excinfo:
        create(teacher, district.user("head"), hours=16)
    assert "не менее 18 часов" in errors_of(excinfo)["hours"][0]


# --- dates ------------------------------------------------------------------------------------------


def test_end_before_start(district, teacher):
    with pytest.raises(ValidationError) as excinfo:
        create(teacher, district.user("head"), starts_on=dt.date(2024, 3, 10), ends_on=dt.date(2024, 3, 9))
    assert errors_of(excinfo)["ends_on"] == [counting.MSG_ENDS_BEFORE_START]
    assert not CourseRecord.objects.exists()


def test_end_today_allowed_tomorrow_not(district, teacher):
    today = timezone.localdate()
    head = district.user("head")
    record = create(teacher, head, starts_on=today - dt.timedelta(days=5), ends_on=today)
    assert record.ends_on == today
    with pytest.raises(ValidationError) as excinfo:
        create(
            teacher,
            head,
            starts_on=today - dt.timedelta(days=5),
            ends_on=today + dt.timedelta(days=1),
            title="Другой курс",
        )
    assert errors_of(excinfo)["ends_on"] == [counting.MSG_ENDS_IN_FUTURE]
    assert CourseRecord.objects.count() == 1


def test_all_errors_at_once(district, teacher):
    with pytest.raises(ValidationError) as excinfo:
        create(teacher, district.user("head"), title="", hours=2, provider_name="", provider_kind="")
    assert set(errors_of(excinfo)) == {"title", "hours", "provider_name", "provider_kind"}


# --- duplicate document numbers ---------------------------------------------------------------------


def test_duplicate_number_same_catalogue_provider(district, teacher, other):
    provider = make_provider()
    head = district.user("head")
    create(other, head, provider=provider, document_number="№ 77 123")
    with pytest.raises(ValidationError) as excinfo:
        create(teacher, head, provider=provider, document_number="77123")
    message = errors_of(excinfo)["document_number"][0]
    assert "77123" in message and "Бисултанова" in message  # the office sees that educator


def test_duplicate_number_other_provider_is_fine(district, teacher, other):
    head = district.user("head")
    create(other, head, provider=make_provider(), document_number="77123")
    record = create(teacher, head, provider=make_provider(name="АНО ДПО «Педагог»"), document_number="77123")
    assert record.pk


def test_duplicate_number_typed_provider_folded(district, teacher, other):
    head = district.user("head")
    create(other, head, provider_name="ООО «Учёба»", provider_kind=ProviderKind.OTHER, document_number="A-1")
    with pytest.raises(ValidationError):
        create(
            teacher,
            head,
            provider_name="  ооо   «учеба» ",
            provider_kind=ProviderKind.OTHER,
            document_number="a-1",
        )
    # another typed name: another provider
    assert create(
        teacher, head, provider_name="ООО «Знание»", provider_kind=ProviderKind.OTHER, document_number="A-1"
    )


def test_duplicate_message_hides_whom_the_user_may_not_see(district, teacher, other):
    provider = make_provider()
    create(other, district.user("head"), provider=provider, document_number="55")
    with pytest.raises(ValidationError) as excinfo:
        create(
            teacher,
            district.user("school_admin_a"),
            source=Source.SCHOOL,
            provider=provider,
            document_number="55",
        )
    message = errors_of(excinfo)["document_number"][0]
    assert "Бисултанова" not in message and "другого педагога" in message


def test_update_does_not_clash_with_itself(district, teacher):
    head = district.user("head")
    record = create(teacher, head, provider=make_provider(), document_number="12")
    services.record_update(record=record, data={"hours": 40}, by=head)
    record.refresh_from_db()
    assert record.hours == 40 and record.document_number == "12"


# --- the 2025 provider rule -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider_kind", "ends_on", "counts"),
    [
        (ProviderKind.OTHER, dt.date(2025, 8, 31), True),
        (ProviderKind.OTHER, dt.date(2025, 9, 1), False),
        (ProviderKind.STATE, dt.date(2025, 9, 1), True),
        (ProviderKind.MUNICIPAL, dt.date(2025, 9, 1), True),
    ],
)
def test_other_provider_after_cut_off_saved_but_flagged(district, teacher, provider_kind, ends_on, counts):
    record = create(
        teacher,
        district.user("head"),
        provider_kind=provider_kind,
        starts_on=ends_on - dt.timedelta(days=10),
        ends_on=ends_on,
    )
    assert record.pk and record.status == Status.CONFIRMED
    assert record.counts is counts
    assert bool(services.other_provider_warning(record)) is (not counts)


def test_catalogue_provider_kind_is_copied(district, teacher):
    provider = make_provider(kind=ProviderKind.OTHER, name="АНО «Курсы»")
    record = create(
        teacher,
        district.user("head"),
        provider=provider,
        provider_name="ignored",
        provider_kind=ProviderKind.STATE,
        starts_on=dt.date(2025, 9, 1),
        ends_on=dt.date(2025, 9, 20),
    )
    assert record.provider_kind == ProviderKind.OTHER and record.provider_name == "" and not record.counts


def test_programme_from_the_catalogue_gives_defaults(district, teacher):
    provider = make_provider(kind=ProviderKind.MUNICIPAL)
    programme = make_programme(provider, hours=108)
    record = create(
        teacher, district.user("head"), programme=programme, title="", kind="", hours=None, provider_name=""
    )
    assert (record.title, record.hours, record.provider, record.provider_kind) == (
        programme.title,
        108,
        provider,
        ProviderKind.MUNICIPAL,
    )


# --- scans ------------------------------------------------------------------------------------------


def test_scan_pdf_and_png_accepted(district, teacher):
    head = district.user("head")
    record = create(teacher, head, scan=pdf_file())
    assert record.scan.name.endswith(".pdf") and "scan" not in record.scan.name.rsplit("/", 1)[-1]
    record2 = create(teacher, head, title="Второй курс", scan=png_file())
    assert record2.scan.name.endswith(".png")


def test_scan_text_named_pdf_rejected(district, teacher):
    fake = SimpleUploadedFile(
        "удостоверение.pdf", b"just some text, not a PDF", content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as excinfo:
        create(teacher, district.user("head"), scan=fake)
    assert errors_of(excinfo)["scan"] == [services.MSG_SCAN_TYPE]
    assert not CourseRecord.objects.exists()


def test_scan_too_large(district, teacher):
    TrainingSettings.objects.create(pk=1, scan_max_mb=1)
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * (1024 * 1024), content_type="application/pdf")
    with pytest.raises(ValidationError) as excinfo:
        create(teacher, district.user("head"), scan=big)
    assert errors_of(excinfo)["scan"] == ["Файл больше 1 МБ."]
    assert not CourseRecord.objects.exists()


# --- statuses ---------------------------------------------------------------------------------------


def test_teacher_entry_pending_then_confirmed_counts(district, teacher):
    teacher_user = district.user("teacher_a")
    record = create(teacher, teacher_user, source=Source.EDUCATOR)
    assert record.status == Status.PENDING and not record.counts and record.confirmed_by is None
    assert rule_state(educator=teacher).last_counting_end is None
    admin = district.user("school_admin_a")
    assert list(pending_for(user=admin)) == [record]
    assert pending_count_for(user=district.user("head")) == 1
    assert pending_count_for(user=district.user("school_admin_b")) == 0
    assert pending_count_for(user=district.user("observer")) == 0
    assert pending_count_for(user=teacher_user) == 0
    services.record_confirm(record=record, by=admin)
    record.refresh_from_db()
    assert record.status == Status.CONFIRMED and record.counts and record.confirmed_by == admin
    assert record.confirmed_at is not None
    state = rule_state(educator=teacher)
    assert state.last_counting_end == record.ends_on
    assert state.due == counting.add_years(record.ends_on, 3)


def test_school_entry_confirmed_at_once(district, teacher):
    admin = district.user("school_admin_a")
    record = create(teacher, admin, source=Source.SCHOOL)
    assert record.status == Status.CONFIRMED and record.counts and record.confirmed_by == admin


def test_reject_needs_a_reason_and_teacher_edit_returns_to_pending(district, teacher):
    teacher_user = district.user("teacher_a")
    record = create(teacher, teacher_user, source=Source.EDUCATOR)
    admin = district.user("school_admin_a")
    with pytest.raises(ValidationError):
        services.record_reject(record=record, reason="  ", by=admin)
    services.record_reject(record=record, reason="Нет скана удостоверения", by=admin)
    record.refresh_from_db()
    assert record.status == Status.REJECTED and not record.counts
    services.record_update(record=record, data={"scan": pdf_file()}, by=teacher_user)
    record.refresh_from_db()
    assert record.status == Status.PENDING and record.rejection_reason == "" and record.scan
    with pytest.raises(ValidationError):
        services.record_confirm(record=record, by=teacher_user)  # not their own


def test_teacher_cannot_change_confirmed(district, teacher):
    record = create(teacher, district.user("school_admin_a"), source=Source.SCHOOL)
    with pytest.raises(ValidationError):
        services.record_update(record=record, data={"hours": 20}, by=district.user("teacher_a"))
    with pytest.raises(ValidationError):
        services.record_delete(record=record, by=district.user("teacher_a"))
    # the office's change keeps it confirmed
    services.record_update(record=record, data={"hours": 20}, by=district.user("methodist"))
    record.refresh_from_db()
    assert record.hours == 20 and record.status == Status.CONFIRMED and record.counts


def test_every_write_recomputes_counts(district, teacher):
    head = district.user("head")
    record = create(
        teacher,
        head,
        provider_kind=ProviderKind.OTHER,
        starts_on=dt.date(2025, 8, 1),
        ends_on=dt.date(2025, 8, 31),
    )
    assert record.counts
    services.record_update(record=record, data={"ends_on": dt.date(2025, 9, 1)}, by=head)
    record.refresh_from_db()
    assert not record.counts


def test_delete_removes_the_scan(district, teacher, django_capture_on_commit_callbacks):
    head = district.user("head")
    record = create(teacher, head, scan=pdf_file())
    storage, name = record.scan.storage, record.scan.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_delete(record=record, by=head)
    assert not storage.exists(name)
    assert not CourseRecord.objects.exists()


def test_recount_after_the_cut_off_changes(district, teacher):
    head = district.user("head")
    record = create(
        teacher,
        head,
        provider_kind=ProviderKind.OTHER,
        starts_on=dt.date(2025, 9, 1),
        ends_on=dt.date(2025, 9, 10),
    )
    pending = create(teacher, district.user("teacher_a"), source=Source.EDUCATOR, title="Ждёт")
    assert not record.counts
    settings = TrainingSettings.objects.create(pk=1, other_providers_count_until=dt.date(2025, 12, 31))
    # the settings page's service re-judges the stored records (imo.training.catalogue.services)
    assert rejudge_other_providers(settings=settings) == 1
    record.refresh_from_db()
    pending.refresh_from_db()
    assert record.counts and not pending.counts
