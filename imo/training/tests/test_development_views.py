# ruff: noqa: F811  (the fixtures imported from development_fixtures are used as arguments)
"""Pages of individual development plans: who may open and change what (another school → 404), the
list's filters and Excel files, the inline gaps, the educator's own marks, the profile section."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imo.training.development import services
from imo.training.models import DevelopmentItem, DevelopmentPlan
from imo.training.tests.development_fixtures import make_plan, people, plan, today  # noqa: F401

pytestmark = pytest.mark.django_db
Item = DevelopmentItem


def _get(client, user, name, args=None, params=None):
    if user is not None:
        client.force_login(user)
    return client.get(reverse(name, args=args), params or {})


def _post(client, user, name, args=None, data=None, **extra):
    client.force_login(user)
    return client.post(reverse(name, args=args), data or {}, **extra)


def _sheets(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


# --- the list -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("head", 200),
        ("methodist", 200),
        ("observer", 200),
        ("school_admin_a", 200),
        ("teacher_a", 403),
        ("no_role", 403),
    ],
)
def test_list_access(client, district, plan, key, status):
    response = _get(client, district.user(key), "training:development_plans")
    assert response.status_code == status


def test_list_needs_login(client, plan):
    response = client.get(reverse("training:development_plans"))
    assert response.status_code == 302


def test_list_is_scoped_to_the_school(client, district, people, plan):
    make_plan(people["other_b"])
    own = _get(client, district.user("school_admin_a"), "training:development_plans").content.decode()
    assert "Юсупова Хава" in own and "Ёлкина" not in own
    other = _get(client, district.user("school_admin_b"), "training:development_plans").content.decode()
    assert "Юсупова" not in other and "Ёлкина" in other


def test_list_filters(client, district, people, plan):
    make_plan(people["other_b"])  # no items, no progress
    head = district.user("head")

    def names(params):
        response = _get(client, head, "training:development_plans", params=params)
        return [row.object.educator.last_name for row in response.context["table"].rows]

    assert names({}) == ["Ёлкина", "Юсупова"]
    assert names({"overdue": "1"}) == ["Юсупова"]
    assert names({"progress": "none"}) == ["Ёлкина"]
    assert names({"progress": "0"}) == ["Юсупова"]
    assert names({"status": "draft"}) == ["Ёлкина"]
    assert names({"school": district.school_a.pk}) == ["Юсупова"]
    assert names({"q": "юсуп"}) == ["Юсупова"]
    assert names({"sort": "-educator"}) == ["Юсупова", "Ёлкина"]


def test_list_runs_a_fixed_number_of_queries(client, district, people, plan):
    head = district.user("head")
    client.force_login(head)
    url = reverse("training:development_plans")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for educator in ("colleague_a", "other_b"):
        other = make_plan(people[educator])
        services.item_add(plan=other, kind="other", title="Пункт", due_on=today(), by=None)
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)


def test_excel_one_row_per_plan_and_a_sheet_of_items(client, district, people, plan):
    event = plan.items.get(kind="event")
    services.item_mark_done(item=event, done_on=today(), result="Урок проведён", by=None)
    head = district.user("head")
    sheets = _sheets(_get(client, head, "training:development_plans_export"))
    rows = sheets["Маршруты"]
    header = rows[0]
    assert header[0] == "Педагог" and "Выполнение, %" in header
    assert len(rows) == 2
    assert rows[1][0] == "Юсупова Хава " + people["teacher"].patronymic
    assert rows[1][header.index("Выполнение, %")] == 50
    sheets = _sheets(_get(client, head, "training:development_plans_export", params={"items": "1"}))
    assert list(sheets) == ["Маршруты", "Пункты"]
    items = sheets["Пункты"]
    assert items[0][:4] == ("Педагог", "Маршрут", "Вид", "Содержание")
    assert len(items) == 3
    done = next(row for row in items if row[3] == "Открытый урок")
    assert done[6] == "выполнено" and done[8] == "Урок проведён"
    # Scope holds in the file too.
    assert (
        len(
            _sheets(_get(client, district.user("school_admin_b"), "training:development_plans_export"))[
                "Маршруты"
            ]
        )
        == 1
    )
    assert _get(client, district.user("teacher_a"), "training:development_plans_export").status_code == 403


# --- a plan ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("head", 200),
        ("observer", 200),
        ("school_admin_a", 200),
        ("teacher_a", 200),
        ("school_admin_b", 404),
        ("no_role", 404),
    ],
)
def test_plan_page_access(client, district, plan, key, status):
    response = _get(client, district.user(key), "training:development_plan", args=[plan.pk])
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "Формирование функциональной грамотности" in body
        assert "Открытый урок" in body and "просрочено" in body


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("school_admin_a", 200),
        ("methodist", 200),
        ("observer", 403),
        ("teacher_a", 403),
        ("school_admin_b", 404),
    ],
)
def test_plan_edit_access(client, district, plan, key, status):
    assert (
        _get(client, district.user(key), "training:development_plan_edit", args=[plan.pk]).status_code
        == status
    )


def test_the_educator_sees_marks_but_not_management(client, district, plan):
    body = _get(
        client, district.user("teacher_a"), "training:development_plan", args=[plan.pk]
    ).content.decode()
    assert "Отметить выполнение" in body
    assert "Изменить пункт" not in body and "Добавить дефицит" not in body and "Удалить" not in body
    assert (
        _post(
            client, district.user("teacher_a"), "training:development_plan_delete", args=[plan.pk]
        ).status_code
        == 403
    )
    item = plan.items.first()
    response = _post(
        client, district.user("teacher_a"), "training:development_item_delete", args=[plan.pk, item.pk]
    )
    assert response.status_code == 403
    assert DevelopmentPlan.objects.filter(pk=plan.pk).exists() and plan.items.count() == 2


def test_the_educator_marks_an_item_done(client, district, plan):
    item = plan.items.get(kind="event")
    user = district.user("teacher_a")
    args = [plan.pk, item.pk]
    bad = _post(
        client,
        user,
        "training:development_item_progress",
        args=args,
        data={
            "status": "done",
            "done_on": (today() + dt.timedelta(days=2)).isoformat(),
            "result": "",
        },
    )
    assert bad.status_code == 200 and "в будущем" in bad.content.decode()
    item.refresh_from_db()
    assert item.status == Item.Status.PLANNED
    response = _post(
        client,
        user,
        "training:development_item_progress",
        args=args,
        data={
            "status": "done",
            "done_on": today().isoformat(),
            "result": "Провела урок",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.done_on, item.result) == (Item.Status.DONE, today(), "Провела урок")
    # Another school's admin: not even the item's page.
    other = _get(client, district.user("school_admin_b"), "training:development_item_progress", args=args)
    assert other.status_code == 404
    observer = _get(client, district.user("observer"), "training:development_item_progress", args=args)
    assert observer.status_code == 403


def test_school_admin_creates_a_plan_from_the_profile(client, district, people):
    admin = district.user("school_admin_a")
    teacher = people["teacher"]
    profile = _get(client, admin, "staff:detail", args=[teacher.pk]).content.decode()
    assert "Индивидуальный образовательный маршрут" in profile and "Создать маршрут" in profile
    url = f"{reverse('training:development_plan_create')}?educator={teacher.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "ИОМ",
            "starts_on": today().isoformat(),
            "ends_on": (today() + dt.timedelta(days=200)).isoformat(),
            "mentor": people["colleague_a"].pk,
        },
    )
    plan = DevelopmentPlan.objects.get(educator=teacher)
    assert response.status_code == 302 and response["Location"] == reverse(
        "training:development_plan", args=[plan.pk]
    )
    assert plan.mentor == people["colleague_a"] and plan.created_by == admin
    profile = _get(client, admin, "staff:detail", args=[teacher.pk]).content.decode()
    assert (
        reverse("training:development_plan", args=[plan.pk]) in profile and "Создать маршрут" not in profile
    )


def test_plan_create_denied(client, district, people):
    url = f"{reverse('training:development_plan_create')}?educator={people['teacher'].pk}"
    client.force_login(district.user("school_admin_b"))
    assert client.get(url).status_code == 404
    client.force_login(district.user("observer"))
    assert client.get(url).status_code == 403
    client.force_login(district.user("teacher_a"))
    assert client.get(url).status_code == 403
    # Bad dates: a Russian message, nothing saved.
    client.force_login(district.user("methodist"))
    response = client.post(url, {"starts_on": "2026-09-01", "ends_on": "2026-08-01"})
    assert "Дата окончания не может быть раньше даты начала." in response.content.decode()
    assert not DevelopmentPlan.objects.exists()


def test_gaps_inline_with_htmx(client, district, plan):
    admin = district.user("school_admin_a")
    response = _post(
        client,
        admin,
        "training:development_gap_add",
        args=[plan.pk],
        data={"text": "Оценивание"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("<section") and "Оценивание" in body
    duplicate = _post(
        client,
        admin,
        "training:development_gap_add",
        args=[plan.pk],
        data={"text": "оценивание"},
        HTTP_HX_REQUEST="true",
    )
    assert "уже есть" in duplicate.content.decode()
    gap = plan.gaps.get(text="Оценивание")
    response = _post(
        client, admin, "training:development_gap_delete", args=[plan.pk, gap.pk], HTTP_HX_REQUEST="true"
    )
    assert "Оценивание" not in response.content.decode()
    observer = _post(
        client,
        district.user("observer"),
        "training:development_gap_add",
        args=[plan.pk],
        data={"text": "Ещё"},
    )
    assert observer.status_code == 403


def test_item_add_edit_and_course_link(client, district, people, plan):
    from imo.training.tests.development_fixtures import make_record

    admin = district.user("methodist")
    response = _post(
        client,
        admin,
        "training:development_item_add",
        args=[plan.pk],
        data={
            "kind": "mentoring",
            "title": "Посещение уроков наставника",
            "due_on": (today() - dt.timedelta(days=100)).isoformat(),
        },
    )
    assert response.status_code == 400 and "в пределах маршрута" in response.content.decode()
    course = plan.items.get(kind="course")
    record = make_record(people["teacher"], ends_on=today() - dt.timedelta(days=3))
    edit = _get(client, admin, "training:development_item_edit", args=[plan.pk, course.pk])
    assert record.title in edit.content.decode()
    response = _post(
        client,
        admin,
        "training:development_item_edit",
        args=[plan.pk, course.pk],
        data={
            "kind": "course",
            "title": course.title,
            "due_on": course.due_on.isoformat(),
            "status": "planned",
            "course_record": record.pk,
            "gap": course.gap_id,
        },
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert (course.status, course.done_on) == (Item.Status.DONE, record.ends_on)


def test_status_actions(client, district, people, plan):
    admin = district.user("school_admin_a")
    response = _post(
        client, admin, "training:development_plan_status", args=[plan.pk], data={"action": "complete"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == DevelopmentPlan.Status.ACTIVE  # open items: refused with a message
    page = client.get(reverse("training:development_plan", args=[plan.pk])).content.decode()
    assert "невыполненные пункты" in page
    assert (
        _post(
            client,
            district.user("teacher_a"),
            "training:development_plan_status",
            args=[plan.pk],
            data={"action": "complete"},
        ).status_code
        == 403
    )


def test_nav_and_profile_for_roles(client, district, people, plan):
    head = _get(client, district.user("head"), "staff:detail", args=[people["teacher"].pk]).content.decode()
    assert "Индивидуальные образовательные маршруты" in head  # the menu
    assert "50 %" not in head and "0 % (0 из 2)" in head
    own = _get(
        client, district.user("teacher_a"), "staff:detail", args=[people["teacher"].pk]
    ).content.decode()
    assert reverse("training:development_plan", args=[plan.pk]) in own and "Создать маршрут" not in own
    # A colleague without a plan: the observer sees no section, the school admin a «create» link.
    colleague = people["colleague_a"]
    observer = _get(client, district.user("observer"), "staff:detail", args=[colleague.pk]).content.decode()
    assert "Индивидуальный образовательный маршрут" not in observer


def test_list_sorts_by_school_and_progress(client, district, people, plan):
    other = make_plan(people["other_b"])
    item = services.item_add(plan=other, kind="other", title="Пункт", due_on=today(), by=None)
    services.item_mark_done(item=item, done_on=today(), by=None)
    make_plan(people["colleague_a"])  # no items: no progress, sorted last either way
    head = district.user("head")

    def names(sort):
        response = _get(client, head, "training:development_plans", params={"sort": sort})
        return [row.object.educator.last_name for row in response.context["table"].rows]

    # «СОШ № 1 г. Курчалой» before «СОШ с. Бельты» in Russian order.
    assert names("school")[-1] == "Ёлкина"
    assert names("-school")[0] == "Ёлкина"
    assert names("progress") == ["Юсупова", "Ёлкина", "Абдулаева"]
    assert names("-progress") == ["Ёлкина", "Юсупова", "Абдулаева"]


def test_new_plan_with_the_educator_picked(client, district, people):
    admin = district.user("school_admin_a")
    client.force_login(admin)
    url = reverse("training:development_plan_create")
    assert client.get(url).status_code == 200
    data = {"starts_on": today().isoformat(), "ends_on": (today() + dt.timedelta(days=100)).isoformat()}
    # Another school's educator is not among the choices.
    response = client.post(url, {**data, "educator": people["other_b"].pk})
    assert response.status_code == 200 and not DevelopmentPlan.objects.exists()
    response = client.post(url, {**data, "educator": people["colleague_a"].pk})
    assert response.status_code == 302
    assert DevelopmentPlan.objects.get().educator == people["colleague_a"]


def test_plan_page_runs_a_fixed_number_of_queries(client, district, people, plan):
    client.force_login(district.user("school_admin_a"))
    url = reverse("training:development_plan", args=[plan.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    gap = plan.gaps.get()
    for n in range(5):
        services.item_add(plan=plan, kind="course", title=f"Курс {n}", due_on=today(), gap=gap, by=None)
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)
