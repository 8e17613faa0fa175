"""Writes of the documents part: the act rules, tags by folded name, versions, publish, delete (drafts only
unless confirmed), the download counter, kinds and settings — and the search index kept in step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from imo.library.documents import services
from imo.library.models import Access, ActStatus, Document, DocumentFile, DocumentKind, LibrarySettings, Tag
from imo.library.search.query import search_page
from imo.library.tests.documents_fixtures import act_kind, docx_upload, make_bank, make_document, plain_kind
from imo.orgs.tests.factories import make_district


@pytest.fixture
def district(db):
    return make_district()


def test_act_requires_issuer_number_and_date(district):
    with pytest.raises(ValidationError) as error:
        services.document_create(
            organization=district.municipality,
            data={"title": "Приказ", "kind": act_kind(), "access": Access.PUBLIC},
            upload=None,
            by=district.user("head"),
        )
    assert set(error.value.message_dict) >= {"issuer", "number", "issued_on"}
    assert "нормативного акта" in error.value.message_dict["issuer"][0]
    assert not Document.objects.exists()


def test_act_gets_in_force_and_other_kinds_lose_act_fields(district):
    head = district.user("head")
    act = make_document(
        district.municipality,
        head,
        title="Приказ № 1",
        kind=act_kind(),
        issuer="УО",
        number="1",
        issued_on=dt.date(2025, 1, 10),
    )
    assert act.act_status == ActStatus.IN_FORCE
    services.document_update(document=act, data={"kind": plain_kind()}, by=head)
    act.refresh_from_db()
    assert act.act_status == "" and act.replaced_by is None


def test_replaced_by_only_for_lapsed_acts(district):
    head = district.user("head")
    fields: dict[str, Any] = {"kind": act_kind(), "issuer": "УО", "issued_on": dt.date(2025, 1, 10)}
    old = make_document(district.municipality, head, title="Старый приказ", number="1", **fields)
    new = make_document(district.municipality, head, title="Новый приказ", number="2", **fields)
    with pytest.raises(ValidationError) as error:
        services.document_update(document=old, data={"replaced_by": new}, by=head)
    assert "утратившего силу" in error.value.message_dict["replaced_by"][0]
    services.document_update(document=old, data={"act_status": ActStatus.LAPSED, "replaced_by": new}, by=head)
    assert list(new.replaces.all()) == [old]


def test_tags_are_one_per_folded_name(district):
    head = district.user("head")
    first = make_document(district.municipality, head, title="А", tags="ФГОС, Ёлка; фгос, ")
    second = make_document(district.municipality, head, title="Б", tags="фгос, елка")
    assert Tag.objects.count() == 2
    assert sorted(t.name for t in first.tags.all()) == ["Ёлка", "ФГОС"]
    assert set(first.tags.all()) == set(second.tags.all())


def test_create_with_file_stores_a_first_version(district):
    document = make_document(district.municipality, district.user("head"), title="Рекомендации", text="Текст")
    version = DocumentFile.objects.get(document=document)
    assert version.version == 1 and version.is_current and version.kind == "docx"
    assert document.search_title == "рекомендации" and not document.is_published


def test_bad_file_is_reported_on_the_upload_field_and_nothing_is_saved(district):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("отчёт.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    with pytest.raises(ValidationError) as error:
        services.document_create(
            organization=district.municipality,
            data={"title": "Отчёт", "kind": plain_kind(), "access": Access.EDUCATORS},
            upload=fake,
            by=district.user("head"),
        )
    assert "upload" in error.value.message_dict
    assert not Document.objects.exists()


def test_new_version_keeps_the_old_one(district):
    head = district.user("head")
    document = make_document(district.municipality, head, title="Программа")
    services.document_file_add(
        document=document, upload=docx_upload("Новый текст"), by=head, comment="Исправлено"
    )
    versions = list(DocumentFile.objects.filter(document=document).order_by("version"))
    assert [(v.version, v.is_current) for v in versions] == [(1, False), (2, True)]
    assert versions[1].comment == "Исправлено"


def test_publish_sets_the_first_publication_time_once(district):
    head = district.user("head")
    document = make_document(district.municipality, head, title="План")
    services.document_publish(document=document, by=head)
    first = document.published_at
    assert first is not None and document.is_published
    services.document_unpublish(document=document, by=head)
    services.document_publish(document=document, by=head)
    assert document.published_at == first


def test_delete_a_published_document_needs_confirmation(district, django_capture_on_commit_callbacks):
    head = district.user("head")
    document = make_document(district.municipality, head, title="План", is_published=True)
    stored = DocumentFile.objects.get(document=document).file.name
    with pytest.raises(ValidationError, match="Подтвердите удаление"):
        services.document_delete(document=document, by=head)
    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(document=document, by=head, confirmed=True)
    assert not Document.objects.exists()
    from django.core.files.storage import default_storage

    assert not default_storage.exists(stored)


def test_download_counter_adds_one(district):
    document = make_document(district.municipality, district.user("head"), title="План")
    services.document_downloaded(document)
    services.document_downloaded(document)
    document.refresh_from_db()
    assert document.download_count == 2


def test_writes_reach_the_search_index(district, django_capture_on_commit_callbacks):
    head = district.user("head")
    with django_capture_on_commit_callbacks(execute=True):
        document = make_document(
            district.municipality, head, title="Подготовка к олимпиадам", annotation="Для учителей района"
        )
    assert [h.document.pk for h in search_page(documents=Document.objects.all(), text="олимпиада").hits] == [
        document.pk
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.document_update(document=document, data={"title": "Наставничество"}, by=head)
    assert search_page(documents=Document.objects.all(), text="олимпиада").total == 0
    assert search_page(documents=Document.objects.all(), text="наставничества").total == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(document=document, by=head)
    assert search_page(documents=Document.objects.all(), text="наставничество").total == 0


def test_kinds_duplicate_names_and_delete_only_unused(district):
    kind = services.kind_create(name="Сборник  задач")
    assert kind.name == "Сборник задач" and not kind.is_act
    with pytest.raises(ValidationError) as error:
        services.kind_create(name="сборник задач")
    assert "уже есть" in error.value.message_dict["name"][0]
    make_document(district.municipality, district.user("head"), title="Задачи", kind=kind)
    with pytest.raises(ValidationError, match="в архив"):
        services.kind_delete(kind=kind)
    services.kind_archive(kind=kind)
    assert DocumentKind.objects.get(pk=kind.pk).is_archived


def test_settings_are_one_row(db):
    services.library_settings_update(max_file_mb=5, digest_weekday=4)
    services.library_settings_update(max_file_mb=7, digest_weekday=2)
    assert LibrarySettings.objects.count() == 1
    assert (LibrarySettings.current().max_file_mb, LibrarySettings.current().digest_weekday) == (7, 2)
    with pytest.raises(ValidationError):
        services.library_settings_update(max_file_mb=0, digest_weekday=9)


def test_the_bank_fixture_scopes(db):
    bank = make_bank()
    assert bank.docs["old_act"].replaced_by_id == bank.docs["public"].pk
