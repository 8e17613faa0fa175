"""Pages of the application pipeline: who may see and do what (403 without the permission, 404 outside the
scope), bad input shown in Russian with nothing saved, the list's fixed query count and its Excel export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from imo.attestation.applications import services
from imo.attestation.models import Application, ApplicationEvent, ApplicationFile, QualificationCategory
from imo.core.navigation import menu_for
from imo.staff.models import Educator
from imo.staff.tests.factories import make_educator

Status = Application.Status
PDF = b"%PDF-1.7\n%a small test document\n"


@pytest.fixture
def own(district) -> Educator:
    """teacher_a's own record, at school A."""
    educator = make_educator(
        municipality=district.municipality, school=district.school_a, last_name="Алиева", first_name="Зара"
    )
    Educator.objects.filter(pk=educator.pk).update(user=district.user("teacher_a"))
    educator.refresh_from_db()
    return educator


@pytest.fixture
def other(district) -> Educator:
    """An educator of school B."""
    return make_educator(
        municipality=district.municipality,
        school=district.school_b,
        last_name="Бисултанова",
        first_name="Хава",
    )


@pytest.fixture
def draft(district, own) -> Application:
    return services.application_start(educator=own, kind="first", by=district.user("teacher_a"))


@pytest.fixture
def submitted(district, draft) -> Application:
    services.application_submit(application=draft, by=district.user("teacher_a"))
    draft.refresh_from_db()
    return draft


@pytest.fixture
def forwarded(district, submitted) -> Application:
    services.application_forward(
        application=submitted, by=district.user("methodist"), letter_number="01-12/7"
    )
    submitted.refresh_from_db()
    return submitted


@pytest.fixture
def accepted(district, forwarded) -> Application:
    services.application_accept(
        application=forwarded, by=district.user("methodist"), accepted_on=timezone.localdate()
    )
    forwarded.refresh_from_db()
    return forwarded


def url(name: str, application: Application | None = None, *more: int) -> str:
    if application is None:
        return reverse(f"attestation:{name}")
    return reverse(f"attestation:{name}", args=[application.pk, *more])


def test_url_names():
    assert reverse("attestation:applications") == "/attestation/applications/"
    assert reverse("attestation:applications_export") == "/attestation/applications/export/"
    assert reverse("attestation:application_start") == "/attestation/applications/new/"
    assert reverse("attestation:application", args=[5]) == "/attestation/applications/5/"
    for name in ("edit", "submit", "comment", "return", "forward", "accept", "decide", "withdraw"):
        assert reverse(f"attestation:application_{name}", args=[5]).startswith("/attestation/applications/5/")
    assert reverse("attestation:application_cover_letter", args=[5])
    assert reverse("attestation:application_file_add", args=[5])
    assert reverse("attestation:application_file", args=[5, 3])
    assert reverse("attestation:application_file_remove", args=[5, 3])


# --- the list --------------------------------------------------------------------------------------------


@pytest.fixture
def two(district, own, other) -> tuple[Application, Application]:
    a = services.application_start(educator=own, kind="first", by=district.user("teacher_a"))
    b = services.application_start(educator=other, kind="highest", by=district.user("methodist"))
    return a, b


@pytest.mark.parametrize(
    ("key", "sees_a", "sees_b"),
    [
        ("head", True, True),
        ("methodist", True, True),
        ("observer", True, True),
        ("school_admin_a", True, False),
        ("school_admin_b", False, True),
        ("teacher_a", True, False),
    ],
)
def test_list_shows_the_users_scope(client, district, two, key, sees_a, sees_b):
    client.force_login(district.user(key))
    response = client.get(url("applications"))
    assert response.status_code == 200
    body = response.content.decode()
    assert ("Алиева Зара" in body) is sees_a
    assert ("Бисултанова Хава" in body) is sees_b


def test_teacher_list_is_titled_my_applications(client, district, two):
    client.force_login(district.user("teacher_a"))
    assert "Мои заявления на аттестацию" in client.get(url("applications")).content.decode()
    client.force_login(district.user("methodist"))
    body = client.get(url("applications")).content.decode()
    assert "Мои заявления" not in body and "Заявления на аттестацию" in body


def test_list_without_a_role_is_403_and_anonymous_goes_to_login(client, district):
    client.force_login(district.user("no_role"))
    assert client.get(url("applications")).status_code == 403
    assert client.get(url("applications_export")).status_code == 403
    client.logout()
    response = client.get(url("applications"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_list_filters(client, district, two):
    _, b = two
    services.application_submit(application=b, by=district.user("methodist"), today=dt.date(2026, 1, 10))
    client.force_login(district.user("head"))
    body = client.get(url("applications"), {"status": "submitted"}).content.decode()
    assert "Бисултанова" in body and "Алиева" not in body
    body = client.get(url("applications"), {"kind": "first"}).content.decode()
    assert "Алиева" in body and "Бисултанова" not in body
    body = client.get(url("applications"), {"q": "бисултан"}).content.decode()
    assert "Бисултанова" in body and "Алиева" not in body
    body = client.get(url("applications"), {"overdue": "1"}).content.decode()
    assert "Бисултанова" in body and "Алиева" not in body and "просрочено" in body
    body = client.get(url("applications"), {"school": district.school_a.pk}).content.decode()
    assert "Алиева" in body and "Бисултанова" not in body


def test_list_shows_deadline_and_overdue_flag(client, district, two):
    _, b = two
    services.application_submit(application=b, by=district.user("methodist"), today=dt.date(2026, 1, 10))
    client.force_login(district.user("head"))
    body = client.get(url("applications")).content.decode()
    assert "20.01.2026" in body  # 10 days to check by default
    assert '<span class="badge text-bg-danger">просрочено</span>' in body


def _make_applications(district, count: int) -> None:
    for n in range(count):
        school = district.school_a if n % 2 else district.school_b
        educator = make_educator(municipality=district.municipality, school=school, last_name=f"Педагог{n}")
        application = services.application_start(
            educator=educator, kind="first", by=district.user("methodist")
        )
        if n % 3 == 0:
            services.application_submit(application=application, by=district.user("methodist"))


def test_list_runs_a_fixed_number_of_queries(client, district, django_assert_max_num_queries):
    client.force_login(district.user("head"))
    _make_applications(district, 5)
    client.get(url("applications"))  # warm up the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("applications")).status_code == 200
    _make_applications(district, 20)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url("applications"))
    assert response.status_code == 200
    assert "Найдено: 25" in response.content.decode()


def test_export_returns_the_filtered_rows(client, district, two):
    client.force_login(district.user("head"))
    response = client.get(url("applications_export"), {"kind": "highest"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0][:4] == ["Педагог", "Организация", "Категория", "Состояние"]
    assert len(rows) == 2
    assert rows[1][0] == "Бисултанова Хава Ивановна" or str(rows[1][0]).startswith("Бисултанова Хава")
    assert "высшая" in rows[1] and "черновик" in rows[1]


def test_school_admin_export_has_only_their_school(client, district, two):
    client.force_login(district.user("school_admin_a"))
    response = client.get(url("applications_export"))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert len(rows) == 2 and str(rows[1][0]).startswith("Алиева")


def test_navigation_lists_the_page(district):
    for key in ("methodist", "school_admin_a", "teacher_a"):
        links = [link.url for group in menu_for(district.user(key)) for link in group.links]
        assert url("applications") in links
    links = [link.url for group in menu_for(district.user("no_role")) for link in group.links]
    assert url("applications") not in links


# --- starting an application ---------------------------------------------------------------------------


def test_teacher_is_sent_to_their_own_form_and_starts(client, district, own):
    client.force_login(district.user("teacher_a"))
    assert "Подать заявление" in client.get(url("applications")).content.decode()
    response = client.get(url("application_start"))
    assert response.status_code == 302 and response["Location"].endswith(f"?educator={own.pk}")
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Учитель" in page.content.decode()
    position = own.employments.get().position
    response = client.post(
        f"{url('application_start')}?educator={own.pk}",
        {"kind": "first", "position": position.pk, "note": "Прошу аттестовать"},
    )
    application = Application.objects.get(educator=own)
    assert response.status_code == 302 and response["Location"] == url("application", application)
    assert application.status == Status.DRAFT and application.position == position
    assert application.note == "Прошу аттестовать" and application.organization == district.school_a


def test_teacher_cannot_start_for_someone_else(client, district, own, other):
    client.force_login(district.user("teacher_a"))
    assert client.get(f"{url('application_start')}?educator={other.pk}").status_code == 404


def test_second_active_application_is_refused_in_russian(client, district, own, draft):
    client.force_login(district.user("teacher_a"))
    response = client.post(f"{url('application_start')}?educator={own.pk}", {"kind": "first"})
    assert response.status_code == 200
    assert "уже есть незавершённое заявление" in response.content.decode()
    assert Application.objects.filter(educator=own).count() == 1


def test_methodist_category_needs_the_highest(client, district, own):
    client.force_login(district.user("teacher_a"))
    response = client.post(f"{url('application_start')}?educator={own.pk}", {"kind": "methodist"})
    assert response.status_code == 200
    assert "высш" in response.content.decode()
    assert not Application.objects.exists()


def test_school_admin_picks_an_educator_of_their_school(client, district, own, other):
    client.force_login(district.user("school_admin_a"))
    page = client.get(url("application_start"), {"q": "АЛИЕВА"}).content.decode()
    assert "Алиева Зара" in page
    page = client.get(url("application_start"), {"q": "Бисултанова"}).content.decode()
    assert "Бисултанова Хава" not in page and "Никого не найдено" in page
    assert client.get(f"{url('application_start')}?educator={other.pk}").status_code == 404
    response = client.post(f"{url('application_start')}?educator={own.pk}", {"kind": "highest"})
    assert response.status_code == 302
    application = Application.objects.get(educator=own)
    assert application.started_by == district.user("school_admin_a")


def test_observer_may_not_start(client, district, own):
    client.force_login(district.user("observer"))
    assert "Подать заявление" not in client.get(url("applications")).content.decode()
    assert client.get(url("application_start"), {"q": "Алиева"}).status_code == 403
    assert client.get(f"{url('application_start')}?educator={own.pk}").status_code == 403
    assert client.post(f"{url('application_start')}?educator={own.pk}", {"kind": "first"}).status_code == 403
    assert not Application.objects.exists()


# --- one application: who sees it ------------------------------------------------------------------------


def test_teacher_sees_own_and_gets_404_for_others(client, district, draft, other):
    foreign = services.application_start(educator=other, kind="first", by=district.user("methodist"))
    client.force_login(district.user("teacher_a"))
    response = client.get(url("application", draft))
    assert response.status_code == 200
    body = response.content.decode()
    assert "История заявления" in body and "Заявление создано" in body and "Передать в ИМО" in body
    assert client.get(url("application", foreign)).status_code == 404


def test_other_school_admin_gets_404(client, district, draft):
    client.force_login(district.user("school_admin_b"))
    assert client.get(url("application", draft)).status_code == 404
    assert client.post(url("application_comment", draft), {"comment-comment": "x"}).status_code == 404
    client.force_login(district.user("school_admin_a"))
    assert client.get(url("application", draft)).status_code == 200


def test_observer_views_but_may_not_act(client, district, submitted):
    client.force_login(district.user("observer"))
    response = client.get(url("application", submitted))
    assert response.status_code == 200
    body = response.content.decode()
    for label in (
        "Добавить комментарий",
        "Вернуть на доработку",
        "Направить в комиссию",
        "Отозвать заявление",
    ):
        assert label not in body
    assert client.post(url("application_comment", submitted), {"comment-comment": "Нет"}).status_code == 403
    assert client.post(url("application_return", submitted), {"return-comment": "Нет"}).status_code == 403
    assert client.post(url("application_withdraw", submitted)).status_code == 403
    assert client.get(url("application_cover_letter", submitted)).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_actions_need_post(client, district, draft):
    client.force_login(district.user("teacher_a"))
    assert client.get(url("application_submit", draft)).status_code == 405


# --- the educator's side ---------------------------------------------------------------------------------


def test_teacher_edits_a_draft_and_observer_may_not(client, district, draft):
    client.force_login(district.user("observer"))
    assert client.get(url("application_edit", draft)).status_code == 403
    client.force_login(district.user("teacher_a"))
    assert client.get(url("application_edit", draft)).status_code == 200
    response = client.post(url("application_edit", draft), {"simplified": "on", "note": "Награда"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.simplified and draft.note == "Награда"


def test_file_upload_download_and_remove(client, district, draft):
    client.force_login(district.user("teacher_a"))
    response = client.post(
        url("application_file_add", draft),
        {"title": "Аналитическая справка", "file": SimpleUploadedFile("справка.pdf", PDF)},
    )
    assert response.status_code == 302
    stored = ApplicationFile.objects.get(application=draft)
    assert stored.title == "Аналитическая справка"

    client.force_login(district.user("observer"))  # may view, so may download
    response = client.get(url("application_file", draft, stored.pk))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert b"".join(response) == PDF
    assert client.post(url("application_file_remove", draft, stored.pk)).status_code == 403

    client.force_login(district.user("school_admin_b"))
    assert client.get(url("application_file", draft, stored.pk)).status_code == 404

    client.force_login(district.user("teacher_a"))
    response = client.post(url("application_file_remove", draft, stored.pk))
    assert response.status_code == 302
    assert not ApplicationFile.objects.exists()


def test_a_file_that_is_not_a_document_is_refused(client, district, draft):
    client.force_login(district.user("teacher_a"))
    response = client.post(
        url("application_file_add", draft),
        {"title": "Справка", "file": SimpleUploadedFile("справка.pdf", b"just text pretending")},
    )
    assert response.status_code == 400
    assert "Приложите документ PDF или DOCX" in response.content.decode()
    assert not ApplicationFile.objects.exists()


def test_teacher_submits(client, district, draft):
    client.force_login(district.user("observer"))
    assert client.post(url("application_submit", draft)).status_code == 403
    client.force_login(district.user("teacher_a"))
    response = client.post(url("application_submit", draft), {"submit-comment": "Готово"}, follow=True)
    assert "Заявление передано на проверку в ИМО." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED and draft.submitted_on == timezone.localdate()
    assert draft.events.filter(action=ApplicationEvent.Action.SUBMITTED, comment="Готово").exists()


def test_teacher_withdraws(client, district, submitted):
    client.force_login(district.user("teacher_a"))
    response = client.post(url("application_withdraw", submitted), {"withdraw-comment": "Передумала"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.WITHDRAWN


# --- the office's side -----------------------------------------------------------------------------------


def test_methodist_comments_and_teacher_may_not(client, district, submitted):
    client.force_login(district.user("teacher_a"))
    assert client.post(url("application_comment", submitted), {"comment-comment": "Я"}).status_code == 403
    client.force_login(district.user("methodist"))
    response = client.post(url("application_comment", submitted), {"comment-comment": "Добавьте справку"})
    assert response.status_code == 302
    assert submitted.events.filter(action="commented", comment="Добавьте справку").exists()


def test_empty_comment_shows_the_message_and_saves_nothing(client, district, submitted):
    client.force_login(district.user("methodist"))
    before = submitted.events.count()
    response = client.post(url("application_comment", submitted), {"comment-comment": "  "})
    assert response.status_code == 400
    assert "Обязательное поле." in response.content.decode()
    assert submitted.events.count() == before


def test_methodist_returns_with_a_comment_only(client, district, submitted):
    client.force_login(district.user("methodist"))
    response = client.post(url("application_return", submitted), {"return-comment": ""})
    assert response.status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    response = client.post(url("application_return", submitted), {"return-comment": "Нет справки"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.RETURNED


def test_school_admin_may_not_check(client, district, submitted):
    client.force_login(district.user("school_admin_a"))
    body = client.get(url("application", submitted)).content.decode()
    assert "Направить в комиссию" not in body
    response = client.post(
        url("application_forward", submitted), {"letter_number": "1", "forwarded_on": "2026-01-01"}
    )
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_forward_in_the_future_is_refused(client, district, submitted):
    client.force_login(district.user("methodist"))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        url("application_forward", submitted),
        {"letter_number": "01-12/7", "forwarded_on": tomorrow.isoformat()},
    )
    assert response.status_code == 400
    assert "Дата не может быть в будущем." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED and submitted.letter_number == ""


def test_methodist_forwards_and_downloads_the_cover_letter(client, district, submitted):
    client.force_login(district.user("methodist"))
    today = timezone.localdate()
    response = client.post(
        url("application_forward", submitted), {"letter_number": "01-12/7", "forwarded_on": today.isoformat()}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.FORWARDED and submitted.letter_number == "01-12/7"
    response = client.get(url("application_cover_letter", submitted))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessing")
    assert response.content[:2] == b"PK"
    client.force_login(district.user("teacher_a"))
    assert client.get(url("application_cover_letter", submitted)).status_code == 403


def test_methodist_records_acceptance(client, district, forwarded):
    client.force_login(district.user("teacher_a"))
    assert client.post(url("application_accept", forwarded), {"accepted_on": "2026-01-01"}).status_code == 403
    client.force_login(district.user("methodist"))
    response = client.post(
        url("application_accept", forwarded), {"accepted_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302
    forwarded.refresh_from_db()
    assert forwarded.status == Status.ACCEPTED


def test_school_admin_cannot_decide(client, district, accepted):
    client.force_login(district.user("school_admin_a"))
    body = client.get(url("application", accepted)).content.decode()
    assert "Записать решение" not in body
    data = {"result": "awarded", "order_number": "1", "order_date": timezone.localdate().isoformat()}
    assert client.post(url("application_decide", accepted), data).status_code == 403
    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED and not QualificationCategory.objects.exists()


def test_decision_without_order_number_saves_nothing(client, district, accepted):
    client.force_login(district.user("methodist"))
    response = client.post(
        url("application_decide", accepted),
        {"result": "awarded", "order_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert "Обязательное поле." in response.content.decode()
    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED and not QualificationCategory.objects.exists()


def test_methodist_records_the_award(client, district, own, accepted):
    client.force_login(district.user("methodist"))
    today = timezone.localdate()
    response = client.post(
        url("application_decide", accepted),
        {"result": "awarded", "order_number": "1234-п", "order_date": today.isoformat()},
    )
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == Status.AWARDED and accepted.decision_order_number == "1234-п"
    category = QualificationCategory.objects.get(educator=own)
    assert category.kind == "first" and category.awarded_on == today and accepted.category == category


def test_refusal_creates_no_category(client, district, accepted):
    client.force_login(district.user("methodist"))
    response = client.post(
        url("application_decide", accepted),
        {"result": "refused", "order_number": "77", "order_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == Status.REFUSED and not QualificationCategory.objects.exists()


# --- the profile section ---------------------------------------------------------------------------------


def test_profile_section_lists_applications_and_offers_to_start(client, district, own, draft):
    client.force_login(district.user("teacher_a"))
    body = client.get(reverse("staff:detail", args=[own.pk])).content.decode()
    assert 'id="section-attestation_applications"' in body
    assert url("application", draft) in body
    assert f"{url('application_start')}?educator={own.pk}" in body
    client.force_login(district.user("observer"))
    body = client.get(reverse("staff:detail", args=[own.pk])).content.decode()
    assert url("application", draft) in body
    assert f"{url('application_start')}?educator={own.pk}" not in body


def test_decision_needs_a_result(client, district, accepted):
    client.force_login(district.user("methodist"))
    data = {"result": "", "order_number": "1", "order_date": timezone.localdate().isoformat()}
    response = client.post(url("application_decide", accepted), data)
    assert response.status_code == 400 and "Обязательное поле." in response.content.decode()
    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED


def test_application_page_runs_a_fixed_number_of_queries(
    client, district, draft, django_assert_max_num_queries
):
    teacher = district.user("teacher_a")
    client.force_login(teacher)
    services.application_file_add(
        application=draft, by=teacher, title="Справка 0", file=SimpleUploadedFile("0.pdf", PDF)
    )
    client.get(url("application", draft))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("application", draft)).status_code == 200
    for n in range(1, 6):
        services.application_file_add(
            application=draft, by=teacher, title=f"Справка {n}", file=SimpleUploadedFile(f"{n}.pdf", PDF)
        )
    with django_assert_max_num_queries(len(few)):
        response = client.get(url("application", draft))
    assert "Справка 5" in response.content.decode()
