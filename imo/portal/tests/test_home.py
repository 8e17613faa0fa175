import pytest
from django.urls import reverse

from imo.orgs.tests.factories import make_district
from imo.portal.services import office_contacts_save


@pytest.fixture
def district(db):
    return make_district()


def _groups(content: str) -> set[str]:
    return {
        key
        for key in ("analytics", "information", "organisational", "consultations", "administration")
        if f'data-nav-group="{key}"' in content
    }


def test_public_page_shows_the_office_contacts(client, district):
    office_contacts_save(
        municipality=district.municipality, data={"office_name": "Районный ИМО", "phone": "+7 000"}
    )
    content = client.get(reverse("portal:home")).content.decode()
    assert "Районный ИМО" in content and "+7 000" in content and "Войти" in content
    assert _groups(content) == set()


@pytest.mark.parametrize(
    ("key", "groups", "links", "absent"),
    [
        ("head", {"analytics", "administration"}, ["Образовательные организации", "Пользователи и роли"], []),
        ("admin", {"analytics", "administration"}, ["Пользователи и роли"], []),
        ("methodist", {"analytics"}, ["Образовательные организации"], ["Пользователи и роли"]),
        ("observer", {"analytics"}, ["Образовательные организации"], ["Пользователи и роли"]),
        ("school_admin_a", {"analytics", "administration"}, ["Пользователи и роли"], ["Контакты отдела"]),
        (
            "teacher_a",
            {"analytics"},
            ["Моя карточка педагога"],
            ["Образовательные организации", "Пользователи и роли"],
        ),
    ],
)
def test_each_role_sees_its_navigation(client, district, key, groups, links, absent):
    client.force_login(district.user(key))
    content = client.get(reverse("portal:home")).content.decode()
    assert groups <= _groups(content)
    for link in links:
        assert link in content
    for link in absent:
        assert link not in content


def test_home_pages_per_role(client, district):
    client.force_login(district.user("head"))
    assert "Район в цифрах" in client.get(reverse("portal:home")).content.decode()
    client.force_login(district.user("school_admin_a"))
    content = client.get(reverse("portal:home")).content.decode()
    assert district.school_a.short_name in content and district.school_b.short_name not in content
    client.force_login(district.user("teacher_a"))
    assert "Моя запись" in client.get(reverse("portal:home")).content.decode()
    client.force_login(district.user("no_role"))
    assert "не назначена роль" in client.get(reverse("portal:home")).content.decode()


def test_office_contacts_are_edited_by_the_head_only(client, district):
    client.force_login(district.user("methodist"))
    assert client.get(reverse("portal:office_contacts")).status_code == 403
    client.force_login(district.user("head"))
    response = client.post(
        reverse("portal:office_contacts"), {"office_name": "ИМО района", "email": "imo@example.ru"}
    )
    assert response.status_code == 302
    client.logout()
    assert "ИМО района" in client.get(reverse("portal:home")).content.decode()


def test_error_pages_are_russian(client, district):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "Страница не найдена" in response.content.decode()
    client.force_login(district.user("teacher_a"))
    response = client.get(reverse("orgs:list"))
    assert response.status_code == 403 and "Доступ запрещён" in response.content.decode()


def test_server_error_page_is_russian_and_self_contained(rf):
    from imo.core.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500 and "Внутренняя ошибка сервера" in response.content.decode()


def test_home_pages_show_the_educators(client, district):
    from imo.staff.models import ChangeProposal
    from imo.staff.services import educator_link_user
    from imo.staff.tests.factories import make_educator

    mine = make_educator(municipality=district.municipality, school=district.school_a, last_name="Алиева")
    make_educator(municipality=district.municipality, school=district.school_b, last_name="Бисаева")
    educator_link_user(educator=mine, user=district.user("teacher_a"))
    ChangeProposal.objects.create(
        educator=mine, section="contacts", action="change", data={}, proposed_by=district.user("teacher_a")
    )
    client.force_login(district.user("head"))
    content = client.get(reverse("portal:home")).content.decode()
    assert "Педагогические работники" in content and reverse("staff:list") in content
    assert "Молодые специалисты без наставника" in content
    client.force_login(district.user("school_admin_a"))
    content = client.get(reverse("portal:home")).content.decode()
    assert "Работают сейчас: <strong>1</strong>" in content
    assert "ждут вашего решения: <strong>1</strong>" in content and reverse("staff:proposals") in content
    assert "Молодых специалистов: <strong>0</strong>" in content
    client.force_login(district.user("teacher_a"))
    content = client.get(reverse("portal:home")).content.decode()
    assert reverse("staff:detail", args=[mine.pk]) in content
