"""Views of the jury and of the office: allowed and denied roles; the jury never sees names or schools."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from imo.core.navigation import menu_for
from imo.olympiads.models import Participation, StageSubject, Work
from imo.olympiads.scoring import services
from imo.olympiads.tests.scoring_fixtures import STUDENTS, jury_user, make_scoring

pytestmark = pytest.mark.django_db


@pytest.fixture
def scoring(district):
    data = make_scoring(district)
    services.codes_issue(stage_subject=data.stage_subject, by=district.user("methodist"))
    return data


def _main(response) -> str:
    html = response.content.decode()
    found = re.search(r"<main.*?</main>", html, re.S)
    return found.group(0) if found else html


def _assert_no_personal_data(text: str, district) -> None:
    for last, first, patronymic, _, _ in STUDENTS:
        assert last not in text
        assert f"{first} " not in text
        if patronymic:
            assert patronymic not in text
    for school in (district.school_a, district.school_b):
        assert school.name not in text
        assert school.short_name not in text


def _works(data):
    return list(Work.objects.filter(stage_subject=data.stage_subject).order_by("grade", "code"))


def test_jury_home_lists_my_subjects(client, scoring, district):
    client.force_login(scoring.member)
    response = client.get(reverse("olympiads:jury_home"))
    assert response.status_code == 200
    assert reverse("olympiads:jury_grid", args=[scoring.stage_subject.pk]) in response.content.decode()
    _assert_no_personal_data(_main(response), district)


def test_jury_home_denied_to_a_teacher_on_no_jury(client, scoring):
    client.force_login(scoring.outsider)
    assert client.get(reverse("olympiads:jury_home")).status_code == 403


def test_grid_shows_codes_only(client, scoring, district):
    client.force_login(scoring.member)
    for grade in (7, 8):
        response = client.get(
            reverse("olympiads:jury_grid", args=[scoring.stage_subject.pk]), {"grade": grade}
        )
        assert response.status_code == 200
        html = _main(response)
        for work in Work.objects.filter(stage_subject=scoring.stage_subject, grade=grade):
            assert work.code in html
        assert "Задание 3 (10)" in html
        _assert_no_personal_data(html, district)


@pytest.mark.parametrize("who", ["outsider", "other_jury", "school_admin_a", "teacher_a", "observer"])
def test_grid_is_404_for_non_members(client, scoring, district, who):
    if who == "outsider":
        user = scoring.outsider
    elif who == "other_jury":
        other = make_scoring(district, subject="Физика")
        user = other.member
    else:
        user = district.user(who)
    client.force_login(user)
    pk = scoring.stage_subject.pk
    work = _works(scoring)[0]
    assert client.get(reverse("olympiads:jury_grid", args=[pk])).status_code == 404
    response = client.post(reverse("olympiads:jury_work_save", args=[pk, work.pk]), {"t0": "5"})
    assert response.status_code == 404
    assert client.post(reverse("olympiads:jury_close", args=[pk])).status_code == 404
    work.refresh_from_db()
    assert work.task_scores == []


def test_office_editor_may_open_the_grid(client, scoring, district):
    client.force_login(district.user("methodist"))
    response = client.get(reverse("olympiads:jury_grid", args=[scoring.stage_subject.pk]))
    assert response.status_code == 200
    _assert_no_personal_data(_main(response), district)


def test_row_save_and_errors(client, scoring, district):
    client.force_login(scoring.member)
    work = _works(scoring)[0]
    url = reverse("olympiads:jury_work_save", args=[scoring.stage_subject.pk, work.pk])
    response = client.post(url, {"t0": "10", "t1": "2,5", "t2": "0"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "сохранено" in html
    assert "12,5" in html or "12.5" in html
    _assert_no_personal_data(html, district)
    work.refresh_from_db()
    assert work.score == Decimal("12.5")
    response = client.post(url, {"t0": "11", "t1": "2", "t2": "0"}, HTTP_HX_REQUEST="true")
    assert "Балл за задание 1 должен быть числом от 0 до 10" in response.content.decode()
    response = client.post(url, {"t0": "1", "t1": "-2", "t2": "0"}, HTTP_HX_REQUEST="true")
    assert "Балл за задание 2 должен быть числом от 0 до 10" in response.content.decode()
    work.refresh_from_db()
    assert work.score == Decimal("12.5")


def test_absent_toggle_returns_row(client, scoring, district):
    client.force_login(scoring.member)
    work = _works(scoring)[0]
    url = reverse("olympiads:jury_work_absent", args=[scoring.stage_subject.pk, work.pk])
    response = client.post(url, {"absent": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert work.code in response.content.decode()
    _assert_no_personal_data(response.content.decode(), district)
    work.refresh_from_db()
    assert work.absent


def test_closed_protocol_refuses_scores(client, scoring):
    for work in _works(scoring):
        services.work_score(work=work, task_scores=["1", "1", "1"], by=None)
    services.scoring_close(stage_subject=scoring.stage_subject, by=scoring.chair)
    client.force_login(scoring.member)
    work = _works(scoring)[0]
    url = reverse("olympiads:jury_work_save", args=[scoring.stage_subject.pk, work.pk])
    response = client.post(url, {"t0": "9", "t1": "9", "t2": "9"}, HTTP_HX_REQUEST="true")
    assert "Проверка по предмету закрыта" in response.content.decode()
    work.refresh_from_db()
    assert work.score == 3
    grid = client.get(reverse("olympiads:jury_grid", args=[scoring.stage_subject.pk])).content.decode()
    assert "hx-post" not in grid.split("<tbody>")[1]


def test_only_the_chair_closes(client, scoring):
    for work in _works(scoring):
        services.work_score(work=work, task_scores=["1", "1", "1"], by=None)
    url = reverse("olympiads:jury_close", args=[scoring.stage_subject.pk])
    client.force_login(scoring.member)
    assert (
        "Закрыть проверку"
        not in client.get(reverse("olympiads:jury_grid", args=[scoring.stage_subject.pk])).content.decode()
    )
    assert client.post(url).status_code == 403
    assert StageSubject.objects.get(pk=scoring.stage_subject.pk).scoring_closed_at is None
    client.force_login(scoring.chair)
    response = client.post(url, follow=True)
    assert "Проверка закрыта" in response.content.decode()
    assert StageSubject.objects.get(pk=scoring.stage_subject.pk).scoring_closed_at is not None


def test_chair_sees_why_closing_is_refused(client, scoring):
    client.force_login(scoring.chair)
    response = client.post(reverse("olympiads:jury_close", args=[scoring.stage_subject.pk]), follow=True)
    assert "Не все работы проверены (3)" in response.content.decode()


@pytest.mark.parametrize("who", ["member", "school_admin_a", "observer"])
def test_office_pages_denied(client, scoring, district, who):
    client.force_login(scoring.member if who == "member" else district.user(who))
    pk = scoring.stage_subject.pk
    for name in ("scoring_office", "scoring_code_sheet", "scoring_protocol"):
        assert client.get(reverse(f"olympiads:{name}", args=[pk])).status_code == 403
    assert client.post(reverse("olympiads:scoring_codes_match", args=[pk])).status_code == 403


def test_office_flow_code_sheet_match_protocol(client, scoring, district):
    client.force_login(district.user("methodist"))
    pk = scoring.stage_subject.pk
    page = client.get(reverse("olympiads:scoring_office", args=[pk]))
    assert page.status_code == 200
    sheet = client.get(reverse("olympiads:scoring_code_sheet", args=[pk]))
    assert sheet.status_code == 200
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("olympiads:scoring_protocol", args=[pk])).status_code == 404  # not matched yet
    works = _works(scoring)
    services.work_absent_set(work=works[0], absent=True, by=None)
    for work in works[1:]:
        services.work_score(work=work, task_scores=["5", "5", "5"], by=None)
    services.scoring_close(stage_subject=scoring.stage_subject, by=scoring.chair)
    response = client.post(reverse("olympiads:scoring_codes_match", args=[pk]), follow=True)
    assert "Шифры сопоставлены" in response.content.decode()
    protocol = client.get(reverse("olympiads:scoring_protocol", args=[pk]))
    html = protocol.content.decode()
    for last, *_ in STUDENTS:
        assert last in html
    assert "не явился" in html
    assert Participation.objects.get(work=works[0]).absent
    assert client.get(reverse("olympiads:scoring_protocol", args=[pk]), {"export": "xlsx"}).status_code == 200
    filtered = client.get(reverse("olympiads:scoring_protocol", args=[pk]), {"grade": 8}).content.decode()
    assert STUDENTS[2][0] in filtered and STUDENTS[0][0] not in filtered


def test_office_of_another_municipality_gets_404(client, scoring, district):
    from imo.orgs.models import Organization, Role
    from imo.orgs.tests.factories import make_organization, make_user_with_role

    elsewhere = make_organization(
        parent=district.region, kind=Organization.Kind.MUNICIPALITY, name="Другой район", short_name="Другой"
    )
    client.force_login(make_user_with_role(Role.METHODIST, elsewhere, username="other_methodist"))
    assert client.get(reverse("olympiads:scoring_office", args=[scoring.stage_subject.pk])).status_code == 404
    assert client.get(reverse("olympiads:jury_grid", args=[scoring.stage_subject.pk])).status_code == 404


def test_reopen_by_office_with_reason(client, scoring, district):
    for work in _works(scoring):
        services.work_score(work=work, task_scores=["1", "1", "1"], by=None)
    services.scoring_close(stage_subject=scoring.stage_subject, by=scoring.chair)
    client.force_login(district.user("methodist"))
    url = reverse("olympiads:scoring_reopen", args=[scoring.stage_subject.pk])
    assert "Укажите причину" in client.post(url, {"reason": ""}, follow=True).content.decode()
    client.post(url, {"reason": "Ошибка в задании 2"})
    assert StageSubject.objects.get(pk=scoring.stage_subject.pk).scoring_closed_at is None


def test_menu_item_for_jury_members_only(scoring, district):
    def labels(user):
        return [link.label for group in menu_for(user) for link in group.links]

    assert "Жюри: проверка работ" in labels(scoring.member)
    assert "Жюри: проверка работ" not in labels(scoring.outsider)
    assert "Жюри: проверка работ" not in labels(district.user("school_admin_a"))


def test_jury_user_helper_links_user(district):
    user = jury_user(district, "lonely", stage_subject=None)
    assert user.has_perm("olympiads.jury_pages") is False


def test_grid_excel_has_codes_and_scores_only(client, scoring, district):
    import io

    from openpyxl import load_workbook

    work = _works(scoring)[0]
    services.work_score(work=work, task_scores=["1", "2,5", "3"], by=None)
    client.force_login(scoring.member)
    response = client.get(reverse("olympiads:jury_grid", args=[scoring.stage_subject.pk]), {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert cells[:6] == ["Шифр", "Класс", "Задание 1", "Задание 2", "Задание 3", "Итого"]
    assert work.code in cells and "6,5" in cells
    _assert_no_personal_data(" ".join(cells), district)
