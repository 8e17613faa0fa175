"""INTERFACE STUB — helper H2 (files) replaces this file. See /tmp/brief/library.md."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from imo.library.models import Document, DocumentFile


def file_version_add(*, document: Document, upload: Any, by: Any, comment: str = "") -> DocumentFile:
    raise NotImplementedError


def file_extract(*, file_id: int) -> None:
    raise NotImplementedError


def file_response(document_file: DocumentFile) -> HttpResponse:
    raise NotImplementedError
