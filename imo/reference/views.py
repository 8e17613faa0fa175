"""Reference data: the index of catalogues; subjects and positions (list, Excel, create, edit, archive,
delete); grades (list, Excel, archive); academic years (list with the current one, Excel, add, archive,
delete). The whole office reads them; editors change them; nothing in use is deleted."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from imo.core.access import AppRequest, requires
from imo.reference.catalogues import ACADEMIC_YEARS, ALL_CATALOGUES, GRADES, Catalogue
from imo.reference.forms import AcademicYearForm, PositionForm, SubjectForm
from imo.reference.models import AcademicYear, Grade
from imo.reference.selectors import (
    academic_year_current,
    academic_year_next_start,
    catalogue_counts,
    catalogue_rows,
    current_academic_year_start,
    item_get,
)
from imo.reference.services import (
    academic_year_create,
    item_archive,
    item_create,
    item_delete,
    item_unarchive,
    item_update,
)
from imo.reference.tables import ITEM_TABLES, AcademicYearTable, GradeTable, ItemTable

ITEM_FORMS: dict[str, type[SubjectForm] | type[PositionForm]] = {
    "subjects": SubjectForm,
    "positions": PositionForm,
}
VIEW = "reference.view_reference"
CHANGE = "reference.change_reference"


def _crumbs(catalogue: Catalogue | None = None, *tail: str) -> list[dict[str, str]]:
    """Справочники › <catalogue> › <tail>; the last crumb is the current page."""
    crumbs = [{"label": "Справочники", "url": reverse("reference:index")}]
    if catalogue is not None:
        crumbs.append({"label": catalogue.title, "url": catalogue.url})
    crumbs.extend({"label": label} for label in tail)
    return crumbs


def _render_list(
    request: AppRequest, table: ItemTable | GradeTable | AcademicYearTable, template: str, **extra: object
) -> HttpResponse:
    """The list page, or only its results when htmx asks (a filter, a sort or a page changed)."""
    return table.render(
        template,
        {
            "catalogue": table.catalogue,
            "can_change": table.editable,
            "breadcrumbs": _crumbs(None, table.catalogue.title),
            **extra,
        },
    )


def _item_table(request: AppRequest, catalogue: Catalogue, *, editable: bool = False) -> ItemTable:
    table_class = ITEM_TABLES[catalogue.key]
    return table_class(request, queryset=catalogue_rows(model=catalogue.model), editable=editable)


def _apply(request: AppRequest, action: Callable[[], object], success: str) -> None:
    """Run a POST-only service and report the outcome as a message (the in-use refusal included)."""
    if request.method != "POST":
        return
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)


def _back(request: AppRequest, default: str) -> HttpResponse:
    """Back to the list the action was started from (its filters and page kept), else to `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


@requires(VIEW)
def index(request: AppRequest) -> HttpResponse:
    counts = catalogue_counts()
    return render(
        request,
        "reference/index.html",
        {
            "cards": [(catalogue, counts[catalogue.key]) for catalogue in ALL_CATALOGUES],
            "current_year": academic_year_current(),
            "current_start": current_academic_year_start(),
            "breadcrumbs": [{"label": "Справочники"}],
        },
    )


# --- Subjects and positions ---------------------------------------------------------------------------


@requires(VIEW)
def item_list_view(request: AppRequest, catalogue: Catalogue) -> HttpResponse:
    can_change = request.user.has_perm(CHANGE)
    return _render_list(
        request,
        _item_table(request, catalogue, editable=can_change),
        "reference/item_list.html",
        empty_action_url=reverse("reference:item_create", args=[catalogue.key]) if can_change else "",
        empty_action_label=catalogue.new_label,
    )


@requires(VIEW)
def item_export(request: AppRequest, catalogue: Catalogue) -> HttpResponse:
    return _item_table(request, catalogue).export_response()


@requires(CHANGE)
def item_create_view(request: AppRequest, catalogue: Catalogue) -> HttpResponse:
    form = ITEM_FORMS[catalogue.key](request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = item_create(model=catalogue.model, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Запись «{item}» добавлена в справочник «{catalogue.title}».")
            return redirect(catalogue.url)
    return render(
        request,
        "reference/item_form.html",
        {
            "form": form,
            "catalogue": catalogue,
            "title": catalogue.new_label,
            "breadcrumbs": _crumbs(catalogue, "Новая запись"),
        },
    )


@requires(CHANGE)
def item_edit(request: AppRequest, catalogue: Catalogue, pk: int) -> HttpResponse:
    item = item_get(model=catalogue.model, pk=pk)
    title = f"Редактирование: {item}"  # before the form changes the instance
    form = ITEM_FORMS[catalogue.key](request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            item_update(item=item, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect(catalogue.url)
    return render(
        request,
        "reference/item_form.html",
        {
            "form": form,
            "catalogue": catalogue,
            "item": item,
            "title": title,
            "breadcrumbs": _crumbs(catalogue, "Редактирование"),
        },
    )


@requires(CHANGE)
def item_archive_view(request: AppRequest, catalogue: Catalogue, pk: int) -> HttpResponse:
    item = item_get(model=catalogue.model, pk=pk)
    _apply(
        request,
        lambda: item_archive(item=item, by=request.user),
        f"Запись «{item}» отправлена в архив: в новых записях её не выбрать, в прежних она сохранится.",
    )
    return _back(request, catalogue.url)


@requires(CHANGE)
def item_unarchive_view(request: AppRequest, catalogue: Catalogue, pk: int) -> HttpResponse:
    item = item_get(model=catalogue.model, pk=pk)
    _apply(
        request, lambda: item_unarchive(item=item, by=request.user), f"Запись «{item}» возвращена из архива."
    )
    return _back(request, catalogue.url)


@requires(CHANGE)
def item_delete_view(request: AppRequest, catalogue: Catalogue, pk: int) -> HttpResponse:
    item = item_get(model=catalogue.model, pk=pk)
    _apply(request, lambda: item_delete(item=item, by=request.user), f"Запись «{item}» удалена.")
    return _back(request, catalogue.url)


# --- Grades -------------------------------------------------------------------------------------------


@requires(VIEW)
def grade_list_view(request: AppRequest) -> HttpResponse:
    table = GradeTable(request, queryset=catalogue_rows(model=Grade), editable=request.user.has_perm(CHANGE))
    return _render_list(request, table, "reference/grade_list.html")


@requires(VIEW)
def grade_export(request: AppRequest) -> HttpResponse:
    return GradeTable(request, queryset=catalogue_rows(model=Grade)).export_response()


@requires(CHANGE)
def grade_archive_view(request: AppRequest, pk: int) -> HttpResponse:
    grade = item_get(model=Grade, pk=pk)
    _apply(request, lambda: item_archive(item=grade, by=request.user), f"{grade} отправлен в архив.")
    return _back(request, GRADES.url)


@requires(CHANGE)
def grade_unarchive_view(request: AppRequest, pk: int) -> HttpResponse:
    grade = item_get(model=Grade, pk=pk)
    _apply(request, lambda: item_unarchive(item=grade, by=request.user), f"{grade} возвращён из архива.")
    return _back(request, GRADES.url)


# --- Academic years -----------------------------------------------------------------------------------


@requires(VIEW)
def academic_year_list_view(request: AppRequest) -> HttpResponse:
    can_change = request.user.has_perm(CHANGE)
    table = AcademicYearTable(request, queryset=catalogue_rows(model=AcademicYear), editable=can_change)
    next_start = academic_year_next_start()
    return _render_list(
        request,
        table,
        "reference/academic_year_list.html",
        next_start=next_start,
        next_name=f"{next_start}/{next_start + 1}",
        empty_action_url=reverse("reference:academic_year_create") if can_change else "",
        empty_action_label="Добавить учебный год",
    )


@requires(VIEW)
def academic_year_export(request: AppRequest) -> HttpResponse:
    return AcademicYearTable(request, queryset=catalogue_rows(model=AcademicYear)).export_response()


@requires(CHANGE)
def academic_year_create_view(request: AppRequest) -> HttpResponse:
    form = AcademicYearForm(request.POST or None, initial={"start_year": academic_year_next_start()})
    if request.method == "POST" and form.is_valid():
        try:
            year = academic_year_create(start_year=form.cleaned_data["start_year"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Учебный год {year} добавлен.")
            return redirect(ACADEMIC_YEARS.url)
    return render(
        request,
        "reference/academic_year_form.html",
        {"form": form, "breadcrumbs": _crumbs(ACADEMIC_YEARS, "Новый учебный год")},
    )


@requires(CHANGE)
def academic_year_archive_view(request: AppRequest, pk: int) -> HttpResponse:
    year = item_get(model=AcademicYear, pk=pk)
    _apply(
        request, lambda: item_archive(item=year, by=request.user), f"Учебный год {year} отправлен в архив."
    )
    return _back(request, ACADEMIC_YEARS.url)


@requires(CHANGE)
def academic_year_unarchive_view(request: AppRequest, pk: int) -> HttpResponse:
    year = item_get(model=AcademicYear, pk=pk)
    _apply(
        request,
        lambda: item_unarchive(item=year, by=request.user),
        f"Учебный год {year} возвращён из архива.",
    )
    return _back(request, ACADEMIC_YEARS.url)


@requires(CHANGE)
def academic_year_delete_view(request: AppRequest, pk: int) -> HttpResponse:
    year = item_get(model=AcademicYear, pk=pk)
    _apply(request, lambda: item_delete(item=year, by=request.user), f"Учебный год {year} удалён.")
    return _back(request, ACADEMIC_YEARS.url)
