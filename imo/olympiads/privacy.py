"""Personal-data duties for olympiad students (152-ФЗ ст. 14 and 21; olympiads.md, 15): everything held
about one child for a request, erasure with an act in the same register as educators' acts, and the
scheduled destruction of works and parents' statements whose retention period ran out. Also the
olympiad's sheets of an educator's own export (jury memberships, students prepared).

A child's records of several years are linked by `previous`: a request and an erasure cover all of them.
Results stay (rank, score, status are published protocols) but no longer name the child; public pages
already hide names without consent, and the consent is destroyed with the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst

from imo.core.names import initial
from imo.core.text import collapse_spaces
from imo.olympiads.models import (
    Appeal,
    AppealMember,
    Certificate,
    CommitteeMember,
    JuryMember,
    Participation,
    RetentionAct,
    RetentionSettings,
    Season,
    Student,
    StudentConsent,
    Work,
)
from imo.orgs.models import OFFICE_ROLES, Organization
from imo.orgs.selectors import memberships_of, municipalities_above, municipality_of, paths_q, scope_paths
from imo.reference.models import AcademicYear
from imo.staff.access_log import personal_data_access_log, subject_accesses
from imo.staff.models import Educator, ErasureAct, PersonalDataAccess
from imo.staff.personal_sections import register_section
from imo.staff.privacy import ERASED_NAME, MASK, SubjectWorkbook

RETENTION_BASIS = "Истёк срок хранения (настройки олимпиады; 152-ФЗ ч. 7 ст. 5)"


# --- an educator's sheets ---------------------------------------------------------------------------


def _memberships(educator: Educator) -> Iterable[Sequence[Any]]:
    related = ("stage_subject__stage__season__academic_year", "stage_subject__subject")
    for kind, model in (("жюри", JuryMember), ("апелляционная комиссия", AppealMember)):
        for m in model.objects.filter(educator=educator).select_related(*related).order_by("pk"):
            stage = m.stage_subject.stage
            role = f"{kind}{' (председатель)' if m.is_chair else ''}"
            yield (
                role,
                str(stage.season.academic_year),
                stage.get_level_display(),
                str(m.stage_subject.subject),
            )
    for c in CommitteeMember.objects.filter(educator=educator).select_related("stage__season__academic_year"):
        yield (
            f"оргкомитет: {c.role}".strip(": "),
            str(c.stage.season.academic_year),
            c.stage.get_level_display(),
            "",
        )


def _prepared(educator: Educator) -> Iterable[Sequence[Any]]:
    rows = Participation.objects.filter(teachers=educator).select_related(
        "student", "stage_subject__stage__season__academic_year", "stage_subject__subject"
    )
    for p in rows.order_by("pk"):
        stage = p.stage_subject.stage
        yield (
            p.student.short_name,
            str(stage.season.academic_year),
            stage.get_level_display(),
            str(p.stage_subject.subject),
            p.get_status_display() if p.status else "",
        )


def ready() -> None:
    register_section(
        "Олимпиады — жюри",
        [("Роль", 30), ("Учебный год", 12), ("Этап", 16), ("Предмет", 30)],
        _memberships,
        empty="Участия в жюри и комиссиях нет.",
    )
    register_section(
        "Олимпиады — ученики",
        [("Обучающийся", 30), ("Учебный год", 12), ("Этап", 16), ("Предмет", 30), ("Статус", 16)],
        _prepared,
        empty="Подготовленных участников нет.",
    )


# --- one child: all years' records ------------------------------------------------------------------


def student_records(student: Student) -> list[Student]:
    """The child's records of every year, linked by `previous` both ways, oldest first."""
    ids = {student.pk}
    frontier = {student.pk}
    while frontier:
        linked = Student.objects.filter(Q(pk__in=frontier) | Q(previous_id__in=frontier)).values_list(
            "pk", "previous_id"
        )
        found = {pk for pair in linked for pk in pair if pk is not None} - ids
        ids |= found
        frontier = found
    return list(
        Student.objects.filter(pk__in=ids)
        .select_related("school", "academic_year")
        .order_by("academic_year__start_year", "pk")
    )


def student_subject_export(*, student: Student, by: Any) -> bytes:
    """Everything held about the child (all years), one sheet per section; the export is logged first."""
    records = student_records(student)
    ids = [s.pk for s in records]
    personal_data_access_log(
        user=by,
        action=PersonalDataAccess.Action.SUBJECT_REQUEST,
        what=f"Все сведения об обучающемся по запросу (запись № {student.pk})",
        subject_model=Student,
        subject_ids=ids,
        subject=f"Обучающийся {student.short_name}",
        organization=student.school,
    )
    book = SubjectWorkbook()
    book.sheet(
        "Обучающийся",
        [
            ("Учебный год", 12),
            ("Школа", 36),
            ("Фамилия", 18),
            ("Имя", 16),
            ("Отчество", 18),
            ("Дата рождения", 12),
            ("Класс", 8),
            ("Литера", 8),
        ],
        (
            (
                str(s.academic_year),
                str(s.school),
                s.last_name,
                s.first_name,
                s.patronymic,
                s.birth_date,
                s.grade,
                s.class_letter,
            )
            for s in records
        ),
        "",
    )
    consents = StudentConsent.objects.filter(student_id__in=ids).select_related("student__academic_year")
    book.sheet(
        "Заявления родителей",
        [
            ("Учебный год", 12),
            ("Родитель", 30),
            ("С Порядком ознакомлен", 12),
            ("Публикация разрешена", 12),
            ("Дата заявления", 12),
            ("Скан", 8),
        ],
        (
            (
                str(c.student.academic_year),
                c.parent_name,
                c.rules_accepted,
                c.publication_allowed,
                c.signed_on,
                bool(c.document),
            )
            for c in consents.order_by("signed_on", "pk")
        ),
        "Заявлений нет.",
    )
    participations = (
        Participation.objects.filter(student_id__in=ids)
        .select_related("stage_subject__stage__season__academic_year", "stage_subject__subject", "work")
        .prefetch_related("teachers")
        .order_by("pk")
    )
    rows = []
    for p in participations:
        stage = p.stage_subject.stage
        certificate = getattr(p, "certificate", None)
        rows.append(
            (
                str(stage.season.academic_year),
                stage.get_level_display(),
                str(p.stage_subject.subject),
                p.grade,
                p.work.code if p.work else "",
                p.absent,
                float(p.score) if p.score is not None else None,
                p.rank,
                p.get_status_display() if p.status else "",
                f"№ {certificate.number} от {certificate.issued_on:%d.%m.%Y}" if certificate else "",
                ", ".join(str(t) for t in p.teachers.all()),
            )
        )
    book.sheet(
        "Участие и результаты",
        [
            ("Учебный год", 12),
            ("Этап", 16),
            ("Предмет", 28),
            ("Класс (задания)", 10),
            ("Шифр", 10),
            ("Не явился", 10),
            ("Балл", 8),
            ("Место", 8),
            ("Статус", 14),
            ("Диплом", 24),
            ("Педагоги", 30),
        ],
        rows,
        "Участия нет.",
    )
    accesses: dict[int, PersonalDataAccess] = {}  # an entry about several years' records: once
    for pk in ids:
        accesses.update((entry.pk, entry) for entry in subject_accesses(Student, pk))
    book.sheet(
        "Доступ к данным",
        [("Когда", 16), ("Кто", 30), ("Действие", 28), ("Что", 50)],
        (
            (a.at, f"{a.user} ({a.user.get_username()})", a.get_action_display(), a.what)
            for a in sorted(accesses.values(), key=lambda a: (a.at, a.pk))
        ),
        "Записей нет.",
    )
    return book.close()


def student_subject_code(student: Student) -> str:
    letters = " ".join(
        p for p in (initial(student.last_name), initial(student.first_name), initial(student.patronymic)) if p
    )
    return f"{letters}, обучающийся, запись № {student.pk}".lstrip(", ")


def _delete_files_on_commit(stored: list[tuple[Any, str]]) -> None:
    def delete_files() -> None:
        for storage, name in stored:
            if name and storage.exists(name):
                storage.delete(name)

    transaction.on_commit(delete_files)


@transaction.atomic
def student_erase(*, student: Student, act_number: str, made_on: dt.date, reason: str, by: Any) -> ErasureAct:
    """Destroy the child's data in every year's record and record the act (the educators' register):
    names become «Удалено», the birth date and the statements (with their scans) go, the change log's
    values about the child become «***». Participations and results stay, without a name."""
    records = student_records(student)
    ids = [s.pk for s in records]
    if all(s.last_name == ERASED_NAME and not s.first_name for s in records):
        raise ValidationError("Данные этого обучающегося уже уничтожены.")
    if made_on and made_on > timezone.localdate():
        raise ValidationError({"made_on": "Дата акта не может быть в будущем."})
    act = ErasureAct(
        number=collapse_spaces(act_number or ""),
        made_on=made_on,
        reason=collapse_spaces(reason or ""),
        subject=student_subject_code(student),
        municipality=municipality_of(student.school) or student.school,
        made_by=by,
    )
    act.full_clean()
    act.save()
    consents = StudentConsent.objects.filter(student_id__in=ids)
    _delete_files_on_commit([(c.document.storage, c.document.name) for c in consents.exclude(document="")])
    consent_keys = [str(pk) for pk in consents.values_list("pk", flat=True)]
    consents.delete()
    Student.objects.filter(pk__in=ids).update(
        last_name=ERASED_NAME,
        first_name="",
        patronymic="",
        birth_date=None,
        name_key="",
        person_key="",
        updated_at=timezone.now(),
    )
    # The change log: who changed what and when stays; the values about the child go.
    keys = [str(pk) for pk in ids]
    entries = LogEntry.objects.filter(
        Q(content_type=ContentType.objects.get_for_model(Student), object_pk__in=keys)
        | Q(content_type=ContentType.objects.get_for_model(StudentConsent), object_pk__in=consent_keys)
    )
    changed = []
    for entry in entries:
        entry.changes = {
            name: [v if v in (None, "None", "") else MASK for v in values]
            if isinstance(values, list)
            else MASK
            for name, values in (entry.changes_dict or {}).items()
        }
        entry.changes_text = ""
        entry.serialized_data = None
        entry.object_repr = f"{ERASED_NAME} (запись № {entry.object_pk})"
        changed.append(entry)
    LogEntry.objects.bulk_update(changed, ["changes", "changes_text", "object_repr", "serialized_data"])
    _unname_results(ids)
    return act


def _unname_results(student_ids: list[int]) -> None:
    """The change log's descriptions of the child's participations, diplomas and appeals name the child:
    they become «Участие в олимпиаде (запись № …)»; the values (scores, statuses) stay."""
    participations = Participation.objects.filter(student_id__in=student_ids).values("pk")
    for model, rows in (
        (Participation, participations),
        (Certificate, Certificate.objects.filter(participation__in=participations).values("pk")),
        (Appeal, Appeal.objects.filter(participation__in=participations).values("pk")),
    ):
        label = capfirst(str(model._meta.verbose_name))
        kind = ContentType.objects.get_for_model(model)
        keys = [str(row["pk"]) for row in rows]
        entries = list(LogEntry.objects.filter(content_type=kind, object_pk__in=keys))
        for entry in entries:
            entry.object_repr = f"{label} (запись № {entry.object_pk})"
            entry.serialized_data = None
        LogEntry.objects.bulk_update(entries, ["object_repr", "serialized_data"])


# --- retention: works and statements of past years --------------------------------------------------


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _expired_years(years: int, today: dt.date) -> list[Season]:
    """Seasons whose academic year ended more than `years` years before `today`."""
    seasons = Season.objects.select_related("academic_year", "municipality")
    return [s for s in seasons if _add_years(s.academic_year.ends_on, years) < today]


@transaction.atomic
def retention_run(*, today: dt.date | None = None) -> list[RetentionAct]:
    """Destroy works and parents' statements whose retention period ran out; one act per season and kind
    for works, one per academic year and municipality for statements, with what was destroyed and how
    many rows. Nothing to destroy: no act."""
    today = today or timezone.localdate()
    settings = RetentionSettings.current()
    acts = []
    for season in _expired_years(settings.works_years, today):
        works = Work.objects.filter(stage_subject__stage__season=season)
        count = works.count()
        if count:
            works.delete()  # participations keep score, rank and status (published); the code goes
            acts.append(
                RetentionAct.objects.create(
                    made_on=today,
                    kind=RetentionAct.Kind.WORKS,
                    academic_year=season.academic_year,
                    municipality=season.municipality,
                    rows=count,
                    basis=f"{RETENTION_BASIS}: {settings.works_years} г. после окончания учебного года",
                )
            )
    acts.extend(_destroy_consents(settings.consents_years, today))
    return acts


def _destroy_consents(years: int, today: dt.date) -> list[RetentionAct]:
    """Parents' statements of the academic years that ended more than `years` years ago (statements
    belong to a year, season or not), one act per year and municipality.

    Each district office is the operator of its own schools' children and files its own act, so the
    statements are counted per municipality above the student's school: one grouped query for the
    counts, one for the municipalities. A school with no municipality above it (the tree should not
    allow it) gets an act with no municipality; no district office is answerable for that school, so
    only the region (and a superuser) sees that act (`retention_acts_visible_to`)."""
    expired = {
        year.pk: year
        for year in AcademicYear.objects.order_by("start_year")
        if _add_years(year.ends_on, years) < today
    }
    consents = StudentConsent.objects.filter(student__academic_year__in=list(expired))
    rows = list(
        consents.order_by()
        .values("student__academic_year_id", "student__school__path")
        .annotate(count=Count("pk"), files=Count("pk", filter=~Q(document="")))
    )
    if not rows:
        return []
    municipality_of_school = municipalities_above(row["student__school__path"] for row in rows)
    totals: dict[tuple[int, Organization | None], tuple[int, int]] = {}
    for row in rows:
        key = (row["student__academic_year_id"], municipality_of_school[row["student__school__path"]])
        count, files = totals.get(key, (0, 0))
        totals[key] = (count + row["count"], files + row["files"])
    _delete_files_on_commit(
        [(c.document.storage, c.document.name) for c in consents.exclude(document="").only("pk", "document")]
    )
    consents.delete()
    basis = f"{RETENTION_BASIS}: {years} г. после окончания учебного года"

    def _act_order(year_id: int, municipality: Organization | None) -> tuple[int, bool, str]:
        # Oldest year first, then the municipalities in tree order, a school outside any last.
        return expired[year_id].start_year, municipality is None, municipality.path if municipality else ""

    return [
        RetentionAct.objects.create(
            made_on=today,
            kind=RetentionAct.Kind.CONSENTS,
            academic_year=expired[year_id],
            municipality=municipality,
            rows=count,
            files=files,
            basis=basis,
        )
        for (year_id, municipality), (count, files) in sorted(
            totals.items(), key=lambda item: _act_order(*item[0])
        )
    ]


def retention_chore() -> str:
    acts = retention_run()
    return ", ".join(f"{a.get_kind_display()} {a.academic_year}: {a.rows}" for a in acts) or "nothing due"


@transaction.atomic
def retention_settings_save(*, works_years: int, consents_years: int) -> RetentionSettings:
    current = RetentionSettings.current()
    current.works_years, current.consents_years = works_years, consents_years
    current.full_clean()
    current.save()
    return current


def retention_acts_visible_to(user: Any) -> QuerySet[RetentionAct]:
    """The acts of the user's municipalities: an office sees what was destroyed in its own subtree.
    An act that names no municipality (statements of a school outside any municipality, or an act
    written before statements were destroyed per municipality, which counted every school) is not a
    district's business: only a superuser and the region's office see it."""
    acts = RetentionAct.objects.select_related("academic_year", "municipality").order_by("-made_on", "-pk")
    if user.is_superuser:
        return acts
    condition = paths_q(scope_paths(user, OFFICE_ROLES), "municipality__")
    if any(
        m.role in OFFICE_ROLES and m.organization.kind == Organization.Kind.REGION
        for m in memberships_of(user)
    ):
        condition |= Q(municipality__isnull=True)
    return acts.filter(condition)
