"""Form fields for Russian identifiers: accept any common formatting, clean to the bare digits, and reject
a mistyped number with the Russian message of imo.core.identifiers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms

from imo.core.identifiers import (
    digits_only,
    validate_inn,
    validate_kpp,
    validate_ogrn,
    validate_organization_inn,
    validate_snils,
)


class IdentifierField(forms.CharField):
    """A CharField that strips separators and runs one identifier check."""

    check: Callable[[str], None] = staticmethod(validate_inn)
    upper = False

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value: Any) -> str:
        cleaned = digits_only(super().to_python(value))
        return cleaned.upper() if self.upper else cleaned

    def validate(self, value: str) -> None:
        super().validate(value)
        if value:
            type(self).check(value)


class SnilsField(IdentifierField):
    check = staticmethod(validate_snils)


class InnField(IdentifierField):
    """ИНН of an organisation (10 digits) or a person (12 digits)."""

    check = staticmethod(validate_inn)


class OrganizationInnField(IdentifierField):
    check = staticmethod(validate_organization_inn)


class OgrnField(IdentifierField):
    """ОГРН (13 digits) or ОГРНИП (15 digits)."""

    check = staticmethod(validate_ogrn)


class KppField(IdentifierField):
    check = staticmethod(validate_kpp)
    upper = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs["inputmode"] = "text"
