from __future__ import annotations

from typing import Any

from django.db import transaction

from imo.orgs.models import Organization
from imo.portal.models import OfficeContacts

CONTACT_FIELDS = ("office_name", "address", "phone", "email", "working_hours", "about")


@transaction.atomic
def office_contacts_save(
    *, municipality: Organization, data: dict[str, Any], by: Any | None = None
) -> OfficeContacts:
    contacts = OfficeContacts.objects.filter(municipality=municipality).first() or OfficeContacts(
        municipality=municipality
    )
    for field in CONTACT_FIELDS:
        if field in data:
            setattr(contacts, field, data[field])
    contacts.full_clean()
    contacts.save()
    return contacts
