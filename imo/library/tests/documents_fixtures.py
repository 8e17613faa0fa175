"""Small builders for the documents part's tests: a DOCX upload with Russian text and a district's bank
(public, educators', office-only documents, a draft, an act replaced by another, and a second
municipality with its own teacher and document)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from imo.library.documents import services
from imo.library.models import Access, ActStatus, Document, DocumentKind
from imo.orgs.models import Organization, Role
from imo.orgs.tests.factories import District, make_district, make_organization, make_user_with_role
from imo.reference.models import Grade, Subject


def docx_upload(text: str, name: str = "файл.docx") -> SimpleUploadedFile:
    import docx

    document = docx.Document()
    for paragraph in text.split("\n"):
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def act_kind() -> DocumentKind:
    kind = DocumentKind.objects.filter(is_act=True).order_by("order").first()
    assert kind is not None
    return kind


def plain_kind() -> DocumentKind:
    kind = DocumentKind.objects.filter(is_act=False).order_by("order").first()
    assert kind is not None
    return kind


def subject(name: str) -> Subject:
    found = Subject.objects.filter(name=name).first()
    return found or Subject.objects.create(name=name)


def make_document(
    organization: Organization, by: Any, *, title: str, text: str = "", **data: Any
) -> Document:
    values: dict[str, Any] = {"title": title, "kind": plain_kind(), "access": Access.EDUCATORS, **data}
    upload = docx_upload(text or title) if text is not None else None
    return services.document_create(organization=organization, data=values, upload=upload, by=by)


@dataclass
class Bank:
    district: District
    other_municipality: Organization
    other_teacher: Any
    docs: dict[str, Document] = field(default_factory=dict)

    def user(self, key: str) -> Any:
        return self.district.user(key)


def make_bank() -> Bank:
    district = make_district()
    other = make_organization(
        parent=district.region, kind=Organization.Kind.MUNICIPALITY, name="Шалинский район", short_name="Шали"
    )
    other_school = make_organization(parent=other, name="МБОУ «СОШ № 1 г. Шали»", short_name="СОШ № 1 Шали")
    other_teacher = make_user_with_role(Role.TEACHER, other_school, username="teacher_shali")
    other_head = make_user_with_role(Role.HEAD, other, username="head_shali")
    bank = Bank(district, other, other_teacher)
    head, municipality = district.user("head"), district.municipality
    math = subject("Математика")
    grade5 = Grade.objects.get(number=5)
    bank.docs["old_act"] = make_document(
        municipality,
        head,
        title="Положение о школьном этапе олимпиады 2024",
        kind=act_kind(),
        issuer="Управление образования",
        number="12-од",
        issued_on=dt.date(2024, 9, 1),
        access=Access.PUBLIC,
        is_published=True,
    )
    bank.docs["public"] = make_document(
        municipality,
        head,
        title="Положение о проведении олимпиад школьников",
        text="Порядок проведения олимпиады по математике для учителей района.",
        kind=act_kind(),
        issuer="Управление образования",
        number="45-од",
        issued_on=dt.date(2025, 9, 1),
        access=Access.PUBLIC,
        is_published=True,
        subjects=[math],
        grades=[grade5],
        tags="олимпиады, ФГОС",
    )
    services.document_update(
        document=bank.docs["old_act"],
        data={"act_status": ActStatus.LAPSED, "replaced_by": bank.docs["public"]},
        by=head,
    )
    bank.docs["educators"] = make_document(
        municipality,
        head,
        title="Методические рекомендации по функциональной грамотности",
        annotation="Задания для уроков математики.",
        is_published=True,
        subjects=[math],
        tags="функциональная грамотность",
    )
    bank.docs["office"] = make_document(
        municipality, head, title="Служебная записка о мониторинге", access=Access.OFFICE, is_published=True
    )
    bank.docs["draft"] = make_document(municipality, head, title="Черновик плана наставничества")
    bank.docs["other"] = make_document(
        other, other_head, title="Рекомендации соседнего района", is_published=True
    )
    return bank
