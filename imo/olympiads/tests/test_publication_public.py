from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imo.olympiads.models import Participation
from imo.olympiads.publication.services import certificates_issue
from imo.olympiads.tests.publication_fixtures import add_student, make_results

pytestmark = pytest.mark.django_db


def _page(client, results, **params):
    return client.get(reverse("olympiads:public_results", args=[results.stage_subject.pk]), params)


def test_public_page_shows_names_only_with_consent(client, district):
    results = make_results(district, published=True)
    response = _page(client, results)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Иванова М. Р." in page
    assert "Садулаев А." in page
    assert "Дадаева Х. А." in page
    # No consent: neither the surname nor the first name, only the code.
    hidden = Participation.objects.get(pk=results.participations["Асхабов"].pk)
    assert "Асхабов" not in page
    assert "Ислам" not in page
    assert hidden.public_code and hidden.public_code in page
    # Full names are never public.
    assert "Мадина" not in page
    assert district.school_a.short_name in page
    assert "42,5" in page
    assert "победитель" in page


def test_unpublished_results_are_not_found_for_anyone(client, district):
    results = make_results(district)
    assert _page(client, results).status_code == 404
    client.force_login(district.user("methodist"))
    assert _page(client, results).status_code == 404


def test_grade_filter_and_the_latest_address(client, district):
    results = make_results(district, published=True)
    page = _page(client, results, grade=8).content.decode()
    assert "Садулаев А." in page
    assert "Иванова" not in page
    url = reverse(
        "olympiads:public_results_latest",
        args=[district.municipality.pk, results.stage_subject.subject_id],
    )
    assert "Иванова М. Р." in client.get(url).content.decode()


def test_index_lists_published_subjects_only(client, district):
    results = make_results(district)
    url = reverse("olympiads:public_index")
    assert "Математика" not in client.get(url).content.decode()
    from imo.olympiads.publication.services import results_publish

    results_publish(stage_subject=results.stage_subject, by=None)
    page = client.get(url).content.decode()
    assert reverse("olympiads:public_results", args=[results.stage_subject.pk]) in page


def test_public_page_queries_do_not_grow_with_rows(client, district):
    results = make_results(district, published=True)
    url = reverse("olympiads:public_results", args=[results.stage_subject.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(12):
        add_student(
            results,
            district,
            last=f"Ученик{number}",
            first="Тест",
            school="b" if number % 2 else "a",
            grade=9 + number % 3,
            rank=number + 1,
            consent=bool(number % 3),
        )
    from imo.olympiads.publication.services import public_codes_assign

    public_codes_assign(stage_subject=results.stage_subject)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "Ученик1 Т." in response.content.decode()
    assert len(many) == len(few)
    assert len(few) <= 4


def test_certificate_check_valid_token_shows_published_data_only(client, district):
    results = make_results(district, published=True)
    certificates_issue(stage_subject=results.stage_subject, by=None)
    hidden = Participation.objects.get(pk=results.participations["Асхабов"].pk)
    shown = Participation.objects.get(pk=results.participations["Иванова"].pk)

    page = client.get(reverse("olympiads:certificate_check", args=[shown.certificate.token])).content.decode()
    assert f"Диплом № {shown.certificate.number} действителен" in page
    assert "Иванова М. Р." in page and "Мадина" not in page
    assert "победитель" in page and "Математика" in page and "2026/2027" in page

    page = client.get(
        reverse("olympiads:certificate_check", args=[hidden.certificate.token])
    ).content.decode()
    assert "действителен" in page
    assert hidden.public_code in page
    assert "Асхабов" not in page


def test_certificate_check_unknown_token(client, district):
    response = client.get(reverse("olympiads:certificate_check", args=["no-such-token"]))
    assert response.status_code == 404
    assert "не найден" in response.content.decode()


def test_public_page_is_paged(client, district, monkeypatch):
    from imo.olympiads.publication import views

    monkeypatch.setattr(views, "PUBLIC_PAGE_SIZE", 2)
    results = make_results(district, published=True)
    first = _page(client, results).content.decode()
    second = _page(client, results, page=2).content.decode()
    assert "Иванова М. Р." in first and "Иванова М. Р." not in second
    assert "Садулаев А." in second and "Садулаев А." not in first
    assert "page=2" in first
