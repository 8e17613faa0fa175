"""Pages of completed courses: who may open, enter, change, confirm and download what; bad input shows
Russian messages and saves nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from imo.core.portfolio import portfolio_for
from imo.staff.tests.factories import make_educator
from imo.training.models import CourseRecord, ProviderKind
from imo.training.records import services
from imo.training.records.selectors import pending_count_for
from imo.training.tests.records_fixtures import course_data, png_bytes

Status = CourseRecord.Status
Source = CourseRecord.Source
LIST = "/training/courses/"


@pytest.fixture
def teacher(district):
    return make_educator(
        municipality=district.municipality,
        school=district.school_a,
        user=district.user("teacher_a"),
        last_name="Алиева",
    )


@pytest.fixture
def other(district):
    return make_educator(
        municipality=district.municipality, school=district.school_b, last_name="Бисултанова"
    )


def create(educator, by, source=Source.OFFICE, **changes):
    return services.record_create(educator=educator, data=course_data(**changes), by=by, source=source)


def form_post(**changes):
    data = {
        "title": "Формирование функциональной грамотности",
        "kind": "refresher",
        "hours": "36",
        "provider_name": "ГБУ ДПО «ИРО ЧР»",
        "provider_kind": "state",
        "starts_on": "2024-03-01",
        "ends_on": "2024-03-15",
        "document_number": "",
    }
    data.update(changes)
    return data


def test_url_names():
    assert reverse("training:records") == LIST
    assert reverse("training:records_export") == LIST + "export/"
    assert reverse("training:records_pending") == LIST + "pending/"
    assert reverse("training:record_add", args=[5]) == LIST + "educator/5/new/"
    for name in ("record_edit", "record_delete", "record_confirm", "record_reject", "record_scan"):
        assert reverse(f"training:{name}", args=[7]).startswith(LIST + "7/")


# --- the list -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["head", "methodist", "observer", "admin", "school_admin_a"])
def test_list_roles_that_see_it(client, district, teacher, key):
    client.force_login(district.user(key))
    assert client.get(LIST).status_code == 200
    assert client.get(LIST + "export/").status_code == 200


@pytest.mark.parametrize("key", ["teacher_a", "no_role"])
def test_list_denied(client, district, key):
    client.force_login(district.user(key))
    assert client.get(LIST).status_code == 403
    assert client.get(LIST + "export/").status_code == 403
    assert client.get(LIST + "pending/").status_code == 403


def test_list_scope_filters_and_export(client, district, teacher, other):
    head = district.user("head")
    create(teacher, head, title="Курс Алиевой")
    create(
        other,
        head,
        title="Курс Бисултановой",
        provider_kind=ProviderKind.OTHER,
        starts_on=dt.date(2025, 9, 1),
        ends_on=dt.date(2025, 9, 10),
    )
    client.force_login(head)
    body = client.get(LIST).content.decode()
    assert "Курс Алиевой" in body and "Курс Бисултановой" in body
    assert "не засчитывается в трёхлетний срок" in body
    body = client.get(LIST, {"flagged": "1"}).content.decode()
    assert "Курс Алиевой" not in body and "Курс Бисултановой" in body
    body = client.get(LIST, {"year": "2024"}).content.decode()
    assert "Курс Алиевой" in body and "Курс Бисултановой" not in body
    body = client.get(LIST, {"school": district.school_b.pk}).content.decode()
    assert "Курс Алиевой" not in body and "Курс Бисултановой" in body
    body = client.get(LIST, {"q": "алиев"}).content.decode()
    assert "Курс Алиевой" in body and "Курс Бисултановой" not in body
    for sort in ("educator", "-hours", "title", "status", "kind"):
        assert client.get(LIST, {"sort": sort}).status_code == 200
    response = client.get(LIST + "export/", {"provider_kind": "other"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "Педагог" and len(rows) == 2 and rows[1][1] == "Курс Бисултановой"
    client.force_login(district.user("school_admin_a"))
    body = client.get(LIST).content.decode()
    assert "Курс Алиевой" in body and "Курс Бисултановой" not in body


def test_list_runs_a_fixed_number_of_queries(client, district, teacher, other, django_assert_max_num_queries):
    head = district.user("head")
    for n in range(30):
        create(teacher if n % 2 else other, head, title=f"Курс {n}")
    client.force_login(head)
    client.get(LIST)
    with django_assert_max_num_queries(20):
        assert client.get(LIST).status_code == 200


# --- entering a course --------------------------------------------------------------------------------


def test_teacher_adds_own_course_with_png_scan_then_admin_confirms(client, district, teacher):
    client.force_login(district.user("teacher_a"))
    url = reverse("training:record_add", args=[teacher.pk])
    assert client.get(url).status_code == 200
    scan = SimpleUploadedFile("скан.png", png_bytes(), content_type="image/png")
    response = client.post(url, {**form_post(), "scan": scan})
    assert response.status_code == 302
    record = CourseRecord.objects.get()
    assert record.status == Status.PENDING and record.source == Source.EDUCATOR and not record.counts
    # the teacher sees their own scan, as an attachment with a safe name
    response = client.get(reverse("training:record_scan", args=[record.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "image/png"
    # the school admin of school A sees it in the queue and confirms
    admin = district.user("school_admin_a")
    assert pending_count_for(user=admin) == 1
    client.force_login(admin)
    body = client.get(LIST + "pending/").content.decode()
    assert "Формирование функциональной грамотности" in body
    response = client.post(reverse("training:record_confirm", args=[record.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == Status.CONFIRMED and record.counts and record.confirmed_by == admin


def test_school_admin_entry_is_confirmed(client, district, teacher):
    client.force_login(district.user("school_admin_a"))
    response = client.post(reverse("training:record_add", args=[teacher.pk]), form_post())
    assert response.status_code == 302
    record = CourseRecord.objects.get()
    assert record.status == Status.CONFIRMED and record.source == Source.SCHOOL


def test_office_entry_is_confirmed(client, district, teacher):
    client.force_login(district.user("methodist"))
    client.post(reverse("training:record_add", args=[teacher.pk]), form_post())
    assert CourseRecord.objects.get().source == Source.OFFICE


def test_bad_input_shows_russian_messages_and_saves_nothing(client, district, teacher):
    client.force_login(district.user("head"))
    fake = SimpleUploadedFile("удостоверение.pdf", b"plain text", content_type="application/pdf")
    response = client.post(
        reverse("training:record_add", args=[teacher.pk]),
        {**form_post(hours="15", starts_on="2024-03-10", ends_on="2024-03-01"), "scan": fake},
    )
    assert response.status_code == 200  # the page again, to correct and send
    body = response.content.decode()
    assert "не менее 16 часов" in body
    assert "Дата окончания не может быть раньше даты начала." in body
    assert "PDF, JPEG или PNG" in body
    assert not CourseRecord.objects.exists()


@pytest.mark.parametrize("posted", [{}, {"title": "Наставничество в школе", "hours": "24"}])
def test_untouched_form_sent_back_says_what_is_missing(client, district, teacher, posted):
    """The form sent as it was opened (nothing filled in, or only some fields): the page again with what
    was typed and a Russian message at each required field, and nothing saved."""
    client.force_login(district.user("head"))
    url = reverse("training:record_add", args=[teacher.pk])
    response = client.post(url, posted)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.is_bound
    assert form.errors["starts_on"] == ["Обязательное поле."]
    assert form.errors["ends_on"] == ["Обязательное поле."]
    body = response.content.decode()
    assert body.count("Обязательное поле.") == 2
    for value in posted.values():
        assert f'value="{value}"' in body  # what was typed is still in the form
    assert not CourseRecord.objects.exists()


def test_untouched_edit_form_sent_back_says_what_is_missing(client, district, teacher):
    record = create(teacher, district.user("head"), title="Курс до изменения")
    client.force_login(district.user("head"))
    response = client.post(reverse("training:record_edit", args=[record.pk]), {})
    assert response.status_code == 200
    assert "Обязательное поле." in response.content.decode()
    record.refresh_from_db()
    assert record.title == "Курс до изменения"


def test_other_provider_warning_after_save(client, district, teacher):
    client.force_login(district.user("head"))
    response = client.post(
        reverse("training:record_add", args=[teacher.pk]),
        form_post(provider_kind="other", starts_on="2025-09-01", ends_on="2025-09-05"),
        follow=True,
    )
    body = response.content.decode()
    assert "засчитывается в трёхлетний срок" in body
    record = CourseRecord.objects.get()
    assert not record.counts
    body = client.get(reverse("training:record_edit", args=[record.pk])).content.decode()
    assert "Не засчитывается в трёхлетний срок." in body


@pytest.mark.parametrize("key", ["observer", "school_admin_b", "no_role"])
def test_who_may_not_add(client, district, teacher, key):
    client.force_login(district.user(key))
    response = client.post(reverse("training:record_add", args=[teacher.pk]), form_post())
    assert response.status_code in (403, 404)
    assert not CourseRecord.objects.exists()
    if key == "observer":
        assert response.status_code == 403
    if key == "school_admin_b":
        assert response.status_code == 404


# --- object access --------------------------------------------------------------------------------------


def test_another_schools_record_is_404(client, district, teacher):
    record = create(teacher, district.user("head"), source=Source.EDUCATOR)
    client.force_login(district.user("school_admin_b"))
    for name in ("record_edit", "record_delete", "record_scan"):
        assert client.get(reverse(f"training:{name}", args=[record.pk])).status_code == 404
    assert client.post(reverse("training:record_confirm", args=[record.pk])).status_code == 404
    assert (
        client.post(reverse("training:record_reject", args=[record.pk]), {"reason": "x"}).status_code == 404
    )
    record.refresh_from_db()
    assert record.status == Status.PENDING


def test_observer_cannot_edit_or_confirm(client, district, teacher):
    record = create(teacher, district.user("teacher_a"), source=Source.EDUCATOR)
    client.force_login(district.user("observer"))
    assert client.get(reverse("training:record_edit", args=[record.pk])).status_code == 403
    assert (
        client.post(reverse("training:record_edit", args=[record.pk]), form_post(hours="99")).status_code
        == 403
    )
    assert client.post(reverse("training:record_delete", args=[record.pk])).status_code == 403
    assert client.post(reverse("training:record_confirm", args=[record.pk])).status_code == 403
    record.refresh_from_db()
    assert record.hours == 36 and record.status == Status.PENDING


def test_teacher_edits_own_pending_not_confirmed(client, district, teacher):
    client.force_login(district.user("teacher_a"))
    pending = create(teacher, district.user("teacher_a"), source=Source.EDUCATOR)
    confirmed = create(teacher, district.user("school_admin_a"), source=Source.SCHOOL, title="Подтверждённый")
    response = client.post(reverse("training:record_edit", args=[pending.pk]), form_post(hours="40"))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.hours == 40 and pending.status == Status.PENDING
    assert client.get(reverse("training:record_edit", args=[confirmed.pk])).status_code == 403
    assert client.post(reverse("training:record_delete", args=[confirmed.pk])).status_code == 403
    assert client.post(reverse("training:record_confirm", args=[pending.pk])).status_code == 403
    response = client.post(reverse("training:record_delete", args=[pending.pk]))
    assert response.status_code == 302 and not CourseRecord.objects.filter(pk=pending.pk).exists()


def test_reject_with_reason_from_the_queue(client, district, teacher):
    record = create(teacher, district.user("teacher_a"), source=Source.EDUCATOR)
    client.force_login(district.user("methodist"))
    client.post(reverse("training:record_reject", args=[record.pk]), {"reason": ""})
    record.refresh_from_db()
    assert record.status == Status.PENDING
    client.post(reverse("training:record_reject", args=[record.pk]), {"reason": "Нет удостоверения"})
    record.refresh_from_db()
    assert record.status == Status.REJECTED and record.rejection_reason == "Нет удостоверения"


def test_scan_download_only_for_those_who_see_the_record(client, district, teacher):
    from imo.training.tests.records_fixtures import pdf_file

    record = create(teacher, district.user("head"), scan=pdf_file(), document_number="12/34")
    client.force_login(district.user("observer"))
    response = client.get(reverse("training:record_scan", args=[record.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert (
        "attachment" in response["Content-Disposition"]
        and "/" not in response["Content-Disposition"].split(";")[1]
    )
    client.force_login(district.user("school_admin_b"))
    assert client.get(reverse("training:record_scan", args=[record.pk])).status_code == 404
    client.force_login(district.user("no_role"))
    assert client.get(reverse("training:record_scan", args=[record.pk])).status_code == 404


# --- the profile section and the portfolio ----------------------------------------------------------------


def test_profile_section(client, district, teacher):
    teacher.teaching_experience_start = dt.date(2010, 9, 1)
    teacher.save()
    create(teacher, district.user("head"), starts_on=dt.date(2019, 3, 1), ends_on=dt.date(2019, 3, 20))
    pending = create(teacher, district.user("teacher_a"), source=Source.EDUCATOR, title="Ждёт подтверждения")
    client.force_login(district.user("school_admin_a"))
    body = client.get(reverse("staff:detail", args=[teacher.pk])).content.decode()
    assert "Повышение квалификации" in body
    assert "20.03.2022" in body and "просрочено" in body
    assert reverse("training:record_confirm", args=[pending.pk]) in body
    assert reverse("training:record_add", args=[teacher.pk]) in body
    client.force_login(district.user("observer"))
    body = client.get(reverse("staff:detail", args=[teacher.pk])).content.decode()
    assert "Ждёт подтверждения" in body
    assert reverse("training:record_add", args=[teacher.pk]) not in body
    assert reverse("training:record_edit", args=[pending.pk]) not in body


def test_portfolio_lists_confirmed_courses(district, teacher):
    create(teacher, district.user("head"), title="Подтверждённый курс", document_number="77")
    create(teacher, district.user("teacher_a"), source=Source.EDUCATOR, title="Неподтверждённый курс")
    sections = dict(portfolio_for(teacher))
    titles = [entry.title for entry in sections["Повышение квалификации"]]
    assert titles == ["Подтверждённый курс"]
    assert "36 ч" in sections["Повышение квалификации"][0].detail


def test_form_with_errors_warns_about_an_other_provider(client, district, teacher):
    client.force_login(district.user("head"))
    response = client.post(
        reverse("training:record_add", args=[teacher.pk]),
        form_post(provider_kind="other", starts_on="2025-09-01", ends_on="2025-09-05", hours="10"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Не засчитывается в трёхлетний срок." in body and "не менее 16 часов" in body
    response = client.post(reverse("training:record_add", args=[teacher.pk]), form_post(hours="10"))
    assert "Не засчитывается в трёхлетний срок." not in response.content.decode()
