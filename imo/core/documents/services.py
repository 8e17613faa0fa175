"""Writes: issue a document (render, store, register in one transaction), manage the office's templates.

document = document_issue(code="orgs.summary", context={...}, by=request.user,
                          organization_id=municipality.pk, fmt="pdf")
document.number   # «12/2026» (or «СП-12/2026» with a prefix), per kind and year, no gaps
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from imo.core.documents.models import (
    DocumentCounter,
    IssuedDocument,
    NumberingRule,
    TemplateVersion,
    user_names,
)
from imo.core.documents.registry import DocumentKind, Format, get_kind
from imo.core.documents.rendering import render_docx_with, render_pdf
from imo.core.documents.selectors import active_template, numbering_prefix
from imo.core.documents.validation import TemplateRejected, check_docx_template

_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_PREFIX = re.compile(r"^[0-9A-Za-zА-Яа-яЁё .\-]*$")


def safe_file_name(name: str, *, limit: int = 150) -> str:
    """A download name every operating system accepts: no path separators or reserved characters."""
    cleaned = _UNSAFE_NAME.sub(" ", name)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .")
    if len(cleaned) > limit:
        stem, dot, extension = cleaned.rpartition(".")
        cleaned = f"{stem[: limit - len(extension) - 1].rstrip()}.{extension}" if dot else cleaned[:limit]
    return cleaned or "document"


# --- issuing ------------------------------------------------------------------------------------------


def document_issue(
    *,
    code: str,
    context: Mapping[str, Any],
    by: Any | None,
    organization_id: int | None = None,
    fmt: str = Format.DOCX,
) -> IssuedDocument:
    """Number, render, store and register a document in one transaction.

    The next number of the kind for this year is taken under a row lock, so two people issuing at once get
    different numbers and a failure (a template that does not fit, a full disk) leaves neither a gap in the
    numbering nor a register line without its file. Raises DocumentError with Russian messages.
    """
    kind = get_kind(code)
    if fmt not in kind.formats:
        raise ValueError(f"Document kind {code!r} has no {fmt} template.")
    today = timezone.localdate()
    full_name, _ = user_names(by)
    stored: list[str] = []
    try:
        with transaction.atomic():
            counter, _ = DocumentCounter.objects.select_for_update().get_or_create(kind=code, year=today.year)
            counter.last += 1
            counter.save(update_fields=["last"])
            number = f"{numbering_prefix(code)}{counter.last}/{today.year}"
            full_context = {**context, **common_context(kind=kind, number=number, on=today, by=by)}
            version = active_template(code) if fmt == Format.DOCX else None
            content = _render(kind, fmt, version, full_context)
            document = IssuedDocument(
                kind=code,
                title=kind.title,
                number=number,
                year=today.year,
                sequence=counter.last,
                issued_on=today,
                issued_by=by if getattr(by, "pk", None) else None,
                issued_by_name=full_name,
                organization_id=organization_id,
                format=fmt,
                file_name=safe_file_name(
                    f"{kind.file_stem or kind.title} № {number.replace('/', '-')} от {today:%d.%m.%Y}.{fmt}"
                ),
                size=len(content),
                template_version=version,
            )
            document.file.save(f"document.{fmt}", ContentFile(content), save=False)
            stored.append(document.file.name)
            document.save()
    except BaseException:
        for name in stored:
            IssuedDocument.file.field.storage.delete(name)
        raise
    return document


def common_context(*, kind: DocumentKind, number: str, on: dt.date, by: Any | None) -> dict[str, Any]:
    """The fields every template may use (registry.COMMON_VARIABLES)."""
    full_name, short_name = user_names(by)
    return {
        "document_number": number,
        "document_date": on.strftime("%d.%m.%Y"),
        "document_title": kind.title,
        "issued_by_name": full_name,
        "issued_by_short_name": short_name,
    }


def _render(kind: DocumentKind, fmt: str, version: TemplateVersion | None, context: dict[str, Any]) -> bytes:
    if fmt == Format.PDF:
        return render_pdf(kind.pdf_template, context)
    return render_docx_with(kind, version, context)


# --- templates ----------------------------------------------------------------------------------------


def template_upload(*, code: str, data: bytes, original_name: str, by: Any | None) -> TemplateVersion:
    """Check the office's .docx (see validation.py) and make it the template in use for `code`.

    Raises TemplateRejected (a DocumentError) with Russian messages; nothing is stored then."""
    kind = get_kind(code)
    if not kind.has_docx:
        raise TemplateRejected(
            "Для этого документа шаблон Word не используется: его внешний вид задан в системе."
        )
    check_docx_template(kind, data)
    full_name, _ = user_names(by)
    version = TemplateVersion(
        code=code,
        original_name=safe_file_name(original_name or "шаблон.docx"),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by if getattr(by, "pk", None) else None,
        uploaded_by_name=full_name,
        is_active=True,
    )
    stored: list[str] = []
    try:
        with transaction.atomic():
            _deactivate(code)
            version.file.save("template.docx", ContentFile(data), save=False)
            stored.append(version.file.name)
            version.save()
    except BaseException:
        for name in stored:
            TemplateVersion.file.field.storage.delete(name)
        raise
    return version


def _deactivate(code: str) -> None:
    TemplateVersion.objects.filter(code=code, is_active=True).update(
        is_active=False, deactivated_at=timezone.now()
    )


@transaction.atomic
def template_revert(*, code: str, by: Any | None) -> None:
    """Use the built-in template again; the office's versions stay in the history."""
    get_kind(code)
    _deactivate(code)


def template_activate(*, version: TemplateVersion, by: Any | None) -> TemplateVersion:
    """Use an earlier uploaded version again, after checking it still fits the document's data."""
    with version.file.open("rb") as handle:
        data = handle.read()
    check_docx_template(get_kind(version.code), data)
    with transaction.atomic():
        _deactivate(version.code)
        version.is_active = True
        version.deactivated_at = None
        version.save(update_fields=["is_active", "deactivated_at"])
    return version


@transaction.atomic
def numbering_prefix_set(*, code: str, prefix: str, by: Any | None) -> NumberingRule:
    get_kind(code)
    prefix = re.sub(r"\s+", " ", prefix).strip()
    if len(prefix) > 20 or not _PREFIX.match(prefix):
        raise ValidationError(
            {"number_prefix": "Префикс — до 20 букв, цифр, пробелов, точек или дефисов, например «СП-»."}
        )
    rule, _ = NumberingRule.objects.update_or_create(code=code, defaults={"prefix": prefix})
    return rule
