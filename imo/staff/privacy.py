"""Personal-data duties (152-ФЗ; personal-data.md items 2, 3 and 5): everything the system holds about one
person for their request, erasure confirmed by an act with an extract of the event log, and the log of who
viewed or exported whose data.

Who: the subject's export — office editors of the person's municipality (`staff.subject_access_export`);
erasure — the head or the admin of that office (`staff.erase_educator`); the access log and the register
of erasure acts — the head and the admin of the office, in their scope (`may_manage_personal_data`), the
same people who see the change log and answer for the processing.

Erasure keeps the row for statistics: sex, the birth year (birth date set to 1 July of its year, so ages
counted on 1 January stay right for all but those born on 1 January), experience start dates, employments,
education levels with graduation years and award kinds with dates. Names become «Удалено»; identifiers,
contacts, academic degree and title, the account link, free text of education and awards, consent scans and
change proposals are destroyed. The change log keeps who changed what and when, but the values it held
about the person are replaced by «***».
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst

from imo.core.identifiers import format_snils
from imo.core.names import initial, short_name
from imo.core.text import collapse_spaces
from imo.orgs.models import USER_MANAGER_ROLES
from imo.orgs.selectors import scope_paths
from imo.staff import personal_sections
from imo.staff.access_log import personal_data_access_log, personal_data_accesses
from imo.staff.merging import merged_ids
from imo.staff.models import (
    Award,
    ChangeProposal,
    Consent,
    EducationRecord,
    Educator,
    Employment,
    ErasureAct,
    PersonalDataAccess,
)
from imo.staff.selectors import educators_visible_to

ERASED_NAME = "Удалено"
MASK = "***"
ERASURE_ACT_KEY = "erasure_act"  # additional_data of the erasure's log entry: the act's id

# Common grounds for destruction (152-ФЗ ст. 21); the form offers them and «другое».
ERASURE_REASONS: tuple[str, ...] = (
    "Отзыв согласия на обработку персональных данных (ч. 5 ст. 21 152-ФЗ)",
    "Достижение цели обработки персональных данных (ч. 4 ст. 21 152-ФЗ)",
    "Требование субъекта персональных данных (ч. 1 ст. 21 152-ФЗ)",
    "Выявление неправомерной обработки персональных данных (ч. 3 ст. 21 152-ФЗ)",
)

# Models whose change-log entries belong to a person's history, and the fields whose values identify them
# (None: every field of an educator's entry except those kept for statistics).
_HISTORY_MODELS: tuple[type[models.Model], ...] = (EducationRecord, Award, Employment, Consent)
_PERSONAL_FIELDS: dict[type[models.Model], frozenset[str]] = {
    EducationRecord: frozenset({"institution", "speciality", "qualification"}),
    Award: frozenset({"title", "order_number"}),
    Consent: frozenset({"document"}),
    Employment: frozenset(),
}
_EDUCATOR_KEPT_FIELDS = frozenset(
    {"sex", "municipality", "total_experience_start", "teaching_experience_start", "erased_at"}
)
ACTION_LABELS = {
    LogEntry.Action.CREATE: "Создание",
    LogEntry.Action.UPDATE: "Изменение",
    LogEntry.Action.DELETE: "Удаление",
    LogEntry.Action.ACCESS: "Просмотр",
}


def may_manage_personal_data(user: Any) -> bool:
    """The head or the admin of an office (or a superuser): the access log and the erasure acts."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.has_perm("staff.view_access_log"))  # imo/staff/rules.py


# --- the person's history in the change log ---------------------------------------------------------


def history_entries(educator_pk: int) -> QuerySet[LogEntry]:
    """Change-log entries about the person: their record (and records merged into it) and the rows of
    their education, awards, employments and consents (also rows deleted since), oldest first."""
    ids = merged_ids(educator_pk)
    keys = [str(pk) for pk in ids]
    condition = Q(content_type=ContentType.objects.get_for_model(Educator), object_pk__in=keys)
    for model in _HISTORY_MODELS:
        about = Q(object_id__in=model._default_manager.filter(educator_id__in=ids).values("pk"))
        for key in keys:  # rows deleted or moved since: their entries name the educator
            about |= Q(changes__educator__0=key) | Q(changes__educator__1=key)
        condition |= Q(content_type=ContentType.objects.get_for_model(model)) & about
    return (
        LogEntry.objects.filter(condition).select_related("actor", "content_type").order_by("timestamp", "pk")
    )


def _meta_field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _is_shown(field: Any) -> bool:
    """As the change log page shows entries: a key that is no field (e.g. «Объединение записей») is shown;
    reverse relations, the primary key and derived columns are not."""
    if field is None:
        return True
    return isinstance(field, models.Field) and not field.primary_key and field.editable


def _empty(raw: Any) -> bool:
    return raw is None or raw in ("None", "")


Names = dict[tuple[Any, str], str]


def _related_names(entries: Sequence[LogEntry]) -> Names:
    """str() of the objects foreign keys in these entries point to: one query per related model."""
    wanted: dict[Any, set[str]] = {}
    for entry in entries:
        model = entry.content_type.model_class()
        for name, values in (entry.changes_dict or {}).items():
            field = _meta_field(model, name)
            if isinstance(field, models.ForeignKey) and isinstance(values, list):
                wanted.setdefault(field.related_model, set()).update(
                    str(raw) for raw in values if not _empty(raw) and str(raw).isdecimal()
                )
    names: Names = {}
    for related, keys in wanted.items():
        for key, obj in related._default_manager.in_bulk([int(k) for k in keys]).items():
            names[(related, str(key))] = str(obj)
    return names


def _format_datetime(raw: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        return raw
    if timezone.is_naive(moment):  # the log keeps naive UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return f"{timezone.localtime(moment):%d.%m.%Y %H:%M}"


def _format_date(raw: str) -> str:
    try:
        return f"{dt.date.fromisoformat(raw[:10]):%d.%m.%Y}"
    except ValueError:
        return raw


def _display(field: Any, raw: Any, names: Names) -> str:
    if _empty(raw):
        return "—"
    text = str(raw)
    if text == MASK or not isinstance(field, models.Field):
        shown = text
    elif isinstance(field, models.ForeignKey):
        shown = names.get((field.related_model, text), f"запись № {text}")
    elif field.choices:
        shown = str(dict(field.flatchoices).get(text, text))
    elif isinstance(field, models.BooleanField):
        shown = {"True": "да", "False": "нет"}.get(text, text)
    elif isinstance(field, models.DateTimeField):
        shown = _format_datetime(text)
    elif isinstance(field, models.DateField):
        shown = _format_date(text)
    else:
        shown = text
    return shown


def _label(field: Any, name: str) -> str:
    if not isinstance(field, models.Field):
        return name
    verbose = str(field.verbose_name)
    if verbose == field.name.replace("_", " ") and field.related_model is not None:  # no Russian name given
        verbose = str(field.related_model._meta.verbose_name)  # type: ignore[union-attr]
    return capfirst(verbose)


def changes_text(entry: LogEntry, names: Names | None = None) -> str:
    """«Поле: было → стало; …» with Russian labels and values; «***» where values were destroyed."""
    names = names if names is not None else _related_names([entry])
    model = entry.content_type.model_class()
    parts = []
    for name, values in (entry.changes_dict or {}).items():
        field = _meta_field(model, name)
        if not _is_shown(field):
            continue
        label = _label(field, name)
        if isinstance(values, dict):  # a many-to-many change
            objects = ", ".join(str(item) for item in values.get("objects", []))
            operation = {"add": "добавлено", "delete": "удалено"}.get(values.get("operation", ""), "")
            parts.append(f"{label}: {operation} {objects}".strip())
            continue
        old, new = [*values, None, None][:2]
        if entry.action == LogEntry.Action.CREATE:
            if not _empty(new):
                parts.append(f"{label}: {_display(field, new, names)}")
            continue
        if entry.action == LogEntry.Action.DELETE:
            if not _empty(old):
                parts.append(f"{label}: {_display(field, old, names)}")
            continue
        parts.append(f"{label}: {_display(field, old, names)} → {_display(field, new, names)}")
    return "; ".join(parts)


def entry_actor(entry: LogEntry) -> str:
    actor = entry.actor
    if actor is not None:
        return f"{actor} ({actor.get_username()})"
    return entry.actor_email or "Система"


def _model_label(entry: LogEntry) -> str:
    model = entry.content_type.model_class()
    return capfirst(str(model._meta.verbose_name)) if model is not None else entry.content_type.model


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    who: str
    action: str
    what: str
    changes: str


def history_rows(entries: Iterable[LogEntry]) -> list[HistoryRow]:
    entries = list(entries)
    names = _related_names(entries)
    return [
        HistoryRow(
            at=timezone.localtime(entry.timestamp),
            who=entry_actor(entry),
            action=ACTION_LABELS.get(entry.action, str(entry.action)),
            what=f"{_model_label(entry)}: {entry.object_repr}",
            changes=changes_text(entry, names),
        )
        for entry in entries
    ]


# --- a subject's request: everything about the person, as .xlsx -------------------------------------


def _excel(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, dt.date | int | float | str):
        return value
    return str(value)


class _Workbook:
    """Sheets one after another, each a small table: bold header, dd.mm.yyyy dates, set widths."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(self.buffer, {"in_memory": True})
        self.header = self.book.add_format({"bold": True, "bg_color": "#E9ECEF", "text_wrap": True})
        self.date = self.book.add_format({"num_format": "dd.mm.yyyy", "align": "left"})
        self.datetime = self.book.add_format({"num_format": "dd.mm.yyyy hh:mm", "align": "left"})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})

    def sheet(
        self, name: str, headers: Sequence[tuple[str, int]], rows: Iterable[Sequence[Any]], empty: str
    ) -> None:
        sheet = self.book.add_worksheet(name[:31])
        for col, (title, width) in enumerate(headers):
            sheet.set_column(col, col, width)
            sheet.write_string(0, col, title, self.header)
        sheet.freeze_panes(1, 0)
        count = 0
        for count, row in enumerate(rows, 1):
            for col, raw in enumerate(row):
                value = _excel(raw)
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(count, col, value, self.datetime)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(count, col, dt.datetime.combine(value, dt.time()), self.date)
                elif isinstance(value, int | float):
                    sheet.write_number(count, col, value)
                else:
                    sheet.write_string(count, col, value, self.wrap)
        if count == 0:
            sheet.write_string(1, 0, empty)

    def close(self) -> bytes:
        self.book.close()
        return self.buffer.getvalue()


SubjectWorkbook = _Workbook  # other apps' subject exports (olympiad students) use the same layout


def _educator_fields(educator: Educator, *, by: Any) -> list[tuple[str, Any]]:
    user = educator.user
    return [
        ("Код записи", educator.pk),
        ("Фамилия", educator.last_name),
        ("Имя", educator.first_name),
        ("Отчество", educator.patronymic),
        ("Пол", educator.get_sex_display()),
        ("Дата рождения", educator.birth_date),
        ("СНИЛС", format_snils(educator.snils) if educator.snils else ""),
        ("ИНН", educator.inn),
        ("Телефон", educator.phone),
        ("Электронная почта", educator.email),
        ("Учёная степень", educator.get_academic_degree_display() if educator.academic_degree else ""),
        ("Учёное звание", educator.get_academic_title_display() if educator.academic_title else ""),
        ("Начало общего стажа", educator.total_experience_start),
        ("Начало педагогического стажа", educator.teaching_experience_start),
        ("Муниципалитет (база данных)", str(educator.municipality)),
        ("Учётная запись", f"{user} ({user.get_username()})" if user else ""),
        ("Запись создана", educator.created_at),
        ("Запись изменена", educator.updated_at),
        ("Дата выгрузки", timezone.now()),
        ("Выгрузку сделал(а)", str(by)),
    ]


def _proposal_data(proposal: ChangeProposal) -> str:
    data = proposal.data if isinstance(proposal.data, dict) else {}
    return "; ".join(f"{key}: {value}" for key, value in data.items())


def subject_access_export(*, educator: Educator, by: Any) -> bytes:
    """Everything the system holds about the person (for their request, 152-ФЗ ст. 14), one sheet per
    section; the export itself is written to the personal-data access log first, so it is listed too."""
    personal_data_access_log(
        user=by,
        action=PersonalDataAccess.Action.SUBJECT_REQUEST,
        educator_ids=[educator.pk],
        what=f"Все сведения о человеке по его запросу (запись № {educator.pk})",
    )
    educator = Educator.objects.select_related("municipality", "user").get(pk=educator.pk)
    book = _Workbook()
    book.sheet("Сведения", [("Поле", 32), ("Значение", 50)], _educator_fields(educator, by=by), "")
    book.sheet(
        "Образование",
        [
            ("Уровень", 24),
            ("Педагогическое", 14),
            ("Учебное заведение", 40),
            ("Год окончания", 12),
            ("Специальность", 30),
            ("Квалификация", 30),
        ],
        (
            (
                r.get_level_display(),
                r.is_pedagogical,
                r.institution,
                r.graduation_year,
                r.speciality,
                r.qualification,
            )
            for r in educator.education_records.order_by("graduation_year", "pk")
        ),
        "Сведений об образовании нет.",
    )
    book.sheet(
        "Награды",
        [("Вид", 18), ("Наименование", 50), ("Дата", 12), ("Номер приказа", 18)],
        (
            (a.get_kind_display(), a.title, a.awarded_on, a.order_number)
            for a in educator.awards.order_by("awarded_on", "pk")
        ),
        "Наград нет.",
    )
    book.sheet(
        "Места работы",
        [
            ("Организация", 36),
            ("Должность", 24),
            ("Предметы", 30),
            ("Основное место работы", 12),
            ("Нагрузка, ч/нед.", 10),
            ("Начало", 12),
            ("Окончание", 12),
            ("Причина окончания", 30),
        ],
        (
            (
                str(e.organization),
                str(e.position),
                ", ".join(str(s) for s in e.subjects.all()),
                e.is_main,
                float(e.weekly_hours) if e.weekly_hours is not None else None,
                e.starts_on,
                e.ends_on,
                e.end_reason,
            )
            for e in educator.employments.select_related("organization", "position")
            .prefetch_related("subjects")
            .order_by("starts_on", "pk")
        ),
        "Мест работы нет.",
    )
    book.sheet(
        "Согласия",
        [("Цель", 34), ("Дата согласия", 12), ("Отозвано", 12), ("Скан", 10), ("Записал(а)", 30)],
        (
            (c.get_purpose_display(), c.given_on, c.withdrawn_on, bool(c.document), str(c.recorded_by or ""))
            for c in educator.consents.select_related("recorded_by").order_by("given_on", "pk")
        ),
        "Согласий нет.",
    )
    book.sheet(
        "Предложенные изменения",
        [
            ("Когда", 16),
            ("Раздел", 14),
            ("Действие", 12),
            ("Значения", 50),
            ("Состояние", 14),
            ("Комментарий", 30),
            ("Предложил(а)", 26),
            ("Решил(а)", 26),
            ("Когда решено", 16),
        ],
        (
            (
                p.created_at,
                p.get_section_display(),
                p.get_action_display(),
                _proposal_data(p),
                p.get_status_display(),
                p.comment,
                str(p.proposed_by or ""),
                str(p.decided_by or ""),
                p.decided_at,
            )
            for p in educator.change_proposals.select_related("proposed_by", "decided_by").order_by(
                "created_at"
            )
        ),
        "Предложенных изменений нет.",
    )
    for section in personal_sections.sections():  # what the domain apps hold (attestation, training, …)
        book.sheet(section.title, section.columns, section.rows_of(educator), section.empty)
    book.sheet(
        "Доступ к данным",
        [("Когда", 16), ("Кто", 30), ("Действие", 28), ("Что", 50), ("Записей", 10)],
        (
            (a.at, f"{a.user} ({a.user.get_username()})", a.get_action_display(), a.what, a.count)
            for a in personal_data_accesses(educator=educator)
        ),
        "Записей нет.",
    )
    book.sheet(
        "История изменений",
        [("Когда", 16), ("Кто", 30), ("Действие", 12), ("Объект", 40), ("Изменения", 80)],
        ((r.at, r.who, r.action, r.what, r.changes) for r in history_rows(history_entries(educator.pk))),
        "Записей нет.",
    )
    return book.close()


# --- erasure -------------------------------------------------------------------------------------


def subject_code(educator: Educator) -> str:
    """How an act names the person: initials and the record's code («И. М. П., запись № 17»)."""
    letters = " ".join(
        part
        for part in (initial(educator.last_name), initial(educator.first_name), initial(educator.patronymic))
        if part
    )
    return f"{letters}, запись № {educator.pk}" if letters else f"запись № {educator.pk}"


def _mask_values(values: Any) -> Any:
    if isinstance(values, list):
        return [value if value in (None, "None", "") else MASK for value in values]
    return MASK


def _scrub_history(educator_pk: int) -> int:
    """Replace the values the change log holds about the person with «***» (who, when and which fields
    stay); names in the entries' object descriptions go too. Returns how many entries changed."""
    entries = list(history_entries(educator_pk))
    changed = []
    for entry in entries:
        model = entry.content_type.model_class()
        changes = entry.changes_dict or {}
        if model is Educator:
            personal = {name for name in changes if name not in _EDUCATOR_KEPT_FIELDS}
            entry.object_repr = f"{ERASED_NAME} (запись № {entry.object_pk})"
        elif model in (EducationRecord, Award):  # their descriptions name the institution or the award
            personal = {name for name in changes if name in _PERSONAL_FIELDS[model]}
            entry.object_repr = f"{capfirst(str(model._meta.verbose_name))} (запись № {entry.object_pk})"
        else:
            personal = {name for name in changes if name in _PERSONAL_FIELDS.get(model, frozenset())}
            if not personal:
                continue
        entry.changes = {name: _mask_values(v) if name in personal else v for name, v in changes.items()}
        entry.changes_text = ""
        entry.serialized_data = None
        changed.append(entry)
    LogEntry.objects.bulk_update(changed, ["changes", "changes_text", "object_repr", "serialized_data"])
    return len(changed)


@transaction.atomic
def educator_erase(
    *, educator: Educator, act_number: str, made_on: dt.date, reason: str, by: Any
) -> ErasureAct:
    """Destroy the person's personal data, keep an anonymised row for statistics, and record the act."""
    educator = Educator.objects.select_for_update().select_related("municipality").get(pk=educator.pk)
    if educator.erased_at is not None:
        raise ValidationError("Данные этого человека уже уничтожены.")
    act = ErasureAct(
        number=collapse_spaces(act_number or ""),
        made_on=made_on,
        reason=collapse_spaces(reason or ""),
        subject=subject_code(educator),
        municipality=educator.municipality,
        made_by=by,
    )
    if made_on and made_on > timezone.localdate():
        raise ValidationError({"made_on": "Дата акта не может быть в будущем."})
    act.full_clean()
    act.save()

    # What the domain apps hold (survey texts, digest subscription, …): first, while the record still
    # names its account, in this transaction.
    for eraser in personal_sections.erasers():
        eraser(educator)

    now = timezone.now()
    pk = educator.pk
    Educator.objects.filter(pk=pk).update(
        last_name=ERASED_NAME,
        first_name="",
        patronymic="",
        snils="",
        inn="",
        phone="",
        email="",
        academic_degree="",
        academic_title="",
        user=None,
        birth_date=dt.date(educator.birth_date.year, 7, 1) if educator.birth_date else None,
        search_text="",
        name_key="",
        erased_at=now,
        updated_at=now,
    )
    EducationRecord.objects.filter(educator_id=pk).update(
        institution="", speciality="", qualification="", updated_at=now
    )
    Award.objects.filter(educator_id=pk).update(title="", order_number="", updated_at=now)
    consents = Consent.objects.filter(educator_id=pk).exclude(document="")
    files = [(consent.document.storage, consent.document.name) for consent in consents]
    consents.update(document="", updated_at=now)
    ChangeProposal.objects.filter(educator_id=pk).delete()

    def delete_files() -> None:
        for storage, name in files:
            if name and storage.exists(name):
                storage.delete(name)

    transaction.on_commit(delete_files)

    _scrub_history(pk)
    educator.refresh_from_db()
    text = f"Персональные данные уничтожены по акту № {act.number} от {act.made_on:%d.%m.%Y}: {act.reason}"
    LogEntry.objects.log_create(
        educator,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"Уничтожение персональных данных": ["", text]},
        changes_text=text,
        actor=by if getattr(by, "pk", None) else None,
        additional_data={ERASURE_ACT_KEY: act.pk},
    )
    return act


# --- the register of acts and the extract of the event log ------------------------------------------


def erasure_acts_visible_to(user: Any) -> QuerySet[ErasureAct]:
    queryset = ErasureAct.objects.select_related("municipality", "made_by").order_by("-made_on", "-pk")
    if not may_manage_personal_data(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    condition = Q(pk__in=[])
    for path in scope_paths(user, USER_MANAGER_ROLES):
        condition |= Q(municipality__path__startswith=path)
    return queryset.filter(condition)


def erasure_act_get_for(*, user: Any, pk: int) -> ErasureAct:
    act = erasure_acts_visible_to(user).filter(pk=pk).first()
    if act is None:
        raise Http404("Акт не найден.")
    return act


def erased_educator_of(act: ErasureAct) -> int | None:
    """The id of the anonymised record the act is about (from the erasure's log entry)."""
    key = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Educator), additional_data__erasure_act=act.pk
        )
        .values_list("object_pk", flat=True)
        .first()
    )
    return int(key) if key and key.isdecimal() else None


@dataclass(frozen=True)
class ErasureExtract:
    educator_pk: int | None
    history: list[HistoryRow]
    accesses: list[PersonalDataAccess]


def erasure_extract(act: ErasureAct) -> ErasureExtract:
    """The extract of the event log attached to the act: the change log and the access log about the
    person, up to and including the erasure."""
    pk = erased_educator_of(act)
    if pk is None:
        return ErasureExtract(None, [], [])
    accesses = list(
        PersonalDataAccess.objects.filter(educators__pk=pk).select_related("user").order_by("at", "pk")
    )
    return ErasureExtract(pk, history_rows(history_entries(pk)), accesses)


# --- the access log ---------------------------------------------------------------------------------


def access_log_visible_to(user: Any) -> QuerySet[PersonalDataAccess]:
    """Entries about at least one educator in the user's scope (erased ones included) or about other
    people of an organisation in it, newest first."""
    queryset = PersonalDataAccess.objects.select_related("user").order_by("-at", "-pk")
    if not may_manage_personal_data(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    link = PersonalDataAccess.educators.through
    visible = educators_visible_to(user=user, include_erased=True).values("pk")
    others = Q(pk__in=[])  # rows about other people: by the organisation whose data it was
    for path in scope_paths(user, USER_MANAGER_ROLES):
        others |= Q(organization__path__startswith=path)
    return queryset.filter(
        Exists(link.objects.filter(personaldataaccess_id=OuterRef("pk"), educator_id__in=visible)) | others
    )


def educator_label(educator: Educator) -> str:
    """How the logs name a record: «Удалено (запись № 17)» once erased."""
    if educator.erased_at is not None:
        return f"{ERASED_NAME} (запись № {educator.pk})"
    return short_name(educator.last_name, educator.first_name, educator.patronymic)
