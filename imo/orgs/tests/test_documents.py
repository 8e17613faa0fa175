import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from imo.core.documents.models import IssuedDocument
from imo.core.documents.registry import get_kind
from imo.core.documents.validation import check_docx_template
from imo.orgs.documents import SUMMARY_CODE, organization_summary, summary_issue
from imo.orgs.models import Organization, Role
from imo.orgs.services import organization_close
from imo.orgs.tests.factories import make_district, make_organization, make_user_with_role

OFFICE = ["head", "methodist", "secretary", "admin"]
NOT_OFFICE = ["school_admin_a", "teacher_a", "no_role"]


@pytest.fixture
def district(db):
    district = make_district()
    make_organization(
        parent=district.municipality,
        kind=Organization.Kind.KINDERGARTEN,
        short_name="Детский сад «Ёлочка»",
        settlement="с. Бельты",
    )
    closed = make_organization(
        parent=district.municipality, short_name="Закрытая школа", settlement="с. Старое"
    )
    organization_close(organization=closed, closed_on=closed.created_at.date())
    return district


@pytest.fixture
def other_district(db, district):
    municipality = make_organization(
        parent=district.region, kind=Organization.Kind.MUNICIPALITY, name="Шалинский муниципальный район"
    )
    make_organization(parent=municipality, short_name="СОШ № 1 г. Шали", settlement="г. Шали")
    head = make_user_with_role(Role.HEAD, municipality, username="head_shali")
    return municipality, head


def _text(document: IssuedDocument) -> str:
    with document.file.open("rb") as handle:
        docx = Document(io.BytesIO(handle.read()))
    parts = [p.text for p in docx.paragraphs]
    parts += [cell.text for table in docx.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_built_in_template_passes_its_own_checks():
    kind = get_kind(SUMMARY_CODE)
    assert kind.docx_template is not None
    check_docx_template(kind, kind.docx_template.read_bytes())


def test_summary_counts_active_organisations_in_scope(district, other_district):
    summary = organization_summary(user=district.user("head"))
    assert summary.scope_name == "Курчалоевский муниципальный район"
    assert summary.scope_id == district.municipality.pk
    assert dict(summary.by_kind) == {
        "Школы": 2,
        "Детские сады": 1,
        "Организации дополнительного образования": 0,
        "Другие организации": 0,
    }
    assert summary.by_settlement == (("с. Бельты", 2), ("г. Курчалой", 1))  # most first; closed left out
    names = [row.name for row in summary.organizations]
    assert "СОШ № 1 г. Шали" not in names and "Закрытая школа" not in names
    assert names[0] == "Детский сад «Ёлочка»"  # Russian alphabetical order (Д before С)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_head_issues_the_summary_through_the_register(client, district, fmt):
    client.force_login(district.user("head"))
    response = client.post(reverse("orgs:summary_issue"), {"format": fmt})
    document = IssuedDocument.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"?issued={document.pk}")
    assert document.kind == SUMMARY_CODE and document.format == fmt
    assert document.organization_id == district.municipality.pk
    assert document.issued_by == district.user("head")
    page = client.get(response["Location"]).content.decode()
    assert (
        f"Справка № {document.number}" in page and reverse("documents:download", args=[document.pk]) in page
    )
    download = client.get(reverse("documents:download", args=[document.pk]))
    assert download.status_code == 200
    assert download.content.startswith(b"PK" if fmt == "docx" else b"%PDF")


def test_the_docx_has_the_figures_the_charts_and_the_list(district):
    document = summary_issue(user=district.user("methodist"), fmt="docx")
    text = _text(document)
    assert f"№ {document.number} от {document.issued_on:%d.%m.%Y}" in text
    assert "Курчалоевский муниципальный район" in text
    assert "СОШ № 1 г. Курчалой" in text and "Детские сады" in text and "с. Бельты" in text
    assert "Методист" in text  # the signer's role
    assert "{{" not in text and "{%" not in text
    with document.file.open("rb") as handle:
        assert len(Document(io.BytesIO(handle.read())).inline_shapes) == 2


def test_numbers_follow_each_other(district):
    first = summary_issue(user=district.user("head"), fmt="docx")
    second = summary_issue(user=district.user("secretary"), fmt="pdf")
    assert second.sequence == first.sequence + 1


def test_an_uploaded_template_is_used_for_the_summary(client, district):
    kind = get_kind(SUMMARY_CODE)
    assert kind.docx_template is not None
    docx = Document(io.BytesIO(kind.docx_template.read_bytes()))
    docx.paragraphs[0].insert_paragraph_before("БЛАНК КУРЧАЛОЕВСКОГО ИМО")
    buffer = io.BytesIO()
    docx.save(buffer)
    client.force_login(district.user("head"))
    response = client.post(
        reverse("documents:template", args=[SUMMARY_CODE]),
        {"file": SimpleUploadedFile("бланк.docx", buffer.getvalue())},
    )
    assert response.status_code == 302
    client.post(reverse("orgs:summary_issue"), {"format": "docx"})
    assert "БЛАНК КУРЧАЛОЕВСКОГО ИМО" in _text(IssuedDocument.objects.get())


@pytest.mark.parametrize("key", OFFICE)
def test_office_editors_see_everything(client, district, key):
    client.force_login(district.user(key))
    for name in ("orgs:summary", "documents:register", "documents:templates", "orgs:charts"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.post(reverse("orgs:summary_issue"), {"format": "docx"}).status_code == 302


def test_the_observer_reads_but_does_not_issue_or_manage(client, district):
    document = summary_issue(user=district.user("head"), fmt="docx")
    client.force_login(district.user("observer"))
    summary = client.get(reverse("orgs:summary"))
    assert summary.status_code == 200 and "Сформировать справку" not in summary.content.decode()
    assert client.get(reverse("documents:register")).status_code == 200
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 200
    assert client.get(reverse("documents:register_export")).status_code == 200
    assert client.post(reverse("orgs:summary_issue"), {"format": "docx"}).status_code == 403
    assert client.get(reverse("documents:templates")).status_code == 403
    assert client.get(reverse("documents:template", args=[SUMMARY_CODE])).status_code == 403


@pytest.mark.parametrize("key", NOT_OFFICE)
def test_others_get_403(client, district, key):
    document = summary_issue(user=district.user("head"), fmt="docx")
    client.force_login(district.user(key))
    for url in (
        reverse("orgs:summary"),
        reverse("documents:register"),
        reverse("documents:templates"),
        reverse("documents:download", args=[document.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("orgs:summary_issue"), {"format": "pdf"}).status_code == 403


def test_another_municipality_neither_sees_nor_downloads(client, district, other_district):
    document = summary_issue(user=district.user("head"), fmt="docx")
    _, head_shali = other_district
    client.force_login(head_shali)
    assert document.number not in client.get(reverse("documents:register")).content.decode()
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404
    # and their own summary holds only their schools
    own = summary_issue(user=head_shali, fmt="docx")
    text = _text(own)
    assert "СОШ № 1 г. Шали" in text and "СОШ с. Бельты" not in text


def test_the_register_shows_the_organisation_name(client, district):
    summary_issue(user=district.user("head"), fmt="docx")
    client.force_login(district.user("observer"))
    assert "Курчалоевский район" in client.get(reverse("documents:register")).content.decode()


def test_the_home_page_loads_the_charts_with_htmx(client, district):
    client.force_login(district.user("head"))
    home = client.get(reverse("portal:home")).content.decode()
    assert f'hx-get="{reverse("orgs:charts")}"' in home and 'hx-trigger="load"' in home
    assert "Район в цифрах" in home  # the cards stay
    charts = client.get(reverse("orgs:charts"), headers={"HX-Request": "true"}).content.decode()
    assert charts.count('role="img"') == 2 and "Таблица данных" in charts
    assert "Организации по типам" in charts and "Организации по населённым пунктам" in charts
    assert "style=" not in charts and "<script" not in charts


def test_the_charts_read_a_fixed_number_of_queries(client, district):
    client.force_login(district.user("head"))
    client.get(reverse("orgs:charts"))  # warm-up: sessions, memberships
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("orgs:charts"))
    for index in range(15):
        make_organization(parent=district.municipality, settlement=f"с. Новое {index}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("orgs:charts"))
    assert len(many) == len(few)
    assert "Остальные населённые пункты" in response.content.decode()


def test_a_school_admin_sees_charts_of_their_school_only(client, district):
    client.force_login(district.user("school_admin_a"))
    charts = client.get(reverse("orgs:charts")).content.decode()
    assert "г. Курчалой" in charts and "с. Бельты" not in charts
    client.force_login(district.user("teacher_a"))
    assert client.get(reverse("orgs:charts")).status_code == 403


def test_the_register_reads_a_fixed_number_of_queries(client, district):
    client.force_login(district.user("observer"))
    summary_issue(user=district.user("head"), fmt="docx")
    client.get(reverse("documents:register"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("documents:register"))
    for _ in range(5):
        summary_issue(user=district.user("methodist"), fmt="docx")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("documents:register"))
    assert len(many) == len(few)
    assert response.content.decode().count("Скачать DOCX") == 6
