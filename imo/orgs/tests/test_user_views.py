import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from imo.orgs.models import Membership, Role
from imo.orgs.tests.factories import make_district


@pytest.fixture
def district(db):
    return make_district()


def _invite(client, organization, role, email="new.teacher@example.ru"):
    return client.post(
        reverse("orgs:user_invite"),
        {
            "last_name": "Хасанова",
            "first_name": "Зарема",
            "patronymic": "Ахмедовна",
            "email": email,
            "organization": organization.pk,
            "role": role,
        },
    )


@pytest.mark.parametrize("key", ["head", "admin", "school_admin_a"])
def test_managers_open_the_users_page(client, district, key):
    client.force_login(district.user(key))
    assert client.get(reverse("orgs:users")).status_code == 200


@pytest.mark.parametrize("key", ["methodist", "secretary", "observer", "teacher_a", "no_role"])
def test_others_cannot_manage_users(client, district, key):
    client.force_login(district.user(key))
    assert client.get(reverse("orgs:users")).status_code == 403
    assert client.get(reverse("orgs:user_invite")).status_code == 403


def test_head_invites_by_email_and_the_link_sets_a_password(
    client, district, django_capture_on_commit_callbacks
):
    client.force_login(district.user("head"))
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, district.municipality, Role.METHODIST, email="Metod@Example.ru")
    assert response.status_code == 302
    user = get_user_model().objects.get(email="metod@example.ru")
    assert not user.has_usable_password()
    assert Membership.objects.filter(
        user=user, organization=district.municipality, role=Role.METHODIST
    ).exists()
    assert len(mail.outbox) == 1 and "metod@example.ru" in mail.outbox[0].to
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/password/reset/" in line)
    client.logout()
    page = client.get(link.strip(), follow=True)
    assert page.status_code == 200 and "Задайте пароль" in page.content.decode()
    response = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "Курчалой-2026-новый", "new_password2": "Курчалой-2026-новый"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Курчалой-2026-новый")


def test_school_admin_invites_only_teachers_of_their_school(client, district):
    client.force_login(district.user("school_admin_a"))
    assert _invite(client, district.school_a, Role.TEACHER).status_code == 302
    assert Membership.objects.filter(
        organization=district.school_a, role=Role.TEACHER, user__email="new.teacher@example.ru"
    ).exists()
    # Another school or another role is not even offered: the form rejects it and nothing is created.
    response = _invite(client, district.school_b, Role.TEACHER, email="other@example.ru")
    assert response.status_code == 200
    response = _invite(client, district.school_a, Role.SCHOOL_ADMIN, email="other@example.ru")
    assert response.status_code == 200
    assert not get_user_model().objects.filter(email="other@example.ru").exists()


def test_school_admin_sees_only_teachers_of_their_school(client, district):
    client.force_login(district.user("school_admin_a"))
    content = client.get(reverse("orgs:users")).content.decode()
    assert "teacher_a" in content
    assert "zam_b" not in content and "head_user" not in content
    assert client.get(reverse("orgs:user_detail", args=[district.user("head").pk])).status_code == 404
    assert (
        client.get(reverse("orgs:user_detail", args=[district.user("school_admin_b").pk])).status_code == 404
    )


def test_head_assigns_and_removes_roles_and_deactivates(client, district):
    client.force_login(district.user("head"))
    person = district.user("teacher_a")
    url = reverse("orgs:user_detail", args=[person.pk])
    assert (
        client.post(url, {"organization": district.school_a.pk, "role": Role.SCHOOL_ADMIN}).status_code == 302
    )
    membership = Membership.objects.get(user=person, role=Role.SCHOOL_ADMIN)
    client.post(reverse("orgs:membership_remove", args=[person.pk, membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    client.post(reverse("orgs:user_set_active", args=[person.pk]), {"active": "0"})
    person.refresh_from_db()
    assert not person.is_active


def test_head_cannot_grant_the_admin_role(client, district):
    client.force_login(district.user("head"))
    person = district.user("teacher_a")
    client.post(
        reverse("orgs:user_detail", args=[person.pk]),
        {"organization": district.municipality.pk, "role": Role.ADMIN},
    )
    assert not Membership.objects.filter(user=person, role=Role.ADMIN).exists()


def test_head_cannot_deactivate_themselves(client, district):
    head = district.user("head")
    client.force_login(head)
    client.post(reverse("orgs:user_set_active", args=[head.pk]), {"active": "0"})
    head.refresh_from_db()
    assert head.is_active


def test_user_search_ignores_case_and_yo(client, district):
    person = district.user("teacher_a")
    person.last_name = "Ёлкина"
    person.refresh_search_text()
    person.save()
    client.force_login(district.user("head"))
    content = client.get(reverse("orgs:users"), {"q": "елкина"}, HTTP_HX_REQUEST="true").content.decode()
    assert "teacher_a" in content and "zam_b" not in content


def test_users_export(client, district):
    client.force_login(district.user("head"))
    response = client.get(reverse("orgs:users_export"), {"role": Role.TEACHER})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "ФИО" and len(rows) == 2 and rows[1][1] == "teacher_a"


# --- the data table (imo.core.tables) on the users list -------------------------------------------


def test_role_filter_counts_only_roles_inside_the_managers_scope(client, district):
    client.force_login(district.user("head"))
    content = client.get(reverse("orgs:users"), {"role": Role.SCHOOL_ADMIN}).content.decode()
    assert "zam_a" in content and "zam_b" in content and "teacher_a" not in content
    client.force_login(district.user("school_admin_a"))
    content = client.get(reverse("orgs:users"), {"role": Role.SCHOOL_ADMIN}).content.decode()
    assert "zam_b" not in content and "head_user" not in content


def test_users_sorted_by_surname_in_russian_order_both_ways(client, district):
    for username, last_name in (("u1", "Ёлкин"), ("u2", "Ерёменко"), ("u3", "Жуков")):
        person = district.user("teacher_a").__class__.objects.create(
            username=username, last_name=last_name, first_name="Иван"
        )
        Membership.objects.create(user=person, organization=district.school_a, role=Role.TEACHER)
    client.force_login(district.user("school_admin_a"))
    content = client.get(reverse("orgs:users")).content.decode()
    assert content.index("Ёлкин") < content.index("Ерёменко") < content.index("Жуков")
    content = client.get(reverse("orgs:users"), {"sort": "-name"}).content.decode()
    assert content.index("Жуков") < content.index("Ерёменко") < content.index("Ёлкин")


def test_users_export_takes_the_visible_columns_and_the_filters(client, district):
    client.force_login(district.user("head"))
    response = client.get(
        reverse("orgs:users_export"), {"active": "1", "q": "teacher", "cols": ["state", "last_login"]}
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("ФИО", "Активен", "Последний вход")
    assert len(rows) == 2 and rows[1][1] == "да"


def test_users_list_has_the_export_link_with_its_filters(client, district):
    client.force_login(district.user("head"))
    content = client.get(reverse("orgs:users"), {"role": Role.TEACHER}).content.decode()
    assert 'href="/organizations/users/export/?role=teacher"' in content


def test_users_list_runs_the_same_number_of_queries_whatever_the_users(client, district):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from imo.orgs.tests.factories import make_user_with_role

    def count():
        client.get(reverse("orgs:users"))
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("orgs:users"), {"per_page": 100}).status_code == 200
        return len(context)

    client.force_login(district.user("head"))
    few = count()
    for _ in range(40):
        make_user_with_role(Role.TEACHER, district.school_b)
    assert count() == few
