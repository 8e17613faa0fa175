"""Pages of completed courses: the district's list with its Excel export, the confirmation queue,
entering / changing / deleting a course of an educator, confirming or rejecting it, and the scan.

Every view starts with its access check: `requires` for the lists, `educator_get_for` /
`record_get_for` for one educator or record (404 outside the user's scope, 403 without the permission)."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from imo.core.access import AppRequest, login_only, requires
from imo.core.conflicts import loaded_version, track_version, without_version
from imo.core.documents.downloads import attachment
from imo.core.forms import add_service_errors
from imo.core.paging import page_size
from imo.orgs.models import Role
from imo.orgs.selectors import has_role
from imo.staff.access_log import log_table_access
from imo.staff.models import Educator
from imo.staff.selectors import at_own_school, educator_get_for
from imo.training.models import CourseRecord, TrainingSettings
from imo.training.records import selectors, services
from imo.training.records.forms import RecordForm, RejectForm
from imo.training.records.rules import rights_for
from imo.training.records.tables import RecordTable, document_text

SECTION = "#section-training_records"


def _profile_url(educator: Educator) -> str:
    return reverse("staff:detail", args=[educator.pk]) + SECTION


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _crumbs(request: HttpRequest, educator: Educator | None, label: str) -> list[dict[str, str]]:
    crumbs: list[dict[str, str]] = []
    if request.user.has_perm("training.view_records"):
        crumbs.append({"label": "Курсы повышения квалификации", "url": reverse("training:records")})
    if educator is not None:
        crumbs.append({"label": educator.full_name, "url": _profile_url(educator)})
    crumbs.append({"label": label})
    return crumbs


# --- the district's list --------------------------------------------------------------------------


def _table(request: HttpRequest) -> RecordTable:
    return RecordTable(request, queryset=selectors.record_list(user=request.user))


@requires("training.view_records")
def record_list(request: AppRequest) -> HttpResponse:
    table = _table(request)
    response = table.render(
        "training/records/list.html",
        {
            "pending_count": selectors.pending_count_for(user=request.user)
            if request.user.has_perm("training.confirm_records")
            else 0,
            "breadcrumbs": [{"label": "Курсы повышения квалификации"}],
        },
    )
    log_table_access(
        table, user=request.user, what="Курсы повышения квалификации", educator_fields=["educator_id"]
    )
    return response


@requires("training.view_records")
def record_export(request: AppRequest) -> HttpResponse:
    table = _table(request)
    log_table_access(
        table,
        user=request.user,
        what="Курсы повышения квалификации",
        export=True,
        educator_fields=["educator_id"],
    )
    return table.export_response()


# --- the confirmation queue -----------------------------------------------------------------------


@requires("training.confirm_records")
def record_pending(request: AppRequest) -> HttpResponse:
    queryset = (
        selectors.pending_for(user=request.user)
        .select_related("educator", "provider")
        .order_by("created_at", "pk")
    )
    page = Paginator(queryset, page_size(request)).get_page(request.GET.get("page"))
    rows = [{"record": record, "document": document_text(record)} for record in page.object_list]
    settings = TrainingSettings.current()
    for row in rows:
        record = row["record"]
        row["warning"] = services.other_provider_warning(record, settings)
    return render(
        request,
        "training/records/pending.html",
        {
            "page": page,
            "rows": rows,
            "reject_form": RejectForm(),
            "breadcrumbs": _crumbs(request, None, "Подтверждение курсов"),
        },
    )


# --- one educator's course ------------------------------------------------------------------------


def _source(user: Any, educator: Educator) -> str:
    """Who enters the course: the educator about themselves (waits for confirmation), the school admin
    of their school, or the office."""
    rights = rights_for(user, educator)
    if not rights.edits:
        return CourseRecord.Source.EDUCATOR
    if has_role(user, {Role.SCHOOL_ADMIN}) and at_own_school(user, educator):
        return CourseRecord.Source.SCHOOL
    return CourseRecord.Source.OFFICE


def _typed_warning(form: RecordForm) -> str:
    """The "does not count" warning for what was typed into a form that came back with errors."""
    cleaned = getattr(form, "cleaned_data", None)
    if not form.is_bound or not cleaned or not cleaned.get("ends_on"):
        return ""
    programme, provider = cleaned.get("programme"), cleaned.get("provider")
    provider = programme.provider if programme is not None else provider
    kind = provider.kind if provider is not None else cleaned.get("provider_kind", "")
    draft = CourseRecord(provider_kind=kind, ends_on=cleaned["ends_on"])
    return services.other_provider_warning(draft)


def _form_page(
    request: HttpRequest,
    form: RecordForm,
    *,
    educator: Educator,
    title: str,
    record: CourseRecord | None = None,
) -> HttpResponse:
    """The course form, empty or with what was posted and a Russian message at every wrong field. An
    invalid form answers 200, as most of the project's form pages do: it is the page to correct and send
    again, not a failed request."""
    warning = _typed_warning(form) or (services.other_provider_warning(record) if record is not None else "")
    return render(
        request,
        "training/records/form.html",
        {
            "form": form,
            "educator": educator,
            "record": record,
            "title": title,
            "warning": warning,
            "back": _profile_url(educator),
            "will_wait": _source(request.user, educator) == CourseRecord.Source.EDUCATOR,
            "breadcrumbs": _crumbs(request, educator, title),
        },
    )


def _after_save(request: HttpRequest, record: CourseRecord, done: str) -> None:
    messages.success(request, done)
    warning = services.other_provider_warning(record)
    if warning:
        messages.warning(request, warning)
    if record.status == CourseRecord.Status.PENDING:
        messages.info(request, "Запись ожидает подтверждения администратором школы или ИМО.")


def _posted_data(request: HttpRequest) -> tuple[Any, Any]:
    """The form's data and files: bound on every POST, even one with no fields at all. `request.POST or
    None` left a POST of an untouched form (nothing filled in, so nothing sent) unbound: the page came
    back empty with no message saying which fields are required."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


@login_only
def record_add(request: AppRequest, educator_pk: int) -> HttpResponse:
    educator = educator_get_for(user=request.user, pk=educator_pk, permission="training.add_record")
    settings = TrainingSettings.current()
    form = RecordForm(*_posted_data(request), scan_max_mb=settings.scan_max_mb)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_create(
                educator=educator,
                data=form.data_for_service(),
                by=request.user,
                source=_source(request.user, educator),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _after_save(request, record, "Курс добавлен.")
            return redirect(_profile_url(educator))
    return _form_page(request, form, educator=educator, title="Добавить курс повышения квалификации")


def _initial(record: CourseRecord) -> dict[str, Any]:
    names = [name for name in services.FIELDS if name != "plan_line"]
    initial = {name: getattr(record, name) for name in names}
    initial["topics"] = list(record.topics.all())
    return initial


@login_only
def record_edit(request: AppRequest, pk: int) -> HttpResponse:
    record = selectors.record_get_for(user=request.user, pk=pk, permission="training.change_record")
    settings = TrainingSettings.current()
    form = RecordForm(
        *_posted_data(request),
        initial=_initial(record),
        scan_max_mb=settings.scan_max_mb,
        has_scan=bool(record.scan),
    )
    track_version(form, record)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.record_update(
                    record=record,
                    data=without_version(form.data_for_service()),
                    by=request.user,
                    version=loaded_version(form),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                _after_save(request, record, "Изменения сохранены.")
                return redirect(_profile_url(record.educator))
        record.refresh_from_db()
    return _form_page(
        request, form, educator=record.educator, record=record, title="Курс повышения квалификации: изменение"
    )


@login_only
def record_delete(request: AppRequest, pk: int) -> HttpResponse:
    record = selectors.record_get_for(user=request.user, pk=pk, permission="training.delete_record")
    educator = record.educator
    if request.method == "POST":
        try:
            services.record_delete(record=record, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"Курс «{record.title}» удалён.")
        return redirect(_profile_url(educator))
    return render(
        request,
        "training/records/confirm_delete.html",
        {
            "record": record,
            "educator": educator,
            "back": _profile_url(educator),
            "breadcrumbs": _crumbs(request, educator, "Удаление курса"),
        },
    )


@require_POST
@login_only
def record_confirm(request: AppRequest, pk: int) -> HttpResponse:
    record = selectors.record_get_for(user=request.user, pk=pk, permission="training.confirm_record")
    try:
        services.record_confirm(record=record, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Курс «{record.title}» педагога {record.educator.full_name} подтверждён.")
    return redirect(_next(request, reverse("training:records_pending")))


@require_POST
@login_only
def record_reject(request: AppRequest, pk: int) -> HttpResponse:
    record = selectors.record_get_for(user=request.user, pk=pk, permission="training.confirm_record")
    form = RejectForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(services.MSG_REASON)
        services.record_reject(record=record, reason=form.cleaned_data["reason"], by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Курс «{record.title}» педагога {record.educator.full_name} отклонён.")
    return redirect(_next(request, reverse("training:records_pending")))


@login_only
def record_scan(request: AppRequest, pk: int) -> HttpResponse:
    record = selectors.record_get_for(user=request.user, pk=pk)
    if not record.scan:
        raise Http404("Скан не приложен.")
    with record.scan.open("rb") as stored:
        content = stored.read()
    extension = record.scan.name.rsplit(".", 1)[-1].lower() if "." in record.scan.name else "pdf"
    number = record.document_number.replace("/", "-").replace("\\", "-")
    name = f"Скан документа {number or record.pk}, {record.educator.last_name}.{extension}"
    content_type = mimetypes.guess_type(f"x.{extension}")[0] or "application/octet-stream"
    return attachment(content, file_name=name, content_type=content_type)
