"""One educator: the profile page, creating and editing the record, education, awards, employments
(leaving, transfer, a second post), consents, the history of changes, and the teacher's own record.

Every view starts with the access check: `educator_get_for` answers 404 outside the user's scope and 403
without the permission (view → staff.view_educator; changes → staff.change_educator; history →
staff.view_history).
"""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.forms import BaseForm, BoundField
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from imo.core.access import AppRequest, login_only, requires
from imo.core.collation import russian
from imo.core.conflicts import loaded_version, track_version
from imo.core.documents.downloads import attachment
from imo.core.forms import add_service_errors
from imo.core.profile import sections_for
from imo.orgs.models import Organization
from imo.orgs.selectors import municipality_of
from imo.reference.models import Position, Subject
from imo.reference.selectors import active_items
from imo.staff import services
from imo.staff.access_log import personal_data_access_log
from imo.staff.display import mask_birth_date, snils_shown
from imo.staff.experience import is_early_career
from imo.staff.forms import (
    AwardForm,
    ConsentForm,
    ConsentWithdrawForm,
    EducationRecordForm,
    EducatorForm,
    EmploymentEndForm,
    EmploymentForm,
    OnDateForm,
    TransferForm,
)
from imo.staff.history import describe_history, educator_history_entries
from imo.staff.models import Award, Consent, EducationRecord, Educator, Employment
from imo.staff.sections import (
    age_on,
    current_employment,
    employment_in_reach,
    experience_figures,
    profile_state,
    workplaces_for,
)
from imo.staff.selectors import educator_get_for, educator_of_user, employments_of

VIEW = "staff.view_educator"
CHANGE = "staff.change_educator"
HISTORY = "staff.view_history"
HISTORY_PAGE_SIZE = 50
Fieldset = tuple[str, list[BoundField], BaseForm]  # legend, the fields shown under it, their form


# --- helpers --------------------------------------------------------------------------------------


def _list_crumb(request: AppRequest) -> dict[str, str]:
    label = "Педагогические работники"
    if not request.user.has_perm("staff.view_educator_list"):
        return {"label": label}
    try:
        return {"label": label, "url": reverse("staff:list")}
    except NoReverseMatch:
        return {"label": label}


def _crumbs(request: AppRequest, educator: Educator | None, *tail: str) -> list[dict[str, str]]:
    crumbs = [_list_crumb(request)]
    if educator is not None:
        crumbs.append({"label": educator.full_name, "url": educator.get_absolute_url()})
    crumbs.extend({"label": label} for label in tail)
    return crumbs


def _back(educator: Educator, anchor: str = "") -> HttpResponse:
    return redirect(educator.get_absolute_url() + (f"#{anchor}" if anchor else ""))


def _form_page(
    request: AppRequest,
    *,
    educator: Educator | None,
    title: str,
    forms: list[Fieldset],
    submit: str = "Сохранить",
    multipart: bool = False,
    note: str = "",
    status: int = 200,
) -> HttpResponse:
    """The one form template: fieldsets of (legend, bound fields)."""
    return render(
        request,
        "staff/profile/form.html",
        {
            "educator": educator,
            "title": title,
            "fieldsets": forms,
            "forms": list({id(form): form for _, _, form in forms}.values()),
            "submit": submit,
            "multipart": multipart,
            "note": note,
            "cancel_url": educator.get_absolute_url() if educator else _list_crumb(request).get("url", "/"),
            "breadcrumbs": _crumbs(request, educator, title),
        },
        status=status,
    )


def _one_fieldset(form: BaseForm) -> list[Fieldset]:
    return [("", [*form.hidden_fields(), *form.visible_fields()], form)]


def _educator_fieldsets(form: EducatorForm) -> list[Fieldset]:
    experience = [name for name in form.fields if name.startswith(("total_", "teaching_"))]
    person = [name for name in form.fields if name not in experience]
    return [
        ("Личные данные", [form[name] for name in person], form),
        ("Стаж", [form[name] for name in experience], form),
    ]


def _positions(keep: Position | None = None) -> QuerySet[Position]:
    return active_items(Position, keep=keep)


def _subjects(keep: list[int] | None = None) -> QuerySet[Subject]:
    return Subject.objects.filter(Q(is_archived=False) | Q(pk__in=keep or [])).order_by(russian("name"), "pk")


def _employment_of(request: AppRequest, educator: Educator, employment_pk: int) -> Employment:
    """One of the educator's employments that the user may change (else 404)."""
    employment = get_object_or_404(
        Employment.objects.select_related("organization", "position", "educator"),
        pk=employment_pk,
        educator=educator,
    )
    if not employment_in_reach(request.user, employment):
        raise Http404("Место работы не найдено.")
    return employment


# --- the profile page -----------------------------------------------------------------------------


@login_only
def educator_detail(request: AppRequest, pk: int) -> HttpResponse:
    educator = educator_get_for(user=request.user, pk=pk, permission=VIEW)
    date_form = OnDateForm(request.GET or None, initial={"on": timezone.localdate()})
    on = date_form.date()
    state = profile_state(request, educator, on=on)
    employments = employments_of(educator)
    current = current_employment(employments, on)
    is_own = educator.user_id is not None and educator.user_id == request.user.pk
    if state.can_see_personal and not is_own:
        personal_data_access_log(
            user=request.user, action="view", educator_ids=[educator.pk], what="Карточка педагога"
        )
    sections = [
        (
            rendered.section,
            mark_safe(  # rendered (and escaped) by Django's templates
                render_to_string(
                    rendered.section.template,
                    {**rendered.context, "educator": educator, "section": rendered.section},
                    request=request,
                )
            ),
        )
        for rendered in sections_for(request, educator)
    ]
    return render(
        request,
        "staff/profile/detail.html",
        {
            "educator": educator,
            "state": state,
            "date_form": date_form,
            "on": on,
            "is_today": on == timezone.localdate(),
            "current": current,
            "age": age_on(educator, on),
            "birth_date_shown": (
                f"{educator.birth_date:%d.%m.%Y}"
                if state.can_see_personal and educator.birth_date
                else mask_birth_date(educator.birth_date)
            ),
            "snils_shown": snils_shown(educator.snils, full=state.can_see_personal),
            "inn_shown": educator.inn if state.can_see_personal else ("скрыт" if educator.inn else ""),
            "experience": experience_figures(educator, current, on),
            "early_career": is_early_career(educator.teaching_experience_start, on),
            "is_own": is_own,
            "sections": sections,
            "propose_contacts_url": state.propose_url("contacts"),
            "breadcrumbs": (
                [{"label": "Моя карточка"}]
                if is_own and not request.user.has_perm("staff.view_educator_list")
                else _crumbs(request, None, educator.full_name)
            ),
        },
    )


@login_only
def my_record(request: AppRequest) -> HttpResponse:
    """The teacher's own record, or a page that says whom to ask to link it."""
    educator = educator_of_user(request.user)
    if educator is not None:
        return redirect(educator)
    return render(request, "staff/profile/no_record.html", {"breadcrumbs": [{"label": "Моя карточка"}]})


# --- creating and editing the person --------------------------------------------------------------


@requires("staff.add_educator")
def educator_create(request: AppRequest) -> HttpResponse:
    organizations = workplaces_for(request.user)
    data = request.POST or None
    person = EducatorForm(data)
    job = EmploymentForm(
        data,
        prefix="job",
        organizations=organizations,
        positions=_positions(),
        subjects=_subjects(),
        initial={"is_main": True},
    )
    if request.method == "POST" and person.is_valid() and job.is_valid():
        organization = job.cleaned_data["organization"]
        # The form offers only organisations in the user's editing scope; checked again here.
        if not organizations.filter(pk=organization.pk).exists():
            raise PermissionDenied
        municipality = municipality_of(organization)
        if municipality is None:
            job.add_error("organization", "Организация не относится ни к одному муниципалитету.")
        else:
            try:
                with transaction.atomic():
                    educator = services.educator_create(
                        municipality=municipality, data=person.educator_data(), by=request.user
                    )
                    services.employment_start(
                        educator=educator,
                        subjects=list(job.cleaned_data["subjects"]),
                        by=request.user,
                        **job.employment_data(),
                    )
            except ValidationError as error:
                add_service_errors(person, error)
            else:
                messages.success(request, f"Педагог {educator.full_name} добавлен в базу.")
                return redirect(educator)
    fieldsets = [
        *_educator_fieldsets(person),
        ("Место работы", [*job.hidden_fields(), *job.visible_fields()], job),
    ]
    return _form_page(request, educator=None, title="Новый педагог", forms=fieldsets)


@login_only
def educator_edit(request: AppRequest, pk: int) -> HttpResponse:
    educator = educator_get_for(user=request.user, pk=pk, permission=CHANGE)
    form = EducatorForm(request.POST or None, educator=educator)
    track_version(form, educator)
    if request.method == "POST" and form.is_valid():
        try:
            services.educator_update(
                educator=educator, data=form.educator_data(), by=request.user, version=loaded_version(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Изменения сохранены.")
            return _back(educator)
    return _form_page(
        request, educator=educator, title="Редактирование карточки", forms=_educator_fieldsets(form)
    )


# --- education and awards -------------------------------------------------------------------------


def _delete_page(request: AppRequest, educator: Educator, *, title: str, question: str) -> HttpResponse:
    return render(
        request,
        "staff/profile/confirm_delete.html",
        {
            "educator": educator,
            "title": title,
            "question": question,
            "breadcrumbs": _crumbs(request, educator, title),
        },
    )


@login_only
def education_add(request: AppRequest, pk: int) -> HttpResponse:
    educator = educator_get_for(user=request.user, pk=pk, permission=CHANGE)
    return _education_form(request, educator, None)


@login_only
def education_edit(request: AppRequest, pk: int, record_pk: int) -> HttpResponse:
    educator = educator_get_for(user=request.user, pk=pk, permission=CHANGE)
    record = get_object_or_404(EducationRecord, pk=record_pk, educator=educator)
    return _education_form(request, educator, record)


def _education_form(request: AppRequest, educator: Educator, record: EducationRecord | None) -> HttpResponse:
    form = EducationRecordForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            services.education_record_save(
                educator=educator, data=form.cleaned_data, record=record, by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Сведения об образовании сохранены.")
            return _back(educator, "section-education")
    title = "Образование: новая запись" if record is None else "Образование: изменение"
    return _form_page(request, educator=educator, title=title, forms=_one_fieldset(form))


@login_only
def education_delete(request: AppRequest, pk: int, record_pk: int) -> HttpResponse:
    educator = educator_get_for(user=request.user, pk=pk, permission=CHANGE)
    record = get_object_or_404(EducationRecord, pk=record_pk, educator=educator)
    if request.method == "POST":
        services.education_record_delete(record=record, by=request.user)
        messages.success(request, "Запись об образовании удалена.")
        return _back(educator, "section-education")
    return _delete_page(
        request, educator, title="Удаление записи об образовании", question=f"Удалить запись «{record}»?"
    )


@login_only
def award_add(request: AppRequest, pk: int) -> HttpResponse:
    educator = educator_get_for(user=request.user, pk=pk, permission=CHANGE)
    return _award_form(request, educator, None)


@login_only
def award_edit(request: AppRequest, pk: int, record_pk: int) -> HttpResponse:
    educator = educator_get_for(user=request.user, pk=pk, permission=CHANGE)
    award = get_object_or_404(Award, pk=record_pk, educator=educator)
    return _award_form(request, educator, award)


def _award_form(request: AppRequest, educator: Educator, award: Award | None) -> HttpResponse:
    form = AwardForm(request.POST or None, instance=award)
    if request.method == "POST" and form.is_valid():
        try:
            services.award_save(educator=educator, data=form.cleaned_data, award=award, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Награда сохранена.")
            return _back(educator, "section-awards")
    title = "Награда: новая запись" if award is None else "Награда: изменение"
    return _form_page(request, educator=educator, title=title, forms=_one_fieldset(form))


@login_only
def award_delete(request: AppRequest, pk: int, record_pk: int) -> HttpResponse:
    educator = educator_get_for(user=request.user, pk=pk, permission=CHANGE)
    award = get_object_or_404(Award, pk=record_pk, educator=educator)
    if request.method == "POST":
        services.award_delete(award=award, by=request.user)
        messages.success(request, "Награда удалена.")
        return _back(educator, "section-awards")
    return _delete_page(request, educator, title="Удаление награды", question=f"Удалить награду «{award}»?")


# --- employments ----------------------------------------------------------------------------------


@login_only
def employment_add(request: AppRequest, pk: int) -> HttpResponse:
    educator = educator_get_for(user=request.user, pk=pk, permission=CHANGE)
    organizations = workplaces_for(request.user)
    has_main = any(e.is_main and e.ends_on is None for e in employments_of(educator))
    form = EmploymentForm(
        request.POST or None,
        organizations=organizations,
        positions=_positions(),
        subjects=_subjects(),
        initial={"is_main": not has_main, "starts_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.employment_start(
                educator=educator,
                subjects=list(form.cleaned_data["subjects"]),
                by=request.user,
                **form.employment_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Место работы добавлено.")
            return _back(educator, "section-employments")
    return _form_page(
        request,
        educator=educator,
        title="Новое место работы",
        forms=_one_fieldset(form),
        note="Второе место работы отметьте как совместительство.",
    )


@login_only
def employment_edit(request: AppRequest, pk: int, employment_pk: int) -> HttpResponse:
    educator = educator_get_for(user=request.user, pk=pk, permission=CHANGE)
    employment = _employment_of(request, educator, employment_pk)
    current_subjects = list(employment.subjects.values_list("pk", flat=True))
    organizations = Organization.objects.filter(
        Q(pk__in=workplaces_for(request.user).values("pk")) | Q(pk=employment.organization_id)
    ).order_by(russian("short_name"), "pk")
    form = EmploymentForm(
        request.POST or None,
        organizations=organizations,
        positions=_positions(employment.position),
        subjects=_subjects(current_subjects),
        employment=employment,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.employment_update(
                employment=employment,
                data=form.employment_data(),
                subjects=list(form.cleaned_data["subjects"]),
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Место работы сохранено.")
            return _back(educator, "section-employments")
    return _form_page(request, educator=educator, title="Место работы: изменение", forms=_one_fieldset(form))


@login_only
def employment_end(request: AppRequest, pk: int, employment_pk: int) -> HttpResponse:
    educator = educator_get_for(user=request.user, pk=pk, permission=CHANGE)
    employment = _employment_of(request, educator, employment_pk)
    if employment.ends_on is not None:
        messages.error(request, "Это место работы уже закрыто.")
        return _back(educator, "section-employments")
    form = EmploymentEndForm(
        request.POST or None, employment=employment, initial={"ends_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.employment_end(
                employment=employment,
                ends_on=form.cleaned_data["ends_on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Работа на этом месте завершена. Педагог остаётся в базе района.")
            return _back(educator, "section-employments")
    return _form_page(
        request,
        educator=educator,
        title=f"Окончание работы: {employment.organization}",
        forms=_one_fieldset(form),
        submit="Завершить работу",
        note="Запись о месте работы сохранится в истории с датой и причиной окончания.",
    )


@login_only
def employment_transfer(request: AppRequest, pk: int, employment_pk: int) -> HttpResponse:
    educator = educator_get_for(user=request.user, pk=pk, permission=CHANGE)
    employment = _employment_of(request, educator, employment_pk)
    if employment.ends_on is not None:
        messages.error(request, "Это место работы уже закрыто.")
        return _back(educator, "section-employments")
    organizations = workplaces_for(request.user).exclude(pk=employment.organization_id)
    if not organizations.exists():
        messages.info(
            request,
            "Перевести педагога можно только в организацию, которую вы ведёте. Перевод в другую школу "
            "оформляет ИМО; вы можете завершить работу на этом месте.",
        )
        return _back(educator, "section-employments")
    form = TransferForm(
        request.POST or None,
        employment=employment,
        organizations=organizations,
        positions=_positions(employment.position),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.educator_transfer(
                employment=employment,
                organization=form.cleaned_data["organization"],
                on=form.cleaned_data["on"],
                position=form.cleaned_data.get("position"),
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Педагог переведён. Прежнее место работы сохранено в истории.")
            return _back(educator, "section-employments")
    return _form_page(
        request,
        educator=educator,
        title=f"Перевод из {employment.organization}",
        forms=_one_fieldset(form),
        submit="Перевести",
    )


# --- consents -------------------------------------------------------------------------------------


@login_only
def consent_add(request: AppRequest, pk: int) -> HttpResponse:
    educator = educator_get_for(user=request.user, pk=pk, permission=CHANGE)
    form = ConsentForm(
        request.POST or None, request.FILES or None, initial={"given_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(
                educator=educator,
                purpose=form.cleaned_data["purpose"],
                given_on=form.cleaned_data["given_on"],
                document=form.cleaned_data.get("document"),
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Согласие записано.")
            return _back(educator, "section-consents")
    return _form_page(
        request,
        educator=educator,
        title="Новое согласие",
        forms=_one_fieldset(form),
        multipart=True,
        note="Согласие на обработку и согласие на распространение (публикацию) — разные документы "
        "(152-ФЗ, ст. 9 и 10.1): записывайте каждое отдельно.",
    )


@login_only
def consent_withdraw(request: AppRequest, pk: int, consent_pk: int) -> HttpResponse:
    educator = educator_get_for(user=request.user, pk=pk, permission=CHANGE)
    consent = get_object_or_404(Consent, pk=consent_pk, educator=educator)
    if consent.withdrawn_on is not None:
        messages.error(request, "Это согласие уже отозвано.")
        return _back(educator, "section-consents")
    form = ConsentWithdrawForm(request.POST or None, consent=consent, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        services.consent_withdraw(consent=consent, on=form.cleaned_data["on"], by=request.user)
        messages.success(request, "Отзыв согласия записан.")
        return _back(educator, "section-consents")
    return _form_page(
        request,
        educator=educator,
        title=f"Отзыв согласия: {consent}",
        forms=_one_fieldset(form),
        submit="Записать отзыв",
        note="После отзыва согласия на обработку данные нужно уничтожить в течение 30 дней, если нет "
        "другого законного основания их хранить.",
    )


@login_only
def consent_document(request: AppRequest, pk: int, consent_pk: int) -> HttpResponse:
    educator = educator_get_for(user=request.user, pk=pk, permission="staff.view_personal_data")
    consent = get_object_or_404(Consent, pk=consent_pk, educator=educator)
    if not consent.document:
        raise Http404("Скан согласия не приложен.")
    with consent.document.open("rb") as file:
        content = file.read()
    name = consent.document.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return attachment(content, file_name=name, content_type=content_type)


# --- history --------------------------------------------------------------------------------------


@login_only
def educator_history(request: AppRequest, pk: int) -> HttpResponse:
    educator = educator_get_for(user=request.user, pk=pk, permission=HISTORY)
    paginator = Paginator(educator_history_entries(educator=educator), HISTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    show_personal = request.user.has_perm("staff.view_personal_data", educator)
    return render(
        request,
        "staff/profile/history.html",
        {
            "educator": educator,
            "page": page,
            "rows": describe_history(page.object_list, show_personal=show_personal),
            "breadcrumbs": _crumbs(request, educator, "История изменений"),
        },
    )


urlpatterns: list[URLPattern] = [
    path("me/", my_record, name="me"),
    path("new/", educator_create, name="create"),
    path("<int:pk>/", educator_detail, name="detail"),
    path("<int:pk>/edit/", educator_edit, name="edit"),
    path("<int:pk>/history/", educator_history, name="history"),
    path("<int:pk>/education/new/", education_add, name="education_add"),
    path("<int:pk>/education/<int:record_pk>/", education_edit, name="education_edit"),
    path("<int:pk>/education/<int:record_pk>/delete/", education_delete, name="education_delete"),
    path("<int:pk>/awards/new/", award_add, name="award_add"),
    path("<int:pk>/awards/<int:record_pk>/", award_edit, name="award_edit"),
    path("<int:pk>/awards/<int:record_pk>/delete/", award_delete, name="award_delete"),
    path("<int:pk>/employments/new/", employment_add, name="employment_add"),
    path("<int:pk>/employments/<int:employment_pk>/", employment_edit, name="employment_edit"),
    path("<int:pk>/employments/<int:employment_pk>/end/", employment_end, name="employment_end"),
    path(
        "<int:pk>/employments/<int:employment_pk>/transfer/", employment_transfer, name="employment_transfer"
    ),
    path("<int:pk>/consents/new/", consent_add, name="consent_add"),
    path("<int:pk>/consents/<int:consent_pk>/withdraw/", consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/consents/<int:consent_pk>/document/", consent_document, name="consent_document"),
]
