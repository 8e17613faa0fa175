"""Pages of the survey builder: the office's list, the templates, the survey card, the questions editor,
the preview; copy, publish, unpublish, delete.

Access: every page needs `surveys.manage_surveys`, and the survey in `surveys_manageable_by(user)` (else
404). A template of an office above the user's is only copied, never edited. The questions editor works
without scripts (every button is a form; the pages redirect back) and with htmx: moving and deleting swap
the editor's body in place, the question form re-renders itself when its kind or condition changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.views.decorators.http import require_POST

from imo.core.access import AppRequest, requires
from imo.core.conflicts import loaded_version, track_version, without_version
from imo.core.forms import add_service_errors
from imo.surveys.builder import selectors, services
from imo.surveys.builder.forms import QuestionForm, SectionForm, SurveyForm
from imo.surveys.builder.tables import SurveyTable
from imo.surveys.models import Question, Section, Survey
from imo.surveys.selectors import surveys_manageable_by
from imo.surveys.templates_data import TEMPLATES

MANAGE = "surveys.manage_surveys"
SECTION_TITLE = "Анкеты и мониторинги"
ANSWERING_QUESTIONS = "surveys/answering/_questions.html"
#: The parts of the question form re-rendered when the kind or the condition question changes.
REFRESH_PARTS = {
    "kind": "surveys/builder/_kind_fields.html",
    "condition": "surveys/builder/_condition_values.html",
}


def _crumbs(*tail: tuple[str, str] | str) -> list[dict[str, str]]:
    crumbs = [{"label": SECTION_TITLE, "url": reverse("surveys:list")}]
    for item in tail:
        crumbs.append({"label": item[0], "url": item[1]} if isinstance(item, tuple) else {"label": item})
    return crumbs


def _builder_url(survey: Survey) -> str:
    return reverse("surveys:builder", args=[survey.pk])


def _apply(request: AppRequest, action: Callable[[], object], success: str) -> bool:
    """Run a service; its ValidationError becomes a Russian message instead of an error page."""
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    if success:
        messages.success(request, success)
    return True


# --- the list --------------------------------------------------------------------------------------


@requires(MANAGE)
def survey_list(request: AppRequest) -> HttpResponse:
    table = SurveyTable(request, queryset=selectors.survey_rows(request.user))
    return table.render(
        "surveys/builder/list.html",
        {
            "breadcrumbs": _crumbs(),
            "empty_action_url": reverse("surveys:create"),
            "empty_action_label": "Создать анкету",
        },
    )


@requires(MANAGE)
def survey_export(request: AppRequest) -> HttpResponse:
    return SurveyTable(request, queryset=selectors.survey_rows(request.user)).export_response()


# --- templates -------------------------------------------------------------------------------------


@requires(MANAGE)
def template_list(request: AppRequest) -> HttpResponse:
    stored = selectors.templates_for(request.user)
    titles = {template.title for template in stored}
    manageable = set(
        surveys_manageable_by(request.user).filter(is_template=True).values_list("pk", flat=True)
    )
    # Built-in templates not stored in the user's tree (no office existed when they were installed).
    built_in = [data for data in TEMPLATES if data["title"] not in titles]
    return render(
        request,
        "surveys/builder/templates.html",
        {
            "templates": stored,
            "editable": manageable,
            "built_in": built_in,
            "breadcrumbs": _crumbs("Шаблоны"),
        },
    )


def _target_office(request: AppRequest, source: Survey) -> Any:
    """Where a copy goes: the source's office if the user builds there, else the user's nearest office."""
    if surveys_manageable_by(request.user).filter(pk=source.pk).exists():
        return source.organization
    offices = selectors.builder_offices_for(request.user)
    if not offices:
        raise Http404
    return offices[0]


@require_POST
@requires(MANAGE)
def survey_copy(request: AppRequest, pk: int) -> HttpResponse:
    """A new draft from a survey or a template (or, with `as_template`, a new template)."""
    copyable = {template.pk: template for template in selectors.templates_for(request.user)}
    source = copyable.get(pk) or selectors.survey_for_builder(request.user, pk)
    as_template = request.POST.get("as_template") == "1"
    copy = services.survey_copy(
        survey=source, by=request.user, as_template=as_template, organization=_target_office(request, source)
    )
    if as_template:
        messages.success(request, "Шаблон создан. Измените его вопросы — по нему будут создаваться анкеты.")
    else:
        messages.success(request, "Анкета создана как черновик. Укажите даты и аудиторию, проверьте вопросы.")
    return redirect("surveys:edit", pk=copy.pk)


@require_POST
@requires(MANAGE)
def template_use(request: AppRequest) -> HttpResponse:
    """A draft from a built-in template that is not stored in the user's tree."""
    offices = selectors.builder_offices_for(request.user)
    if not offices:
        raise Http404
    try:
        survey = services.survey_from_template_data(
            organization=offices[0], key=request.POST.get("key", ""), by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("surveys:templates")
    messages.success(request, "Анкета создана как черновик. Укажите даты и аудиторию, проверьте вопросы.")
    return redirect("surveys:edit", pk=survey.pk)


# --- the survey card -------------------------------------------------------------------------------


@requires(MANAGE)
def survey_create(request: AppRequest) -> HttpResponse:
    offices = selectors.builder_offices_for(request.user)
    if not offices:
        messages.error(request, "Создавать анкеты могут сотрудники ИМО муниципалитета или региона.")
        return redirect("surveys:list")
    form = SurveyForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        organization = form.organization_value() or offices[0]
        try:
            survey = services.survey_create(
                organization=organization, data=form.service_data(), by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Анкета создана. Добавьте вопросы.")
            return redirect(_builder_url(survey))
    return render(
        request,
        "surveys/builder/form.html",
        {
            "form": form,
            "title": "Новая анкета",
            "back": reverse("surveys:list"),
            "breadcrumbs": _crumbs("Новая"),
        },
    )


@requires(MANAGE)
def survey_edit(request: AppRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for_builder(request.user, pk)
    form = SurveyForm(request.POST or None, offices=[survey.organization], survey=survey)
    track_version(form, survey)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(
                survey=survey,
                data=without_version(form.service_data()),
                by=request.user,
                version=loaded_version(form),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Сведения об анкете сохранены.")
            return redirect(_builder_url(survey))
    return render(
        request,
        "surveys/builder/form.html",
        {
            "form": form,
            "survey": survey,
            "title": f"Анкета «{survey.title}»",
            "back": _builder_url(survey),
            "has_responses": services.has_responses(survey),
            "breadcrumbs": _crumbs((survey.title, _builder_url(survey)), "Сведения"),
        },
    )


# --- the questions editor --------------------------------------------------------------------------


def _builder_context(request: AppRequest, survey: Survey) -> dict[str, Any]:
    view = selectors.version_view(survey)
    return {
        "survey": survey,
        "view": view,
        "status": selectors.Status.LABELS[selectors.status_of(survey)],
        "problems": services.publish_problems(survey),
        "has_responses": services.has_responses(survey),
        "breadcrumbs": _crumbs(survey.title),
    }


@requires(MANAGE)
def builder(request: AppRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for_builder(request.user, pk)
    return render(request, "surveys/builder/builder.html", _builder_context(request, survey))


def _after_change(request: AppRequest, survey: Survey) -> HttpResponse:
    """htmx: the editor's body in place (messages inside it); else back to the editor page."""
    if request.htmx:
        return render(request, "surveys/builder/_body.html", _builder_context(request, survey))
    return redirect(_builder_url(survey))


def _section(request: AppRequest, pk: int, section_pk: int) -> tuple[Survey, Section]:
    survey = selectors.survey_for_builder(request.user, pk)
    section = Section.objects.filter(pk=section_pk, version__survey=survey).select_related("version").first()
    if section is None:
        raise Http404
    return survey, section


def _question(request: AppRequest, pk: int, question_pk: int) -> tuple[Survey, Question]:
    survey = selectors.survey_for_builder(request.user, pk)
    question = (
        Question.objects.filter(pk=question_pk, version__survey=survey)
        .select_related("version", "section", "show_if")
        .first()
    )
    if question is None:
        raise Http404
    return survey, question


def _new_version_note(request: AppRequest, survey: Survey, before: int) -> None:
    after = selectors.version_view(survey).version
    if after is not None and after.number != before:
        messages.info(
            request,
            f"На анкету уже были ответы, поэтому изменения сохранены в новой версии {after.number}. "
            "Прежние ответы остаются с вопросами, на которые они были даны.",
        )


def _version_number(survey: Survey) -> int:
    version = services.newest_version(survey)
    return version.number if version else 0


@requires(MANAGE)
def section_create(request: AppRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for_builder(request.user, pk)
    form = SectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        before = _version_number(survey)
        try:
            services.section_create(survey=survey, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _new_version_note(request, survey, before)
            messages.success(request, "Раздел добавлен.")
            return redirect(_builder_url(survey))
    return _simple_form(request, survey, form, "Новый раздел")


@requires(MANAGE)
def section_edit(request: AppRequest, pk: int, section_pk: int) -> HttpResponse:
    survey, section = _section(request, pk, section_pk)
    initial = {"title": section.title, "description": section.description}
    form = SectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        before = _version_number(survey)
        try:
            services.section_update(section=section, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _new_version_note(request, survey, before)
            messages.success(request, "Раздел сохранён.")
            return redirect(_builder_url(survey))
    return _simple_form(request, survey, form, f"Раздел «{section.title}»")


def _simple_form(request: AppRequest, survey: Survey, form: Any, title: str) -> HttpResponse:
    return render(
        request,
        "surveys/builder/section_form.html",
        {
            "form": form,
            "survey": survey,
            "title": title,
            "back": _builder_url(survey),
            "breadcrumbs": _crumbs((survey.title, _builder_url(survey)), title),
        },
    )


@require_POST
@requires(MANAGE)
def section_delete(request: AppRequest, pk: int, section_pk: int) -> HttpResponse:
    survey, section = _section(request, pk, section_pk)
    before = _version_number(survey)
    if _apply(request, lambda: services.section_delete(section=section, by=request.user), "Раздел удалён."):
        _new_version_note(request, survey, before)
    return _after_change(request, survey)


@require_POST
@requires(MANAGE)
def section_move(request: AppRequest, pk: int, section_pk: int, direction: str) -> HttpResponse:
    survey, section = _section(request, pk, section_pk)
    before = _version_number(survey)
    if _apply(
        request, lambda: services.section_move(section=section, direction=direction, by=request.user), ""
    ):
        _new_version_note(request, survey, before)
    return _after_change(request, survey)


def _question_form(
    request: AppRequest, survey: Survey, section: Section, question: Question | None
) -> tuple[QuestionForm, dict[int, Section]]:
    view = selectors.version_view(survey)
    sections = [block.section for block in view.sections]
    earlier: list[Question] = []
    for candidate in view.questions:
        if question is not None and candidate.pk == question.pk:
            break
        earlier.append(candidate)
    if question is None:  # a new question goes last in its section: every question before it is earlier
        earlier = [
            q for q in view.questions if (q.section.order, q.section_id) <= (section.order, section.pk)
        ]
    data = request.POST if request.method == "POST" else None
    if request.method == "GET" and request.GET.get("refresh"):
        data = request.GET  # the kind or the condition changed: show the fields that fit
    # An edited question's own values come from the form (question_initial); a new one starts as a
    # single choice in its section.
    extra: dict[str, Any] = (
        {} if question is not None else {"initial": {"section": section.pk, "kind": "single"}}
    )
    form = QuestionForm(data, sections=sections, earlier=earlier, question=question, survey=survey, **extra)
    return form, {s.pk: s for s in sections}


def _question_page(
    request: AppRequest, survey: Survey, form: QuestionForm, title: str, action: str
) -> HttpResponse:
    context = {
        "form": form,
        "survey": survey,
        "title": title,
        "action": action,
        "back": _builder_url(survey),
        "breadcrumbs": _crumbs((survey.title, _builder_url(survey)), title),
    }
    form.enable_refresh(action)
    refresh = request.GET.get("refresh") if request.method == "GET" else None
    if request.htmx and refresh in REFRESH_PARTS:
        form.errors.clear()  # a refresh is not a submission: no errors yet
        return render(request, REFRESH_PARTS[refresh], context)
    return render(request, "surveys/builder/question_form.html", context)


@requires(MANAGE)
def question_create(request: AppRequest, pk: int, section_pk: int) -> HttpResponse:
    survey, section = _section(request, pk, section_pk)
    form, sections = _question_form(request, survey, section, None)
    if request.method == "POST" and form.is_valid():
        data = form.service_data(sections)
        target = data.pop("section") or section
        before = _version_number(survey)
        try:
            services.question_create(section=target, data=data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _new_version_note(request, survey, before)
            messages.success(request, "Вопрос добавлен.")
            return redirect(f"{_builder_url(survey)}#section-{target.pk}")
    action = reverse("surveys:question_create", args=[survey.pk, section.pk])
    return _question_page(request, survey, form, "Новый вопрос", action)


@requires(MANAGE)
def question_edit(request: AppRequest, pk: int, question_pk: int) -> HttpResponse:
    survey, question = _question(request, pk, question_pk)
    form, sections = _question_form(request, survey, question.section, question)
    if request.method == "POST" and form.is_valid():
        before = _version_number(survey)
        try:
            services.question_update(question=question, data=form.service_data(sections), by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _new_version_note(request, survey, before)
            messages.success(request, "Вопрос сохранён.")
            return redirect(f"{_builder_url(survey)}#question-{question.code}")
    action = reverse("surveys:question_edit", args=[survey.pk, question.pk])
    return _question_page(request, survey, form, "Вопрос", action)


@require_POST
@requires(MANAGE)
def question_delete(request: AppRequest, pk: int, question_pk: int) -> HttpResponse:
    survey, question = _question(request, pk, question_pk)
    before = _version_number(survey)
    if _apply(
        request, lambda: services.question_delete(question=question, by=request.user), "Вопрос удалён."
    ):
        _new_version_note(request, survey, before)
    return _after_change(request, survey)


@require_POST
@requires(MANAGE)
def question_move(request: AppRequest, pk: int, question_pk: int, direction: str) -> HttpResponse:
    survey, question = _question(request, pk, question_pk)
    before = _version_number(survey)
    move = lambda: services.question_move(question=question, direction=direction, by=request.user)  # noqa: E731
    if _apply(request, move, ""):
        _new_version_note(request, survey, before)
    return _after_change(request, survey)


# --- preview, publishing, deleting -----------------------------------------------------------------


def _answering_form(view: selectors.VersionView) -> Any:
    """The answering part's read-only form of the questions, or None while that part is not there (the
    preview then lists the questions plainly)."""
    try:
        get_template(ANSWERING_QUESTIONS)
        from imo.surveys.answering import engine
    except (TemplateDoesNotExist, ImportError):
        return None
    if view.version is None:
        return None
    return engine.questions_form(engine.questions_of(view.version), readonly=True)


@requires(MANAGE)
def preview(request: AppRequest, pk: int) -> HttpResponse:
    """The respondent's view of the newest version (nothing can be sent from here)."""
    survey = selectors.survey_for_builder(request.user, pk)
    view = selectors.version_view(survey)
    return render(
        request,
        "surveys/builder/preview.html",
        {
            "survey": survey,
            "view": view,
            "form": _answering_form(view),
            "answering_template": ANSWERING_QUESTIONS,
            "breadcrumbs": _crumbs((survey.title, _builder_url(survey)), "Предпросмотр"),
        },
    )


@require_POST
@requires(MANAGE)
def publish(request: AppRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for_builder(request.user, pk)
    try:
        added = services.survey_publish(survey=survey, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Анкета опубликована. Добавлено респондентов: {added}.")
    return redirect(_builder_url(survey))


@require_POST
@requires(MANAGE)
def unpublish(request: AppRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for_builder(request.user, pk)
    services.survey_unpublish(survey=survey, by=request.user)
    messages.success(request, "Анкета снята с публикации: респонденты её больше не видят. Ответы сохранены.")
    return redirect(_builder_url(survey))


@require_POST
@requires(MANAGE)
def delete(request: AppRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for_builder(request.user, pk)
    was_template = survey.is_template
    if not _apply(request, lambda: services.survey_delete(survey=survey, by=request.user), "Анкета удалена."):
        return redirect(_builder_url(survey))
    return redirect("surveys:templates" if was_template else "surveys:list")
