"""Pages of olympiad results: the office's publication page of a stage subject (publish, documents,
diplomas) and the public pages (index of published results, a subject's results, diploma verification)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from imo.core import pagecache
from imo.core.access import AppRequest, requires
from imo.core.documents.downloads import attachment
from imo.core.documents.rendering import DocumentError
from imo.core.excel import ExportColumn, write_xlsx, xlsx_response
from imo.core.pagecache import anonymous_page
from imo.olympiads.models import Participation, Stage, StageSubject
from imo.olympiads.publication import documents, selectors, services

PUBLISH = "olympiads.publish"
VIEW = "olympiads.view_publication"
PDF_TYPE = "application/pdf"
PUBLIC_PAGE_SIZE = 100


# --- office -------------------------------------------------------------------------------------------


OFFICE_STATES = ("published", "unpublished")
OFFICE_PAGE_SIZE = 50


def _office_queryset(request: AppRequest, state: str) -> QuerySet[StageSubject]:
    queryset = (
        selectors.stage_subjects_for_office(user=request.user)
        .filter(Q(ranked_at__isnull=False) | Q(published_at__isnull=False))
        .order_by(
            "-stage__season__academic_year__start_year",
            "stage__season__municipality__name",
            "stage__starts_on",
            "subject__order",
            "subject__name",
        )
    )
    if state == "published":
        return queryset.filter(published_at__isnull=False)
    if state == "unpublished":
        return queryset.filter(published_at__isnull=True)
    return queryset


@requires(VIEW)
def office_list(request: AppRequest) -> HttpResponse:
    """Stage subjects with results: ranked or published, newest first. The list is kept per scope, filter
    and page until olympiads change: the office checks it all day, and drawing 50 rows of six related
    records cost ten times the two queries."""
    state = request.GET.get("state", "")
    state = state if state in OFFICE_STATES else ""
    if request.GET.get("export") == "xlsx":
        queryset = _office_queryset(request, state)
        return xlsx_response(write_xlsx(OFFICE_COLUMNS, queryset.iterator()), "Итоги олимпиады.xlsx")
    page = request.GET.get("page", "")
    page = page if page.isdecimal() and len(page) <= 6 else ""  # else the first page, as get_page does
    body = pagecache.rendered(
        "olympiads.publication.office_list",
        topics=("olympiads", "orgs"),
        parts=(selectors.office_scope_key(request.user), state, page),
        template="olympiads/publication/_office_list_body.html",
        context=lambda: {
            "page": Paginator(_office_queryset(request, state), OFFICE_PAGE_SIZE).get_page(page),
            "state": state,
            "query": f"state={state}" if state else "",
        },
    )
    return render(request, "olympiads/publication/office_list.html", {"body": body})


def _when(value: Any) -> Any:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


OFFICE_COLUMNS = (
    ExportColumn("Учебный год", lambda s: s.stage.season.academic_year.name, 12),
    ExportColumn("Муниципалитет", lambda s: s.stage.season.municipality.name, 36),
    ExportColumn("Этап", lambda s: s.stage.get_level_display(), 14),
    ExportColumn("Предмет", lambda s: s.subject.name, 30),
    ExportColumn("Рейтинг рассчитан", lambda s: _when(s.ranked_at), 18),
    ExportColumn("Опубликованы", lambda s: _when(s.published_at), 18),
)


def _counts(stage_subject: StageSubject) -> dict[str, int]:
    return Participation.objects.filter(stage_subject=stage_subject).aggregate(
        ranked=Count("pk", filter=Q(status__in=selectors.RANKED)),
        winners=Count("pk", filter=Q(status=Participation.Status.WINNER)),
        prize_winners=Count("pk", filter=Q(status=Participation.Status.PRIZE_WINNER)),
        hidden=Count("pk", filter=Q(status__in=selectors.RANKED) & ~selectors.publication_allowed_q()),
        certificates=Count("certificate"),
    )


@requires(VIEW)
def office_subject(request: AppRequest, pk: int) -> HttpResponse:
    stage_subject = selectors.stage_subject_for_office(user=request.user, pk=pk, permission=VIEW)
    return render(
        request,
        "olympiads/publication/office_subject.html",
        {
            "stage_subject": stage_subject,
            "counts": _counts(stage_subject),
            "certificates": documents.certificates_of(stage_subject)[:200],
            "can_publish": request.user.has_perm(PUBLISH),
        },
    )


def _back(pk: int) -> HttpResponse:
    return redirect("olympiads:publication_subject", pk=pk)


@require_POST
@requires(PUBLISH)
def publish(request: AppRequest, pk: int) -> HttpResponse:
    stage_subject = selectors.stage_subject_for_office(user=request.user, pk=pk, permission=PUBLISH)
    try:
        services.results_publish(stage_subject=stage_subject, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Результаты опубликованы.")
    return _back(pk)


@require_POST
@requires(PUBLISH)
def unpublish(request: AppRequest, pk: int) -> HttpResponse:
    stage_subject = selectors.stage_subject_for_office(user=request.user, pk=pk, permission=PUBLISH)
    try:
        services.results_unpublish(stage_subject=stage_subject, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Публикация результатов снята.")
    return _back(pk)


@require_POST
@requires(PUBLISH)
def diplomas_issue(request: AppRequest, pk: int) -> HttpResponse:
    stage_subject = selectors.stage_subject_for_office(user=request.user, pk=pk, permission=PUBLISH)
    try:
        issued = services.certificates_issue(stage_subject=stage_subject, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Выдано дипломов: {issued}.")
    return _back(pk)


@requires(PUBLISH)
def diplomas_pdf(request: AppRequest, pk: int) -> HttpResponse:
    stage_subject = selectors.stage_subject_for_office(user=request.user, pk=pk, permission=PUBLISH)
    certificates = documents.certificates_of(stage_subject)
    one = request.GET.get("certificate")
    if one:
        certificates = [c for c in certificates if str(c.pk) == one]
    if not certificates:
        raise Http404("Дипломы не выданы.")
    content, name = documents.diplomas_pdf(
        stage_subject=stage_subject, certificates=certificates, base_url=request.build_absolute_uri("/")
    )
    return attachment(content, file_name=name, content_type=PDF_TYPE)


DOCUMENTS = {
    "protocol.docx": (documents.protocol_docx, documents.DOCX_TYPE),
    "protocol.pdf": (documents.protocol_pdf, PDF_TYPE),
    "winners.docx": (documents.winners_docx, documents.DOCX_TYPE),
}


@requires(PUBLISH)
def document(request: AppRequest, pk: int, name: str) -> HttpResponse:
    stage_subject = selectors.stage_subject_for_office(user=request.user, pk=pk, permission=PUBLISH)
    if name == "ranking.xlsx":
        return xlsx_response(*documents.ranking_xlsx(stage_subject=stage_subject))
    if name == "winners.xlsx":
        return xlsx_response(*documents.winners_xlsx(stage_subject=stage_subject))
    if name == "order.docx":
        return _order(request, stage_subject.stage, pk)
    if name not in DOCUMENTS:
        raise Http404("Документ не найден.")
    build, content_type = DOCUMENTS[name]
    try:
        content, file_name = build(stage_subject=stage_subject, user=request.user)
    except DocumentError as error:
        for message in error.messages:
            messages.error(request, message)
        return _back(pk)
    return attachment(content, file_name=file_name, content_type=content_type)


def _order(request: AppRequest, stage: Stage, pk: int) -> HttpResponse:
    try:
        content, file_name = documents.order_docx(stage=stage, user=request.user)
    except DocumentError as error:
        for message in error.messages:
            messages.error(request, message)
        return _back(pk)
    return attachment(content, file_name=file_name, content_type=documents.DOCX_TYPE)


# --- public -------------------------------------------------------------------------------------------
# Anonymous visitors get these pages from the page cache until results, consents or schools change (a
# withdrawn consent hides the name at once: it is a write to the olympiad tables).
PUBLIC_TOPICS = ("olympiads", "orgs")


@anonymous_page(*PUBLIC_TOPICS)
def public_index(request: HttpRequest) -> HttpResponse:
    """Published results grouped by year, municipality and stage (anonymous)."""
    groups: list[dict[str, Any]] = []
    for stage_subject in selectors.published_index():
        stage = stage_subject.stage
        if not groups or groups[-1]["stage"].pk != stage.pk:
            groups.append({"stage": stage, "subjects": []})
        groups[-1]["subjects"].append(stage_subject)
    return render(request, "olympiads/publication/public_index.html", {"groups": groups})


def _grade(request: HttpRequest, stage_subject: StageSubject) -> int | None:
    try:
        grade = int(request.GET.get("grade", ""))
    except ValueError:
        return None
    return grade if stage_subject.min_grade <= grade <= stage_subject.max_grade else None


def _public_page(request: HttpRequest, stage_subject: StageSubject) -> HttpResponse:
    grade = _grade(request, stage_subject)
    # The count without the joins of the rows, then one statement for the page's rows.
    counted = selectors.public_participations(stage_subject=stage_subject, grade=grade).order_by("pk")
    page = Paginator(counted, PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.public_rows(stage_subject=stage_subject, grade=grade)
    rows = rows[page.start_index() - 1 : page.end_index()] if page.paginator.count else rows.none()
    statuses = dict(Participation.Status.choices)
    table = [
        {
            "grade": row["grade"],
            "rank": row["rank"],
            "name": selectors.public_name(row),
            "coded": not (row["allowed"] and row["last_name"]),
            "school": row["student__school__short_name"] or row["student__school__name"],
            "score": documents._score(row["score"]),
            "status": statuses.get(row["status"], ""),
            "awarded": row["status"] in selectors.AWARDED,
        }
        for row in rows
    ]
    return render(
        request,
        "olympiads/publication/public_results.html",
        {
            "stage_subject": stage_subject,
            "page": page,
            "table": table,
            "grade": grade,
            "grades": range(stage_subject.min_grade, stage_subject.max_grade + 1),
            "query": f"grade={grade}" if grade else "",
        },
    )


@anonymous_page(*PUBLIC_TOPICS)
def public_results(request: HttpRequest, pk: int) -> HttpResponse:
    """A subject's published results: names only with consent, codes otherwise (anonymous)."""
    return _public_page(request, selectors.public_stage_subject(pk=pk))


@anonymous_page(*PUBLIC_TOPICS)
def public_results_latest(request: HttpRequest, municipality_id: int, subject_id: int) -> HttpResponse:
    """The latest published results of a subject in a municipality: a stable address for links."""
    stage_subject = selectors.public_stage_subject_latest(
        municipality_id=municipality_id, subject_id=subject_id
    )
    return _public_page(request, stage_subject)


def certificate_check(request: HttpRequest, token: str) -> HttpResponse:
    """Diploma verification by its token (anonymous): valid with the holder as published, or not found."""
    found = selectors.certificate_check(token=token)
    response = render(request, "olympiads/publication/certificate_check.html", {"found": found})
    if found is None:
        response.status_code = 404
    return response
