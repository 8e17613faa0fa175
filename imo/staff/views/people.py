"""Duplicates and merging; personal-data duties: a subject's export, erasure with an act, the access log.

Who may open what:
- duplicates and merging — office editors (`staff.merge_educators`), both records in their scope (404
  otherwise) and editable by them (`staff.change_educator`);
- a subject's export — `staff.subject_access_export` on the record (office editors of its municipality);
- erasure — `staff.erase_educator` on the record (the head or the admin of the office);
- the access log and the register of erasure acts — the head and the admin of the office
  (`imo.staff.privacy.may_manage_personal_data`), in their scope.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_safe

from imo.core.access import AppRequest, login_only, requires
from imo.core.collation import russian
from imo.core.excel import ExportColumn, write_xlsx, xlsx_response
from imo.core.tables import (
    ChoiceFilter,
    Column,
    DateRangeFilter,
    MultiChoiceFilter,
    SearchFilter,
    Table,
    label_order,
)
from imo.core.text import fold
from imo.staff.access_log import personal_data_access_log
from imo.staff.display import mask_snils
from imo.staff.merging import (
    duplicate_groups,
    educators_merge,
    merge_comparison,
    related_counts,
)
from imo.staff.models import Educator, PersonalDataAccess
from imo.staff.privacy import (
    ERASURE_REASONS,
    access_log_visible_to,
    educator_erase,
    educator_label,
    erasure_act_get_for,
    erasure_acts_visible_to,
    erasure_extract,
    subject_access_export,
    subject_code,
)
from imo.staff.selectors import educator_get_for

OTHER_REASON = "other"
DUPLICATES_PER_PAGE = 25


def _detail_url(pk: int) -> str:
    """The record's profile (another part of the section); "" while it is not installed."""
    try:
        return reverse("staff:detail", args=[pk])
    except NoReverseMatch:
        return ""


# --- duplicates and merging -------------------------------------------------------------------------


@requires("staff.merge_educators")
def duplicates(request: AppRequest) -> HttpResponse:
    groups = duplicate_groups(request.user)
    page = Paginator(groups, DUPLICATES_PER_PAGE).get_page(request.GET.get("page"))
    shown = [educator.pk for group in page.object_list for educator in group.educators]
    if shown:  # birth dates are shown in full: the match is on them
        personal_data_access_log(
            user=request.user,
            action=PersonalDataAccess.Action.VIEW,
            educator_ids=shown,
            what="Возможные дубликаты записей",
        )
    shown_groups = [
        {
            "title": str(group.first),
            "reasons": group.reasons,
            "first": group.first,
            "rows": [
                {
                    "educator": educator,
                    "url": _detail_url(educator.pk),
                    "snils": mask_snils(educator.snils),
                    "employments": getattr(educator, "shown", []),
                    "merge_url": ""
                    if educator.pk == group.first.pk
                    else reverse("staff:merge", args=[group.first.pk, educator.pk]),
                }
                for educator in group.educators
            ],
        }
        for group in page.object_list
    ]
    return render(
        request,
        "staff/people/duplicates.html",
        {
            "page": page,
            "groups": shown_groups,
            "numbers": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            "ellipsis": Paginator.ELLIPSIS,
            "query": "",
            "groups_count": len(groups),
            "breadcrumbs": [{"label": "Возможные дубликаты"}],
        },
    )


class MergeForm(forms.Form):
    """One choice per field that both records fill differently: keep this record's value or take the
    other's."""

    def __init__(self, *args: Any, conflicts: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for comparison in conflicts:
            self.fields[f"field_{comparison.name}"] = forms.ChoiceField(
                label=comparison.label,
                choices=[("keep", comparison.keep_text), ("remove", comparison.remove_text)],
                initial="keep",
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )

    def take_from_removed(self) -> list[str]:
        return [name.removeprefix("field_") for name, value in self.cleaned_data.items() if value == "remove"]


@requires("staff.merge_educators")
def merge(request: AppRequest, keep_pk: int, remove_pk: int) -> HttpResponse:
    if keep_pk == remove_pk:
        raise Http404("Нельзя объединить запись саму с собой.")
    keep = educator_get_for(user=request.user, pk=keep_pk, permission="staff.change_educator")
    remove = educator_get_for(user=request.user, pk=remove_pk, permission="staff.change_educator")
    comparison = merge_comparison(keep=keep, remove=remove)
    conflicts = [row for row in comparison if row.conflict]
    form = MergeForm(request.POST or None, conflicts=conflicts)
    if request.method == "POST" and form.is_valid():
        try:
            educators_merge(
                keep=keep, remove=remove, by=request.user, take_from_removed=form.take_from_removed()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Записи объединены: осталась запись № {keep.pk}, вторая удалена.")
            return redirect(_detail_url(keep.pk) or reverse("staff:duplicates"))
    elif request.method != "POST":
        personal_data_access_log(
            user=request.user,
            action=PersonalDataAccess.Action.VIEW,
            educator_ids=[keep.pk, remove.pk],
            what="Сравнение записей перед объединением",
        )
    rows = []
    for row in comparison:
        name = f"field_{row.name}"
        rows.append({"row": row, "choices": list(form[name]) if name in form.fields else []})
    counts = related_counts([keep, remove])
    moved = [
        {"label": label, "keep": count, "remove": counts[remove.pk][index][1]}
        for index, (label, count) in enumerate(counts[keep.pk])
    ]
    return render(
        request,
        "staff/people/merge.html",
        {
            "keep": keep,
            "remove": remove,
            "keep_url": _detail_url(keep.pk),
            "remove_url": _detail_url(remove.pk),
            "rows": rows,
            "conflicts": conflicts,
            "moved": moved,
            "form": form,
            "swap_url": reverse("staff:merge", args=[remove.pk, keep.pk]),
            "breadcrumbs": [
                {"label": "Возможные дубликаты", "url": reverse("staff:duplicates")},
                {"label": "Объединение записей"},
            ],
        },
    )


# --- a subject's request ----------------------------------------------------------------------------


@login_only
def subject_export(request: AppRequest, pk: int) -> HttpResponse:
    educator = educator_get_for(user=request.user, pk=pk, permission="staff.subject_access_export")
    content = subject_access_export(educator=educator, by=request.user)
    return xlsx_response(content, f"сведения_запись_{educator.pk}_{timezone.localdate():%d.%m.%Y}.xlsx")


# --- erasure ----------------------------------------------------------------------------------------


class ErasureForm(forms.Form):
    number = forms.CharField(label="Номер акта", max_length=50)
    made_on = forms.DateField(
        label="Дата акта",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Введите дату в формате дд.мм.гггг."},
    )
    reason = forms.ChoiceField(
        label="Основание",
        choices=[*((text, text) for text in ERASURE_REASONS), (OTHER_REASON, "Другое (укажите ниже)")],
    )
    reason_other = forms.CharField(label="Другое основание", max_length=500, required=False)
    confirm = forms.BooleanField(
        label="Я понимаю, что персональные данные будут уничтожены без возможности восстановления",
        error_messages={"required": "Подтвердите уничтожение данных."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-check-input")
            else:
                field.widget.attrs.setdefault(
                    "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                )

    def clean_made_on(self) -> dt.date:
        made_on: dt.date = self.cleaned_data["made_on"]
        if made_on > timezone.localdate():
            raise ValidationError("Дата акта не может быть в будущем.")
        return made_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == OTHER_REASON and not (data.get("reason_other") or "").strip():
            self.add_error("reason_other", "Укажите основание.")
        return data

    @property
    def reason_text(self) -> str:
        if self.cleaned_data["reason"] == OTHER_REASON:
            return str(self.cleaned_data["reason_other"])
        return str(self.cleaned_data["reason"])


@login_only
def erase(request: AppRequest, pk: int) -> HttpResponse:
    educator = educator_get_for(user=request.user, pk=pk, permission="staff.erase_educator")
    form = ErasureForm(request.POST or None, initial={"made_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            act = educator_erase(
                educator=educator,
                act_number=form.cleaned_data["number"],
                made_on=form.cleaned_data["made_on"],
                reason=form.reason_text,
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Персональные данные уничтожены. {act}.")
            return redirect("staff:erasure_act", pk=act.pk)
    return render(
        request,
        "staff/people/erase.html",
        {
            "educator": educator,
            "subject": subject_code(educator),
            "form": form,
            "detail_url": _detail_url(educator.pk),
            "breadcrumbs": [
                {"label": str(educator), "url": _detail_url(educator.pk)},
                {"label": "Уничтожение персональных данных"},
            ],
        },
    )


@requires("staff.view_access_log")
def erasure_acts(request: AppRequest) -> HttpResponse:
    page = Paginator(erasure_acts_visible_to(request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/people/erasure_acts.html",
        {
            "page": page,
            "numbers": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            "ellipsis": Paginator.ELLIPSIS,
            "query": "",
            "breadcrumbs": [{"label": "Акты об уничтожении персональных данных"}],
        },
    )


_ACT_COLUMNS = (
    ExportColumn("Номер акта", lambda a: a.number, 12),
    ExportColumn("Дата акта", lambda a: a.made_on, 12),
    ExportColumn("Чьи данные", lambda a: a.subject, 30),
    ExportColumn("Основание", lambda a: a.reason, 40),
    ExportColumn("Муниципалитет", lambda a: str(a.municipality), 30),
    ExportColumn("Составил(а)", lambda a: str(a.made_by), 28),
)


@requires("staff.view_access_log")
def erasure_acts_export(request: AppRequest) -> HttpResponse:
    content = write_xlsx(_ACT_COLUMNS, erasure_acts_visible_to(request.user), sheet_name="Акты")
    return xlsx_response(content, f"Акты об уничтожении ПДн_{timezone.localdate():%d.%m.%Y}.xlsx")


@requires("staff.view_access_log")
def erasure_act(request: AppRequest, pk: int) -> HttpResponse:
    act = erasure_act_get_for(user=request.user, pk=pk)
    return render(
        request,
        "staff/people/erasure_act.html",
        {"act": act, "extract": erasure_extract(act), "printed_at": timezone.localtime()},
    )


# --- the access log ---------------------------------------------------------------------------------

SHOWN_RECORDS = 3


def _who(entry: PersonalDataAccess) -> str:
    return f"{entry.user.short_name} ({entry.user.get_username()})"


def _records(entry: PersonalDataAccess) -> SafeString:
    shown: list[Educator] = getattr(entry, "shown_educators", [])
    items = []
    for educator in shown:
        url = "" if educator.erased_at else _detail_url(educator.pk)
        label = educator_label(educator)
        items.append(
            format_html('<a href="{}" hx-boost="false">{}</a>', url, label)
            if url
            else format_html("{}", label)
        )
    if entry.subject:  # people who are not educators (students, users): the text the view wrote
        items.append(format_html("{}", entry.subject))
    text = format_html_join(", ", "{}", ((item,) for item in items))
    rest = entry.count - len(shown) - len(entry.subject_ids or [])
    if rest > 0:
        return format_html("{} и ещё {}", text, rest) if items else format_html("{}", entry.count)
    return text


class AccessLogTable(Table):
    columns = [
        Column("at", "Когда", sort=True, hideable=False, width=18),
        Column(
            "user",
            "Кто",
            display=_who,
            sort=russian,
            sort_fields=("user__last_name", "user__first_name", "user__username"),
            width=30,
        ),
        Column("action", "Действие", sort=label_order(PersonalDataAccess.Action.choices), width=26),
        Column("what", "Что", width=50),
        Column("records", "Записи", display=_records, width=50),
        Column("count", "Число записей", sort=True, classes="text-end", width=12),
    ]
    filters = [
        SearchFilter("educator", "Педагог", placeholder="ФИО, СНИЛС или № записи", method="filter_educator"),
        ChoiceFilter("user", "Кто", field="user_id", choices="user_choices", coerce=int),
        MultiChoiceFilter("action", "Действие", choices=PersonalDataAccess.Action.choices),
        DateRangeFilter("at", "Дата"),
    ]
    default_sort = "-at"
    noun = "запись,записи,записей"
    caption = "Журнал доступа к персональным данным"
    export_url_name = "staff:access_log_export"
    export_filename = "журнал_доступа_к_персональным_данным"
    sheet_name = "Журнал доступа"
    empty_text = "Записей пока нет."

    def user_choices(self) -> list[tuple[int, str]]:
        users = get_user_model().objects.filter(pk__in=self.base_queryset.values("user_id"))
        return [
            (user.pk, f"{user.short_name} ({user.get_username()})")
            for user in users.order_by(russian("last_name"), russian("first_name"), "username")
        ]

    def filter_educator(
        self, queryset: QuerySet[PersonalDataAccess], value: str
    ) -> QuerySet[PersonalDataAccess]:
        link = PersonalDataAccess.educators.through
        text = value.strip().lstrip("№#").strip()
        if text.isdecimal() and len(text) < 11:  # a record's number (СНИЛС has 11 digits)
            return queryset.filter(
                pk__in=link.objects.filter(educator_id=int(text)).values("personaldataaccess_id")
            )
        records = link.objects.all()
        for word in fold(value).replace("-", "").split():
            records = records.filter(educator__search_text__contains=word)
        return queryset.filter(pk__in=records.values("personaldataaccess_id"))

    def get_queryset(self) -> QuerySet[PersonalDataAccess]:
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch(
                    "educators",
                    queryset=Educator.objects.only(
                        "pk", "last_name", "first_name", "patronymic", "erased_at"
                    ).order_by("pk")[:SHOWN_RECORDS],
                    to_attr="shown_educators",
                )
            )
        )


def _access_table(request: AppRequest) -> AccessLogTable:
    return AccessLogTable(request, queryset=access_log_visible_to(request.user))


@requires("staff.view_access_log")
@require_safe  # the access log is read, never written, from a page
def access_log(request: AppRequest) -> HttpResponse:
    return _access_table(request).render(
        "staff/people/access_log.html", {"breadcrumbs": [{"label": "Журнал доступа к персональным данным"}]}
    )


@requires("staff.view_access_log")
@require_safe  # the access log is read, never written, from a page
def access_log_export(request: AppRequest) -> HttpResponse:
    return _access_table(request).export_response()


urlpatterns: list[URLPattern] = [
    path("duplicates/", duplicates, name="duplicates"),
    path("merge/<int:keep_pk>/<int:remove_pk>/", merge, name="merge"),
    path("<int:pk>/subject-export/", subject_export, name="subject_export"),
    path("<int:pk>/erase/", erase, name="erase"),
    path("erasure-acts/", erasure_acts, name="erasure_acts"),
    path("erasure-acts/export/", erasure_acts_export, name="erasure_acts_export"),
    path("erasure-acts/<int:pk>/", erasure_act, name="erasure_act"),
    path("access-log/", access_log, name="access_log"),
    path("access-log/export/", access_log_export, name="access_log_export"),
]
