"""Pages of the application pipeline (issue #5, item 3): the list, starting an application, one
application with its portfolio, history and the actions the viewer may take.

Every view starts with its access check: `requires` for the list and the start page, then
`application_get_for` (404 outside the user's scope) and `check` of the action's permission (403).
Actions are POSTs that redirect back with a message (PRG); bad input re-renders the application page
with the form's Russian errors and saves nothing.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from imo.attestation.applications import documents, selectors, services
from imo.attestation.applications.forms import (
    AcceptForm,
    ApplicationForm,
    CommentForm,
    DecideForm,
    FileForm,
    ForwardForm,
)
from imo.attestation.applications.services import EDITABLE, FILES_EDITABLE
from imo.attestation.applications.tables import ApplicationTable, badge_class
from imo.attestation.models import Application, ApplicationFile
from imo.core.access import AppRequest, check, login_only, requires
from imo.core.documents.downloads import attachment
from imo.core.forms import add_service_errors
from imo.core.text import fold
from imo.reference.models import Position
from imo.staff.access_log import log_table_access, personal_data_access_log
from imo.staff.models import Educator, Employment, PersonalDataAccess
from imo.staff.selectors import active_on, educator_get_for, educator_of_user

Status = Application.Status

VIEW_LIST = "attestation.view_applications"
VIEW = "attestation.view_application"
START = "attestation.start_application"
EDIT = "attestation.edit_application"
CHECK = "attestation.check_application"
DECIDE = "attestation.decide_application"
WITHDRAW = "attestation.withdraw_application"

SEARCH_LIMIT = 20


def _sees_others(user: Any) -> bool:
    """Office members and school admins see other people's applications; a teacher only their own."""
    return bool(user.has_perm("staff.view_educator_list"))


# --- the list -------------------------------------------------------------------------------------


def _table(request: HttpRequest) -> ApplicationTable:
    return ApplicationTable(request, queryset=selectors.application_list(user=request.user))


@requires(VIEW_LIST)
def application_list(request: AppRequest) -> HttpResponse:
    table = _table(request)
    title = "Заявления на аттестацию" if _sees_others(request.user) else "Мои заявления на аттестацию"
    can_start = selectors.educators_may_apply_for(user=request.user).exists()
    response = table.render(
        "attestation/applications/list.html",
        {"title": title, "can_start": can_start},
    )
    log_table_access(
        table, user=request.user, what="Заявления на аттестацию", educator_fields=["educator_id"]
    )
    return response


@requires(VIEW_LIST)
def application_export(request: AppRequest) -> HttpResponse:
    table = _table(request)
    log_table_access(
        table, user=request.user, what="Заявления на аттестацию", export=True, educator_fields=["educator_id"]
    )
    return table.export_response()


# --- starting an application ----------------------------------------------------------------------


def _positions(educator: Educator) -> QuerySet[Position]:
    """The positions of the educator's current employments (the choices of the form)."""
    current = Employment.objects.filter(active_on(timezone.localdate()), educator=educator)
    return Position.objects.filter(pk__in=current.values("position_id")).order_by("name")


def _educator_search(request: HttpRequest, candidates: QuerySet[Educator]) -> tuple[str, list[Educator]]:
    query = request.GET.get("q", "").strip()[:100]
    if not query:
        return "", []
    for word in fold(query).split():
        candidates = candidates.filter(search_text__contains=word)
    return query, list(candidates.order_by("name_key", "pk")[:SEARCH_LIMIT])


@requires(VIEW_LIST)
def application_start(request: AppRequest) -> HttpResponse:
    raw = request.GET.get("educator", "")
    if not raw:
        if not _sees_others(request.user):
            own = educator_of_user(request.user)
            if own is None:
                raise Http404("Нет записи педагога, связанной с учётной записью.")
            return redirect(f"{reverse('attestation:application_start')}?educator={own.pk}")
        candidates = selectors.educators_may_apply_for(user=request.user)
        if not candidates.exists():
            raise PermissionDenied
        query, found = _educator_search(request, candidates)
        return render(
            request,
            "attestation/applications/pick_educator.html",
            {"query": query, "found": found, "limit": SEARCH_LIMIT},
        )
    if not raw.isdecimal():
        raise Http404
    educator = educator_get_for(user=request.user, pk=int(raw), permission=START)
    positions = _positions(educator)
    initial: dict[str, Any] = {}
    if positions.count() == 1:
        initial["position"] = positions.first()
    form = ApplicationForm(request.POST or None, positions=positions, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_start(
                educator=educator,
                kind=form.cleaned_data["kind"],
                by=request.user,
                position=form.cleaned_data["position"],
                simplified=form.cleaned_data["simplified"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Заявление создано. Добавьте файлы портфолио и передайте заявление на проверку в ИМО.",
            )
            return redirect("attestation:application", application.pk)
    return render(
        request,
        "attestation/applications/form.html",
        {
            "title": f"Заявление на аттестацию: {educator}",
            "form": form,
            "educator": educator,
            "back": reverse("staff:detail", args=[educator.pk]),
            "submit_label": "Создать заявление",
        },
    )


# --- one application ------------------------------------------------------------------------------


def _get(request: HttpRequest, pk: int, permission: str = VIEW) -> Application:
    application: Application = selectors.application_get_for(user=request.user, pk=pk)
    check(request.user, permission, application)
    return application


def _detail(request: HttpRequest, application: Application, status: int = 200, **forms_: Any) -> HttpResponse:
    user = request.user
    detail = selectors.application_detail(application=application)
    state = application.status
    can_edit = state in EDITABLE and user.has_perm(EDIT, application)
    can_files = state in FILES_EDITABLE and user.has_perm(EDIT, application)
    can_check = user.has_perm(CHECK, application)
    can_decide = user.has_perm(DECIDE, application)
    can_withdraw = application.is_active and user.has_perm(WITHDRAW, application)

    def shown(name: str, allowed: bool, make: Callable[[], forms.Form]) -> forms.Form | None:
        if name in forms_:
            return forms_[name]
        return make() if allowed else None

    context = {
        "application": application,
        "detail": detail,
        "educator": application.educator,
        "badge": badge_class(state),
        "can_edit": can_edit,
        "can_check": can_check,
        "cover_letter": can_check and state in (Status.SUBMITTED, Status.FORWARDED, Status.ACCEPTED),
        "can_files": can_files,
        "file_form": shown("file_form", can_files, FileForm),
        "submit_form": shown(
            "submit_form",
            can_edit,
            lambda: CommentForm(required=False, label="Комментарий для ИМО", prefix="submit"),
        ),
        "comment_form": shown(
            "comment_form", can_check and application.is_active, lambda: CommentForm(prefix="comment")
        ),
        "return_form": shown(
            "return_form",
            can_check and state == Status.SUBMITTED,
            lambda: CommentForm(label="Что исправить", prefix="return"),
        ),
        "forward_form": shown("forward_form", can_check and state == Status.SUBMITTED, ForwardForm),
        "accept_form": shown("accept_form", can_check and state == Status.FORWARDED, AcceptForm),
        "decide_form": shown(
            "decide_form", can_decide and state in (Status.FORWARDED, Status.ACCEPTED), DecideForm
        ),
        "withdraw_form": shown(
            "withdraw_form",
            can_withdraw,
            lambda: CommentForm(required=False, label="Причина", prefix="withdraw"),
        ),
    }
    return render(request, "attestation/applications/detail.html", context, status=status)


@login_only
def application_detail(request: AppRequest, pk: int) -> HttpResponse:
    application = _get(request, pk)
    personal_data_access_log(
        user=request.user,
        action=PersonalDataAccess.Action.VIEW,
        educator_ids=[application.educator_id],
        what=f"Заявление на аттестацию № {application.pk}",
    )
    return _detail(request, application)


@login_only
def application_edit(request: AppRequest, pk: int) -> HttpResponse:
    application = _get(request, pk, EDIT)
    if application.status not in EDITABLE:  # the service refuses too; say it before the form
        messages.error(request, "Изменить можно только черновик или заявление, возвращённое на доработку.")
        return redirect("attestation:application", application.pk)
    positions = _positions(application.educator)
    if application.position_id:
        positions = positions | Position.objects.filter(pk=application.position_id)
    initial = {
        "position": application.position,
        "simplified": application.simplified,
        "note": application.note,
    }
    form = ApplicationForm(request.POST or None, positions=positions, with_kind=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(application=application, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect("attestation:application", application.pk)
    return render(
        request,
        "attestation/applications/form.html",
        {
            "title": f"{application}: {application.educator}",
            "form": form,
            "educator": application.educator,
            "back": reverse("attestation:application", args=[application.pk]),
            "submit_label": "Сохранить",
        },
    )


def _act(
    request: HttpRequest,
    application: Application,
    form: forms.Form,
    *,
    form_name: str,
    action: Callable[[forms.Form], Any],
    done: str,
    anchor: str = "",
) -> HttpResponse:
    """Validate `form`, run the service; on success redirect with `done`, else show the errors."""
    if form.is_valid():
        try:
            action(form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(reverse("attestation:application", args=[application.pk]) + anchor)
    messages.error(request, "Действие не выполнено: исправьте ошибки в форме ниже.")
    return _detail(request, application, status=400, **{form_name: form})


@require_POST
@login_only
def application_submit(request: AppRequest, pk: int) -> HttpResponse:
    application = _get(request, pk, EDIT)
    form = CommentForm(request.POST, required=False, label="Комментарий для ИМО", prefix="submit")
    return _act(
        request,
        application,
        form,
        form_name="submit_form",
        action=lambda f: services.application_submit(
            application=application, by=request.user, comment=f.cleaned_data["comment"]
        ),
        done="Заявление передано на проверку в ИМО.",
    )


@require_POST
@login_only
def application_comment(request: AppRequest, pk: int) -> HttpResponse:
    application = _get(request, pk, CHECK)
    form = CommentForm(request.POST, prefix="comment")
    return _act(
        request,
        application,
        form,
        form_name="comment_form",
        action=lambda f: services.application_comment(
            application=application, by=request.user, comment=f.cleaned_data["comment"]
        ),
        done="Комментарий добавлен.",
        anchor="#history",
    )


@require_POST
@login_only
def application_return(request: AppRequest, pk: int) -> HttpResponse:
    application = _get(request, pk, CHECK)
    form = CommentForm(request.POST, label="Что исправить", prefix="return")
    return _act(
        request,
        application,
        form,
        form_name="return_form",
        action=lambda f: services.application_return(
            application=application, by=request.user, comment=f.cleaned_data["comment"]
        ),
        done="Заявление возвращено педагогу на доработку.",
    )


@require_POST
@login_only
def application_forward(request: AppRequest, pk: int) -> HttpResponse:
    application = _get(request, pk, CHECK)
    form = ForwardForm(request.POST)
    return _act(
        request,
        application,
        form,
        form_name="forward_form",
        action=lambda f: services.application_forward(
            application=application,
            by=request.user,
            letter_number=f.cleaned_data["letter_number"],
            forwarded_on=f.cleaned_data["forwarded_on"],
        ),
        done="Заявление направлено в аттестационную комиссию. Скачайте сопроводительное письмо.",
    )


@require_POST
@login_only
def application_accept(request: AppRequest, pk: int) -> HttpResponse:
    application = _get(request, pk, CHECK)
    form = AcceptForm(request.POST)
    return _act(
        request,
        application,
        form,
        form_name="accept_form",
        action=lambda f: services.application_accept(
            application=application, by=request.user, accepted_on=f.cleaned_data["accepted_on"]
        ),
        done="Отмечено: заявление принято комиссией к рассмотрению.",
    )


@require_POST
@login_only
def application_decide(request: AppRequest, pk: int) -> HttpResponse:
    application = _get(request, pk, DECIDE)
    form = DecideForm(request.POST)

    def decide(f: forms.Form) -> Any:
        assert isinstance(f, DecideForm)
        return services.application_decide(
            application=application,
            by=request.user,
            awarded=f.awarded,
            order_number=f.cleaned_data["order_number"],
            order_date=f.cleaned_data["order_date"],
            decided_on=f.cleaned_data["decided_on"],
            comment=f.cleaned_data["comment"],
        )

    return _act(
        request, application, form, form_name="decide_form", action=decide, done="Решение комиссии записано."
    )


@require_POST
@login_only
def application_withdraw(request: AppRequest, pk: int) -> HttpResponse:
    application = _get(request, pk, WITHDRAW)
    form = CommentForm(request.POST, required=False, label="Причина", prefix="withdraw")
    return _act(
        request,
        application,
        form,
        form_name="withdraw_form",
        action=lambda f: services.application_withdraw(
            application=application, by=request.user, comment=f.cleaned_data["comment"]
        ),
        done="Заявление отозвано.",
    )


# --- files and the cover letter -------------------------------------------------------------------


@require_POST
@login_only
def application_file_add(request: AppRequest, pk: int) -> HttpResponse:
    application = _get(request, pk, EDIT)
    form = FileForm(request.POST, request.FILES)
    return _act(
        request,
        application,
        form,
        form_name="file_form",
        action=lambda f: services.application_file_add(
            application=application,
            by=request.user,
            title=f.cleaned_data["title"],
            file=f.cleaned_data["file"],
        ),
        done="Файл добавлен в портфолио.",
        anchor="#files",
    )


@require_POST
@login_only
def application_file_remove(request: AppRequest, pk: int, file_pk: int) -> HttpResponse:
    application = _get(request, pk, EDIT)
    file = get_object_or_404(ApplicationFile, pk=file_pk, application=application)
    try:
        services.application_file_remove(file=file, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Файл «{file.title}» удалён.")
    return redirect(reverse("attestation:application", args=[application.pk]) + "#files")


@login_only
def application_file(request: AppRequest, pk: int, file_pk: int) -> HttpResponse:
    application = _get(request, pk)
    file = get_object_or_404(ApplicationFile, pk=file_pk, application=application)
    with file.file.open("rb") as stored:
        content = stored.read()
    name = file.file.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return attachment(content, file_name=name, content_type=content_type)


@login_only
def application_cover_letter(request: AppRequest, pk: int) -> HttpResponse:
    application = _get(request, pk, CHECK)
    return attachment(
        documents.cover_letter_docx(application=application, by=request.user),
        file_name=documents.cover_letter_name(application),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
