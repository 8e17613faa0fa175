"""The register of documents issued, downloads, and the office's templates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from imo.core.access import AppRequest, requires
from imo.core.documents.downloads import attachment
from imo.core.documents.forms import NumberingForm, TemplateUploadForm
from imo.core.documents.models import CONTENT_TYPES
from imo.core.documents.permissions import MANAGE_TEMPLATES, VIEW_REGISTER
from imo.core.documents.registry import Format, get_kind_or_404
from imo.core.documents.rendering import DocumentError, render_docx_with, render_pdf
from imo.core.documents.selectors import (
    active_template,
    issued_document_get_for,
    issued_documents_visible_to,
    numbering_prefix,
    template_overview,
    template_version_get,
    template_versions,
)
from imo.core.documents.services import (
    common_context,
    numbering_prefix_set,
    template_activate,
    template_revert,
    template_upload,
)
from imo.core.documents.tables import RegisterTable
from imo.core.documents.validation import max_template_bytes, too_large_message

REGISTER_CRUMB = {"label": "Реестр выданных документов"}
TEMPLATES_CRUMB = {"label": "Шаблоны документов"}
DOCX_TYPE = CONTENT_TYPES[Format.DOCX]


def _read(field: FieldFile) -> bytes:
    try:
        with field.open("rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise Http404("Файл не найден в хранилище. Сообщите администратору.") from None


# --- the register -------------------------------------------------------------------------------------


def _register_table(request: AppRequest) -> RegisterTable:
    return RegisterTable(request, queryset=issued_documents_visible_to(user=request.user))


@requires(VIEW_REGISTER)
def register_list(request: AppRequest) -> HttpResponse:
    return _register_table(request).render("documents/register_list.html", {"breadcrumbs": [REGISTER_CRUMB]})


@requires(VIEW_REGISTER)
def register_export(request: AppRequest) -> HttpResponse:
    return _register_table(request).export_response()


@requires(VIEW_REGISTER)
def issued_download(request: AppRequest, pk: int) -> HttpResponse:
    document = issued_document_get_for(user=request.user, pk=pk)
    return attachment(_read(document.file), file_name=document.file_name, content_type=document.content_type)


# --- templates ----------------------------------------------------------------------------------------


@requires(MANAGE_TEMPLATES)
def template_list(request: AppRequest) -> HttpResponse:
    return render(
        request,
        "documents/template_list.html",
        {"statuses": template_overview(), "breadcrumbs": [TEMPLATES_CRUMB]},
    )


def _template_page(request: AppRequest, code: str, **forms: Any) -> HttpResponse:
    kind = get_kind_or_404(code)
    context = {
        "kind": kind,
        "active": active_template(code),
        "versions": template_versions(code),
        "prefix": numbering_prefix(code),
        "upload_form": forms.get("upload_form") or TemplateUploadForm(),
        "numbering_form": forms.get("numbering_form")
        or NumberingForm(initial={"number_prefix": numbering_prefix(code)}),
        "upload_errors": forms.get("upload_errors", []),
        "max_mb": max_template_bytes() // (1024 * 1024),
        "example_number": f"{numbering_prefix(code)}12/{timezone.localdate().year}",
        "breadcrumbs": [
            {"label": TEMPLATES_CRUMB["label"], "url": reverse("documents:templates")},
            {"label": kind.title},
        ],
    }
    status = 400 if forms.get("upload_errors") or forms.get("failed") else 200
    return render(request, "documents/template_detail.html", context, status=status)


@requires(MANAGE_TEMPLATES)
def template_detail(request: AppRequest, code: str) -> HttpResponse:
    """The kind's template: fields, history; POST uploads the office's replacement."""
    kind = get_kind_or_404(code)
    if request.method != "POST":
        return _template_page(request, code)
    form = TemplateUploadForm(request.POST, request.FILES)
    if not kind.has_docx:
        raise Http404("У этого документа нет шаблона Word.")
    if not form.is_valid():
        return _template_page(request, code, upload_form=form, failed=True)
    uploaded = form.cleaned_data["file"]
    if uploaded.size > max_template_bytes():  # refused before reading it into memory
        return _template_page(
            request, code, upload_form=form, upload_errors=[too_large_message(uploaded.size)]
        )
    try:
        template_upload(code=code, data=uploaded.read(), original_name=uploaded.name, by=request.user)
    except DocumentError as error:
        return _template_page(request, code, upload_form=form, upload_errors=error.messages)
    messages.success(
        request, f"Шаблон проверен и загружен: документы «{kind.title}» теперь формируются по нему."
    )
    return redirect("documents:template", code=code)


@require_POST
@requires(MANAGE_TEMPLATES)
def template_revert_view(request: AppRequest, code: str) -> HttpResponse:
    kind = get_kind_or_404(code)
    template_revert(code=code, by=request.user)
    messages.success(request, f"Для документов «{kind.title}» снова используется встроенный шаблон.")
    return redirect("documents:template", code=code)


@require_POST
@requires(MANAGE_TEMPLATES)
def template_activate_view(request: AppRequest, code: str, pk: int) -> HttpResponse:
    get_kind_or_404(code)
    version = template_version_get(code=code, pk=pk)
    try:
        template_activate(version=version, by=request.user)
    except DocumentError as error:
        return _template_page(request, code, upload_errors=error.messages)
    messages.success(request, f"Снова используется шаблон «{version.original_name}».")
    return redirect("documents:template", code=code)


@require_POST
@requires(MANAGE_TEMPLATES)
def template_numbering_view(request: AppRequest, code: str) -> HttpResponse:
    get_kind_or_404(code)
    form = NumberingForm(request.POST)
    if form.is_valid():
        try:
            numbering_prefix_set(code=code, prefix=form.cleaned_data["number_prefix"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Нумерация сохранена: она действует для следующих документов.")
            return redirect("documents:template", code=code)
    return _template_page(request, code, numbering_form=form, failed=True)


@requires(MANAGE_TEMPLATES)
def template_builtin_download(request: AppRequest, code: str) -> HttpResponse:
    kind = get_kind_or_404(code)
    if kind.docx_template is None:
        raise Http404("У этого документа нет шаблона Word.")
    return attachment(
        kind.docx_template.read_bytes(),
        file_name=f"Шаблон — {kind.title} (встроенный).docx",
        content_type=DOCX_TYPE,
    )


@requires(MANAGE_TEMPLATES)
def template_version_download(request: AppRequest, code: str, pk: int) -> HttpResponse:
    get_kind_or_404(code)
    version = template_version_get(code=code, pk=pk)
    return attachment(_read(version.file), file_name=version.original_name, content_type=DOCX_TYPE)


@requires(MANAGE_TEMPLATES)
def template_sample_download(request: AppRequest, code: str, fmt: str) -> HttpResponse:
    """The document filled with the kind's sample data, with the template in use: what it will look like."""
    kind = get_kind_or_404(code)
    if fmt not in kind.formats:
        raise Http404("Такого формата у документа нет.")
    today = timezone.localdate()
    number = f"{numbering_prefix(code)}12/{today.year}"
    context = {
        **kind.sample_context(fmt),
        **common_context(kind=kind, number=number, on=today, by=request.user),
    }
    try:
        if fmt == Format.PDF:
            content = render_pdf(kind.pdf_template, context)
        else:
            content = render_docx_with(kind, active_template(code), context)
    except DocumentError as error:
        return _template_page(request, code, upload_errors=error.messages)
    return attachment(content, file_name=f"Пример — {kind.title}.{fmt}", content_type=CONTENT_TYPES[fmt])
