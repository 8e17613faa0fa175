import datetime as dt
import io
from urllib.parse import quote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from imo.core.documents.models import IssuedDocument, TemplateVersion
from imo.core.documents.selectors import active_template
from imo.core.documents.services import document_issue
from imo.core.documents.tests.conftest import LETTER, letter_sample
from imo.core.documents.tests.docx_files import OLE_BYTES, docx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def plain_user(django_user_model):
    return django_user_model.objects.create_user(username="plain", password="Пароль-для-тестов-1")


def _issue(by, fmt="docx", organization_id=None):
    return document_issue(
        code=LETTER, context=letter_sample(fmt), by=by, fmt=fmt, organization_id=organization_id
    )


def _upload(client, data: bytes, name: str = "шаблон.docx"):
    return client.post(reverse("documents:template", args=[LETTER]), {"file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize(
    "url",
    [
        reverse("documents:register"),
        reverse("documents:register_export"),
        reverse("documents:templates"),
    ],
)
def test_anonymous_goes_to_login_and_a_user_without_the_permission_gets_403(client, plain_user, url):
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    client.force_login(plain_user)
    assert client.get(url).status_code == 403


def test_the_register_lists_documents_newest_first(admin_client, letter_kind, superuser):
    first, second = _issue(superuser), _issue(superuser, "pdf")
    content = admin_client.get(reverse("documents:register")).content.decode()
    assert content.index(second.number) < content.index(first.number)
    assert "Скачать PDF" in content and "Тестовое письмо" in content


def test_the_register_filters(admin_client, letter_kind, superuser, django_user_model):
    other = django_user_model.objects.create_superuser(
        username="other", password="x" * 12, last_name="Другой"
    )
    mine, theirs = _issue(superuser), _issue(other)
    IssuedDocument.objects.filter(pk=mine.pk).update(issued_on=dt.date(2026, 1, 10))
    url = reverse("documents:register")
    by_person = admin_client.get(url, {"issued_by": other.pk}).content.decode()
    assert theirs.number in by_person and f">{mine.number}<" not in by_person
    by_date = admin_client.get(url, {"date_from": "2026-01-01", "date_to": "2026-01-31"}).content.decode()
    assert f">{mine.number}<" in by_date and f">{theirs.number}<" not in by_date
    by_number = admin_client.get(url, {"q": theirs.number}).content.decode()
    assert f">{theirs.number}<" in by_number and f">{mine.number}<" not in by_number
    wrong = admin_client.get(url, {"date_from": "2026-02-01", "date_to": "2026-01-01"}).content.decode()
    assert "раньше даты «с»" in wrong


def test_the_register_htmx_returns_only_the_results(admin_client, letter_kind, superuser):
    _issue(superuser)
    response = admin_client.get(reverse("documents:register"), headers={"HX-Request": "true"})
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="results"') and "<html" not in content


def test_the_register_exports_the_filtered_rows_to_excel(admin_client, letter_kind, superuser):
    kept, _ = _issue(superuser), _issue(superuser, "pdf")
    response = admin_client.get(reverse("documents:register_export"), {"q": kept.number})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Номер", "Дата выдачи", "Документ")
    assert [r[0] for r in rows[1:]] == [kept.number]
    assert isinstance(rows[1][1], dt.datetime)  # a real date, not text


def test_download_is_an_attachment_with_the_russian_name(admin_client, letter_kind, superuser):
    document = _issue(superuser)
    response = admin_client.get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Testovoe pismo')
    assert f"filename*=UTF-8''{quote(document.file_name, safe='')}" in disposition
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content == document.file.open("rb").read()


def test_documents_of_others_are_404(client, letter_kind, superuser, plain_user):
    document = _issue(superuser)
    client.force_login(plain_user)
    # A user without the permission is refused before anything is looked up.
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 403


def test_unknown_document_is_404(admin_client, letter_kind):
    assert admin_client.get(reverse("documents:download", args=[999999])).status_code == 404


def test_templates_page_lists_kinds(admin_client, letter_kind):
    content = admin_client.get(reverse("documents:templates")).content.decode()
    assert "Тестовое письмо" in content and "Встроенный" in content


def test_upload_check_and_revert_through_the_pages(admin_client, letter_kind):
    page = reverse("documents:template", args=[LETTER])
    assert "{{ addressee }}" in admin_client.get(page).content.decode()  # the fields are listed
    response = _upload(admin_client, docx_bytes("БЛАНК {{ addressee }}"))
    assert response.status_code == 302
    version = active_template(LETTER)
    assert version is not None and version.original_name == "шаблон.docx"
    content = admin_client.get(page).content.decode()
    assert "свой шаблон" in content and "Вернуть встроенный" in content
    download = admin_client.get(reverse("documents:template_version", args=[LETTER, version.pk]))
    assert download.content == docx_bytes_of(version)
    assert admin_client.post(reverse("documents:template_revert", args=[LETTER])).status_code == 302
    assert active_template(LETTER) is None
    activate = reverse("documents:template_activate", args=[LETTER, version.pk])
    assert admin_client.post(activate).status_code == 302 and active_template(LETTER) == version


def docx_bytes_of(version: TemplateVersion) -> bytes:
    with version.file.open("rb") as handle:
        return handle.read()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (OLE_BYTES, "защищённый паролем"),
        (b"", "Файл пустой"),
        (b"not a word file at all", "не документ Word"),
    ],
)
def test_bad_uploads_get_a_russian_message_and_change_nothing(admin_client, letter_kind, data, message):
    response = _upload(admin_client, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not TemplateVersion.objects.exists()


def test_unknown_fields_are_listed_on_the_page(admin_client, letter_kind):
    response = _upload(admin_client, docx_bytes("{{ adresat }}"))
    assert response.status_code == 400 and "{{ adresat }}" in response.content.decode()


@override_settings(IMO_DOCUMENT_TEMPLATE_MAX_MB=1)
def test_a_large_upload_is_refused_before_it_is_read(admin_client, letter_kind):
    response = _upload(admin_client, b"PK\x03\x04" + b"0" * (2 * 1024 * 1024))
    assert response.status_code == 400 and "слишком большой" in response.content.decode()


def test_downloads_of_the_built_in_template_and_samples(admin_client, letter_kind):
    builtin = admin_client.get(reverse("documents:template_builtin", args=[LETTER]))
    assert builtin.status_code == 200 and builtin.content == letter_kind.docx_template.read_bytes()
    sample = admin_client.get(reverse("documents:template_sample", args=[LETTER, "docx"]))
    assert sample.status_code == 200 and sample.content.startswith(b"PK")
    pdf = admin_client.get(reverse("documents:template_sample", args=[LETTER, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert admin_client.get(reverse("documents:template_sample", args=[LETTER, "odt"])).status_code == 404
    assert admin_client.get(reverse("documents:template", args=["no.such"])).status_code == 404


def test_numbering_prefix_form(admin_client, letter_kind, superuser):
    url = reverse("documents:template_numbering", args=[LETTER])
    assert admin_client.post(url, {"number_prefix": "ПИС-"}).status_code == 302
    assert _issue(superuser).number.startswith("ПИС-1/")
    response = admin_client.post(url, {"number_prefix": "<script>"})
    assert response.status_code == 400 and "Префикс" in response.content.decode()


# --- the register as a data table (imo/core/documents/tables.py) -----------------------------------------


def _sheet_rows(response):
    assert response.status_code == 200
    return list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_the_register_export_keeps_its_columns_and_reads_names_once_per_chunk(
    admin_client, letter_kind, superuser, monkeypatch
):
    from imo.core.documents import hooks

    lookups: list[set[int]] = []

    def names(ids):
        lookups.append(set(ids))
        return {7: "СОШ № 7"}

    monkeypatch.setitem(hooks._hooks, "organization_names", names)
    first = _issue(superuser, organization_id=7)
    _issue(superuser, "pdf")
    rows = _sheet_rows(admin_client.get(reverse("documents:register_export"), {"sort": "title"}))
    assert rows[0] == (
        "Номер",
        "Дата выдачи",
        "Документ",
        "Формат",
        "Кто выдал",
        "Организация",
        "Имя файла",
    )
    assert len(rows) == 3 and lookups == [{7}]
    kept = next(row for row in rows[1:] if row[0] == first.number)
    assert kept[3] == "DOCX" and kept[4] == "Админов Пётр" and kept[5] == "СОШ № 7"
    assert kept[6] == first.file_name


def test_the_register_filters_by_kind_and_keeps_it_in_the_export(admin_client, letter_kind, superuser):
    from imo.core.documents.registry import registered_kinds

    _issue(superuser)
    other = next(kind.code for kind in registered_kinds() if kind.code != LETTER)
    url = reverse("documents:register")
    assert "Скачать DOCX" in admin_client.get(url, {"kind": LETTER}).content.decode()
    assert "ничего не найдено" in admin_client.get(url, {"kind": other}).content.decode()
    html = admin_client.get(url, {"kind": other}).content.decode()
    assert f'href="/documents/export/?kind={other}"' in html
    assert len(_sheet_rows(admin_client.get(reverse("documents:register_export"), {"kind": other}))) == 1


def test_the_register_sorts_by_date_oldest_first_on_request(admin_client, letter_kind, superuser):
    old, new = _issue(superuser), _issue(superuser)
    IssuedDocument.objects.filter(pk=old.pk).update(issued_on=dt.date(2025, 12, 30))
    content = admin_client.get(reverse("documents:register")).content.decode()
    assert content.index(f">{new.number}<") < content.index(f">{old.number}<")
    content = admin_client.get(reverse("documents:register"), {"sort": "issued_on"}).content.decode()
    assert content.index(f">{old.number}<") < content.index(f">{new.number}<")
    rows = _sheet_rows(admin_client.get(reverse("documents:register_export"), {"sort": "issued_on"}))
    assert [row[0] for row in rows[1:]] == [old.number, new.number]


def test_the_register_reports_bad_filters_in_russian(admin_client, letter_kind, superuser):
    _issue(superuser)
    response = admin_client.get(reverse("documents:register"), {"date_from": "32.13.2026", "kind": "x"})
    content = response.content.decode()
    assert response.status_code == 200 and "Не все условия применены" in content
    assert "Введите дату в формате дд.мм.гггг." in content and "Скачать DOCX" in content


def test_a_user_without_the_permission_gets_no_export(client, plain_user):
    client.force_login(plain_user)
    assert client.get(reverse("documents:register_export"), {"q": "1"}).status_code == 403
