import io
import zipfile

import pytest
from django.test import override_settings

from imo.core.documents import validation
from imo.core.documents.tests.docx_files import (
    OLE_BYTES,
    docm_bytes,
    docx_bytes,
    dotx_bytes,
    letter_template,
    png_bytes,
    with_external_picture,
    xlsx_bytes,
)
from imo.core.documents.validation import TemplateRejected, check_docx_template

pytestmark = pytest.mark.django_db


def _rejected(kind, data: bytes) -> str:
    with pytest.raises(TemplateRejected) as caught:
        check_docx_template(kind, data)
    return " ".join(caught.value.messages)


def test_the_built_in_template_passes(letter_kind):
    check_docx_template(letter_kind, letter_template())


def test_an_edited_template_with_known_fields_passes(letter_kind):
    check_docx_template(
        letter_kind, docx_bytes("Бланк ИМО", "Кому: {{ addressee }}", "№ {{ document_number }}")
    )


def test_empty_file(letter_kind):
    assert "пустой" in _rejected(letter_kind, b"")


@override_settings(IMO_DOCUMENT_TEMPLATE_MAX_MB=1)
def test_too_large(letter_kind):
    message = _rejected(letter_kind, b"PK\x03\x04" + b"0" * (1024 * 1024 + 10))
    assert "слишком большой" in message and "1,0 МБ" in message


def test_password_protected_or_old_doc(letter_kind):
    assert "защищённый паролем" in _rejected(letter_kind, OLE_BYTES)


def test_an_image_renamed_docx(letter_kind):
    assert "не документ Word" in _rejected(letter_kind, png_bytes())


def test_plain_text_renamed_docx(letter_kind):
    assert "не документ Word" in _rejected(letter_kind, b"{{ addressee }}")


def test_an_excel_file(letter_kind):
    assert "таблица Excel" in _rejected(letter_kind, xlsx_bytes())


def test_a_truncated_file(letter_kind):
    data = letter_template()
    assert "повреждён" in _rejected(letter_kind, data[: len(data) // 2])


def test_macros_are_refused(letter_kind):
    assert "макросами" in _rejected(letter_kind, docm_bytes())


def test_a_word_template_file_is_refused(letter_kind):
    assert ".dotx" in _rejected(letter_kind, dotx_bytes())


def test_a_zip_bomb_is_refused(letter_kind, monkeypatch):
    monkeypatch.setattr(validation, "MAX_UNCOMPRESSED_BYTES", 1000)
    assert "распакованном виде" in _rejected(letter_kind, letter_template())


def test_linked_pictures_are_refused(letter_kind):
    assert "внешний файл" in _rejected(letter_kind, with_external_picture(letter_template()))


def test_unknown_fields_are_listed(letter_kind):
    message = _rejected(letter_kind, docx_bytes("{{ adressee }} {{ school_name }} {{ addressee }}"))
    assert "{{ adressee }}" in message and "{{ school_name }}" in message
    assert "{{ addressee }}," not in message


def test_a_broken_field_syntax(letter_kind):
    assert "каждый блок" in _rejected(letter_kind, docx_bytes("{% for row in items %}{{ row.name }}"))


def test_an_attribute_the_data_lacks(letter_kind):
    message = _rejected(letter_kind, docx_bytes("{% for row in items %}{{ row.share }}{% endfor %}"))
    assert "share" in message


def test_a_finished_document_instead_of_a_template(letter_kind):
    assert "готовый документ" in _rejected(letter_kind, docx_bytes("Справка № 12/2026 от 05.03.2026"))


def test_a_zip_that_is_no_office_file(letter_kind):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "не документ")
    assert "описания его частей" in _rejected(letter_kind, buffer.getvalue())
