"""Who may do what with an application (imo.attestation.applications.rules)."""

from __future__ import annotations

import datetime as dt

import pytest

import imo.attestation.applications.rules  # noqa: F401  (registers the permissions)
from imo.attestation.applications.services import application_start
from imo.attestation.models import QualificationCategory
from imo.orgs.models import Role
from imo.orgs.tests.factories import make_organization, make_user_with_role
from imo.staff.tests.factories import make_educator

Kind = QualificationCategory.Kind
TODAY = dt.date(2026, 3, 10)
OFFICE_EDITORS = ["head", "methodist", "secretary", "admin"]


@pytest.fixture
def setup(district):
    own = make_educator(
        municipality=district.municipality, school=district.school_a, user=district.user("teacher_a")
    )
    application = application_start(educator=own, kind=Kind.FIRST, by=None, today=TODAY)
    return own, application


def may(user, permission: str, obj=None) -> bool:
    return user.has_perm(permission, obj)


@pytest.mark.parametrize("key", [*OFFICE_EDITORS, "observer", "school_admin_a", "teacher_a"])
def test_who_views_the_application(district, setup, key):
    _, application = setup
    assert may(district.user(key), "attestation.view_application", application)


@pytest.mark.parametrize("key", ["school_admin_b", "no_role"])
def test_who_does_not_view_it(district, setup, key):
    _, application = setup
    assert not may(district.user(key), "attestation.view_application", application)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("head", True),
        ("methodist", True),
        ("secretary", True),
        ("admin", True),
        ("observer", False),
        ("school_admin_a", True),
        ("school_admin_b", False),
        ("teacher_a", True),
        ("no_role", False),
    ],
)
def test_start_edit_and_withdraw(district, setup, key, expected):
    educator, application = setup
    user = district.user(key)
    assert may(user, "attestation.start_application", educator) is expected
    assert may(user, "attestation.edit_application", application) is expected
    assert may(user, "attestation.withdraw_application", application) is expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("head", True),
        ("methodist", True),
        ("secretary", True),
        ("admin", True),
        ("observer", False),
        ("school_admin_a", False),
        ("school_admin_b", False),
        ("teacher_a", False),
        ("no_role", False),
    ],
)
def test_only_office_editors_check_and_decide(district, setup, key, expected):
    _, application = setup
    user = district.user(key)
    assert may(user, "attestation.check_application", application) is expected
    assert may(user, "attestation.decide_application", application) is expected


def test_school_admin_of_the_school_cannot_decide(district, setup):
    _, application = setup
    school_admin = district.user("school_admin_a")
    assert may(school_admin, "attestation.view_application", application)
    assert not may(school_admin, "attestation.decide_application", application)
    assert not may(school_admin, "attestation.check_application", application)


def test_teacher_may_not_start_for_a_colleague(district, setup):
    colleague = make_educator(municipality=district.municipality, school=district.school_a)
    application = application_start(educator=colleague, kind=Kind.FIRST, by=None, today=TODAY)
    teacher = district.user("teacher_a")
    assert not may(teacher, "attestation.start_application", colleague)
    assert not may(teacher, "attestation.view_application", application)
    assert not may(teacher, "attestation.edit_application", application)


def test_office_of_another_municipality_has_no_rights(district, setup):
    _, application = setup
    other = make_organization(parent=district.region, kind="municipality", name="Шалинский район")
    head = make_user_with_role(Role.HEAD, other)
    for permission in ("view", "edit", "check", "decide"):
        assert not may(head, f"attestation.{permission}_application", application)


def test_superuser_may_everything(setup):
    from imo.accounts.tests.factories import UserFactory

    educator, application = setup
    root = UserFactory(is_superuser=True)
    assert may(root, "attestation.start_application", educator)
    for permission in ("view", "edit", "withdraw", "check", "decide"):
        assert may(root, f"attestation.{permission}_application", application)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("head", True),
        ("observer", True),
        ("school_admin_a", True),
        ("teacher_a", True),
        ("no_role", False),
    ],
)
def test_who_sees_some_application_list(district, key, expected):
    assert may(district.user(key), "attestation.view_applications") is expected
