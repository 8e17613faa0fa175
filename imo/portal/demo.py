from __future__ import annotations

from imo.orgs.demo import district_data
from imo.orgs.models import Organization
from imo.portal.services import office_contacts_save


def seed(*, municipality: Organization) -> None:
    data = district_data()["municipality"]
    office_contacts_save(
        municipality=municipality,
        data={
            "office_name": data["methodical_office"],
            "address": f"{data['postcode']}, Чеченская Республика, г. Курчалой, ул. А. Кадырова, д. 1",
            "phone": "+7 (8714) 00-00-00",
            "email": "imo-kurchaloy@example.ru",
            "working_hours": "Пн–Пт 9:00–18:00, перерыв 13:00–14:00",
            "about": f"{data['methodical_office']} {data['education_department']}: методическое "
            "сопровождение педагогов и образовательных организаций района.",
        },
    )
