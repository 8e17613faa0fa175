"""Uploaded documents checked by content (imo.core.uploads)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from imo.core.uploads import MSG_WRONG_TYPE, check_document, document_kind


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7 ...", "pdf"),
        (b"\xff\xd8\xff\xe0....", "jpeg"),
        (b"\x89PNG\r\n\x1a\n....", "png"),
        (None, "docx"),
        (b"PK\x03\x04 broken", None),
        (b"GIF89a....", None),
        (b"", None),
    ],
)
def test_kind_by_content_whatever_the_name(content, kind):
    file = SimpleUploadedFile("document.pdf", docx() if content is None else content)
    assert document_kind(file) == kind
    assert file.tell() == 0


def test_zip_without_a_word_document_is_not_docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "x")
    assert document_kind(SimpleUploadedFile("a.docx", buffer.getvalue())) is None


def test_check_document_messages():
    assert check_document(SimpleUploadedFile("a.bin", b"%PDF-1.4")) == "pdf"
    with pytest.raises(ValidationError) as caught:
        check_document(SimpleUploadedFile("a.pdf", b"MZ executable"))
    assert caught.value.messages == [MSG_WRONG_TYPE]
    with pytest.raises(ValidationError) as caught:
        check_document(SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * 2048), max_bytes=1024 * 1024 // 1024)
    assert caught.value.messages[0].startswith("Файл больше")
    with pytest.raises(ValidationError) as caught:
        check_document(SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)))
    assert caught.value.messages == ["Файл больше 10 МБ."]
    with pytest.raises(ValidationError):
        check_document(SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n"), kinds={"pdf"})
