"""Throughput benchmarks (bench/entries.py THROUGHPUT), run in `bench/run.py`'s child with Django set up.

Each function builds its own rows, measures inside a transaction that is rolled back (the region data
set the page timings use stays as it was) and returns a `Measured`.
"""

from __future__ import annotations

import io
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROWS = 25_000
HEADER = [
    "Полное наименование", "Краткое наименование", "Тип", "Муниципалитет", "Населённый пункт", "ИНН", "ОГРН",
    "Адрес", "Руководитель", "Телефон", "Эл. почта", "Сайт",
]  # fmt: skip


@dataclass
class Measured:
    value: float
    baseline: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class _Rollback(Exception):
    pass


@contextmanager
def _rolled_back() -> Iterator[None]:
    from django.db import transaction

    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds of `work()` run inside a transaction that is then rolled back."""
    result: Any = None
    with _rolled_back():
        started = time.perf_counter()
        result = work()
        elapsed = time.perf_counter() - started
    return elapsed, result


def _inn(number: int) -> str:
    digits = f"{number:09d}"
    check = sum(int(d) * w for d, w in zip(digits, (2, 4, 10, 3, 5, 9, 4, 6, 8), strict=True)) % 11 % 10
    return f"{digits}{check}"


def _municipality() -> Any:
    from imo.orgs.models import Organization

    municipality = Organization.objects.filter(kind=Organization.Kind.MUNICIPALITY).order_by("pk").first()
    if municipality is None:
        raise RuntimeError("no municipality in the data set")
    return municipality


def _rows(municipality: Any) -> list[list[Any]]:
    """25,000 organisation rows with valid, unused ИНН (as a school list of a big region would be)."""
    from imo.orgs.models import Organization

    used = set(Organization.objects.exclude(inn="").values_list("inn", flat=True))
    rows: list[list[Any]] = []
    number = 990_000_000
    while len(rows) < ROWS:
        number -= 1
        inn = _inn(number)
        if inn in used:
            continue
        n = len(rows) + 1
        rows.append([
            f"Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № {n}»",
            f"СОШ № {n} (бенчмарк)", "Школа", municipality.short_name, f"с. Пункт-{n % 300}", inn, "",
            f"366000, с. Пункт-{n % 300}, ул. Школьная, д. {n}", "Иванова Мария Ивановна",
            f"+7 (8714) {n % 100:02d}-{n % 97:02d}-00", f"school{n}@example.ru", f"https://school{n}.example.ru",
        ])  # fmt: skip
    return rows


def _write_xlsx(rows: list[list[Any]], path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Организации")
    sheet.write_row(0, 0, HEADER)
    for index, row in enumerate(rows, start=1):
        sheet.write_row(index, 0, row)
    book.close()


def import_rows(db: str) -> Measured:
    """Ours (imo import organizations), the naive loop and the database's bulk path, same file."""
    from imo.core.imports.engine import import_file
    from imo.core.imports.spec import ImportContext
    from imo.orgs.imports import ORGANIZATION_IMPORT

    municipality = _municipality()
    rows = _rows(municipality)
    with tempfile.TemporaryDirectory(prefix="imo-bench-import-") as tmp:
        path = Path(tmp) / "organizations.xlsx"
        _write_xlsx(rows, path)
        context = ImportContext(user=None, options={"organization_id": municipality.pk})

        def ours() -> Any:
            analysis = import_file(ORGANIZATION_IMPORT, path, context)
            if not analysis.saved or analysis.saved_counts["created"] != ROWS:
                raise RuntimeError(f"import did not save every row: {analysis.summary()['errors'][:3]}")
            return analysis

        ours_s, _ = _timed(ours)
        naive_s, _ = _timed(lambda: _naive(path, municipality))
        limit_s, _ = _timed(lambda: _bulk_limit(path, municipality, db))
    return Measured(
        value=ROWS / ours_s,
        baseline=ROWS / naive_s,
        extra={
            "rows": ROWS,
            "seconds": round(ours_s, 2),
            "baseline_name": "naive: openpyxl read-only + Model.save() per row",
            "baseline_seconds": round(naive_s, 2),
            "limit_name": "PostgreSQL COPY" if db == "postgresql" else "SQLite executemany",
            "limit": round(ROWS / limit_s, 1),
            "limit_seconds": round(limit_s, 2),
            "limit_ratio": round(limit_s / ours_s, 3),
        },
    )


def _naive(path: Path, municipality: Any) -> None:
    """What a first version would do: read every row with openpyxl and save one model per row."""
    import openpyxl

    from imo.orgs.models import Organization

    book = openpyxl.load_workbook(path, read_only=True)
    sheet = book.active
    assert sheet is not None
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True)):
        name, short, _, _, settlement, inn, ogrn, address, director, phone, email, website = row
        Organization(
            parent=municipality,
            path=f"{municipality.path}n{number}/",
            kind=Organization.Kind.SCHOOL,
            name=name,
            short_name=short,
            settlement=settlement or "",
            inn=str(inn or ""),
            ogrn=str(ogrn or ""),
            address=address or "",
            director=director or "",
            phone=phone or "",
            email=email or "",
            website=website or "",
        ).save()
    book.close()


def _bulk_limit(path: Path, municipality: Any, db: str) -> None:
    """The practical limit: calamine read and the database's own bulk insert, without any checks."""
    from django.db import connection
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[1:]
    now = timezone.now() if db == "postgresql" else timezone.now().isoformat(" ")
    columns = (
        "parent_id, path, kind, name, short_name, settlement, inn, ogrn, address, director, phone, email, "
        "website, status, search_text, created_at, updated_at"
    )
    values = (
        (
            municipality.pk, f"{municipality.path}b{n}/", "school", r[0], r[1], r[4], r[5], r[6], r[7], r[8],
            r[9], r[10], r[11], "active", "", now, now,
        )
        for n, r in enumerate(rows)
    )  # fmt: skip
    with connection.cursor() as cursor:
        if db == "postgresql":
            with cursor.cursor.copy(f"COPY orgs_organization ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        else:
            marks = ", ".join(["%s"] * 17)
            cursor.executemany(f"INSERT INTO orgs_organization ({columns}) VALUES ({marks})", list(values))


def export_rows(db: str) -> Measured:
    """The list's Excel export (imo.core.excel.write_xlsx, ORGANIZATION_COLUMNS) of 25,000 rows, against
    openpyxl's write-only mode on the same rows."""
    from imo.core.collation import russian
    from imo.core.excel import write_xlsx
    from imo.orgs.exports import ORGANIZATION_COLUMNS
    from imo.orgs.models import Organization
    from imo.orgs.services import organization_upsert_many

    municipality = _municipality()
    rows = _rows(municipality)
    result: dict[str, float] = {}
    with _rolled_back():
        kinds = {"Школа": Organization.Kind.SCHOOL}
        organization_upsert_many(
            creates=[
                {
                    "parent": municipality, "kind": kinds[r[2]], "name": r[0], "short_name": r[1],
                    "settlement": r[4], "inn": r[5], "address": r[7], "director": r[8], "phone": r[9],
                    "email": r[10], "website": r[11],
                }
                for r in rows
            ],
            updates=[],
            validated=True,
        )  # fmt: skip

        def queryset() -> Any:
            # As the list's export reads them (imo.orgs.tables.OrganizationTable.export_queryset).
            return (
                Organization.objects.filter(parent=municipality)
                .prefetch_related("parent")
                .defer("search_text", "path", "updated_at")
                .order_by(russian("short_name"), "pk")
            )

        # The same calls as the list's export view (imo.core.tables.Table.export_response).
        started = time.perf_counter()
        content = write_xlsx(
            ORGANIZATION_COLUMNS,
            queryset().iterator(chunk_size=2000),
            sheet_name="Организации",
        )
        result["ours"] = time.perf_counter() - started
        started = time.perf_counter()
        _openpyxl_export(queryset(), ORGANIZATION_COLUMNS)
        result["baseline"] = time.perf_counter() - started
    return Measured(
        value=result["ours"],
        baseline=result["baseline"],
        extra={
            "rows": ROWS,
            "bytes": len(content),
            "baseline_name": "openpyxl write-only, same rows and columns",
        },
    )


def _openpyxl_export(queryset: Any, columns: Any) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Организации")
    sheet.append([column.header for column in columns])
    for row in queryset.iterator(chunk_size=2000):
        sheet.append([column.value(row) for column in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- training.import_rows_per_s: a provider's list of graduates (issue #6, items 5 and 9) ----------

COURSE_ROWS = 5_000
COURSE_NAIVE_ROWS = 500  # the naive loop is timed on the first rows of the same file (a rate)
COURSE_HEADER = [
    "ФИО", "СНИЛС", "Школа", "Программа", "Вид", "Часов", "Дата начала", "Дата окончания", "Номер документа",
    "Регистрационный номер", "Дата выдачи",
]  # fmt: skip


def _course_rows() -> list[list[Any]]:
    """5,000 graduates built from the region's educators and their current schools: 45 % with СНИЛС and
    name, 45 % name and school only, 10 % people the region does not have (they go to the resolution
    page). Document numbers are new (the provider is created for the run)."""
    import datetime as dt

    from django.utils import timezone

    from imo.staff.models import Employment
    from imo.staff.selectors import active_on

    today = timezone.localdate()
    jobs = (
        Employment.objects.filter(active_on(today), educator__erased_at__isnull=True, is_main=True)
        .order_by("educator_id")
        .values_list(
            "educator__last_name", "educator__first_name", "educator__patronymic", "educator__snils",
            "organization__short_name",
        )
    )  # fmt: skip
    people = list(jobs[: COURSE_ROWS * 2 : 2]) or list(jobs[:COURSE_ROWS])
    if not people:
        raise RuntimeError("no employed educators in the data set")
    ends = today - dt.timedelta(days=40)
    starts = ends - dt.timedelta(days=14)
    rows: list[list[Any]] = []
    for n in range(COURSE_ROWS):
        last, first, patronymic, snils, school = people[n % len(people)]
        name = f"{last} {first} {patronymic}".strip()
        kind = n % 10
        if kind == 9:
            name, snils, school = f"Приезж{_letters(n)} Анна Петровна", "", "МБОУ «СОШ № 999»"
        elif kind >= 5 or not snils:
            snils = ""
        else:
            school = ""
        rows.append([
            name, snils, school, f"Программа бенчмарка {n % 20}", "ПК", 36 + (n % 3) * 36, starts, ends,
            f"БН-{n:06d}", str(n), ends,
        ])  # fmt: skip
    return rows


def _letters(number: int) -> str:
    """A number written in Russian letters (names hold no digits): 0 → «а», 33 → «ба»."""
    alphabet = "абвгдежзийклмнопрстуфхцчшщыэюя"
    text = ""
    while True:
        number, digit = divmod(number, len(alphabet))
        text = alphabet[digit] + text
        if not number:
            return text


def _course_provider() -> Any:
    from imo.core.text import fold
    from imo.training.models import Provider, ProviderKind

    name = "ГАУ ДПО «Институт развития образования» (бенчмарк)"
    return Provider.objects.create(name=name, name_key=fold(name), kind=ProviderKind.STATE)


def course_import_rows(db: str) -> Measured:
    """`imo import courses` of 5,000 rows end to end (read .xlsx, match by СНИЛС / name and school, check
    the rules, write records, pending rows and audit entries) against a naive loop (openpyxl + a query or
    two per row to find the educator + CourseRecord.save()) on the same rows."""
    from django.urls import reverse

    from imo.core.imports.engine import import_file
    from imo.core.imports.spec import ImportContext
    from imo.training.imports import COURSE_IMPORT

    rows = _course_rows()
    # The web process and the worker have the URLconf loaded; the preview's links need it: load it first.
    reverse("training:pending_graduates")
    with tempfile.TemporaryDirectory(prefix="imo-bench-courses-") as tmp:
        path = Path(tmp) / "слушатели.xlsx"
        _write_course_xlsx(rows, path)
        seconds: dict[str, float] = {}
        summary: dict[str, Any] = {}
        with _rolled_back():
            provider = _course_provider()
            context = ImportContext(user=None, options={"provider_id": provider.pk})
            started = time.perf_counter()
            analysis = import_file(COURSE_IMPORT, path, context)
            seconds["ours"] = time.perf_counter() - started
            if not analysis.saved:
                raise RuntimeError(f"import did not save: {analysis.summary()['errors'][:3]}")
            summary = analysis.summary()
            summary["pending"] = sum(1 for w in analysis.warnings if "сопоставлени" in w.message)
        with _rolled_back():
            provider = _course_provider()
            started = time.perf_counter()
            _naive_courses(path, provider)
            seconds["naive"] = (time.perf_counter() - started) / COURSE_NAIVE_ROWS * COURSE_ROWS
    return Measured(
        value=COURSE_ROWS / seconds["ours"],
        baseline=COURSE_ROWS / seconds["naive"],
        extra={
            "rows": COURSE_ROWS,
            "seconds": round(seconds["ours"], 2),
            "created": summary["created"],
            "pending_rows": summary["pending"],
            "errors": len(summary["errors"]),
            "baseline_name": f"naive: openpyxl + queries and save() per row (first {COURSE_NAIVE_ROWS} rows)",
            "baseline_seconds_per_5000": round(seconds["naive"], 2),
        },
    )


def _write_course_xlsx(rows: list[list[Any]], path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Слушатели")
    dates = book.add_format({"num_format": "dd.mm.yyyy"})
    sheet.write_row(0, 0, COURSE_HEADER)
    for index, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if hasattr(value, "year"):
                sheet.write_datetime(index, column, _midnight(value), dates)
            else:
                sheet.write(index, column, value)
    book.close()


def _midnight(day: Any) -> Any:
    import datetime as dt

    return dt.datetime(day.year, day.month, day.day)


def _naive_courses(path: Path, provider: Any) -> None:
    """What a first version would do: per row, find the educator by СНИЛС or by name (and school) with
    queries and save one record."""
    import openpyxl

    from imo.core.text import fold
    from imo.staff.models import Educator
    from imo.training.models import CourseRecord

    book = openpyxl.load_workbook(path, read_only=True)
    sheet = book.active
    assert sheet is not None
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True)):
        if number >= COURSE_NAIVE_ROWS:
            break
        name, snils, school, title, _, hours, starts, ends, doc, reg, issued = row
        educators = Educator.objects.filter(snils=snils) if snils else Educator.objects.none()
        educator = educators.first()
        if educator is None:
            found = Educator.objects.filter(name_key=fold(name))
            if school:
                found = found.filter(employments__organization__short_name=school)
            candidates = list(found[:2])
            educator = candidates[0] if len(candidates) == 1 else None
        if educator is None:
            continue
        CourseRecord(
            educator=educator, title=title, provider=provider, provider_kind=provider.kind, hours=hours,
            starts_on=starts.date(), ends_on=ends.date(), document_number=doc, registration_number=str(reg),
            issued_on=issued.date(), source=CourseRecord.Source.IMPORT,
        ).save()  # fmt: skip
    book.close()


# --- olympiads (issue #7, item 11) ---------------------------------------------------------------------

OLYMPIAD_PARTICIPATIONS = 50_000
OLYMPIAD_PROTOCOL_ROWS = 10_000
_SURNAMES = ["Иванов", "Петров", "Сидоров", "Магомадов", "Алиев", "Кузнецов", "Смирнов", "Попов", "Васильев"]
_NAMES = ["Ахмед", "Мария", "Иван", "Аминат", "Руслан", "Елена", "Зелимхан", "Анна", "Пётр", "Хеда"]


def _olympiad_stage(participations: int) -> Any:
    """A municipal stage of every subject, grades 7–11 (maximum 100), with `participations` scored rows."""
    import datetime as dt
    import random
    from decimal import Decimal

    from imo.core.text import fold
    from imo.olympiads.models import (
        GradeSetting,
        OlympiadSubject,
        Participation,
        Season,
        Stage,
        StageSubject,
        Student,
    )
    from imo.orgs.models import Organization
    from imo.reference.models import AcademicYear

    rng = random.Random(7)
    year = AcademicYear.objects.filter(start_year=2090).first() or AcademicYear.objects.create(
        start_year=2090, starts_on=dt.date(2090, 9, 1), ends_on=dt.date(2091, 8, 31)
    )
    municipality = _municipality()
    schools = list(Organization.objects.filter(parent=municipality).values_list("pk", flat=True)[:40]) or [
        municipality.pk
    ]
    season = Season.objects.create(municipality=municipality, academic_year=year, title="Бенчмарк")
    stage = Stage.objects.create(
        season=season,
        level=Stage.Level.MUNICIPAL,
        starts_on=dt.date(2090, 11, 10),
        ends_on=dt.date(2090, 12, 20),
    )
    subjects = [
        StageSubject.objects.create(stage=stage, subject=subject, min_grade=7, max_grade=11)
        for subject in OlympiadSubject.objects.all()
    ]
    GradeSetting.objects.bulk_create(
        GradeSetting(stage_subject=ss, grade=grade, max_score=Decimal(100))
        for ss in subjects
        for grade in range(7, 12)
    )
    per_student = 4
    students = []
    for n in range(participations // per_student + 1):
        last, first = rng.choice(_SURNAMES), rng.choice(_NAMES)
        key = fold(f"{last} {first} {n}")
        students.append(
            Student(
                academic_year=year, school_id=rng.choice(schools), last_name=last, first_name=first,
                patronymic=str(n), grade=7 + n % 5, name_key=key, person_key=key + "|",
            )
        )  # fmt: skip
    Student.objects.bulk_create(students, batch_size=2000)
    rows = []
    for student in students:
        for ss in rng.sample(subjects, per_student):
            if len(rows) == participations:
                break
            score = Decimal(rng.choice(range(0, 101, 1))) if rng.random() > 0.02 else Decimal("50")
            rows.append(Participation(stage_subject=ss, student=student, grade=student.grade, score=score))
    Participation.objects.bulk_create(rows, batch_size=2000)
    return stage


def rank_municipal(db: str) -> Measured:
    """rank_stage on a municipal stage of 50,000 participations (every subject, grades 7–11), first run
    (every row written) and a second run (nothing changed); against Django's bulk_update of the same rows."""
    from imo.olympiads.models import Participation
    from imo.olympiads.ranking.services import rank_stage

    with _rolled_back():
        stage = _olympiad_stage(OLYMPIAD_PARTICIPATIONS)
        started = time.perf_counter()
        ranked = rank_stage(stage=stage, by=None)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        rank_stage(stage=stage, by=None)
        again_s = time.perf_counter() - started
        objects = list(Participation.objects.filter(stage_subject__stage=stage).only("pk", "rank", "status"))
        for item in objects:
            item.rank = (item.rank or 0) + 1
        started = time.perf_counter()
        Participation.objects.bulk_update(objects, ["rank", "status", "status_reason"], batch_size=1000)
        naive_s = time.perf_counter() - started
    if ranked != OLYMPIAD_PARTICIPATIONS:
        raise RuntimeError(f"ranked {ranked} of {OLYMPIAD_PARTICIPATIONS}")
    return Measured(
        value=first_s,
        baseline=naive_s,
        extra={
            "participations": ranked,
            "seconds_unchanged_rerun": round(again_s, 2),
            "baseline_name": "Django bulk_update of the same rows (write only, no ranking)",
            "baseline_seconds": round(naive_s, 2),
        },
    )


def rank_cli(db: str) -> Measured:
    """`imo olympiad rank` end to end in-process on a 10,000-row protocol (read, rank, write .xlsx)."""
    import random

    import xlsxwriter
    from django.core.management import call_command

    rng = random.Random(11)
    with tempfile.TemporaryDirectory(prefix="imo-bench-rank-") as tmp:
        source, out = Path(tmp) / "protocol.xlsx", Path(tmp) / "result.xlsx"
        book = xlsxwriter.Workbook(str(source), {"constant_memory": True})
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, ["ФИО", "Школа", "Класс", "Балл"])
        for n in range(1, OLYMPIAD_PROTOCOL_ROWS + 1):
            name = f"{rng.choice(_SURNAMES)} {rng.choice(_NAMES)} {n}"
            sheet.write_row(n, 0, [name, f"СОШ № {n % 60 + 1}", 5 + n % 7, rng.randint(0, 200) / 2])
        book.close()
        started = time.perf_counter()
        call_command(
            "olympiad", "rank", str(source), "--max-score", "100", "--out", str(out), stdout=io.StringIO()
        )
        elapsed = time.perf_counter() - started
        if not out.exists():
            raise RuntimeError("the command wrote no result")
    return Measured(value=elapsed, extra={"rows": OLYMPIAD_PROTOCOL_ROWS})
