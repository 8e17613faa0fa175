"""The results pages: who sees what, exports that open, the DOCX report, gaps into ИОМ."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imo.orgs.models import Organization
from imo.orgs.tests.factories import make_district, make_organization
from imo.staff.tests.factories import make_educator
from imo.surveys.models import Mode
from imo.surveys.tests.factories import make_response, make_survey, sample_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    d = make_district()
    survey = make_survey(organization=d.municipality, title="Потребности педагогов")
    a1 = make_educator(municipality=d.municipality, school=d.school_a, last_name="Алиева")
    a2 = make_educator(municipality=d.municipality, school=d.school_a, last_name="Басаев")
    b1 = make_educator(municipality=d.municipality, school=d.school_b, last_name="Вахаева")
    make_response(survey=survey, educator=a1, school=d.school_a, values=sample_values(single=0, why=None))
    make_response(survey=survey, educator=a2, school=d.school_a, values=sample_values(scale=2))
    make_response(
        survey=survey, educator=b1, school=d.school_b, values=sample_values(long="Секретный ответ школы Б")
    )
    return d, survey, (a1, a2, b1)


def _client(client, user):
    client.force_login(user)
    return client


def _url(name, survey, **query):
    from urllib.parse import urlencode

    base = reverse(f"surveys:{name}", args=[survey.pk])
    return f"{base}?{urlencode(query, doseq=True)}" if query else base


def test_office_sees_results(client, data):
    d, survey, _ = data
    response = _client(client, d.user("methodist")).get(_url("results", survey))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="results-total">3<' in text
    assert "Испытываете ли вы затруднения" in text
    assert "Секретный ответ школы Б" in text
    charts = client.get(_url("results_charts", survey), HTTP_HX_REQUEST="true")
    assert charts.status_code == 200 and b"<svg" in charts.content


def test_school_admin_reads_only_own_school_texts(client, data):
    """Figures of the district beside the school's, but free-text answers only of their own school."""
    d, survey, _ = data
    html = _client(client, d.user("school_admin_a")).get(_url("results", survey)).content.decode()
    assert 'id="results-total">3<' in html
    assert "Секретный ответ школы Б" not in html
    assert "Больше практических семинаров в районе" in html  # school A's own answer


def test_breakdown_by_school_office_and_school_admin(client, data):
    d, survey, _ = data
    query = {"by": "school", "bq": ["single", "scale"]}
    office = _client(client, d.user("head")).get(_url("results", survey, **query)).content.decode()
    assert "СОШ № 1 г. Курчалой" in office and "СОШ с. Бельты" in office
    client.logout()
    zam = _client(client, d.user("school_admin_a")).get(_url("results", survey, **query))
    assert zam.status_code == 200
    html = zam.content.decode()
    breakdown = html[html.index('id="results-breakdown"') : html.index('id="questions-title"')]
    assert "СОШ № 1 г. Курчалой" in breakdown
    assert "СОШ с. Бельты" not in breakdown  # another school's rows are not shown…
    assert "Всего по всем ответам" in breakdown  # …but the district's totals are
    assert 'id="results-school-total">2<' in html


def test_school_admin_exports_only_own_school(client, data):
    from python_calamine import CalamineWorkbook

    d, survey, _ = data
    _client(client, d.user("school_admin_a"))
    raw = client.get(_url("results_export_raw", survey))
    assert raw.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(raw.content)).get_sheet_by_index(0).to_python()
    assert len(rows) == 3  # header + the two responses of school A
    assert all("Бельты" not in str(cell) for row in rows for cell in row)
    texts = client.get(reverse("surveys:results_texts", args=[survey.pk, "long"]))
    assert "Секретный ответ школы Б" not in texts.content.decode()


def test_teacher_forbidden_and_other_office_404(client, data):
    d, survey, _ = data
    assert _client(client, d.user("teacher_a")).get(_url("results", survey)).status_code == 403
    client.logout()
    other = make_organization(parent=d.region, kind=Organization.Kind.MUNICIPALITY, name="Другой район")
    foreign = make_survey(organization=other)
    assert _client(client, d.user("head")).get(_url("results", foreign)).status_code == 404
    assert client.get(_url("results_export_raw", foreign)).status_code == 404


def test_raw_export_office_and_anonymous(client, data):
    from python_calamine import CalamineWorkbook

    d, survey, _ = data
    _client(client, d.user("head"))
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(client.get(_url("results_export_raw", survey)).content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[0][:3] == ["Педагог", "Организация", "Дата отправки"]
    assert len(rows) == 4
    header = rows[0]
    first = dict(zip(header, rows[1], strict=False))
    assert first["Испытываете ли вы затруднения при подготовке к урокам?"] == "Да, регулярно"
    assert "Курсы повышения квалификации; Наставничество; Другое: Стажировки" in str(
        first["Какие формы повышения квалификации вам удобны?"]
    )
    anonymous = make_survey(organization=d.municipality, mode=Mode.ANONYMOUS)
    make_response(survey=anonymous, values=sample_values())
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(client.get(_url("results_export_raw", anonymous)).content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[0][0] == "Дата отправки" and "Педагог" not in rows[0] and len(rows) == 2


def test_summary_and_docx_open(client, data):
    from docx import Document
    from python_calamine import CalamineWorkbook

    d, survey, _ = data
    _client(client, d.user("head"))
    summary = client.get(_url("results_export_summary", survey))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(summary.content)).get_sheet_by_index(0).to_python()
    assert rows[1][:3] == ["Всего ответов", "", 3]
    report = client.get(_url("results_docx", survey))
    assert report.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(report.content)).paragraphs)
    assert "Потребности педагогов" in text and "Учтено ответов: 3" in text
    assert "Испытываете ли вы затруднения" in text


def test_filters_on_page(client, data):
    d, survey, _ = data
    _client(client, d.user("head"))
    html = client.get(_url("results", survey, school=d.school_b.pk)).content.decode()
    assert 'id="results-total">1<' in html
    html = client.get(_url("results", survey, answer="single:0")).content.decode()
    assert 'id="results-total">1<' in html
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert (
        'id="results-total">0<' in client.get(_url("results", survey, **{"from": tomorrow})).content.decode()
    )


def test_page_query_count_fixed(client, data):
    d, survey, _ = data
    _client(client, d.user("head"))
    query = {"by": "question", "by_q": "multiple", "bq": ["scale", "single"]}
    client.get(_url("results", survey, **query))
    cache.clear()  # counted results are cached: compare the statements of an uncached page
    with CaptureQueriesContext(connection) as small:
        client.get(_url("results", survey, **query))
    for n in range(6):
        educator = make_educator(municipality=d.municipality, school=d.school_b, last_name=f"Новая{n}")
        make_response(
            survey=survey, educator=educator, school=d.school_b, values=sample_values(scale=n % 5 + 1)
        )
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        client.get(_url("results", survey, **query))
    assert len(small) == len(large)


def test_gaps_page_and_add_to_plan(client, data):
    from imo.training.models import DevelopmentGap

    d, survey, (a1, a2, _b1) = data
    _client(client, d.user("methodist"))
    page = client.get(_url("gaps", survey))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Алиева" in html and "Басаев" in html and "Вахаева" not in html
    response = client.post(_url("gaps_add", survey), {"educator": a1.pk})
    assert response.status_code == 302
    assert list(DevelopmentGap.objects.filter(plan__educator=a1).values_list("text", flat=True)) == [
        "Планирование и подготовка уроков"
    ]
    client.post(_url("gaps_add", survey))
    client.post(_url("gaps_add", survey))  # repeating adds nothing
    assert DevelopmentGap.objects.filter(plan__educator=a1).count() == 1
    assert DevelopmentGap.objects.filter(plan__educator=a2).count() == 1
    client.logout()
    # a school admin adds only for their school's educators; the gaps page of school B shows none of A
    zam_b = _client(client, d.user("school_admin_b")).get(_url("gaps", survey)).content.decode()
    assert "Алиева" not in zam_b
    client.logout()
    assert _client(client, d.user("teacher_a")).post(_url("gaps_add", survey)).status_code == 403


def test_gaps_not_for_anonymous(client, data):
    d, _survey, _ = data
    anonymous = make_survey(organization=d.municipality, mode=Mode.ANONYMOUS)
    assert _client(client, d.user("head")).get(_url("gaps", anonymous)).status_code == 404
