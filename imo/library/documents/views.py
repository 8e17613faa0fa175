"""Pages of the bank of documents: browse and search in one page, a document's page, downloads, the
editors' card / new version / publish / delete, the Excel export, the kinds editor and the settings.

Access: the list, a document's page and the downloads are public pages — what a visitor may see is decided
by `documents_visible_to(user)` alone (an anonymous visitor: public published documents), and a document
outside it answers 404, never revealing that it exists. Editing needs `library.manage_documents` and the
document in `documents_editable_by(user)`; kinds and settings their own permissions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from imo.core import pagecache
from imo.core.access import AppRequest, requires
from imo.core.conflicts import loaded_version, track_version, without_version
from imo.core.excel import ExportColumn, write_xlsx, xlsx_response
from imo.core.forms import add_service_errors
from imo.core.paging import PAGE_SIZES
from imo.library import selectors as scope
from imo.library.documents import selectors, services
from imo.library.documents.forms import BrowseForm, DocumentForm, KindForm, LibrarySettingsForm, UploadForm
from imo.library.models import Document, DocumentFile, DocumentKind, LibrarySettings, TextStatus

MANAGE = "library.manage_documents"
KINDS = "library.manage_kinds"
SETTINGS = "library.manage_settings"
SECTION = "Банк документов"
PER_PAGE = PAGE_SIZES[0]
SEARCH_PER_PAGE = 20
EXPORT_SEARCH_LIMIT = 1000


def _crumbs(*tail: tuple[str, str] | str) -> list[dict[str, str]]:
    crumbs = [{"label": SECTION, "url": reverse("library:documents")}]
    for item in tail:
        if isinstance(item, tuple):
            crumbs.append({"label": item[0], "url": item[1]})
        else:
            crumbs.append({"label": item})
    return crumbs


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return max(int(raw), 1) if raw.isdecimal() and len(raw) < 7 else 1


def _browse(request: HttpRequest) -> tuple[BrowseForm, QuerySet[Document], QuerySet[Document], bool]:
    """The filter form, the visible documents and those the filters leave (not yet ordered)."""
    editor = scope.is_library_editor(request.user)
    visible = scope.documents_visible_to(request.user)
    kinds = list(DocumentKind.objects.order_by("order", "name"))
    form = BrowseForm(request.GET or None, kinds=kinds, years=_years(visible), editor=editor)
    filters = form.filters()
    return form, visible, selectors.documents_filtered(visible, filters), editor


def _years(visible: QuerySet[Document]) -> list[int]:
    """The year filter's choices, kept like the search hits (an aggregate over every visible document,
    13 ms at region scale, on every page of the library)."""
    try:
        sql, params = visible.query.sql_with_params()
    except EmptyResultSet:
        return []
    return pagecache.cached(
        "library.years",
        topics=("library", "orgs"),
        parts=(sql, params),
        compute=lambda: selectors.year_choices(visible),
    )


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in ("page", *names):
        query.pop(name, None)
    return query.urlencode()


@dataclass(frozen=True)
class SearchResults:
    """A page of search hits as the list shows it and as it is kept: the figures and the rows already
    rendered. Kept as model instances with their subjects, grades and files, the hits took longer to
    unpickle than to query, and their rows another ~5 ms to render on every visit."""

    total: int
    page: int
    pages: int
    message: str  # Russian; set when the query was refused or shortened
    rows: SafeString  # library/documents/_row.html for each hit
    document_ids: tuple[int, ...]  # the hits, in order


def _search_results(documents: QuerySet[Document], text: str, page: int) -> SearchResults:
    from imo.library.search.query import search_page

    found = search_page(documents=documents, text=text, page=page, per_page=SEARCH_PER_PAGE)
    rows = "".join(
        render_to_string("library/documents/_row.html", {"document": hit.document, "snippet": hit.snippet})
        for hit in found.hits
    )
    return SearchResults(
        total=found.total,
        page=found.page,
        pages=found.pages,
        message=found.message,
        rows=SafeString(rows),  # rendered (and escaped) by Django's templates
        document_ids=tuple(hit.document.pk for hit in found.hits),
    )


def _search(documents: QuerySet[Document], text: str, page: int) -> SearchResults:
    """The hits of a query, kept until a document, an organisation or a subject changes: the SQL of the
    scoped, filtered documents is part of the key, so readers with the same scope share the hits (the
    rows show nothing of the reader: no request goes into them)."""
    compute = functools.partial(_search_results, documents, text, page)
    try:
        sql, params = documents.query.sql_with_params()
    except EmptyResultSet:
        return compute()
    return pagecache.cached(
        "library.search.rows",  # the rows rendered (named anew: kept hits of the old shape are not read)
        topics=("library", "orgs", "reference"),
        parts=(sql, params, text, page),
        compute=compute,
    )


def document_list(request: HttpRequest) -> HttpResponse:
    """Browse and search (public: anonymous visitors see the public documents only)."""
    form, visible, filtered, editor = _browse(request)
    filters = form.filters()
    text = form.text
    # Counts by kind help browsing; beside search results (ranked, not counted by kind) they would only
    # cost a scan of every visible document, so the kinds are listed there without them.
    counts = (
        {} if text else selectors.kind_counts(selectors.documents_filtered(visible, filters, skip_kind=True))
    )
    context: dict[str, Any] = {
        "show_counts": not text,
        "form": form,
        "filters": filters,
        "kinds": selectors.kinds_for_browse(counts),
        "total_all_kinds": sum(counts.values()),
        "editor": editor,
        "can_manage": request.user.has_perm(MANAGE),
        "can_kinds": request.user.has_perm(KINDS),
        "query": _query_without(request),
        "kind_query": _query_without(request, "kind"),
        "breadcrumbs": _crumbs(),
        "search": None,
        "page": None,
    }
    if text:
        # The list's joins and prefetches go with the scope: search_page re-reads the page's rows
        # through it, so the hits come with what the rows show in a fixed number of queries.
        context["search"] = _search(selectors.with_list_data(filtered), text, _page_number(request))
    else:
        ordered = selectors.with_list_data(selectors.documents_ordered(filtered, filters.sort))
        page = Paginator(ordered, PER_PAGE).get_page(_page_number(request))
        context["page"] = page
        context["numbers"] = list(
            page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        )
        context["ellipsis"] = Paginator.ELLIPSIS
    context["export_query"] = _query_without(request)
    return render(request, "library/documents/list.html", context)


def _export_columns() -> list[ExportColumn]:
    def names(items: Any) -> str:
        return "; ".join(str(item) for item in items.all())

    def current(document: Document) -> Any:
        files = getattr(document, "current_files", [])
        return files[0] if files else None

    return [
        ExportColumn("Название", lambda d: d.title, 60),
        ExportColumn("Вид", lambda d: d.kind.name, 28),
        ExportColumn("Кем принят", lambda d: d.issuer, 30),
        ExportColumn("Номер", lambda d: d.number, 12),
        ExportColumn("Дата принятия", lambda d: d.issued_on, 14),
        ExportColumn("Статус акта", lambda d: d.get_act_status_display(), 16),
        ExportColumn("Предметы", lambda d: names(d.subjects), 30),
        ExportColumn("Классы", lambda d: ", ".join(str(g.number) for g in d.grades.all()), 16),
        ExportColumn("Авторы", lambda d: d.authors, 30),
        ExportColumn("Доступ", lambda d: d.get_access_display(), 24),
        ExportColumn(
            "Опубликован",
            lambda d: timezone.localdate(d.published_at) if d.is_published and d.published_at else "черновик",
            14,
        ),
        ExportColumn("Скачиваний", lambda d: d.download_count, 12),
        ExportColumn("Файл", lambda d: current(d).original_name if current(d) else "", 30),
        ExportColumn("Организация", lambda d: str(d.organization), 30),
    ]


def document_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as Excel (what the visitor may see; with a query: the matching documents, in
    the list's order rather than by rank — a spreadsheet is sorted by its reader)."""
    form, _visible, filtered, _editor = _browse(request)
    filters = form.filters()
    if form.text:
        from imo.library.search.query import search_page

        # The best EXPORT_SEARCH_LIMIT matches: the search part answers pages (with snippets), and a
        # spreadsheet of more matches than that is a query too broad to be useful.
        result = search_page(documents=filtered, text=form.text, page=1, per_page=EXPORT_SEARCH_LIMIT)
        filtered = filtered.filter(pk__in=[hit.document.pk for hit in result.hits])
    rows = selectors.with_list_data(selectors.documents_ordered(filtered, filters.sort))
    content = write_xlsx(_export_columns(), rows.iterator(chunk_size=2000), sheet_name="Документы")
    return xlsx_response(content, f"банк_документов_{timezone.localdate():%d.%m.%Y}.xlsx")


def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visible = scope.documents_visible_to(request.user)
    document = selectors.document_for_page(visible, pk)
    if document is None:
        raise Http404
    can_edit = (
        request.user.has_perm(MANAGE) and scope.documents_editable_by(request.user).filter(pk=pk).exists()
    )
    versions = selectors.document_versions(document)
    current = next((v for v in versions if v.is_current), None)
    replaced_by, replaces = selectors.replacement_links(visible, document)
    return render(
        request,
        "library/documents/detail.html",
        {
            "document": document,
            "versions": versions,
            "current": current,
            "related": selectors.related_documents(visible, document),
            "replaced_by_visible": replaced_by,
            "replaces": replaces,
            "can_edit": can_edit,
            "TextStatus": TextStatus,
            "breadcrumbs": _crumbs(document.title),
        },
    )


def _serve(request: HttpRequest, pk: int, version: int | None) -> FileResponse:
    document = get_object_or_404(scope.documents_visible_to(request.user).only("pk", "title"), pk=pk)
    files = DocumentFile.objects.filter(document=document)
    files = files.filter(version=version) if version is not None else files.filter(is_current=True)
    document_file = files.defer("text").first()
    if document_file is None:
        raise Http404
    document_file.document = document
    from imo.library.files.services import file_response

    response = file_response(document_file)
    services.document_downloaded(document)
    return response


def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """The current file, as an attachment (public: access by `documents_visible_to`, else 404)."""
    return _serve(request, pk, None)


def document_version_download(request: HttpRequest, pk: int, version: int) -> FileResponse:
    return _serve(request, pk, version)


# --- editors -----------------------------------------------------------------------------------------


def _editable(request: AppRequest, pk: int) -> Document:
    return get_object_or_404(scope.documents_editable_by(request.user).select_related("kind"), pk=pk)


def _document_form(request: AppRequest, document: Document | None) -> DocumentForm:
    editable = scope.documents_editable_by(request.user)
    return DocumentForm(
        request.POST or None,
        request.FILES or None,
        instance=document,
        offices=scope.library_offices_for(request.user),
        replaced_by=selectors.replaced_by_choices(editable, document),
        creating=document is None,
    )


@requires(MANAGE)
def document_create(request: AppRequest) -> HttpResponse:
    offices = scope.library_offices_for(request.user)
    if not offices:
        messages.error(request, "Добавлять документы могут сотрудники ИМО муниципалитета или региона.")
        return redirect("library:documents")
    form = _document_form(request, None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organization = data.pop("organization")
        upload = data.pop("upload")
        try:
            document = services.document_create(
                organization=organization, data=data, upload=upload, by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            state = "опубликован" if document.is_published else "сохранён черновиком"
            messages.success(request, f"Документ «{document.title}» {state}.")
            return redirect(document.get_absolute_url())
    return render(
        request,
        "library/documents/form.html",
        {
            "form": form,
            "title": "Новый документ",
            "back": reverse("library:documents"),
            "breadcrumbs": _crumbs("Новый документ"),
        },
    )


@requires(MANAGE)
def document_edit(request: AppRequest, pk: int) -> HttpResponse:
    document = _editable(request, pk)
    form = _document_form(request, document)
    track_version(form, document)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(
                document=document,
                data=without_version(form.cleaned_data),
                by=request.user,
                version=loaded_version(form),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect(document.get_absolute_url())
    return render(
        request,
        "library/documents/form.html",
        {
            "form": form,
            "title": f"Документ: {document.title}",
            "back": document.get_absolute_url(),
            "breadcrumbs": _crumbs((document.title, document.get_absolute_url()), "Изменение"),
        },
    )


@requires(MANAGE)
def document_upload(request: AppRequest, pk: int) -> HttpResponse:
    document = _editable(request, pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.document_file_add(
                document=document,
                upload=form.cleaned_data["upload"],
                by=request.user,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Загружена версия {version.version}. Текст файла извлекается для поиска."
            )
            return redirect(document.get_absolute_url())
    return render(
        request,
        "library/documents/upload.html",
        {
            "form": form,
            "document": document,
            "max_file_mb": LibrarySettings.current().max_file_mb,
            "breadcrumbs": _crumbs((document.title, document.get_absolute_url()), "Новая версия файла"),
        },
    )


@require_POST
@requires(MANAGE)
def document_publish(request: AppRequest, pk: int) -> HttpResponse:
    document = _editable(request, pk)
    services.document_publish(document=document, by=request.user)
    messages.success(request, f"Документ «{document.title}» опубликован.")
    return redirect(document.get_absolute_url())


@require_POST
@requires(MANAGE)
def document_unpublish(request: AppRequest, pk: int) -> HttpResponse:
    document = _editable(request, pk)
    services.document_unpublish(document=document, by=request.user)
    messages.success(
        request, f"Документ «{document.title}» снят с публикации: его видят только сотрудники ИМО."
    )
    return redirect(document.get_absolute_url())


@requires(MANAGE)
def document_delete(request: AppRequest, pk: int) -> HttpResponse:
    """GET: the confirmation page; POST: delete (a published document needs the confirmation box)."""
    document = _editable(request, pk)
    error = ""
    if request.method == "POST":
        try:
            services.document_delete(
                document=document, by=request.user, confirmed=request.POST.get("confirm") == "1"
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"Документ «{document.title}» удалён.")
            return redirect("library:documents")
    return render(
        request,
        "library/documents/delete.html",
        {
            "document": document,
            "error": error,
            "breadcrumbs": _crumbs((document.title, document.get_absolute_url()), "Удаление"),
        },
        status=400 if error else 200,
    )


# --- kinds and settings ------------------------------------------------------------------------------


def _admin_crumbs(label: str, *tail: tuple[str, str] | str) -> list[dict[str, str]]:
    return _crumbs(label, *tail) if not tail else _crumbs((label, reverse("library:kinds")), *tail)


@requires(KINDS)
def kind_list(request: AppRequest) -> HttpResponse:
    kinds = DocumentKind.objects.order_by("order", "name")
    counts = selectors.kind_counts(Document.objects.all())
    return render(
        request,
        "library/documents/kinds.html",
        {
            "rows": [(kind, counts.get(kind.pk, 0)) for kind in kinds],
            "tab": "kinds",
            "can_settings": request.user.has_perm(SETTINGS),
            "breadcrumbs": _admin_crumbs("Виды документов"),
        },
    )


def _kind_form_page(request: AppRequest, form: KindForm, title: str) -> HttpResponse:
    return render(
        request,
        "library/documents/kind_form.html",
        {
            "form": form,
            "title": title,
            "back": reverse("library:kinds"),
            "breadcrumbs": _admin_crumbs("Виды документов", title),
        },
    )


@requires(KINDS)
def kind_create(request: AppRequest) -> HttpResponse:
    form = KindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kind = services.kind_create(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Вид «{kind}» добавлен.")
            return redirect("library:kinds")
    return _kind_form_page(request, form, "Новый вид документа")


@requires(KINDS)
def kind_edit(request: AppRequest, pk: int) -> HttpResponse:
    kind = get_object_or_404(DocumentKind, pk=pk)
    form = KindForm(
        request.POST or None, initial={"name": kind.name, "is_act": kind.is_act, "order": kind.order}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.kind_update(
                kind=kind, name=data["name"], is_act=data["is_act"], order=data["order"] or 0, by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect("library:kinds")
    return _kind_form_page(request, form, f"Вид документа: {kind}")


@require_POST
@requires(KINDS)
def kind_archive(request: AppRequest, pk: int) -> HttpResponse:
    """Archive a kind (restore with `restore=1`): documents keep it, new ones cannot choose it."""
    kind = get_object_or_404(DocumentKind, pk=pk)
    restore = request.POST.get("restore") == "1"
    services.kind_archive(kind=kind, archived=not restore, by=request.user)
    messages.success(request, f"Вид «{kind}» {'возвращён из архива' if restore else 'перенесён в архив'}.")
    return redirect("library:kinds")


@require_POST
@requires(KINDS)
def kind_delete(request: AppRequest, pk: int) -> HttpResponse:
    kind = get_object_or_404(DocumentKind, pk=pk)
    try:
        services.kind_delete(kind=kind, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Вид «{kind}» удалён.")
    return redirect("library:kinds")


@requires(SETTINGS)
def settings_edit(request: AppRequest) -> HttpResponse:
    current = LibrarySettings.current()
    form = LibrarySettingsForm(
        request.POST or None,
        initial={"max_file_mb": current.max_file_mb, "digest_weekday": current.digest_weekday},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.library_settings_update(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Настройки сохранены.")
            return redirect("library:settings")
    return render(
        request,
        "library/documents/settings.html",
        {
            "form": form,
            "tab": "settings",
            "can_settings": True,
            "can_kinds": request.user.has_perm(KINDS),
            "breadcrumbs": _crumbs("Настройки банка документов"),
        },
    )
