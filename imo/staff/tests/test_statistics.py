"""Staff statistics: the figures on a small hand-built staff (every band edge on a chosen date, women apart,
the highest education, part-timers, people in two schools counted once), the scope of each role, the Excel
and the DOCX, and a number of queries that does not grow with the data."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from imo.core.documents.models import IssuedDocument
from imo.core.documents.registry import get_kind
from imo.core.documents.validation import check_docx_template
from imo.orgs.models import Organization, Role
from imo.orgs.tests.factories import make_organization, make_user_with_role
from imo.staff.documents import REPORT_CODE, staff_report_issue
from imo.staff.facets import registered
from imo.staff.models import EducationRecord, Educator
from imo.staff.services import education_record_save, employment_end
from imo.staff.statistics import staff_statistics, statistics_scope
from imo.staff.tests.factories import make_educator, make_employment

ON = dt.date(2026, 9, 1)  # the chosen date; ages are counted on 01.01.2027
FEMALE, MALE = Educator.Sex.FEMALE, Educator.Sex.MALE
URL = "staff:statistics"


def _figures(figures):
    return {f.key: (f.total, f.women) for f in figures}


def _stats(user, ids=(), on=ON):
    return staff_statistics(scope=statistics_scope(user=user, organization_ids=ids), on=on)


def _education(educator, level, *, pedagogical=False):
    education_record_save(educator=educator, data={"level": level, "is_pedagogical": pedagogical})


@pytest.fixture
def staff(district):
    """Eleven people on 01.09.2026 (ten counted), built so that each figure has a known answer."""
    a, b, m = district.school_a, district.school_b, district.municipality
    people = {}

    def person(key, school, *, sex=FEMALE, birth=dt.date(1980, 6, 1), teaching=None, total=None, **kw):
        people[key] = make_educator(
            municipality=kw.pop("municipality", m),
            school=school,
            sex=sex,
            birth_date=birth,
            teaching_experience_start=teaching,
            total_experience_start=total,
            **kw,
        )
        return people[key]

    # Ages on 01.01.2027: 25 exactly → «25–29»; a day younger → «моложе 25»; 65 → «65+»; a day less → «60–64».
    # Teaching experience on 01.09.2026: 3 years exactly → «3–5», not early-career; a day less → «до 3»;
    # 20 years → «20+»; a day less → «15–20».
    person("age25", a, birth=dt.date(2002, 1, 1), teaching=dt.date(2023, 9, 1), total=dt.date(2023, 9, 1))
    person("age24", a, birth=dt.date(2002, 1, 2), teaching=dt.date(2023, 9, 2), total=dt.date(2020, 1, 1))
    person("age65", a, sex=MALE, birth=dt.date(1962, 1, 1), teaching=dt.date(2006, 9, 1))
    person("age64", b, sex=MALE, birth=dt.date(1962, 1, 2), teaching=dt.date(2006, 9, 2))
    person("unknown", b, birth=None, teaching=None)
    # Works in both schools (main in A, part-time in B): one person in the district, one in each school.
    both = person("both", a, teaching=dt.date(2014, 1, 1))
    make_employment(both, b, is_main=False)
    # Only part-time, in B.
    person("part", b, is_main=False, teaching=dt.date(2015, 1, 1))
    # Two part-time employments in A and B: a part-timer once.
    two_part = person("two_part", a, sex=MALE, is_main=False, teaching=dt.date(2015, 1, 1))
    make_employment(two_part, b, is_main=False)
    # Ends on the chosen date: still counted. Ended the day before / starts the day after: not counted.
    ends = person("ends_today", a, teaching=dt.date(2000, 1, 1))
    employment_end(employment=ends.employments.get(), ends_on=ON, reason="Увольнение")
    gone = person("gone", a, teaching=dt.date(2000, 1, 1))
    employment_end(employment=gone.employments.get(), ends_on=ON - dt.timedelta(days=1), reason="Увольнение")
    person("later", a, starts_on=ON + dt.timedelta(days=1))
    # Someone only in another district: never counted here.
    other = make_organization(parent=district.region, kind=Organization.Kind.MUNICIPALITY, name="Шалинский")
    other_school = make_organization(parent=other, short_name="СОШ № 1 г. Шали")
    person("elsewhere", other_school, municipality=other)

    # Education, the highest level decides: higher (not pedagogical) beats vocational pedagogical.
    _education(people["age25"], EducationRecord.Level.HIGHER, pedagogical=True)
    _education(people["age24"], EducationRecord.Level.HIGHER)
    _education(people["age24"], EducationRecord.Level.SECONDARY_VOCATIONAL, pedagogical=True)
    _education(people["age65"], EducationRecord.Level.SECONDARY_VOCATIONAL, pedagogical=True)
    _education(people["age65"], EducationRecord.Level.OTHER)
    _education(people["age64"], EducationRecord.Level.SECONDARY_VOCATIONAL)
    _education(people["both"], EducationRecord.Level.OTHER, pedagogical=True)
    _education(people["both"], EducationRecord.Level.HIGHER, pedagogical=True)
    _education(people["part"], EducationRecord.Level.OTHER)
    return people


# --- figures ----------------------------------------------------------------------------------------


def test_headcount_counts_people_in_force_on_the_date_once(district, staff):
    stats = _stats(district.user("head"))
    # age25, age24, age65, age64, unknown, both, part, two_part, ends_today (not gone, later, elsewhere)
    assert stats.headcount == 9
    assert stats.women == 6
    assert stats.employments == 11  # «both» and «two_part» hold two each
    assert stats.part_time_employments == 4
    assert stats.scope.label == "Курчалоевский муниципальный район"


def test_age_band_edges_on_1_january_of_the_next_year(district, staff):
    stats = _stats(district.user("head"))
    assert stats.age_on == dt.date(2027, 1, 1)
    ages = _figures(stats.ages)
    assert ages["-25"] == (1, 1)  # born 02.01.2002: 24 on 01.01.2027
    assert ages["25-29"] == (1, 1)  # born 01.01.2002: 25 exactly
    assert ages["60-64"] == (1, 0)  # born 02.01.1962, a man
    assert ages["65+"] == (1, 0)  # born 01.01.1962
    assert ages["45-49"] == (4, 3)  # the default birth date 1980 (46 on 01.01.2027)
    assert ages["unknown"] == (1, 1)
    assert sum(total for total, _ in ages.values()) == stats.headcount


def test_teaching_experience_band_edges_on_the_chosen_date(district, staff):
    stats = _stats(district.user("head"))
    teaching = _figures(stats.teaching)
    assert teaching["0-3"] == (1, 1)  # 02.09.2023: a day short of three years
    assert teaching["3-5"] == (1, 1)  # 01.09.2023: three years exactly
    assert teaching["15-20"] == (1, 0)  # 02.09.2006
    assert teaching["20+"] == (2, 1)  # 01.09.2006 and 2000 (ends_today)
    assert teaching["10-15"] == (3, 2)  # both (2014), part and two_part (2015)
    assert teaching["unknown"] == (1, 1)
    assert (stats.early_career.total, stats.early_career.women) == (1, 1)
    total = _figures(stats.total_experience)
    assert total["0-3"] == (0, 0) and total["3-5"] == (1, 1) and total["5-10"] == (1, 1)
    assert total["unknown"] == (7, 4)


def test_education_is_counted_by_the_highest_level(district, staff):
    education = _figures(_stats(district.user("head")).education)
    assert education["higher"] == (3, 3)  # age25 (ped.), age24 (not ped. though vocational ped.), both
    assert education["higher_pedagogical"] == (2, 2)  # age25, both
    assert education["vocational"] == (2, 0)  # age65 (ped., other too), age64
    assert education["vocational_pedagogical"] == (1, 0)
    assert education["other"] == (1, 1)  # part
    assert education["unknown"] == (3, 2)  # unknown, two_part, ends_today


def test_part_timers_are_people_whose_employments_are_all_part_time(district, staff):
    stats = _stats(district.user("head"))
    assert (stats.part_timers.total, stats.part_timers.women) == (2, 1)  # part, two_part; not «both»
    school_b = _stats(district.user("head"), ids=[district.school_b.pk])
    # In school B alone «both» works only part-time: a part-timer there.
    assert school_b.part_timers.total == 3
    assert school_b.headcount == 5  # age64, unknown, both, part, two_part


def test_two_schools_at_once_count_each_person_once(district, staff):
    group = _stats(district.user("head"), ids=[district.school_a.pk, district.school_b.pk])
    assert group.headcount == 9
    assert group.scope.label == "2 организации: СОШ № 1 г. Курчалой, СОШ с. Бельты"
    rows = {o.name: o for o in group.organizations}
    a, b = rows["СОШ № 1 г. Курчалой"], rows["СОШ с. Бельты"]
    assert (a.headcount, b.headcount) == (6, 5)  # «both» and «two_part» in each
    assert group.organizations_total == 11
    # pedagogical in A: age25 and both (higher), age65 (vocational, no higher)
    assert (a.women, a.early_career, a.higher, a.pedagogical, a.part_timers) == (4, 1, 3, 3, 1)
    assert (b.women, b.early_career, b.higher, b.pedagogical, b.part_timers) == (3, 0, 1, 1, 3)
    assert (a.employments, a.part_time_employments, b.employments, b.part_time_employments) == (6, 1, 5, 3)
    assert [o.name for o in group.organizations] == ["СОШ № 1 г. Курчалой", "СОШ с. Бельты"]


def test_another_date_counts_other_people(district, staff):
    before = _stats(district.user("head"), on=ON - dt.timedelta(days=1))
    assert before.headcount == 10  # «gone» still worked; «ends_today» too; «later» not yet
    after = _stats(district.user("head"), on=ON + dt.timedelta(days=1))
    assert after.headcount == 9  # «later» started, «ends_today» left


def test_empty_scope_has_zeros_and_no_shares(district):
    stats = _stats(district.user("head"))
    assert stats.headcount == 0 and stats.organizations == ()
    assert all(f.total == 0 and f.share is None for f in stats.ages)


# --- scope --------------------------------------------------------------------------------------------


def test_a_school_admin_counts_only_their_school_even_when_asking_for_another(district, staff):
    user = district.user("school_admin_a")
    own = _stats(user)
    assert own.scope.label == district.school_a.name and own.headcount == 6
    foreign = _stats(user, ids=[district.school_b.pk])
    assert foreign.headcount == 6 and foreign.scope.selected_ids == ()


def test_the_head_of_another_district_sees_none_of_these(district, staff):
    other = staff["elsewhere"].employments.get().organization.parent
    head = make_user_with_role(Role.HEAD, other, username="head_shali")
    stats = _stats(head, ids=[district.school_a.pk])
    assert stats.headcount == 1 and stats.scope.selected_ids == ()


# --- views --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["head", "methodist", "secretary", "observer", "admin", "school_admin_a"])
def test_office_and_school_admins_open_the_page(client, district, staff, key):
    client.force_login(district.user(key))
    response = client.get(reverse(URL), {"on": "01.09.2026"})
    assert response.status_code == 200
    page = response.content.decode()
    expected = 6 if key == "school_admin_a" else 9
    assert f'data-testid="headcount">{expected}<' in page
    assert "Возраст (полных лет на 01.01.2027)" in page


@pytest.mark.parametrize("name", ["statistics", "statistics_charts", "statistics_export"])
@pytest.mark.parametrize("key", ["teacher_a", "no_role"])
def test_a_teacher_and_a_user_without_a_role_get_403(client, district, name, key):
    client.force_login(district.user(key))
    assert client.get(reverse(f"staff:{name}")).status_code == 403
    assert client.post(reverse("staff:staff_report")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, district):
    for name in ("statistics", "statistics_charts", "statistics_export"):
        response = client.get(reverse(f"staff:{name}"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(reverse("staff:staff_report"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_school_admin_page_ignores_another_school_id(client, district, staff):
    client.force_login(district.user("school_admin_a"))
    page = client.get(reverse(URL), {"on": "2026-09-01", "org": [district.school_b.pk]}).content.decode()
    assert 'data-testid="headcount">6<' in page
    assert "СОШ с. Бельты" not in page  # neither in the picker nor in the tables
    assert 'name="org"' not in page  # one school: nothing to choose


def test_the_office_chooses_a_group_and_the_page_shows_the_picker(client, district, staff):
    client.force_login(district.user("head"))
    response = client.get(reverse(URL), {"on": "2026-09-01", "org": [district.school_b.pk]})
    page = response.content.decode()
    assert 'data-testid="headcount">5<' in page
    assert f'value="{district.school_b.pk}" id="statistics-org-{district.school_b.pk}" checked' in page
    assert f'value="{district.school_a.pk}" id="statistics-org-{district.school_a.pk}">' in page


def test_htmx_gets_only_the_results(client, district, staff):
    client.force_login(district.user("head"))
    response = client.get(
        reverse(URL), {"on": "2026-09-01"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="statistics-results"
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="statistics-results">') and "<html" not in page


def test_a_bad_date_shows_today_with_a_message(client, district):
    client.force_login(district.user("head"))
    page = client.get(reverse(URL), {"on": "32.13.2026"}).content.decode()
    assert "Введите дату в виде дд.мм.гггг" in page


def test_the_charts_fragment_draws_the_charts(client, district, staff):
    client.force_login(district.user("head"))
    page = client.get(reverse("staff:statistics_charts"), {"on": "2026-09-01"}).content.decode()
    # age, experience, education, organisations, and one per figure other apps register (imo.staff.facets)
    assert page.count('role="img"') == 4 + len(registered())
    assert "Диаграмма: Возраст педагогов (полных лет на 01.01.2027)" in page
    assert "style=" not in page and "<script" not in page


def test_the_excel_has_the_tables(client, district, staff):
    client.force_login(district.user("head"))
    response = client.get(reverse("staff:statistics_export"), {"on": "2026-09-01"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Основные показатели",
        "Образование",
        "Стаж работы",
        "Возраст",
        *(facet.title[:31] for facet in registered()),  # figures other apps register (imo.staff.facets)
        "По организациям",
    ]
    main = book["Основные показатели"]
    assert main["A1"].value.startswith("Основные показатели. Курчалоевский муниципальный район")
    assert [c.value for c in main[4]] == ["Показатель", "Всего", "из них женщины", "Доля от численности, %"]
    assert [c.value for c in main[5]] == ["Численность педагогических работников", 9, 6, 100]
    ages = {row[0].value: (row[1].value, row[2].value) for row in book["Возраст"].iter_rows(min_row=5)}
    assert ages["65 лет и старше"] == (1, 0) and ages["не указано"] == (1, 1)
    schools = {row[0].value: row[1].value for row in book["По организациям"].iter_rows(min_row=5)}
    assert schools == {"СОШ № 1 г. Курчалой": 6, "СОШ с. Бельты": 5}


def test_the_school_admin_excel_has_only_their_school(client, district, staff):
    client.force_login(district.user("school_admin_b"))
    response = client.get(
        reverse("staff:statistics_export"), {"on": "2026-09-01", "org": district.school_a.pk}
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    schools = [row[0].value for row in book["По организациям"].iter_rows(min_row=5)]
    assert schools == ["СОШ с. Бельты"]


# --- the report -----------------------------------------------------------------------------------------


def _docx_text(content: bytes) -> str:
    docx = Document(io.BytesIO(content))
    parts = [p.text for p in docx.paragraphs]
    parts += [cell.text for table in docx.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_built_in_template_passes_its_own_checks():
    kind = get_kind(REPORT_CODE)
    assert kind.docx_template is not None
    check_docx_template(kind, kind.docx_template.read_bytes())


def test_the_head_issues_the_report_through_the_register(client, district, staff):
    client.force_login(district.user("head"))
    response = client.post(reverse("staff:staff_report"), {"on": "2026-09-01", "org": [district.school_a.pk]})
    document = IssuedDocument.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"&issued={document.pk}")
    assert document.kind == REPORT_CODE and document.organization_id == district.school_a.pk
    page = client.get(response["Location"]).content.decode()
    assert f"Отчёт № {document.number}" in page and reverse("documents:download", args=[document.pk]) in page
    download = client.get(reverse("documents:download", args=[document.pk]))
    text = _docx_text(download.content)
    assert "СОШ № 1 г. Курчалой" in text and "Сведения на 01.09.2026" in text
    assert "{{" not in text and "{%" not in text


def test_the_district_report_is_shaped_like_the_state_form(district, staff):
    stats = _stats(district.user("methodist"))
    document = staff_report_issue(user=district.user("methodist"), stats=stats)
    assert document.organization_id == district.municipality.pk
    with document.file.open("rb") as handle:
        content = handle.read()
    docx = Document(io.BytesIO(content))
    assert len(docx.inline_shapes) == 3  # education, experience, age charts
    main = [[cell.text for cell in row.cells] for row in docx.tables[0].rows]
    assert main[1] == ["01", "Численность педагогических работников — всего", "9", "6", "100,0"]
    assert main[2][1:4] == ["имеют высшее образование", "3", "3"]
    assert main[3][1:4] == ["из них педагогическое", "2", "2"]
    experience = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in docx.tables[1].rows[2:]}
    assert experience["до 3 лет"] == ["0", "0", "1", "1"]
    ages = {row.cells[0].text: [c.text for c in row.cells[1:3]] for row in docx.tables[2].rows[1:]}
    assert ages["65 лет и старше"] == ["1", "0"] and ages["моложе 25 лет"] == ["1", "1"]
    text = _docx_text(content)
    assert "Курчалоевский муниципальный район" in text and "Методист" in text


def test_a_school_admin_downloads_the_report_unnumbered(client, district, staff):
    client.force_login(district.user("school_admin_a"))
    response = client.post(reverse("staff:staff_report"), {"on": "2026-09-01", "org": [district.school_b.pk]})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = _docx_text(response.content)
    assert "№ б/н" in text and "СОШ № 1 г. Курчалой" in text and "СОШ с. Бельты" not in text
    assert not IssuedDocument.objects.exists()


# --- queries ------------------------------------------------------------------------------------------


def _count_queries(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", [URL, "staff:statistics_export", "staff:statistics_charts"])
def test_the_number_of_queries_does_not_grow_with_the_data(client, district, staff, name):
    client.force_login(district.user("head"))
    params = {"on": "2026-09-01"}
    url = reverse(name)
    _count_queries(client, url, params)  # warm up (sessions, caches)
    before = _count_queries(client, url, params)
    for index in range(15):
        school = make_organization(parent=district.municipality, short_name=f"Школа {index}")
        educator = make_educator(
            municipality=district.municipality, school=school, teaching_experience_start=dt.date(2020, 1, 1)
        )
        _education(educator, EducationRecord.Level.HIGHER, pedagogical=bool(index % 2))
        make_employment(educator, district.school_a, is_main=False)
    assert _count_queries(client, url, params) == before
    assert before <= 10


def test_the_menu_links_the_page_for_those_who_may_open_it(client, district):
    client.force_login(district.user("school_admin_a"))
    assert "Педагогические кадры: статистика" in client.get(reverse("portal:home")).content.decode()
    client.force_login(district.user("teacher_a"))
    assert "Педагогические кадры: статистика" not in client.get(reverse("portal:home")).content.decode()


def _tables_drawn(response) -> bool:
    return "staff/statistics/sections.html" in [template.name for template in response.templates]


def test_the_tables_are_kept_with_the_figures_they_show(client, district, staff, monkeypatch):
    from imo.core import pagecache

    client.force_login(district.user("head"))
    pagecache.forget_own_writes()  # as a request after the setup's transaction would
    first = client.get(reverse(URL), {"on": "2026-09-01"})
    again = client.get(reverse(URL), {"on": "2026-09-01"})
    assert _tables_drawn(first) and not _tables_drawn(again)
    assert again.content.decode().count("<table") == first.content.decode().count("<table") > 3
    # Another date, another choice of schools: their own figures and tables.
    assert _tables_drawn(client.get(reverse(URL), {"on": "2026-09-02"}))
    chosen = client.get(reverse(URL), {"on": "2026-09-01", "org": [district.school_b.pk]})
    assert _tables_drawn(chosen) and 'data-testid="headcount">5<' in chosen.content.decode()
    # An organisation renamed: once the change commits, the tables show the new name.
    district.school_b.short_name = "СОШ с. Бельты (новое имя)"
    district.school_b.save()
    pagecache.forget_own_writes()
    monkeypatch.setattr(pagecache, "_in_transaction", lambda: False)
    pagecache.bump("orgs")
    later = client.get(reverse(URL), {"on": "2026-09-01"})
    assert _tables_drawn(later) and "СОШ с. Бельты (новое имя)" in later.content.decode()
