import datetime as dt
import io
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from docx import Document

from imo.core.documents.models import DocumentCounter, IssuedDocument, TemplateVersion
from imo.core.documents.rendering import DocumentError, render_docx
from imo.core.documents.selectors import active_template
from imo.core.documents.services import (
    document_issue,
    numbering_prefix_set,
    safe_file_name,
    template_activate,
    template_revert,
    template_upload,
)
from imo.core.documents.tests.conftest import LETTER, letter_sample
from imo.core.documents.tests.docx_files import docx_bytes
from imo.core.documents.validation import TemplateRejected

pytestmark = pytest.mark.django_db


def _issue(by, **kwargs):
    return document_issue(code=LETTER, context=letter_sample(kwargs.get("fmt", "docx")), by=by, **kwargs)


def _stored_files() -> set[Path]:
    return {p for p in (Path(settings.MEDIA_ROOT) / "documents").rglob("*") if p.is_file()}


def _text(document: IssuedDocument) -> str:
    with document.file.open("rb") as handle:
        return "\n".join(p.text for p in Document(io.BytesIO(handle.read())).paragraphs)


def test_numbers_run_per_kind_and_year(letter_kind, superuser):
    year = dt.date.today().year
    first, second = _issue(superuser), _issue(superuser, fmt="pdf")
    assert (first.number, second.number) == (f"1/{year}", f"2/{year}")
    assert f"Письмо № 1/{year}" in _text(first)
    with mock.patch("imo.core.documents.services.timezone.localdate", return_value=dt.date(year + 1, 1, 1)):
        assert _issue(superuser).number == f"1/{year + 1}"
    assert DocumentCounter.objects.get(kind=LETTER, year=year).last == 2


def test_the_office_sets_a_prefix(letter_kind, superuser):
    numbering_prefix_set(code=LETTER, prefix="  ПИС- ", by=superuser)
    assert _issue(superuser).number.startswith("ПИС-1/")


@pytest.mark.parametrize("prefix", ["<b>", "слишком-длинный-префикс-номера", "a/b"])
def test_a_bad_prefix_is_refused(letter_kind, superuser, prefix):
    with pytest.raises(ValidationError):
        numbering_prefix_set(code=LETTER, prefix=prefix, by=superuser)


def test_the_register_keeps_who_what_and_the_file(letter_kind, superuser):
    document = _issue(superuser, organization_id=42)
    assert document.issued_by == superuser and document.issued_by_name == "Админов Пётр"
    assert document.organization_id == 42 and document.title == "Тестовое письмо"
    assert document.file_name == f"Тестовое письмо № 1-{document.year} от {document.issued_on:%d.%m.%Y}.docx"
    stored = Path(settings.MEDIA_ROOT) / document.file.name
    assert stored.is_file() and stored.stat().st_size == document.size
    assert document.file.name.startswith(f"documents/issued/{document.year}/")
    assert "Тестов" not in document.file.name  # random names on disk


def test_a_failure_leaves_no_number_no_line_no_file(letter_kind, superuser):
    before = _stored_files()
    with pytest.raises(DocumentError):
        document_issue(code=LETTER, context={"addressee": "x"}, by=superuser)  # fields missing
    assert not IssuedDocument.objects.exists()
    assert not DocumentCounter.objects.filter(last__gt=0).exists()
    assert _stored_files() == before
    assert _issue(superuser).sequence == 1


def test_a_storage_failure_rolls_back_the_number(letter_kind, superuser):
    before = _stored_files()
    with (
        mock.patch.object(IssuedDocument, "save", side_effect=OSError("disk full")),
        pytest.raises(OSError),
    ):
        _issue(superuser)
    assert not IssuedDocument.objects.exists()
    assert _stored_files() == before  # the file written before the failure is removed
    assert _issue(superuser).sequence == 1


def test_an_uploaded_template_replaces_the_built_in_one_until_reverted(letter_kind, superuser):
    own = docx_bytes("БЛАНК ИМО", "Кому: {{ addressee }}")
    version = template_upload(code=LETTER, data=own, original_name="мой/бланк.docx", by=superuser)
    assert active_template(LETTER) == version and version.original_name == "мой бланк.docx"
    assert version.uploaded_by_name == "Админов Пётр"
    assert "БЛАНК ИМО" in _text(_issue(superuser))
    assert _issue(superuser).template_version == version
    template_revert(code=LETTER, by=superuser)
    assert active_template(LETTER) is None
    assert "БЛАНК ИМО" not in _text(_issue(superuser))
    template_activate(version=version, by=superuser)
    assert active_template(LETTER) == version


def test_a_new_upload_keeps_the_previous_version(letter_kind, superuser):
    first = template_upload(
        code=LETTER, data=docx_bytes("1 {{ addressee }}"), original_name="a.docx", by=superuser
    )
    second = template_upload(
        code=LETTER, data=docx_bytes("2 {{ addressee }}"), original_name="b.docx", by=superuser
    )
    first.refresh_from_db()
    assert not first.is_active and first.deactivated_at is not None and second.is_active
    assert TemplateVersion.objects.filter(code=LETTER).count() == 2


def test_a_rejected_upload_stores_nothing(letter_kind, superuser):
    before = _stored_files()
    with pytest.raises(TemplateRejected):
        template_upload(code=LETTER, data=docx_bytes("{{ nope }}"), original_name="x.docx", by=superuser)
    assert not TemplateVersion.objects.exists()
    assert _stored_files() == before


def test_an_uploaded_template_that_no_longer_fits_says_so(letter_kind, superuser):
    version = template_upload(
        code=LETTER, data=docx_bytes("{{ addressee }}"), original_name="a.docx", by=superuser
    )
    with pytest.raises(DocumentError) as caught:
        render_docx(LETTER, {})
    assert "не подходит" in caught.value.messages[0] and "встроенный" in caught.value.messages[-1]
    assert version.is_active


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Справка № 1/2026.docx", "Справка № 1 2026.docx"),
        ('a<b>:"c"|?*.pdf', "a b c .pdf"),
        ("../../etc/passwd", "etc passwd"),
        ("", "document"),
        ("я" * 300 + ".docx", "я" * 145 + ".docx"),
    ],
)
def test_safe_file_names(name, expected):
    assert safe_file_name(name) == expected


@pytest.mark.django_db(transaction=True)
def test_people_issuing_at_once_get_different_numbers(letter_kind, superuser):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    if connection.vendor == "sqlite":
        # SQLite serialises writers: every transaction starts IMMEDIATE (the write lock is taken first), so
        # two numberings cannot interleave. The in-memory test database cannot host threads; the setting
        # is the guarantee. PostgreSQL runs the real race below (row lock on the counter).
        assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        return

    def issue(_: int) -> str:
        try:
            return _issue(superuser).number
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        numbers = list(pool.map(issue, range(8)))
    year = dt.date.today().year
    assert sorted(numbers, key=lambda n: int(n.split("/")[0])) == [f"{i}/{year}" for i in range(1, 9)]
    assert IssuedDocument.objects.count() == 8
