"""The results of a survey: the page, its charts (htmx, after the page), the free-text answers, Excel
(raw and summary), the DOCX report and the gaps page (issue #9, items 5 and 7).

Query: `school` (office only; a school admin always sees their school's part), `answer` («code:value»: only
respondents who chose that value), `from`, `to` (dates of sending), `by` (breakdown kind), `by_q` (the
question of a breakdown by answer), `bq` (repeated: the questions broken down; the first few grouping
questions by default).

Scope: the office sees every response; a school admin (who is not office staff) sees the district's
figures and their school's beside them, and only their school's rows in breakdowns, exports and gaps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from imo.core.access import AppRequest, requires
from imo.core.charts import chart_block
from imo.core.documents.rendering import DocumentError
from imo.core.excel import xlsx_response
from imo.orgs.models import Organization
from imo.surveys.models import Mode, Question, Response, ResponseStatus, Survey
from imo.surveys.results import aggregation as agg
from imo.surveys.results.aggregation import Filters, Grouping, QuestionResult, Results
from imo.surveys.selectors import is_office_viewer, school_admin_schools, surveys_for_results

VIEW = "surveys.view_results"


@dataclass(frozen=True)
class Scope:
    office: bool
    schools: tuple[Organization, ...]  # a school admin's schools (empty for the office)

    @property
    def school_ids(self) -> tuple[int, ...]:
        return tuple(s.pk for s in self.schools)

    @property
    def label(self) -> str:
        return ", ".join(s.short_name or s.name for s in self.schools)


@dataclass(frozen=True)
class Query:
    survey: Survey
    scope: Scope
    questions: list[Question]
    filters: Filters  # the district's (a school admin's school is added by `school_filters`)
    school_id: int | None
    answer: str
    date_from: dt.date | None
    date_to: dt.date | None
    by: str
    by_q: str
    bq: tuple[str, ...]

    @property
    def school_filters(self) -> Filters | None:
        """The filters of a school admin's own part (None for the office)."""
        return None if self.scope.office else self.filters.with_schools(self.scope.school_ids)

    @property
    def own_filters(self) -> Filters:
        """What a user may see row by row: the office everything, a school admin their schools."""
        return self.school_filters or self.filters

    def query_string(self, **override: Any) -> str:
        values: list[tuple[str, Any]] = [
            ("school", self.school_id or ""),
            ("answer", self.answer),
            ("from", self.date_from.isoformat() if self.date_from else ""),
            ("to", self.date_to.isoformat() if self.date_to else ""),
            ("by", self.by),
            ("by_q", self.by_q),
        ]
        values += [("bq", code) for code in self.bq]
        values = [(k, override.get(k, v)) for k, v in values]
        return urlencode([(k, v) for k, v in values if v not in ("", None)])

    def describe(self) -> str:
        """The filters in words, for the report."""
        parts = []
        if self.school_id:
            parts.append(
                next((s.short_name or s.name for s in _schools(self.survey) if s.pk == self.school_id), "")
            )
        if not self.scope.office:
            parts.append(self.scope.label)
        if self.answer:
            parts.append(f"ответ «{answer_label(self.questions, self.answer)}»")
        if self.date_from:
            parts.append(f"с {self.date_from:%d.%m.%Y}")
        if self.date_to:
            parts.append(f"по {self.date_to:%d.%m.%Y}")
        return "; ".join(p for p in parts if p)


def _date(raw: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _schools(survey: Survey) -> list[Organization]:
    """The schools that have responses (the school filter's choices): one query."""
    ids = Response.objects.filter(survey=survey, status=ResponseStatus.SUBMITTED, school__isnull=False)
    return list(Organization.objects.filter(pk__in=ids.values("school_id")).order_by("short_name", "name"))


def answer_choices(questions: list[Question]) -> list[tuple[str, str]]:
    """(«code:value», label) of every grouping question's values: the filter «ответившие …»."""
    choices = []
    for question in questions:
        if question.kind in agg.CHOICE_KINDS:
            values = [(str(i), str(label)) for i, label in enumerate(question.options)]
        elif question.kind == "scale":
            values = [(str(v), str(v)) for v in range(question.scale_min, question.scale_max + 1)]
        else:
            continue
        for value, label in values:
            choices.append((f"{question.code}:{value}", f"{question.text[:60]} — {label}"))
    return choices


def answer_label(questions: list[Question], answer: str) -> str:
    return dict(answer_choices(questions)).get(answer, answer)


def survey_for(request: AppRequest, pk: int) -> Survey:
    return get_object_or_404(surveys_for_results(request.user).select_related("organization"), pk=pk)


def scope_of(request: AppRequest) -> Scope:
    if is_office_viewer(request.user):
        return Scope(office=True, schools=())
    return Scope(office=False, schools=tuple(school_admin_schools(request.user)))


def read_query(request: AppRequest, survey: Survey) -> Query:
    data = request.GET
    scope = scope_of(request)
    questions = agg.questions_of(survey)
    grouping_codes = {q.code for q in questions if q.kind in agg.GROUPING_KINDS}
    school_id = None
    raw_school = data.get("school", "")
    if scope.office and raw_school.isdecimal() and len(raw_school) < 12:
        school_id = int(raw_school)
    answer = data.get("answer", "")
    code, _, value = answer.partition(":")
    answer_value = int(value) if code in grouping_codes and value.lstrip("-").isdecimal() else None
    if answer_value is None:
        answer = ""
    date_from, date_to = _date(data.get("from", "")), _date(data.get("to", ""))
    filters = Filters(
        school_ids=(school_id,) if school_id else (),
        answer_code=code if answer else "",
        answer_value=answer_value,
        date_from=date_from,
        date_to=date_to,
    )
    available = {kind for kind, _ in agg.breakdowns_available(survey)}
    by = data.get("by", "")
    by = by if by in available else ""
    by_q = data.get("by_q", "")
    if by == agg.QUESTION and by_q not in grouping_codes:
        by = ""
    breakable = [q.code for q in questions if q.kind in (*agg.GROUPING_KINDS, "number")]
    bq = tuple(c for c in data.getlist("bq") if c in breakable)[: agg.MAX_BREAKDOWN_QUESTIONS]
    if by and not bq:
        bq = tuple(c for c in breakable if c != by_q)[:3]
    return Query(survey, scope, questions, filters, school_id, answer, date_from, date_to, by, by_q, bq)


@dataclass
class QuestionView:
    """One question on the page: the district's result and a school admin's school beside it."""

    item: QuestionResult
    school: QuestionResult | None

    @property
    def rows(self) -> list[tuple[Any, Any]]:
        mine = self.school.rows if self.school else []
        return [(row, mine[i] if i < len(mine) else None) for i, row in enumerate(self.item.rows)]

    @property
    def grid(self) -> list[tuple[Any, Any]]:
        mine = self.school.grid if self.school else []
        return [(row, mine[i] if i < len(mine) else None) for i, row in enumerate(self.item.grid)]


def read_results(query: Query) -> tuple[Results, Results | None]:
    results = agg.results_read(survey=query.survey, filters=query.filters, questions=query.questions)
    school_filters = query.school_filters
    school = (
        agg.results_read(survey=query.survey, filters=school_filters, questions=query.questions)
        if school_filters is not None and query.survey.mode == Mode.NAMED
        else None
    )
    return results, school


@requires(VIEW)
def results_page(request: AppRequest, pk: int) -> HttpResponse:
    survey = survey_for(request, pk)
    query = read_query(request, survey)
    results, school = read_results(query)
    by_code = school.by_code() if school else {}
    if not query.scope.office:
        # Free-text answers are rows, not figures: a school admin reads only their schools' own (the
        # district's counts stay beside them), as on the texts page and in the exports.
        for item in results.questions:
            mine = by_code.get(item.question.code)
            item.texts = list(mine.texts) if mine else []
    questions = [QuestionView(item, by_code.get(item.question.code)) for item in results.questions]
    breakdown = None
    if query.by:
        breakdown = agg.breakdown_read(
            survey=survey,
            filters=query.own_filters,
            grouping=Grouping(query.by, query.by_q),
            codes=list(query.bq),
            questions=query.questions,
        )
        breakdown.total = agg.total_group(results, list(query.bq), "Всего по всем ответам")
    qs = query.query_string()
    return render(
        request,
        "surveys/results/page.html",
        {
            "survey": survey,
            "query": query,
            "results": results,
            "school": school,
            "questions": questions,
            "breakdown": breakdown,
            "schools": _schools(survey) if query.scope.office else [],
            "answer_choices": answer_choices(query.questions),
            "breakdowns": agg.breakdowns_available(survey),
            "grouping_questions": [q for q in query.questions if q.kind in agg.GROUPING_KINDS],
            "breakable_questions": [q for q in query.questions if q.kind in (*agg.GROUPING_KINDS, "number")],
            "qs": qs,
            "charts_url": reverse("surveys:results_charts", args=[survey.pk]) + (f"?{qs}" if qs else ""),
            "is_anonymous": survey.mode == Mode.ANONYMOUS,
            "gaps_available": _gaps_available(survey, query.questions),
        },
    )


def _gaps_available(survey: Survey, questions: list[Question]) -> bool:
    from imo.surveys.results.gaps import gap_questions, gaps_possible

    return gaps_possible(survey) and bool(gap_questions(questions))


@requires(VIEW)
def results_charts(request: AppRequest, pk: int) -> HttpResponse:
    """The charts of every question, loaded by htmx after the page (drawing takes a moment)."""
    from imo.surveys.results.documents import question_chart

    survey = survey_for(request, pk)
    query = read_query(request, survey)
    results, school = read_results(query)
    by_code = school.by_code() if school else {}
    blocks = []
    for item in results.questions:
        chart = question_chart(item, school=by_code.get(item.question.code), school_label=query.scope.label)
        if chart is not None:
            blocks.append((item.question, chart_block(chart)))
    return render(request, "surveys/results/charts.html", {"blocks": blocks})


@requires(VIEW)
def results_texts(request: AppRequest, pk: int, code: str) -> HttpResponse:
    """Every free-text answer to one question (and «другое» of a choice), paged."""
    survey = survey_for(request, pk)
    query = read_query(request, survey)
    question = next((q for q in query.questions if q.code == code), None)
    if question is None:
        raise Http404
    texts = agg.texts_of(survey=survey, filters=query.own_filters, code=code)
    page = Paginator(texts, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/results/texts.html",
        {"survey": survey, "question": question, "page": page, "qs": query.query_string()},
    )


@requires(VIEW)
def results_files(request: AppRequest, pk: int, code: str) -> HttpResponse:
    """The files uploaded in answer to one question (a school monitoring's documents), paged, each with
    its school (named surveys) and a download link."""
    survey = survey_for(request, pk)
    query = read_query(request, survey)
    question = next((q for q in query.questions if q.code == code and q.kind == "file"), None)
    if question is None:
        raise Http404
    files = agg.files_of(survey=survey, filters=query.own_filters, code=code)
    page = Paginator(files, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/results/files.html",
        {"survey": survey, "question": question, "page": page, "qs": query.query_string()},
    )


@requires(VIEW)
def results_file_download(request: AppRequest, pk: int, answer_pk: int) -> FileResponse:
    """One uploaded file as an attachment: only an answer of this survey's sent responses that the user
    may see row by row (a school admin: their schools' answers), else 404."""
    from imo.surveys.files import answer_file_response

    survey = survey_for(request, pk)
    query = read_query(request, survey)
    answer = get_object_or_404(
        agg.answers_of(survey, query.own_filters).exclude(file="").select_related("question"), pk=answer_pk
    )
    return answer_file_response(answer)


@requires(VIEW)
def results_export_raw(request: AppRequest, pk: int) -> HttpResponse:
    from imo.surveys.results.exports import raw_xlsx

    survey = survey_for(request, pk)
    query = read_query(request, survey)
    content = raw_xlsx(survey=survey, filters=query.own_filters, questions=query.questions)
    return xlsx_response(content, f"Ответы — {survey.title[:100]}.xlsx")


@requires(VIEW)
def results_export_summary(request: AppRequest, pk: int) -> HttpResponse:
    from imo.surveys.results.exports import summary_xlsx

    survey = survey_for(request, pk)
    query = read_query(request, survey)
    results, school = read_results(query)
    content = summary_xlsx(results=results, school_results=school, school_label=query.scope.label)
    return xlsx_response(content, f"Сводка — {survey.title[:100]}.xlsx")


@requires(VIEW)
def results_docx_view(request: AppRequest, pk: int) -> HttpResponse:
    from urllib.parse import quote

    from imo.surveys.results.documents import results_docx

    survey = survey_for(request, pk)
    query = read_query(request, survey)
    results = agg.results_read(survey=survey, filters=query.own_filters, questions=query.questions)
    try:
        content, filename = results_docx(
            user=request.user, survey=survey, results=results, filters_text=query.describe()
        )
    except DocumentError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect(reverse("surveys:results", args=[pk]) + f"?{query.query_string()}")
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = (
        f"attachment; filename=\"report.docx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


@requires(VIEW)
def gaps_page(request: AppRequest, pk: int) -> HttpResponse:
    """Educators whose named answers reveal gaps, with «Добавить в ИОМ» per educator and for all."""
    from imo.surveys.results.gaps import educators_with_gaps, gap_questions, gaps_possible

    survey = survey_for(request, pk)
    if not gaps_possible(survey):
        raise Http404
    query = read_query(request, survey)
    rows = educators_with_gaps(survey=survey, filters=query.own_filters, questions=query.questions)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/results/gaps.html",
        {
            "survey": survey,
            "page": page,
            "total": len(rows),
            "indicators": gap_questions(query.questions),
            "qs": query.query_string(),
        },
    )


@require_POST
@requires(VIEW)
def gaps_add(request: AppRequest, pk: int) -> HttpResponse:
    """POST `educator` (one) or nothing (everyone on the list): the gaps into their ИОМ."""
    from imo.surveys.results.gaps import educators_with_gaps, gaps_add_to_plans, gaps_possible

    survey = survey_for(request, pk)
    if not gaps_possible(survey):
        raise Http404
    query = read_query(request, survey)
    rows = educators_with_gaps(survey=survey, filters=query.own_filters, questions=query.questions)
    raw = request.POST.get("educator", "")
    if raw:
        rows = [row for row in rows if str(row.educator.pk) == raw]
        if not rows:
            raise Http404
    added = gaps_add_to_plans(survey=survey, rows=rows, by=request.user)
    if added.gaps:
        messages.success(
            request,
            f"Затруднения добавлены в ИОМ: педагогов — {added.educators}, затруднений — {added.gaps}.",
        )
    elif not added.refused:
        messages.info(request, "Новых затруднений нет: они уже есть в ИОМ.")
    if added.refused:
        messages.warning(
            request, f"Недостаточно прав, чтобы изменить ИОМ педагогов: {added.refused}. Их ИОМ не изменены."
        )
    qs = query.query_string()
    return redirect(reverse("surveys:gaps", args=[pk]) + (f"?{qs}" if qs else ""))
