"""The builder's pages: permissions (office editors build; observers, school admins, teachers get 403;
another district's survey answers 404), the list with its statuses and Excel, the templates, the
questions editor with htmx, the question form's refresh, preview, copy, publish and delete."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from imo.core.navigation import menu_for
from imo.orgs.models import Organization, Role
from imo.orgs.tests.factories import District, make_district, make_organization, make_user_with_role
from imo.staff.tests.factories import make_educator
from imo.surveys.builder import services
from imo.surveys.models import Question, RespondentToken, Survey
from imo.surveys.templates_data import TEMPLATES, create_templates
from imo.surveys.tests.builder_fixtures import (
    add_choice,
    dates,
    first_section,
    make_office_survey,
    submit_response,
)


@pytest.fixture
def district(db) -> District:
    return make_district()


@pytest.fixture
def methodist(client, district):
    client.force_login(district.user("methodist"))
    return client


def test_permissions(client, district):
    survey = make_office_survey(district)
    for key in ("observer", "school_admin_a", "teacher_a"):
        client.force_login(district.user(key))
        assert client.get(reverse("surveys:list")).status_code == 403
        assert client.get(reverse("surveys:builder", args=[survey.pk])).status_code == 403
    other = make_organization(
        parent=district.region, kind=Organization.Kind.MUNICIPALITY, short_name="Другой"
    )
    client.force_login(make_user_with_role(Role.METHODIST, other, username="other_methodist"))
    assert client.get(reverse("surveys:builder", args=[survey.pk])).status_code == 404
    assert client.post(reverse("surveys:delete", args=[survey.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("surveys:list")).status_code == 302


def test_menu_entry(district):
    labels = [link.label for group in menu_for(district.user("methodist")) for link in group.links]
    assert "Анкеты и мониторинги" in labels


def test_list_statuses_and_excel(methodist, district):
    draft = make_office_survey(district, title="Черновая анкета")
    add_choice(draft)
    open_survey = make_office_survey(district, title="Идущая анкета", **dates())
    add_choice(open_survey)
    make_educator(municipality=district.municipality, school=district.school_a)
    services.survey_publish(survey=open_survey, by=None)
    body = methodist.get(reverse("surveys:list")).content.decode()
    assert "Черновая анкета" in body and "черновик" in body
    assert "Идущая анкета" in body and "идёт приём" in body and "0 из 1" in body
    filtered = methodist.get(reverse("surveys:list"), {"status": "draft"}).content.decode()
    assert "Черновая анкета" in filtered and "Идущая анкета" not in filtered
    response = methodist.get(reverse("surveys:export"))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "Название" and len(rows) == 3


def test_create_and_edit(methodist, district):
    response = methodist.post(
        reverse("surveys:create"),
        {"title": "Новая анкета", "audience": "educators", "mode": "named", "reminder_every_days": 7,
         "opens_on": "2026-12-01", "closes_on": "2026-12-20", "allow_edit": "on"},
    )  # fmt: skip
    survey = Survey.objects.get(title="Новая анкета")
    assert response.status_code == 302 and response.url == reverse("surveys:builder", args=[survey.pk])
    assert timezone.localtime(survey.closes_at).hour == 23 and survey.organization == district.municipality
    bad = methodist.post(
        reverse("surveys:edit", args=[survey.pk]),
        {"title": "Новая анкета", "audience": "educators", "mode": "named", "reminder_every_days": 7,
         "opens_on": "2026-12-20", "closes_on": "2026-12-01"},
    )  # fmt: skip
    assert "не может быть раньше начала" in bad.content.decode()


def test_builder_page_and_htmx_move(methodist, district):
    survey = make_office_survey(district)
    a, b = add_choice(survey, "Первый?"), add_choice(survey, "Второй?")
    page = methodist.get(reverse("surveys:builder", args=[survey.pk])).content.decode()
    assert "Первый?" in page and "Добавить вопрос" in page and "Чтобы опубликовать анкету" in page
    response = methodist.post(reverse("surveys:question_up", args=[survey.pk, b.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and 'id="builder-body"' in body and "<html" not in body
    assert body.index("Второй?") < body.index("Первый?")
    response = methodist.post(reverse("surveys:question_delete", args=[survey.pk, a.pk]))
    assert response.status_code == 302 and not Question.objects.filter(pk=a.pk).exists()


def test_question_form_create_edit_and_refresh(methodist, district):
    survey = make_office_survey(district)
    section = first_section(survey)
    url = reverse("surveys:question_create", args=[survey.pk, section.pk])
    assert "Варианты ответа" in methodist.get(url).content.decode()
    refreshed = methodist.get(url, {"refresh": "kind", "kind": "number", "text": ""}, HTTP_HX_REQUEST="true")
    body = refreshed.content.decode()
    assert 'id="kind-fields"' in body and "Не меньше" in body and "Варианты ответа" not in body
    bad = methodist.post(url, {"kind": "single", "text": "Вопрос", "section": section.pk, "options": "Один"})
    assert "хотя бы два варианта" in bad.content.decode()
    ok = methodist.post(
        url,
        {"kind": "single", "text": "Нужна ли помощь?", "section": section.pk, "options": "Да\nНет",
         "is_gap_indicator": "on", "gap_values": "1", "gap_topic": "Помощь"},
    )  # fmt: skip
    assert ok.status_code == 302
    question = Question.objects.get(text="Нужна ли помощь?")
    assert question.options == ["Да", "Нет"] and question.gap_values == [0]
    later = methodist.get(url, {"refresh": "condition", "show_if": question.pk}, HTTP_HX_REQUEST="true")
    assert "Да" in later.content.decode() and 'id="show-if-values"' in later.content.decode()
    edit = methodist.post(
        reverse("surveys:question_edit", args=[survey.pk, question.pk]),
        {"kind": "single", "text": "Нужна ли вам помощь?", "section": section.pk,
         "options": "Да\nНет\nНе знаю", "code": question.code},
    )  # fmt: skip
    assert edit.status_code == 302
    question.refresh_from_db()
    assert question.text == "Нужна ли вам помощь?" and not question.is_gap_indicator


def test_editing_after_responses_says_so(methodist, district):
    survey = make_office_survey(district)
    question = add_choice(survey)
    submit_response(survey, educator=make_educator(municipality=district.municipality))
    response = methodist.post(
        reverse("surveys:question_edit", args=[survey.pk, question.pk]),
        {"kind": "single", "text": "Изменённый", "section": question.section_id, "options": "Да\nНет",
         "code": question.code},
        follow=True,
    )  # fmt: skip
    assert "новой версии 2" in response.content.decode()
    assert Question.objects.filter(version__survey=survey, code=question.code).count() == 2


def test_templates_page_and_copy(methodist, district):
    body = methodist.get(reverse("surveys:templates")).content.decode()
    assert TEMPLATES[0]["title"] in body  # built-in, not stored yet: offered from the data
    response = methodist.post(reverse("surveys:template_use"), {"key": "ict"})
    survey = Survey.objects.get(is_template=False, title=TEMPLATES[1]["title"])
    assert response.url == reverse("surveys:edit", args=[survey.pk])
    create_templates()  # stored at the region, above the methodist's municipality
    template = Survey.objects.get(is_template=True, title=TEMPLATES[0]["title"])
    assert (
        methodist.get(reverse("surveys:builder", args=[template.pk])).status_code == 404
    )  # not theirs to edit
    response = methodist.post(reverse("surveys:copy", args=[template.pk]))
    copy = Survey.objects.get(copied_from=template)
    assert copy.organization == district.municipality and not copy.is_template


def test_preview(methodist, district):
    survey = make_office_survey(district)
    add_choice(survey, "Видно ли вопрос?")
    response = methodist.get(reverse("surveys:preview", args=[survey.pk]))
    assert response.status_code == 200 and "Видно ли вопрос?" in response.content.decode()


def test_publish_unpublish_delete(methodist, district):
    survey = make_office_survey(district, **dates())
    add_choice(survey)
    make_educator(municipality=district.municipality, school=district.school_a)
    builder = reverse("surveys:builder", args=[survey.pk])
    assert reverse("surveys:results", args=[survey.pk]) not in methodist.get(builder).content.decode()
    response = methodist.post(reverse("surveys:publish", args=[survey.pk]), follow=True)
    assert "Анкета опубликована" in response.content.decode()
    assert RespondentToken.objects.filter(survey=survey).count() == 1
    page = methodist.get(builder).content.decode()  # a published survey: its tracking and results at hand
    assert reverse("surveys:tracking", args=[survey.pk]) in page
    assert reverse("surveys:results", args=[survey.pk]) in page
    methodist.post(reverse("surveys:unpublish", args=[survey.pk]))
    survey.refresh_from_db()
    assert not survey.is_published
    submit_response(survey, educator=make_educator(municipality=district.municipality))
    response = methodist.post(reverse("surveys:delete", args=[survey.pk]), follow=True)
    assert "нельзя удалить" in response.content.decode() and Survey.objects.filter(pk=survey.pk).exists()
    assert methodist.get(reverse("surveys:delete", args=[survey.pk])).status_code == 405
