import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imo.reference import services
from imo.reference.models import AcademicYear, Grade, Position, Subject
from imo.reference.selectors import current_academic_year_start
from imo.reference.services import IN_USE_MESSAGE, academic_year_create, item_create

pytestmark = pytest.mark.django_db

OFFICE = ["head", "methodist", "secretary", "observer", "admin"]
EDITORS = ["head", "methodist", "secretary", "admin"]
OUTSIDERS = ["school_admin_a", "teacher_a", "no_role"]


def _login(client, user):
    client.force_login(user)
    return client


def _list_urls():
    physics = Subject.objects.get(name="Физика")
    return [
        reverse("reference:index"),
        reverse("reference:item_list", args=["subjects"]),
        reverse("reference:item_list", args=["positions"]),
        reverse("reference:item_export", args=["subjects"]),
        reverse("reference:grade_list"),
        reverse("reference:grade_export"),
        reverse("reference:academic_year_list"),
        reverse("reference:academic_year_export"),
        # pages of editors: the access check comes before the object is looked up
        reverse("reference:item_create", args=["subjects"]),
        reverse("reference:item_edit", args=["subjects", physics.pk]),
    ]


def _post_urls():
    physics = Subject.objects.get(name="Физика")
    year = academic_year_create(start_year=2020)
    grade = Grade.objects.get(number=3)
    return [
        reverse("reference:item_create", args=["subjects"]),
        reverse("reference:item_edit", args=["subjects", physics.pk]),
        reverse("reference:item_archive", args=["subjects", physics.pk]),
        reverse("reference:item_unarchive", args=["subjects", physics.pk]),
        reverse("reference:item_delete", args=["subjects", physics.pk]),
        reverse("reference:grade_archive", args=[grade.pk]),
        reverse("reference:grade_unarchive", args=[grade.pk]),
        reverse("reference:academic_year_create"),
        reverse("reference:academic_year_archive", args=[year.pk]),
        reverse("reference:academic_year_delete", args=[year.pk]),
    ]


# --- Who may open what ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", OFFICE)
def test_the_office_reads_every_catalogue(client, district, key):
    client = _login(client, district.user(key))
    for url in _list_urls()[:8]:
        assert client.get(url).status_code == 200, url


def test_superuser_reads_and_edits(client, district):
    admin = get_user_model().objects.create_superuser("root", "root@example.ru", "x")
    client = _login(client, admin)
    assert client.get(reverse("reference:index")).status_code == 200
    assert client.get(reverse("reference:item_create", args=["positions"])).status_code == 200


@pytest.mark.parametrize("key", OUTSIDERS)
def test_schools_and_teachers_get_403_everywhere(client, district, key):
    client = _login(client, district.user(key))
    for url in _list_urls():
        assert client.get(url).status_code == 403, url
    for url in _post_urls():
        assert client.post(url).status_code == 403, url


def test_anonymous_is_sent_to_login(client, district):
    for url in _list_urls():
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], url
    response = client.post(reverse("reference:item_create", args=["subjects"]), {"name": "Астрология"})
    assert response.status_code == 302
    assert not Subject.objects.filter(name="Астрология").exists()


def test_observer_sees_lists_without_buttons_and_cannot_post(client, district):
    client = _login(client, district.user("observer"))
    content = client.get(reverse("reference:item_list", args=["subjects"]) + "?per_page=50").content.decode()
    assert "Физика" in content
    assert "Добавить предмет" not in content and "Изменить" not in content
    assert "/archive/" not in content and "/delete/" not in content
    academic_year_create(start_year=2015)
    years = client.get(reverse("reference:academic_year_list")).content.decode()
    assert "2015/2016" in years and "Добавить учебный год" not in years and "/archive/" not in years
    for url in _list_urls()[8:]:
        assert client.get(url).status_code == 403
    for url in _post_urls():
        assert client.post(url).status_code == 403, url
    assert not Subject.objects.get(name="Физика").is_archived


def test_the_menu_links_to_the_index(client, district):
    url = reverse("reference:index")
    assert (
        url in _login(client, district.user("observer")).get(reverse("reference:grade_list")).content.decode()
    )


def test_unknown_catalogue_and_missing_item_answer_404(client, district):
    client = _login(client, district.user("methodist"))
    assert client.get("/reference/colours/").status_code == 404
    assert client.get(reverse("reference:item_edit", args=["subjects", 999999])).status_code == 404
    assert client.post(reverse("reference:item_archive", args=["positions", 999999])).status_code == 404


# --- Editors at work ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", EDITORS)
def test_editors_add_a_subject(client, district, key):
    client = _login(client, district.user(key))
    response = client.post(
        reverse("reference:item_create", args=["subjects"]),
        {"name": "Астрономия и космос", "is_olympiad": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("reference:item_list", args=["subjects"])
    assert Subject.objects.get(name="Астрономия и космос").is_olympiad


def test_methodist_edits_a_position(client, district):
    client = _login(client, district.user("methodist"))
    position = Position.objects.get(name="Учитель")
    url = reverse("reference:item_edit", args=["positions", position.pk])
    assert "Учитель" in client.get(url).content.decode()
    response = client.post(url, {"name": "Учитель  (предметник)", "order": 3})
    assert response.status_code == 302
    position.refresh_from_db()
    assert (position.name, position.order) == ("Учитель (предметник)", 3)


def test_a_duplicate_name_is_shown_on_the_form(client, district):
    client = _login(client, district.user("methodist"))
    response = client.post(reverse("reference:item_create", args=["subjects"]), {"name": "физика"})
    assert response.status_code == 200
    assert "В справочнике уже есть «Физика»." in response.content.decode()
    assert Subject.objects.filter(search_text="физика").count() == 1


def test_methodist_archives_and_returns_a_subject_back_to_the_same_list(client, district):
    client = _login(client, district.user("methodist"))
    subject = Subject.objects.get(name="Экология")
    back = reverse("reference:item_list", args=["subjects"]) + "?status=all&page=1"
    response = client.post(reverse("reference:item_archive", args=["subjects", subject.pk]), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert Subject.objects.get(pk=subject.pk).is_archived
    archived = client.get(
        reverse("reference:item_list", args=["subjects"]) + "?status=archived"
    ).content.decode()
    assert "Экология" in archived and "Вернуть из архива" in archived
    client.post(reverse("reference:item_unarchive", args=["subjects", subject.pk]))
    assert not Subject.objects.get(pk=subject.pk).is_archived


def test_next_outside_the_site_is_ignored(client, district):
    client = _login(client, district.user("methodist"))
    subject = Subject.objects.get(name="Экология")
    response = client.post(
        reverse("reference:item_archive", args=["subjects", subject.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("reference:item_list", args=["subjects"])


def test_get_on_an_action_changes_nothing(client, district):
    client = _login(client, district.user("methodist"))
    subject = Subject.objects.get(name="Экология")
    response = client.get(reverse("reference:item_delete", args=["subjects", subject.pk]))
    assert response.status_code == 302
    assert Subject.objects.filter(pk=subject.pk).exists()


def test_methodist_deletes_an_unused_subject(client, district):
    client = _login(client, district.user("methodist"))
    subject = item_create(model=Subject, data={"name": "Черчение"})
    response = client.post(reverse("reference:item_delete", args=["subjects", subject.pk]), follow=True)
    assert not Subject.objects.filter(pk=subject.pk).exists()
    assert "Запись «Черчение» удалена." in response.content.decode()


def test_delete_of_an_item_in_use_is_refused_with_a_message(client, district, monkeypatch):
    monkeypatch.setattr(services, "item_in_use", lambda item: True)
    client = _login(client, district.user("methodist"))
    subject = Subject.objects.get(name="Физика")
    response = client.post(reverse("reference:item_delete", args=["subjects", subject.pk]), follow=True)
    assert Subject.objects.filter(pk=subject.pk).exists()
    assert IN_USE_MESSAGE in response.content.decode()


def test_delete_of_an_item_with_a_real_reference_is_refused(client, district, usage_model):
    subject = Subject.objects.get(name="Физика")
    usage_model.objects.create(subject=subject)
    client = _login(client, district.user("head"))
    response = client.post(reverse("reference:item_delete", args=["subjects", subject.pk]), follow=True)
    assert Subject.objects.filter(pk=subject.pk).exists()
    assert IN_USE_MESSAGE in response.content.decode()


# --- Grades and academic years ------------------------------------------------------------------------


def test_grades_list_and_archive(client, district):
    client = _login(client, district.user("secretary"))
    content = client.get(reverse("reference:grade_list")).content.decode()
    assert "11 класс" in content and "Изменить" not in content and "Удалить" not in content
    grade = Grade.objects.get(number=1)
    client.post(reverse("reference:grade_archive", args=[grade.pk]))
    assert Grade.objects.get(pk=grade.pk).is_archived
    client.post(reverse("reference:grade_unarchive", args=[grade.pk]))
    assert not Grade.objects.get(pk=grade.pk).is_archived


def test_academic_year_list_marks_the_current_year(client, district):
    current = current_academic_year_start()
    academic_year_create(start_year=current)
    academic_year_create(start_year=current - 1)
    client = _login(client, district.user("methodist"))
    content = client.get(reverse("reference:academic_year_list")).content.decode()
    assert content.count("data-current-year") == 1
    assert "Текущий</span>" in content
    assert f"Добавить учебный год {current + 1}/{current + 2}" in content


def test_methodist_adds_the_next_academic_year(client, district):
    current = current_academic_year_start()
    academic_year_create(start_year=current)
    client = _login(client, district.user("methodist"))
    form = client.get(reverse("reference:academic_year_create")).content.decode()
    assert f'value="{current + 1}"' in form
    response = client.post(reverse("reference:academic_year_create"), {"start_year": current + 1})
    assert response.status_code == 302
    year = AcademicYear.objects.get(start_year=current + 1)
    assert (year.starts_on.day, year.starts_on.month, year.ends_on.day, year.ends_on.month) == (1, 9, 31, 8)
    again = client.post(reverse("reference:academic_year_create"), {"start_year": current + 1})
    assert again.status_code == 200 and "уже есть" in again.content.decode()


def test_academic_years_archive_and_delete(client, district):
    current = academic_year_create(start_year=current_academic_year_start())
    past = academic_year_create(start_year=current.start_year - 5)
    client = _login(client, district.user("methodist"))
    response = client.post(reverse("reference:academic_year_archive", args=[current.pk]), follow=True)
    assert "Текущий учебный год нельзя отправить в архив." in response.content.decode()
    assert not AcademicYear.objects.get(pk=current.pk).is_archived
    client.post(reverse("reference:academic_year_archive", args=[past.pk]))
    assert AcademicYear.objects.get(pk=past.pk).is_archived
    client.post(reverse("reference:academic_year_delete", args=[past.pk]))
    assert not AcademicYear.objects.filter(pk=past.pk).exists()


def test_index_shows_counts_and_the_current_year(client, district):
    academic_year_create(start_year=current_academic_year_start())
    client = _login(client, district.user("observer"))
    content = client.get(reverse("reference:index")).content.decode()
    for title in ("Предметы", "Должности", "Классы (параллели)", "Учебные годы"):
        assert title in content
    assert f"{Subject.objects.count()}</span>" in content
    assert "Текущий учебный год:" in content


def test_index_warns_when_the_current_year_is_missing(client, district):
    content = _login(client, district.user("head")).get(reverse("reference:index")).content.decode()
    assert "ещё не добавлен" in content


# --- Lists: htmx, Excel, queries ----------------------------------------------------------------------


def test_htmx_request_gets_only_the_results(client, district):
    client = _login(client, district.user("methodist"))
    response = client.get(
        reverse("reference:item_list", args=["subjects"]) + "?q=язык", HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert 'id="results"' in content and "<html" not in content
    assert "Русский язык" in content and "Физика" not in content


def test_excel_export_holds_the_filtered_rows(client, district):
    item_create(model=Subject, data={"name": "Ёлочное рукоделие"})
    item_create(model=Subject, data={"name": "Елочная игрушка"})
    client = _login(client, district.user("observer"))
    response = client.get(reverse("reference:item_export", args=["subjects"]) + "?q=ЕЛОЧН&per_page=50")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Наименование", "Предмет ВсОШ", "Порядок", "Состояние")
    assert [row[0] for row in rows[1:]] == ["Елочная игрушка", "Ёлочное рукоделие"]
    assert rows[1][3] == "Действует"


def test_academic_year_export(client, district):
    academic_year_create(start_year=2024)
    response = _login(client, district.user("head")).get(reverse("reference:academic_year_export"))
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "2024/2025"
    assert rows[1][1].date().isoformat() == "2024-09-01"


def _queries(client, url):
    client.get(url)  # the first request of a session reads more (session, user): warm up
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("catalogue", "model"), [("subjects", Subject), ("positions", Position)])
def test_the_list_runs_the_same_queries_for_few_and_many_rows(client, district, catalogue, model):
    client = _login(client, district.user("methodist"))
    url = reverse("reference:item_list", args=[catalogue]) + "?status=all"
    model.objects.all().delete()
    item_create(model=model, data={"name": "Первая запись"})
    few = _queries(client, url)
    for n in range(60):
        item_create(model=model, data={"name": f"Запись номер {n}"})
        if n % 3 == 0:
            services.item_archive(item=model.objects.get(name=f"Запись номер {n}"))
    assert _queries(client, url) == few
    assert _queries(client, url + "&page=2") == few


def test_year_and_grade_lists_run_fixed_queries(client, district):
    client = _login(client, district.user("methodist"))
    url = reverse("reference:academic_year_list") + "?status=all"
    academic_year_create(start_year=2000)
    few = _queries(client, url)
    for year in range(2001, 2040):
        academic_year_create(start_year=year)
    assert _queries(client, url) == few
