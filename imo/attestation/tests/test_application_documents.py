"""The covering letter to the attestation commission (imo.attestation.applications.documents)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imo.attestation.applications.documents import (
    COVER_LETTER_CODE,
    COVER_LETTER_KIND,
    COVER_LETTER_TITLE,
    cover_letter_docx,
    cover_letter_name,
    file_size_label,
    files_total_label,
    register_documents,
)
from imo.attestation.applications.services import (
    application_file_add,
    application_forward,
    application_start,
    application_submit,
)
from imo.attestation.models import QualificationCategory
from imo.core.documents.registry import get_kind
from imo.core.documents.validation import check_docx_template
from imo.staff.tests.factories import make_educator

TODAY = dt.date(2026, 3, 10)


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_kind_is_registered_with_the_russian_title():
    register_documents()
    kind = get_kind(COVER_LETTER_CODE)
    assert kind.title == COVER_LETTER_TITLE == "Сопроводительное письмо в аттестационную комиссию"
    assert kind.has_docx


def test_built_in_template_passes_the_office_template_check():
    """The same check an uploaded template goes through: fields known, sample renders."""
    assert COVER_LETTER_KIND.docx_template is not None
    check_docx_template(COVER_LETTER_KIND, COVER_LETTER_KIND.docx_template.read_bytes())


@pytest.mark.django_db
def test_letter_of_an_application(district):
    register_documents()
    educator = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        last_name="Абдулаева",
        first_name="Малика",
        patronymic="Руслановна",
    )
    methodist = district.user("methodist")
    application = application_start(
        educator=educator, kind=QualificationCategory.Kind.HIGHEST, by=methodist, simplified=True, today=TODAY
    )
    for title in ("Копия диплома", "Справка о результатах"):
        application_file_add(
            application=application,
            by=methodist,
            title=title,
            file=SimpleUploadedFile("a.pdf", b"%PDF-1.4" + b"0" * 3000),
        )
    application_submit(application=application, by=methodist, today=TODAY)
    application_forward(application=application, by=methodist, letter_number="01-15/214", today=TODAY)
    text = docx_text(cover_letter_docx(application=application, by=methodist))
    for expected in (
        "Министерства образования и науки Чеченской Республики",
        "Курчалоевский муниципальный район",
        "Исх. № 01-15/214 от 10.03.2026",
        "Абдулаева Малика Руслановна",
        "Учитель",
        "МБОУ «СОШ № 1 г. Курчалой»",
        "«высшая»",
        "упрощённый",
        "Приложение: 2 файла.",
        "1. Копия диплома (3 КБ).",
        "2. Справка о результатах (3 КБ).",
        "Методист",
    ):
        assert expected in text, expected
    assert cover_letter_name(application) == (
        "Сопроводительное письмо в аттестационную комиссию — Абдулаева М. Р..docx"
    )


@pytest.mark.parametrize(("size", "label"), [(0, ""), (100, "1 КБ"), (1536, "2 КБ"), (2_400_000, "2,3 МБ")])
def test_file_size_label(size, label):
    assert file_size_label(size) == label


@pytest.mark.parametrize(
    ("count", "label"),
    [
        (0, "нет"),
        (1, "1 файл"),
        (2, "2 файла"),
        (5, "5 файлов"),
        (11, "11 файлов"),
        (21, "21 файл"),
        (24, "24 файла"),
    ],
)
def test_files_total_label(count, label):
    assert files_total_label(count) == label
