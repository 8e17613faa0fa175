"""Registrations of training/records: permissions, navigation, the profile section, the portfolio source."""

from __future__ import annotations

from typing import Any


def courses_portfolio(educator: Any) -> list[Any]:
    """Confirmed courses for the attestation portfolio (imo.core.portfolio)."""
    from imo.core.portfolio import PortfolioEntry
    from imo.training.records.selectors import confirmed_records_of
    from imo.training.records.tables import document_text

    section = "Повышение квалификации"
    entries = []
    for record in confirmed_records_of(educator):
        detail = (
            f"{record.get_kind_display()}, {record.provider_display}, {record.hours} ч, "
            f"{record.starts_on:%d.%m.%Y}–{record.ends_on:%d.%m.%Y}; {document_text(record)}"
        )
        entries.append(PortfolioEntry(section, record.title, record.ends_on, detail))
    return entries


def ready() -> None:
    from imo.core.navigation import Direction, NavItem, register
    from imo.core.portfolio import register_portfolio_source
    from imo.core.profile import ProfileSection, register_section
    from imo.training.records import rules  # noqa: F401  (registers the permissions)
    from imo.training.records.profile import section_context

    register(
        NavItem(
            Direction.ORGANISATIONAL,
            "Курсы повышения квалификации",
            "training:records",
            "training.view_records",
            40,
        ),
        NavItem(
            Direction.ORGANISATIONAL,
            "Подтверждение курсов",
            "training:records_pending",
            "training.confirm_records",
            41,
        ),
    )
    register_section(
        ProfileSection(
            key="training_records",
            title="Повышение квалификации",
            order=35,
            template="training/records/profile_section.html",
            context=section_context,
        )
    )
    register_portfolio_source("training_records", "Повышение квалификации", courses_portfolio, order=40)
