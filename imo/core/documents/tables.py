"""The register of documents issued as a data table (an imo.core.tables declaration).

Organisation names come from the layer above core (hooks.organization_names): they are looked up once
per page, or once per chunk of an export, not once per row (imo.core.batches).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from imo.core.batches import completed_in_batches
from imo.core.documents.models import IssuedDocument
from imo.core.documents.registry import registered_kinds
from imo.core.documents.selectors import (
    issued_documents_numbered,
    issuers_visible_to,
    with_organization_names,
)
from imo.core.tables import ChoiceFilter, Column, DateRangeFilter, SearchFilter, Table, russian


def _download(document: IssuedDocument) -> SafeString:
    return format_html(
        '<a href="{}" hx-boost="false">Скачать {}<span class="visually-hidden"> — {} № {}</span></a> '
        '<span class="small text-body-secondary text-nowrap">{}</span>',
        reverse("documents:download", args=[document.pk]),
        document.get_format_display(),
        document.title,
        document.number,
        filesizeformat(document.size),
    )


class RegisterTable(Table):
    """Documents issued that the user may see, newest first. The columns are those of the Excel file
    of the register; the file name shows only on wide screens."""

    columns = [
        Column("number", "№", export_label="Номер", hideable=False, classes="text-nowrap", width=14),
        Column(
            "issued_on",
            "Дата",
            export_label="Дата выдачи",
            sort=True,
            sort_fields=("issued_on", "issued_at"),
            width=13,
        ),
        Column("title", "Документ", sort=russian, width=50),
        Column(
            "format",
            "Файл",
            display=_download,
            export=IssuedDocument.get_format_display,
            export_label="Формат",
            sort=True,
            width=9,
        ),
        Column(
            "issued_by",
            "Кто выдал",
            display=lambda document: document.issued_by_name or "—",
            export=lambda document: document.issued_by_name,
            sort=russian,
            sort_fields=("issued_by_name",),
            classes="d-none d-md-table-cell",
            width=32,
        ),
        Column(
            "organization",
            "Организация",
            display=lambda document: document.organization_name or "—",
            export=lambda document: document.organization_name,
            classes="d-none d-lg-table-cell",
            width=36,
        ),
        Column("file_name", "Имя файла", sort=russian, classes="d-none d-xxl-table-cell", width=50),
    ]
    filters = [
        SearchFilter(
            "q",
            "Номер",
            placeholder="например, 12/2026",
            method=lambda documents, query: issued_documents_numbered(documents, query=query),
        ),
        ChoiceFilter(
            "kind",
            "Вид документа",
            choices=lambda table: [(kind.code, kind.title) for kind in registered_kinds()],
            all_label="Все виды",
        ),
        DateRangeFilter("date", "Выдан", field="issued_on"),
        ChoiceFilter(
            "issued_by",
            "Кто выдал",
            choices=lambda table: issuers_visible_to(user=table.user),
            field="issued_by_id",
            coerce=int,
        ),
    ]
    default_sort = "-issued_on"
    noun = "документ,документа,документов"
    caption = "Выданные документы"
    filters_label = "Фильтры реестра"
    export_url_name = "documents:register_export"
    export_filename = "реестр_документов"
    sheet_name = "Реестр документов"
    empty_text = "Документов пока нет. Они появляются здесь, когда кто-то выдаёт справку или другой документ."

    def get_queryset(self) -> QuerySet[Any]:
        """The filtered documents with `organization_name` set (one lookup per page or export chunk)."""
        return completed_in_batches(super().get_queryset(), with_organization_names)
