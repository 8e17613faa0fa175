"""Pages of answering: «Мои анкеты», the answering form (by survey, or by the personal link from the
e-mail). Access: a survey is reached only through the user's own RespondentToken (their own, or their
school's for a monitoring); anything else answers 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from imo.core.access import AppRequest, login_only, requires
from imo.surveys.answering import engine, selectors, services
from imo.surveys.answering.render import questions_html
from imo.surveys.answering.selectors import State
from imo.surveys.models import Answer, Mode, RespondentToken

ANSWER = "surveys.answer"
SECTION = "Мои анкеты"


def _crumbs(*tail: str) -> list[dict[str, str]]:
    return [{"label": SECTION, "url": reverse("surveys:my")}, *({"label": label} for label in tail)]


@requires(ANSWER)
def my_surveys(request: AppRequest) -> HttpResponse:
    """The surveys the user is asked to answer: waiting for an answer, then answered."""
    rows = selectors.surveys_of(request.user)
    waiting = [row for row in rows if row.is_open and row.state != State.SUBMITTED]
    answered = [row for row in rows if row.state == State.SUBMITTED]
    return render(
        request,
        "surveys/answering/my.html",
        {"waiting": waiting, "answered": answered, "breadcrumbs": [{"label": SECTION}]},
    )


def _school_pk(request: AppRequest) -> int | None:
    """`?school=` of a school admin answering for one of their schools (a monitoring)."""
    school = request.GET.get("school", "")
    return int(school) if school.isdecimal() and len(school) < 12 else None


@requires(ANSWER)
def answer(request: AppRequest, pk: int) -> HttpResponse:
    token = selectors.token_for_survey(request.user, pk, school_pk=_school_pk(request))
    return _answer_page(request, token)


@requires(ANSWER)
def answer_file(request: AppRequest, pk: int, code: str) -> FileResponse:
    """The respondent's own uploaded file (named surveys: the draft or the sent response); 404 otherwise —
    an anonymous response is linked to nobody, so nobody can fetch its file this way."""
    from imo.surveys.files import answer_file_response

    token = selectors.token_for_survey(request.user, pk, school_pk=_school_pk(request))
    response = selectors.named_response_of(token)
    if response is None:
        raise Http404
    answer = Answer.objects.filter(response=response, question__code=code).exclude(file="").first()
    if answer is None:
        raise Http404
    return answer_file_response(answer)


@login_only
def answer_by_link(request: AppRequest, token: str) -> HttpResponse:
    """The personal link from the reminder letter; only its owner (signed in) may open it."""
    return _answer_page(request, selectors.token_for_link(request.user, token))


def _saved_values(token: RespondentToken) -> tuple[dict[str, Any], Any]:
    """The values saved so far (draft or sent) and the named response (None for anonymous surveys)."""
    response = selectors.named_response_of(token)
    if response is not None:
        answers = Answer.objects.filter(response=response).select_related("question")
        return engine.values_from_answers(answers), response
    if token.survey.mode == Mode.ANONYMOUS and not token.responded:
        return dict(token.draft or {}), None
    return {}, None


def _answer_page(request: AppRequest, token: RespondentToken) -> HttpResponse:
    survey = token.survey
    version = selectors.newest_version(survey)
    questions = engine.questions_of(version) if version is not None else []
    values, response = _saved_values(token)
    state = selectors.state_of(token, response)
    closed = selectors.closed_message(survey)
    anonymous_sent = survey.mode == Mode.ANONYMOUS and token.responded
    locked = state == State.SUBMITTED and not survey.allow_edit
    can_answer = not closed and not anonymous_sent and not locked and bool(questions)
    data: Any = None
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and can_answer:
        final = "submit" in request.POST
        parsed = engine.parse(
            version, request.POST, request.FILES, questions=questions, previous=values, final=final
        )
        if parsed.ok:
            stored = services.store_uploads(parsed.values, parsed.uploads)
            try:
                if final:
                    services.response_submit(survey=survey, respondent=token, values=stored, by=request.user)
                else:
                    services.response_save_draft(
                        survey=survey, respondent=token, values=stored, by=request.user
                    )
            except ValidationError as error:
                # Closed meanwhile, or already answered elsewhere: say so and show what was typed.
                messages.error(request, " ".join(error.messages))
                data = request.POST
            else:
                if final:
                    messages.success(request, "Спасибо! Ваш ответ отправлен.")
                    return redirect("surveys:my")
                messages.success(
                    request, "Черновик сохранён. Вернуться к анкете можно в разделе «Мои анкеты»."
                )
                return redirect(request.get_full_path())
        else:
            messages.error(request, "Ответ не сохранён: исправьте отмеченные вопросы.")
            data, errors = request.POST, parsed.errors
            for code in parsed.uploads:
                errors.setdefault(code, [engine.MSG_FILE_AGAIN])
    elif request.method == "POST":
        messages.error(request, closed or "Ответ не принят: анкета уже отвечена.")
        data = request.POST
    form = engine.questions_form(
        questions, values=values, data=data, errors=errors, readonly=not can_answer and data is None
    )
    anonymous = survey.mode == Mode.ANONYMOUS
    context = {
        "survey": survey,
        "token": token,
        "form": form,
        "questions": questions_html(form, token=token, anonymous=anonymous, survey=survey),
        "state": state,
        "state_label": selectors.STATE_LABELS[state],
        "closed": closed,
        "can_answer": can_answer,
        "anonymous": anonymous,
        "anonymous_sent": anonymous_sent,
        "locked": locked,
        "respondent": token.school if token.school_id else token.educator,
        "breadcrumbs": _crumbs(survey.title),
    }
    return render(request, "surveys/answering/answer.html", context, status=400 if errors else 200)
