"""Changes to organisations, users and roles are logged with who, when and old → new per field."""

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from imo.accounts.models import User
from imo.orgs.models import Membership, Organization, Role
from imo.orgs.services import membership_add, membership_remove, organization_update, user_set_active
from imo.orgs.tests.factories import make_district


@pytest.fixture
def district(db):
    return make_district()


def _entries_for(obj):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_pk=str(obj.pk)
    ).order_by("-timestamp", "-pk")


def _form_data(organization, **changes):
    data = {
        "parent": organization.parent_id,
        "kind": organization.kind,
        "name": organization.name,
        "short_name": organization.short_name,
        "settlement": organization.settlement,
        "inn": organization.inn,
        "ogrn": organization.ogrn,
        "address": organization.address,
        "director": organization.director,
        "phone": organization.phone,
        "email": organization.email,
        "website": organization.website,
    }
    data.update(changes)
    return data


def test_editing_an_organisation_on_its_page_logs_the_head_and_old_and_new_values(client, district):
    school = district.school_a
    head = district.user("head")
    client.force_login(head)
    response = client.post(
        reverse("orgs:edit", args=[school.pk]), _form_data(school, director="Идрисов Магомед Алиевич")
    )
    assert response.status_code == 302
    entry = _entries_for(school).first()
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == head
    assert entry.remote_addr == "127.0.0.1"
    assert entry.changes_dict["director"] == ["", "Идрисов Магомед Алиевич"]
    assert "search_text" not in entry.changes_dict


def test_the_service_with_an_actor_logs_the_actor(district):
    school = district.school_b
    head = district.user("head")
    with set_actor(head):
        organization_update(organization=school, data={"phone": "8 (8712) 22-33-44"}, by=head)
    entry = _entries_for(school).first()
    assert entry.actor == head
    assert entry.changes_dict == {"phone": ["", "8 (8712) 22-33-44"]}


def test_user_changes_are_logged(district):
    admin = district.user("admin")
    teacher = district.user("teacher_a")
    with set_actor(admin):
        user_set_active(user=teacher, active=False, by=admin)
    entry = _entries_for(teacher).first()
    assert entry.content_type.model_class() is User
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == admin
    assert entry.changes_dict["is_active"] == ["True", "False"]
    assert "password" not in entry.changes_dict


def test_membership_grant_and_removal_are_logged(district):
    head = district.user("head")
    person = district.user("no_role")
    with set_actor(head):
        membership = membership_add(user=person, organization=district.school_a, role=Role.TEACHER, by=head)
        membership_pk = membership.pk
        membership_remove(membership=membership, by=head)
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Membership), object_pk=str(membership_pk)
    ).order_by("pk")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.DELETE]
    assert all(e.actor == head for e in entries)
    assert entries[0].changes_dict["role"] == ["None", Role.TEACHER]
    assert entries[0].changes_dict["organization"] == ["None", str(district.school_a.pk)]


def test_closing_an_organisation_is_logged(district):
    from datetime import date

    from imo.orgs.services import organization_close

    with set_actor(district.user("methodist")):
        organization_close(organization=district.school_b, closed_on=date(2025, 9, 1))
    entry = _entries_for(district.school_b).first()
    assert entry.changes_dict["status"] == [Organization.Status.ACTIVE, Organization.Status.CLOSED]
    assert entry.changes_dict["closed_on"] == ["None", "2025-09-01"]
