"""The bank's pages: who sees which documents (anonymous: public only; a school admin never downloads an
office-only document; a teacher of another district never sees «педагогам района» of this one; drafts for
editors only), downloads as attachments counted once each, filters, search, the Excel file, the editors'
pages, kinds and settings, and a fixed number of queries."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from imo.core.navigation import menu_for
from imo.library.models import Access, Document, DocumentFile, DocumentKind, LibrarySettings
from imo.library.tests.documents_fixtures import Bank, docx_upload, make_bank, plain_kind
from imo.reference.models import Subject


@pytest.fixture
def bank(db) -> Bank:
    return make_bank()


EDITORS = ["head", "methodist", "secretary", "admin"]
NOT_EDITORS = ["observer", "school_admin_a", "teacher_a"]


def titles(response: Any) -> set[str]:
    body = response.content.decode()
    return {d.title for d in Document.objects.all() if d.title in body}


def rows(response: Any) -> list[list[Any]]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()


def test_url_names():
    assert reverse("library:documents") == "/library/"
    assert reverse("library:document", args=[3]) == "/library/3/"
    assert reverse("library:document_download", args=[3]) == "/library/3/download/"
    assert reverse("library:document_version_download", args=[3, 2]) == "/library/3/versions/2/"
    assert reverse("library:kinds") == "/library/kinds/"


# --- who sees what ------------------------------------------------------------------------------------


def test_anonymous_sees_public_documents_only(client, bank):
    response = client.get(reverse("library:documents"))
    assert response.status_code == 200
    assert titles(response) == {bank.docs["public"].title, bank.docs["old_act"].title}
    for key in ("educators", "office", "draft", "other"):
        assert client.get(reverse("library:document", args=[bank.docs[key].pk])).status_code == 404
        assert client.get(reverse("library:document_download", args=[bank.docs[key].pk])).status_code == 404
    assert client.get(reverse("library:document", args=[bank.docs["public"].pk])).status_code == 200


def test_school_admin_cannot_download_an_office_only_document(client, bank):
    client.force_login(bank.user("school_admin_a"))
    office = bank.docs["office"]
    assert client.get(reverse("library:document_download", args=[office.pk])).status_code == 404
    assert client.get(reverse("library:document_version_download", args=[office.pk, 1])).status_code == 404
    assert client.get(reverse("library:document", args=[office.pk])).status_code == 404
    office.refresh_from_db()
    assert office.download_count == 0
    listed = titles(client.get(reverse("library:documents")))
    assert bank.docs["educators"].title in listed and office.title not in listed


def test_teacher_of_another_district_does_not_see_this_districts_documents(client, bank):
    client.force_login(bank.other_teacher)
    listed = titles(client.get(reverse("library:documents")))
    assert bank.docs["other"].title in listed and bank.docs["public"].title in listed
    assert bank.docs["educators"].title not in listed
    assert client.get(reverse("library:document", args=[bank.docs["educators"].pk])).status_code == 404


@pytest.mark.parametrize("key", NOT_EDITORS)
def test_drafts_hidden_from_non_editors(client, bank, key):
    client.force_login(bank.user(key))
    assert bank.docs["draft"].title not in titles(client.get(reverse("library:documents")))
    assert client.get(reverse("library:document", args=[bank.docs["draft"].pk])).status_code == 404


def test_editors_see_drafts_with_a_badge(client, bank):
    client.force_login(bank.user("methodist"))
    response = client.get(reverse("library:documents"))
    assert bank.docs["draft"].title in titles(response) and "черновик" in response.content.decode()
    assert bank.docs["other"].title not in titles(response)  # another district's office
    drafts = titles(client.get(reverse("library:documents"), {"status": "draft"}))
    assert drafts == {bank.docs["draft"].title}


# --- downloads ----------------------------------------------------------------------------------------


def test_download_is_an_attachment_and_counted(client, bank):
    document = bank.docs["public"]
    response = client.get(reverse("library:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"PK")
    document.refresh_from_db()
    assert document.download_count == 1
    assert client.get(reverse("library:document_version_download", args=[document.pk, 7])).status_code == 404


def test_old_versions_download(client, bank):
    client.force_login(bank.user("head"))
    document = bank.docs["educators"]
    client.post(
        reverse("library:document_upload", args=[document.pk]),
        {"upload": docx_upload("Вторая"), "comment": "Правка"},
    )
    assert DocumentFile.objects.filter(document=document).count() == 2
    response = client.get(reverse("library:document_version_download", args=[document.pk, 1]))
    assert (
        response.status_code == 200 and "версия 1" in response["Content-Disposition"]
    ) or "%D0%B2%D0%B5%D1%80%D1%81%D0%B8%D1%8F%201" in response["Content-Disposition"]
    page = client.get(reverse("library:document", args=[document.pk])).content.decode()
    assert "Правка" in page and "(текущая)" in page


# --- the list -----------------------------------------------------------------------------------------


def test_filters_and_kind_counts(client, bank):
    client.force_login(bank.user("teacher_a"))
    math = Subject.objects.get(name="Математика")
    by_subject = titles(client.get(reverse("library:documents"), {"subject": math.pk}))
    assert by_subject == {bank.docs["public"].title, bank.docs["educators"].title}
    acts = titles(client.get(reverse("library:documents"), {"kind": bank.docs["public"].kind_id}))
    assert acts == {bank.docs["public"].title, bank.docs["old_act"].title}
    lapsed = titles(client.get(reverse("library:documents"), {"status": "lapsed"}))
    assert lapsed == {bank.docs["old_act"].title}
    assert titles(client.get(reverse("library:documents"), {"year": 2024})) == {bank.docs["old_act"].title}
    grade = bank.docs["public"].grades.get()
    assert titles(client.get(reverse("library:documents"), {"grade": grade.pk})) == {
        bank.docs["public"].title
    }
    # Bad values are dropped, not a 500.
    assert (
        client.get(reverse("library:documents"), {"kind": "x", "year": "1", "page": "zz"}).status_code == 200
    )


def test_the_filters_show_what_was_chosen(client, bank):
    client.force_login(bank.user("teacher_a"))
    math = Subject.objects.get(name="Математика")
    page = client.get(reverse("library:documents"), {"subject": math.pk, "sort": "popular"}).content.decode()
    assert f'<option value="{math.pk}" selected>Математика</option>' in page
    assert 'value="popular" selected>' in page


def test_sort_by_downloads(client, bank):
    popular = bank.docs["educators"]
    Document.objects.filter(pk=popular.pk).update(download_count=50)
    client.force_login(bank.user("teacher_a"))
    page = client.get(reverse("library:documents"), {"sort": "popular"})
    assert page.context["page"].object_list[0].pk == popular.pk


def test_search_ranks_and_highlights(client, bank, django_capture_on_commit_callbacks):
    from imo.library.files.services import files_extract_pending

    files_extract_pending()  # the background job: the files' text reaches the index
    response = client.get(reverse("library:documents"), {"q": "олимпиадам"})
    found = response.context["search"].document_ids
    assert found[:1] == (bank.docs["public"].pk,)
    assert "<mark>" in response.content.decode()
    assert bank.docs["educators"].pk not in found  # anonymous: public only
    exported = rows(client.get(reverse("library:documents_export"), {"q": "олимпиадам"}))
    assert bank.docs["public"].title in [row[0] for row in exported[1:]]


@pytest.mark.parametrize("query", ["!!! ??? ...", "олимпиада " * 300])
def test_bad_queries_answer_with_a_message(client, bank, query):
    response = client.get(reverse("library:documents"), {"q": query})
    assert response.status_code == 200
    assert response.context["search"].message


def test_export_holds_the_filtered_rows(client, bank):
    client.force_login(bank.user("teacher_a"))
    response = client.get(reverse("library:documents_export"), {"status": "lapsed"})
    data = rows(response)
    assert data[0][0] == "Название" and [row[0] for row in data[1:]] == [bank.docs["old_act"].title]
    everything = rows(client.get(reverse("library:documents_export")))
    assert bank.docs["office"].title not in [row[0] for row in everything]


def test_list_and_detail_query_counts_do_not_grow(client, bank, django_assert_max_num_queries):
    client.force_login(bank.user("head"))
    url = reverse("library:documents")
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    for n in range(15):
        Document.objects.create(
            organization=bank.district.municipality,
            title=f"Документ {n}",
            kind=plain_kind(),
            is_published=True,
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
    with django_assert_max_num_queries(20):
        client.get(reverse("library:document", args=[bank.docs["public"].pk]))


# --- editors ------------------------------------------------------------------------------------------


def _card(kind: DocumentKind, **extra: Any) -> dict[str, Any]:
    return {
        "title": "Рекомендации по ОГЭ",
        "kind": kind.pk,
        "access": Access.EDUCATORS,
        "tags": "ОГЭ",
        **extra,
    }


@pytest.mark.parametrize("key", EDITORS)
def test_editors_create_a_document(client, bank, key):
    client.force_login(bank.user(key))
    assert client.get(reverse("library:document_create")).status_code == 200
    response = client.post(
        reverse("library:document_create"),
        {**_card(plain_kind()), "upload": docx_upload("Текст"), "is_published": "on"},
    )
    document = Document.objects.get(title="Рекомендации по ОГЭ")
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert document.is_published and document.organization == bank.district.municipality
    assert document.files.get().is_current


def test_create_form_shows_russian_errors(client, bank):
    client.force_login(bank.user("head"))
    act = bank.docs["public"].kind
    response = client.post(reverse("library:document_create"), {**_card(act), "upload": docx_upload("Т")})
    assert response.status_code == 200 and "нормативного акта" in response.content.decode()
    fake = io.BytesIO(b"<html><script>alert(1)</script></html>")
    fake.name = "приказ.pdf"
    response = client.post(reverse("library:document_create"), {**_card(plain_kind()), "upload": fake})
    assert response.status_code == 200 and not Document.objects.filter(title="Рекомендации по ОГЭ").exists()
    assert response.context["form"].errors["upload"]


@pytest.mark.parametrize("key", NOT_EDITORS)
def test_readers_cannot_change_anything(client, bank, key):
    client.force_login(bank.user(key))
    document = bank.docs["educators"]
    assert client.get(reverse("library:document_create")).status_code == 403
    for name in ("document_edit", "document_upload", "document_delete"):
        assert client.get(reverse(f"library:{name}", args=[document.pk])).status_code == 403, name
    for name in ("document_publish", "document_unpublish", "document_delete"):
        assert client.post(reverse(f"library:{name}", args=[document.pk])).status_code == 403, name
    assert client.get(reverse("library:kinds")).status_code == 403
    assert client.get(reverse("library:settings")).status_code == 403
    assert Document.objects.filter(pk=document.pk, is_published=True).exists()


def test_anonymous_editor_pages_go_to_login(client, bank):
    for name in ("library:document_create", "library:kinds", "library:settings"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_editor_of_another_district_gets_404(client, bank):
    from imo.accounts.models import User

    client.force_login(User.objects.get(username="head_shali"))
    assert client.get(reverse("library:document_edit", args=[bank.docs["draft"].pk])).status_code == 404
    assert client.post(reverse("library:document_publish", args=[bank.docs["draft"].pk])).status_code == 404


def test_edit_publish_unpublish_delete(client, bank):
    client.force_login(bank.user("head"))
    draft = bank.docs["draft"]
    response = client.post(
        reverse("library:document_edit", args=[draft.pk]),
        {
            "title": "План наставничества на 2026 год",
            "kind": draft.kind_id,
            "access": Access.PUBLIC,
            "tags": "наставничество",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "План наставничества на 2026 год" and [t.name for t in draft.tags.all()] == [
        "наставничество"
    ]
    client.post(reverse("library:document_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.is_published
    response = client.post(reverse("library:document_delete", args=[draft.pk]))
    assert response.status_code == 400 and "Подтвердите" in response.content.decode()
    client.post(reverse("library:document_unpublish", args=[draft.pk]))
    assert client.post(reverse("library:document_delete", args=[draft.pk])).status_code == 302
    assert not Document.objects.filter(pk=draft.pk).exists()
    published = bank.docs["educators"]
    client.post(reverse("library:document_delete", args=[published.pk]), {"confirm": "1"})
    assert not Document.objects.filter(pk=published.pk).exists()


def test_kinds_and_settings_pages(client, bank):
    client.force_login(bank.user("methodist"))
    assert client.get(reverse("library:kinds")).status_code == 200
    client.post(reverse("library:kind_create"), {"name": "Сборник задач", "order": 100})
    kind = DocumentKind.objects.get(name="Сборник задач")
    client.post(
        reverse("library:kind_edit", args=[kind.pk]), {"name": "Сборник заданий", "order": 5, "is_act": "on"}
    )
    kind.refresh_from_db()
    assert (kind.name, kind.is_act, kind.order) == ("Сборник заданий", True, 5)
    used = bank.docs["educators"].kind
    client.post(reverse("library:kind_delete", args=[used.pk]))
    assert DocumentKind.objects.filter(pk=used.pk).exists()
    client.post(reverse("library:kind_archive", args=[used.pk]))
    assert DocumentKind.objects.get(pk=used.pk).is_archived
    client.post(reverse("library:kind_delete", args=[kind.pk]))
    assert not DocumentKind.objects.filter(pk=kind.pk).exists()
    response = client.post(reverse("library:settings"), {"max_file_mb": 10, "digest_weekday": 3})
    assert response.status_code == 302 and LibrarySettings.current().max_file_mb == 10


def test_menu_entries(bank):
    teacher = [link.label for group in menu_for(bank.user("teacher_a")) for link in group.links]
    head = [link.label for group in menu_for(bank.user("head")) for link in group.links]
    assert "Банк документов" in teacher and "Виды документов" not in teacher
    assert "Банк документов" in head and "Виды документов" in head


def test_the_search_forms_subjects_are_kept_until_the_catalogue_changes(
    client, bank: Bank, monkeypatch
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from imo.core import pagecache

    client.force_login(bank.district.user("methodist"))
    pagecache.forget_own_writes()  # as a request after the setup's transaction would
    client.get(reverse("library:documents"))
    with CaptureQueriesContext(connection) as again:
        client.get(reverse("library:documents"))
    lists = [
        q for q in again.captured_queries if 'FROM "reference_subject" WHERE' in q["sql"]
    ]  # not the rows'
    assert not lists
    subject = Subject.objects.create(name="Основы космонавтики")
    pagecache.forget_own_writes()
    monkeypatch.setattr(pagecache, "_in_transaction", lambda: False)
    pagecache.bump("reference")
    page = client.get(reverse("library:documents")).content.decode()
    assert f'value="{subject.pk}">Основы космонавтики<' in page
