"""Library files (issue #8): uploads judged by content (programs and web pages disguised as documents,
size limit, empty files), Russian text extracted from every accepted format, damaged files and scans
stored but marked, versions, the background extraction with indexing, and the download response."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.exceptions import ValidationError

from imo.core.jobs.models import Job
from imo.library.files import detect, extraction, services
from imo.library.files.detect import check_upload, file_kind
from imo.library.files.extraction import extract_text
from imo.library.models import DocumentFile, LibrarySettings, TextStatus
from imo.library.tests import files_fixtures as ff
from imo.orgs.tests.factories import make_district

MB = 1024 * 1024


@pytest.fixture
def district(db):
    return make_district()


@pytest.fixture
def document(district):
    return ff.make_document(district.municipality)


@pytest.fixture
def indexed(monkeypatch):
    """Calls of the search index (H1's module), recorded instead of run: the files part only has to
    ask for the right documents at the right time."""
    calls: list[list[int]] = []

    def index_documents(ids):
        calls.append(list(ids))
        return len(calls[-1])

    monkeypatch.setattr("imo.library.search.index.index_documents", index_documents)
    return calls


def _add(document, content: bytes, name: str = "Положение.docx", by=None, comment: str = ""):
    return services.file_version_add(
        document=document, upload=ff.upload(name, content), by=by, comment=comment
    )


# --- detection by content -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda: ff.docx_bytes("Приказ"), "docx"),
        (lambda: ff.pdf_bytes("Приказ"), "pdf"),
        (lambda: ff.odt_bytes("Приказ"), "odt"),
        (lambda: ff.pptx_bytes(["Слайд"]), "pptx"),
        (lambda: ff.xlsx_bytes([["Фамилия"]]), "xlsx"),
        (ff.png_bytes, "png"),
        (lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100, "jpeg"),
    ],
)
def test_accepted_kinds_are_told_by_content_whatever_the_name(make, kind):
    upload = ff.upload("скачанный файл.bin", make())
    assert file_kind(upload) == kind
    assert check_upload(upload, max_bytes=20 * MB) == kind
    assert upload.tell() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("Положение.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, detect.MSG_EXECUTABLE),
        ("Приказ.docx", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, detect.MSG_EXECUTABLE),
        ("План.pdf", b"#!/bin/sh\nrm -rf /\n", detect.MSG_SCRIPT),
        ("Положение.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", detect.MSG_MARKUP),
        ("Приказ.pdf", "\ufeff  <HTML><body onload=x()>".encode(), detect.MSG_MARKUP),
        (
            "Рисунок.png",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            detect.MSG_MARKUP,
        ),
        ("Рисунок.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', detect.MSG_MARKUP),
        ("Пустой.docx", b"", detect.MSG_EMPTY),
        ("Заметки.pdf", "Просто текст, а не документ".encode(), detect.MSG_UNSUPPORTED),
        ("Архив.docx", ff._zip([("readme.txt", "архив")]), detect.MSG_UNSUPPORTED),
        ("Документ.docx", b"PK\x03\x04 not really a zip", detect.MSG_UNSUPPORTED),
    ],
)
def test_bad_inputs_get_a_specific_russian_message(name, content, message):
    with pytest.raises(ValidationError) as excinfo:
        check_upload(ff.upload(name, content), max_bytes=20 * MB)
    assert excinfo.value.messages == [message]


def test_unsupported_message_lists_the_allowed_types():
    for kind in ("PDF", "DOCX", "ODT", "XLSX", "PPTX", "JPEG", "PNG"):
        assert kind in detect.MSG_UNSUPPORTED


def test_a_file_over_the_limit_is_refused_with_the_limit_in_megabytes():
    upload = ff.upload("Большой.pdf", b"%PDF-1.7\n" + b"0" * 100)
    upload.size = 20 * MB + 1
    with pytest.raises(ValidationError) as excinfo:
        check_upload(upload, max_bytes=20 * MB)
    assert excinfo.value.messages == ["Файл больше 20 МБ."]


def test_the_allowed_kinds_can_be_narrowed():
    with pytest.raises(ValidationError):
        check_upload(ff.upload("a.png", ff.png_bytes()), max_bytes=MB, kinds=["pdf", "docx"])


def test_a_plain_binary_file_is_measured_when_it_has_no_size():
    assert check_upload(io.BytesIO(ff.docx_bytes("Приказ")), max_bytes=MB) == "docx"


# --- extraction ---------------------------------------------------------------------------------


def test_docx_text_with_headers_and_tables():
    content = ff.docx_bytes("Приказ об олимпиаде", header="Управление образования", table=True)
    extracted = extract_text(io.BytesIO(content), "docx")
    assert extracted.status == TextStatus.OK and extracted.error == ""
    text = extracted.text
    assert text.startswith("Управление образования")
    for words in ("Приказ об олимпиаде", "к олимпиадам по математике", "Ёмкие формулировки", "Химия", "42"):
        assert words in text


def test_pdf_text_from_weasyprint():
    extracted = extract_text(io.BytesIO(ff.pdf_bytes("Положение о наставничестве")), "pdf")
    assert extracted.status == TextStatus.OK
    assert "Положение о наставничестве" in extracted.text
    assert "функциональную грамотность" in re.sub(r"\s+", " ", extracted.text)


def test_a_pdf_from_a_path(tmp_path):
    path = tmp_path / "положение.pdf"
    path.write_bytes(ff.pdf_bytes("Аттестация педагогов"))
    assert "Аттестация педагогов" in extract_text(path, "pdf").text
    assert "Аттестация педагогов" in extract_text(str(path), "pdf").text


def test_odt_text_with_spaces_tabs_and_spans():
    extracted = extract_text(io.BytesIO(ff.odt_bytes("Программа семинара")), "odt")
    assert extracted.status == TextStatus.OK
    assert extracted.text.splitlines()[:2] == ["Программа семинара", "Слово и\tтабуляция в выделении"]
    assert "учителям начальных классов" in extracted.text.lower()


def test_pptx_slides_in_their_order():
    slides = [f"Слайд номер {n}: цифровая образовательная среда" for n in range(1, 12)]
    extracted = extract_text(io.BytesIO(ff.pptx_bytes(slides)), "pptx")
    assert extracted.status == TextStatus.OK
    assert [line for line in extracted.text.splitlines() if line] == slides


def test_xlsx_cell_text():
    rows: list[list[object]] = [
        ["Фамилия", "Предмет", "Баллы"],
        ["Исаева", "Литература", 42],
        ["Петров", "Химия", 3.5],
    ]
    extracted = extract_text(io.BytesIO(ff.xlsx_bytes(rows)), "xlsx")
    assert extracted.status == TextStatus.OK
    assert "Исаева\tЛитература\t42" in extracted.text and "3.5" in extracted.text


def test_a_scanned_pdf_has_no_text_layer():
    extracted = extract_text(io.BytesIO(ff.scan_pdf_bytes()), "pdf")
    assert extracted.status == TextStatus.NO_TEXT
    assert extracted.text == "" and "скан без текстового слоя" in extracted.error.lower()


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        ("docx", b"PK\x03\x04garbage"),
        (
            "docx",
            ff._zip([("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document><unclosed")]),
        ),
        ("docx", ff._zip([("[Content_Types].xml", "<Types/>")])),  # no main part
        ("pdf", b"%PDF-1.7\n1 0 obj garbage"),
        ("odt", b"PK\x03\x04garbage"),
        ("pptx", b"PK\x03\x04"),
        ("xlsx", b"PK\x03\x04garbage"),
    ],
)
def test_damaged_files_fail_with_a_reason_and_never_raise(kind, content):
    extracted = extract_text(io.BytesIO(content), kind)
    assert extracted.status == TextStatus.FAILED
    assert extracted.text == "" and "не удалось извлечь" in extracted.error


def test_xml_entities_are_not_expanded():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "ааааааааааааааа">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&a;&a;</w:t></w:r></w:p></w:body></w:document>"
    )
    content = ff._zip([("[Content_Types].xml", "<Types/>"), ("word/document.xml", bomb)])
    assert "ааааа" not in extract_text(io.BytesIO(content), "docx").text


def test_images_have_no_text_to_extract():
    assert extract_text(io.BytesIO(ff.png_bytes()), "png").status == TextStatus.NOT_APPLICABLE


def test_the_stored_text_is_capped(monkeypatch):
    monkeypatch.setattr(extraction, "MAX_TEXT_CHARS", 50)
    extracted = extract_text(io.BytesIO(ff.docx_bytes("Приказ", ["слово " * 100])), "docx")
    assert extracted.status == TextStatus.OK and len(extracted.text) == 50


def test_an_unexpected_error_is_logged_and_reported(monkeypatch, caplog):
    def boom(source):
        raise MemoryError("no")

    monkeypatch.setitem(extraction._READERS, "pdf", boom)
    extracted = extract_text(io.BytesIO(b"%PDF-"), "pdf")
    assert extracted.status == TextStatus.FAILED and extracted.error == extraction.MSG_UNEXPECTED


# --- versions -----------------------------------------------------------------------------------


def test_versions_follow_each_other_and_only_the_last_is_current(
    document, district, indexed, django_capture_on_commit_callbacks
):
    head = district.user("head")
    first_bytes = ff.docx_bytes("Первая редакция")
    with django_capture_on_commit_callbacks(execute=True):
        first = _add(document, first_bytes, name="C:\\Users\\Мадина\\Положение <итог>.docx", by=head)
    assert (first.version, first.is_current, first.kind) == (1, True, "docx")
    assert first.original_name == "Положение итог .docx"
    assert first.size == len(first_bytes)
    assert first.sha256 == hashlib.sha256(first_bytes).hexdigest()
    assert first.uploaded_by == head and first.text_status == TextStatus.PENDING
    # Stored under a generated name, never the uploaded one.
    stored = first.file.name
    assert stored.startswith("library/") and stored.endswith(".docx") and "Положение" not in stored
    assert re.fullmatch(r"library/\d{4}/\d{2}/[0-9a-f]{32}\.docx", stored)
    with first.file.storage.open(stored, "rb") as handle:
        assert handle.read() == first_bytes

    with django_capture_on_commit_callbacks(execute=True):
        second = _add(
            document,
            ff.pdf_bytes("Вторая редакция"),
            name="Положение.pdf",
            by=head,
            comment="Исправлены сроки",
        )
    first.refresh_from_db()
    assert (second.version, second.is_current, second.kind, second.comment) == (
        2,
        True,
        "pdf",
        "Исправлены сроки",
    )
    assert first.is_current is False
    assert list(document.files.values_list("version", "is_current")) == [(2, True), (1, False)]
    assert Job.objects.filter(kind="library.extract").count() == 2


def test_extraction_runs_in_the_background_and_indexes_the_document(
    document, district, indexed, django_capture_on_commit_callbacks
):
    from imo.core.jobs.testing import run_queued_jobs

    with django_capture_on_commit_callbacks(execute=True):
        version = _add(
            document, ff.docx_bytes("Методическое объединение учителей"), by=district.user("methodist")
        )
    job = Job.objects.get(kind="library.extract")
    assert job.params == {"file_ids": [version.pk]} and job.organization_id == document.organization_id
    assert indexed == []
    run_queued_jobs()
    job.refresh_from_db()
    version.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.message
    assert version.text_status == TextStatus.OK and "Методическое объединение учителей" in version.text
    assert indexed == [[document.pk]]


def test_a_damaged_docx_is_stored_and_marked_failed(document, indexed, django_capture_on_commit_callbacks):
    broken = ff._zip([("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document><oops")])
    with django_capture_on_commit_callbacks(execute=True):
        version = _add(document, broken, name="Повреждённый.docx")
    services.file_extract(file_id=version.pk)
    version.refresh_from_db()
    assert version.text_status == TextStatus.FAILED and "не удалось извлечь" in version.text_error
    assert version.file.storage.exists(version.file.name)
    assert version.get_text_status_display() == "Текст не удалось извлечь"


def test_a_scanned_pdf_is_stored_and_marked_no_text(document, indexed):
    version = _add(document, ff.scan_pdf_bytes(), name="Скан приказа.pdf")
    services.file_extract(file_id=version.pk)
    version.refresh_from_db()
    assert version.text_status == TextStatus.NO_TEXT and version.text == ""
    assert version.get_text_status_display() == "Скан без текстового слоя"


def test_an_image_needs_no_extraction_but_reindexes(document, indexed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        version = _add(document, ff.png_bytes(), name="Схема.png")
    assert version.text_status == TextStatus.NOT_APPLICABLE
    assert not Job.objects.exists()
    assert indexed == [[document.pk]]


def test_the_size_limit_comes_from_the_library_settings(document):
    LibrarySettings.objects.create(max_file_mb=1)
    content = ff.docx_bytes("Большой", ["текст"]) + b"\x00" * MB
    with pytest.raises(ValidationError) as excinfo:
        _add(document, content, name="Большой.docx")
    assert excinfo.value.messages == ["Файл больше 1 МБ."]
    assert not DocumentFile.objects.exists()


def test_a_refused_upload_stores_nothing(document):
    with pytest.raises(ValidationError):
        _add(document, b"MZ\x90\x00" + b"\x00" * 100, name="Положение.pdf")
    assert not DocumentFile.objects.exists()


def test_a_missing_stored_file_fails_extraction_without_a_crash(document, indexed):
    version = _add(document, ff.docx_bytes("Приказ"))
    version.file.storage.delete(version.file.name)
    services.file_extract(file_id=version.pk)
    version.refresh_from_db()
    assert version.text_status == TextStatus.FAILED and "не найден" in version.text_error


# --- pending files in batches --------------------------------------------------------------------


def test_pending_files_are_extracted_in_batches_indexing_current_documents_once_a_batch(
    district, indexed, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(services, "BATCH", 3)
    documents = [ff.make_document(district.municipality, title=f"Документ {n}") for n in range(4)]
    old = _add(documents[0], ff.docx_bytes("Старая редакция"))
    versions = [_add(doc, ff.docx_bytes(f"Текст документа {n}")) for n, doc in enumerate(documents)]
    assert DocumentFile.objects.filter(text_status=TextStatus.PENDING).count() == 5
    # Two batches (3 + 2): per batch, a read of ids, the files, one bulk update; one index call.
    with django_assert_max_num_queries(12):
        assert services.files_extract_pending() == 5
    assert not DocumentFile.objects.filter(text_status=TextStatus.PENDING).exists()
    assert indexed == [[documents[0].pk, documents[1].pk], [documents[2].pk, documents[3].pk]]
    old.refresh_from_db()
    assert old.text_status == TextStatus.OK and not old.is_current
    assert all(v.pk for v in versions)


def test_pending_extraction_honours_the_limit(district, indexed):
    documents = [ff.make_document(district.municipality, title=f"Документ {n}") for n in range(3)]
    for doc in documents:
        _add(doc, ff.docx_bytes(doc.title))
    assert services.files_extract_pending(limit=2) == 2
    assert DocumentFile.objects.filter(text_status=TextStatus.PENDING).count() == 1


def test_the_chore_leaves_fresh_uploads_to_their_job(document, indexed):
    import datetime as dt

    from django.utils import timezone

    version = _add(document, ff.docx_bytes("Приказ"))
    assert services.extract_pending_chore() == 0
    DocumentFile.objects.filter(pk=version.pk).update(uploaded_at=timezone.now() - dt.timedelta(hours=1))
    assert services.extract_pending_chore() == 1


def test_the_chore_is_registered():
    from imo.core.jobs.chores import registered_chores

    assert "library.files_extract" in {chore.name for chore in registered_chores()}


# --- download -----------------------------------------------------------------------------------


def test_the_download_is_an_attachment_named_after_the_document(document, indexed):
    content = ff.docx_bytes("Приказ")
    document.title = 'Положение о конкурсе «Учитель года»: этап "муниципальный"/2026'
    document.save()
    _add(document, ff.docx_bytes("Первая"))
    version = _add(document, content, name="virus.exe.docx")
    response = services.file_response(version)
    assert b"".join(response.streaming_content) == content  # type: ignore[arg-type]
    assert response["Content-Type"] == detect.CONTENT_TYPES["docx"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert "virus" not in disposition and "/" not in disposition.split("filename*=")[0]
    assert services.download_name(version) == (
        "Положение о конкурсе «Учитель года» этап муниципальный 2026 (версия 2).docx"
    )
    response.close()


def test_clean_file_name_keeps_the_extension_of_long_names():
    name = services.clean_file_name("../" + "я" * 400 + ".pdf")
    assert len(name) == 255 and name.endswith(".pdf") and "/" not in name
    assert services.clean_file_name("  ..  ") == "файл"
