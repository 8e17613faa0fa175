"""Pages of olympiads/students: students per year, parents' statements, enrolment, import, carry-over.

olympiads.view reads (office, school admins), olympiads.register writes (office editors, school admins for
their own school); teachers get 403; another school's student answers 404.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from imo.core.access import AppRequest, requires
from imo.core.documents.downloads import attachment
from imo.core.excel import ExportColumn, write_xlsx, xlsx_response
from imo.core.forms import add_service_errors
from imo.core.imports import views as import_views
from imo.core.imports.selectors import import_run_get_for
from imo.core.paging import paginate
from imo.olympiads.imports import STUDENT_IMPORT
from imo.olympiads.models import Student
from imo.olympiads.students import selectors, services
from imo.olympiads.students.consent import consent_deadline
from imo.olympiads.students.forms import CarryOverForm, ConsentForm, EnrolmentForm, StudentForm
from imo.olympiads.students.tables import ConsentTable, StudentTable
from imo.reference.models import AcademicYear
from imo.staff.access_log import log_table_access

VIEW = "olympiads.view"
REGISTER = "olympiads.register"
SECTION = "Обучающиеся (олимпиады)"


def _crumbs(*tail: tuple[str, str] | str) -> list[dict[str, str]]:
    crumbs = [{"label": SECTION, "url": reverse("olympiads:students")}]
    for item in tail:
        crumbs.append({"label": item[0], "url": item[1]} if isinstance(item, tuple) else {"label": item})
    return crumbs


def _year_or_404(request: AppRequest) -> AcademicYear:
    year = selectors.academic_year_from(request)
    if year is None:
        raise Http404("Учебный год не заведён.")
    return year


def _next(request: AppRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _can_write(request: AppRequest) -> bool:
    return bool(request.user.has_perm(REGISTER))


# --- students ---------------------------------------------------------------------------------------


@requires(VIEW)
def student_list(request: AppRequest) -> HttpResponse:
    editable = _can_write(request)
    rows = selectors.students_visible_to(user=request.user, academic_year=None)
    table = StudentTable(request, queryset=rows, editable=editable)
    response = table.render(
        "olympiads/students/student_list.html",
        {
            "can_write": editable,
            "tab": "students",
            "breadcrumbs": [{"label": SECTION}],
            "empty_action_url": reverse("olympiads:student_create") if editable else "",
            "empty_action_label": "Добавить обучающегося",
        },
    )
    log_table_access(table, user=request.user, what="Список обучающихся", subject_model=Student)
    return response


@requires(VIEW)
def student_export(request: AppRequest) -> HttpResponse:
    rows = selectors.students_visible_to(user=request.user, academic_year=None)
    table = StudentTable(request, queryset=rows)
    log_table_access(table, user=request.user, what="Список обучающихся", export=True, subject_model=Student)
    return table.export_response()


def _student_form_page(request: AppRequest, form: StudentForm, title: str, back: str) -> HttpResponse:
    return render(
        request,
        "olympiads/students/form.html",
        {"form": form, "title": title, "back": back, "breadcrumbs": _crumbs(title)},
    )


@requires(REGISTER)
def student_create(request: AppRequest) -> HttpResponse:
    year = _year_or_404(request)
    schools = selectors.schools_visible_to(user=request.user, write=True)
    form = StudentForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            student = services.student_create(academic_year=year, **data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{student} добавлен(а) в список {year.name} учебного года.")
            if "another" in request.POST:
                return redirect(reverse("olympiads:student_create") + f"?year={year.start_year}")
            return redirect(reverse("olympiads:students") + f"?year={year.start_year}")
    return _student_form_page(
        request, form, f"Новый обучающийся, {year.name} учебный год", reverse("olympiads:students")
    )


@requires(REGISTER)
def student_edit(request: AppRequest, pk: int) -> HttpResponse:
    student = selectors.student_get_for(user=request.user, pk=pk, write=True)
    initial = {field: getattr(student, field) for field in services.STUDENT_FIELDS}
    form = StudentForm(request.POST or None, initial=initial, schools=None, with_school=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.student_update(student=student, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Данные обучающегося {student} сохранены.")
            return redirect(
                _next(request, reverse("olympiads:students") + f"?year={student.academic_year.start_year}")
            )
    return _student_form_page(request, form, f"{student}: изменить", reverse("olympiads:students"))


@requires(REGISTER)
def student_delete(request: AppRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    student = selectors.student_get_for(user=request.user, pk=pk, write=True)
    try:
        services.student_delete(student=student, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{student} удалён(а) из списка.")
    return redirect(_next(request, reverse("olympiads:students")))


@requires(REGISTER)
def students_carry_over(request: AppRequest) -> HttpResponse:
    year = _year_or_404(request)
    previous = AcademicYear.objects.filter(start_year=year.start_year - 1).first()
    schools = selectors.schools_visible_to(user=request.user, write=True)
    form = CarryOverForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        if previous is None:
            messages.error(request, f"Учебный год {year.start_year - 1}/{year.start_year} не заведён.")
        else:
            try:
                count = services.students_carry_over(
                    from_year=previous, to_year=year, school=form.cleaned_data["school"], by=request.user
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"Перенесено обучающихся: {count}.")
                return redirect(reverse("olympiads:students") + f"?year={year.start_year}")
    return render(
        request,
        "olympiads/students/carry_over.html",
        {
            "form": form,
            "year": year,
            "previous": previous,
            "title": f"Перенести список из прошлого года в {year.name}",
            "breadcrumbs": _crumbs("Перенос из прошлого года"),
        },
    )


# --- consents ---------------------------------------------------------------------------------------


def _deadlines(year: AcademicYear | None) -> dict[int, Any]:
    return {
        municipality_id: consent_deadline(stage)
        for municipality_id, stage in selectors.school_stages_by_municipality(academic_year=year).items()
    }


def _consent_table(request: AppRequest, editable: bool = False) -> tuple[ConsentTable, AcademicYear | None]:
    year = selectors.academic_year_from(request)
    rows = selectors.students_visible_to(user=request.user, academic_year=None)
    return ConsentTable(request, queryset=rows, editable=editable, deadlines=_deadlines(year)), year


@requires(VIEW)
def consent_register(request: AppRequest) -> HttpResponse:
    editable = _can_write(request)
    table, year = _consent_table(request, editable)
    schools = list(selectors.schools_visible_to(user=request.user))
    municipalities = {school.parent_id for school in schools}
    deadlines = sorted(
        {
            deadline
            for municipality_id, deadline in table.deadlines.items()
            if municipality_id in municipalities
        }
    )
    response = table.render(
        "olympiads/students/consent_register.html",
        {
            "can_write": editable,
            "tab": "consents",
            "year": year,
            "deadlines": deadlines,
            "breadcrumbs": _crumbs("Заявления родителей"),
        },
    )
    log_table_access(table, user=request.user, what="Заявления родителей", subject_model=Student)
    return response


@requires(VIEW)
def consent_export(request: AppRequest) -> HttpResponse:
    table, _ = _consent_table(request)
    log_table_access(table, user=request.user, what="Заявления родителей", export=True, subject_model=Student)
    return table.export_response()


@requires(REGISTER)
def student_consent(request: AppRequest, pk: int) -> HttpResponse:
    student = selectors.student_get_for(user=request.user, pk=pk, write=True)
    consent = selectors.consent_of(student)
    initial: dict[str, Any] = {"rules_accepted": True, "publication_allowed": True}
    if consent is not None:
        initial = {
            "parent_name": consent.parent_name,
            "signed_on": consent.signed_on,
            "rules_accepted": consent.rules_accepted,
            "publication_allowed": consent.publication_allowed,
        }
    form = ConsentForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_save(student=student, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Заявление родителя ({student}) сохранено.")
            return redirect(
                _next(request, reverse("olympiads:consents") + f"?year={student.academic_year.start_year}")
            )
    stage = selectors.school_stage_of(school=student.school, academic_year=student.academic_year)
    return render(
        request,
        "olympiads/students/consent_form.html",
        {
            "form": form,
            "student": student,
            "consent": consent,
            "deadline": consent_deadline(stage) if stage else None,
            "title": f"Заявление родителя: {student}",
            "back": reverse("olympiads:consents"),
            "breadcrumbs": _crumbs(("Заявления родителей", reverse("olympiads:consents")), str(student)),
        },
    )


@requires(REGISTER)
def student_consent_toggle(request: AppRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    student = selectors.student_get_for(user=request.user, pk=pk, write=True)
    field = request.POST.get("field", "")
    value = request.POST.get("value") == "1"
    try:
        consent = services.consent_toggle(student=student, field=field, value=value, by=request.user)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400)
    if request.htmx:
        return render(
            request,
            "olympiads/students/_consent_toggle.html",
            {"student": student, "field": field, "value": getattr(consent, field)},
        )
    messages.success(request, "Отметка сохранена.")
    return redirect(_next(request, reverse("olympiads:consents")))


@requires(VIEW)
def student_consent_scan(request: AppRequest, pk: int) -> HttpResponse:
    student = selectors.student_get_for(user=request.user, pk=pk)
    consent = selectors.consent_of(student)
    if consent is None or not consent.document:
        raise Http404("Скан не приложен.")
    with consent.document.open("rb") as file:
        content = file.read()
    name = consent.document.name.rsplit("/", 1)[-1]
    return attachment(
        content, file_name=name, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream"
    )


# --- enrolment ----------------------------------------------------------------------------------------

GRADES = list(range(1, services.MAX_GRADE + 1))


def _count_of(index: int) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row["counts"][index]


@requires(VIEW)
def enrolment_list(request: AppRequest) -> HttpResponse:
    year = selectors.academic_year_from(request)
    schools = list(selectors.schools_visible_to(user=request.user))
    grid = selectors.enrolment_grid(schools=schools, academic_year=year)
    writable = {school.pk for school in selectors.schools_visible_to(user=request.user, write=True)}
    rows = [
        {
            "school": school,
            "counts": [grid.get(school.pk, {}).get(grade) for grade in GRADES],
            "total": sum(grid.get(school.pk, {}).values()),
            "editable": school.pk in writable,
        }
        for school in schools
    ]
    if request.GET.get("export"):
        columns = [
            ExportColumn("Школа", lambda row: row["school"].short_name, 40),
            *[ExportColumn(f"{g} класс", _count_of(i), 10) for i, g in enumerate(GRADES)],
            ExportColumn("Всего", lambda row: row["total"], 10),
        ]
        content = write_xlsx(columns, rows, sheet_name="Контингент")
        return xlsx_response(content, f"контингент_{year.name.replace('/', '-') if year else ''}.xlsx")
    return render(
        request,
        "olympiads/students/enrolment_list.html",
        {
            "page": paginate(request, rows),
            "query": f"year={year.start_year}" if year else "",
            "grades": GRADES,
            "year": year,
            "years": selectors.academic_years(),
            "tab": "enrolment",
            "can_write": _can_write(request),
            "breadcrumbs": _crumbs("Контингент"),
        },
    )


@requires(REGISTER)
def enrolment_edit(request: AppRequest, school_pk: int) -> HttpResponse:
    school = selectors.school_get_for(user=request.user, pk=school_pk, write=True)
    year = _year_or_404(request)
    grid = selectors.enrolment_grid(schools=[school], academic_year=year)
    form = EnrolmentForm(request.POST or None, initial_counts=grid.get(school.pk, {}))
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_save(school=school, academic_year=year, counts=form.counts(), by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Контингент школы «{school.short_name}» на {year.name} сохранён.")
            return redirect(reverse("olympiads:enrolment") + f"?year={year.start_year}")
    return render(
        request,
        "olympiads/students/enrolment_form.html",
        {
            "form": form,
            "school": school,
            "year": year,
            "title": f"Контингент: {school.short_name}, {year.name}",
            "breadcrumbs": _crumbs(("Контингент", reverse("olympiads:enrolment")), school.short_name),
        },
    )


# --- import from Excel --------------------------------------------------------------------------------


def _import_crumbs(*extra: dict[str, str]) -> list[dict[str, str]]:
    return [*_crumbs(), {"label": "Загрузка из Excel", "url": reverse("olympiads:student_import")}, *extra]


@requires(REGISTER)
def student_import(request: AppRequest) -> HttpResponse:
    return import_views.upload(
        request,
        spec=STUDENT_IMPORT,
        breadcrumbs=[*_crumbs(), {"label": "Загрузка из Excel"}],
        back_url=reverse("olympiads:students"),
    )


@requires(REGISTER)
def student_import_template(request: AppRequest) -> HttpResponse:
    return import_views.template_download(request, spec=STUDENT_IMPORT)


@requires(REGISTER)
def student_import_run(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=STUDENT_IMPORT.kind)
    return import_views.run_page(
        request,
        spec=STUDENT_IMPORT,
        run=run,
        breadcrumbs=_import_crumbs({"label": run.original_name}),
        done_url=reverse("olympiads:students"),
    )


@requires(REGISTER)
def student_import_status(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=STUDENT_IMPORT.kind)
    return import_views.status(request, spec=STUDENT_IMPORT, run=run)


@requires(REGISTER)
def student_import_commit(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=STUDENT_IMPORT.kind)
    return import_views.commit(request, spec=STUDENT_IMPORT, run=run)


@requires(REGISTER)
def student_import_errors(request: AppRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(user=request.user, pk=pk, kind=STUDENT_IMPORT.kind)
    return import_views.errors_download(request, spec=STUDENT_IMPORT, run=run)
