"""The staff list import at region scale (issue #4 item 13; bench name `educators.import_rows_per_s`).

`import_rows(db)` is called in bench/run.py's child with Django set up, like bench/throughput.py's. It
writes a 25,000-row staff list of one school (people the database does not hold yet, with valid unused
СНИЛС), then, inside a transaction it rolls back:

- ours: `imo import educators` end to end (read .xlsx, check, match, write people, posts, subjects,
  education records and audit entries) — the measured value, in rows per second;
- the same file again: it must report 25,000 unchanged and write nothing (checked; seconds in `extra`);
- the naive loop: openpyxl read-only + Model.save() of the educator and their post per row (baseline,
  timed on the first NAIVE_ROWS rows: a rate);
- the database's own bulk path (calamine read, COPY on PostgreSQL / executemany on SQLite) of the same
  people and posts without any checks: the practical limit.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.throughput import Measured, _rolled_back

ROWS = 25_000
# The naive loop runs ~100 rows/s: it is timed on the first rows of the same file (its rate does not
# change along the file) so that `make bench` does not spend minutes on the baseline.
NAIVE_ROWS = 5_000
HEADER = [
    "Ф.И.О.", "Пол", "Дата рождения", "СНИЛС", "Телефон", "Эл. почта", "Должность", "Предмет(ы)",
    "Основное/совместительство", "Нагрузка, ч/нед", "Дата приёма", "Стаж пед.", "Стаж общий", "Образование",
    "Категория",
]  # fmt: skip
SURNAMES = (
    "Магомадов", "Ахмадов", "Исаев", "Хасанов", "Умаров", "Абдулаев", "Идрисов", "Эльмурзаев", "Байсаров",
    "Дудаев", "Мусаев", "Алиев", "Гайсултанов", "Джабраилов", "Иванов", "Петров",
)  # fmt: skip
MEN = (
    ("Магомед", "Магомедович", "Магомедовна"), ("Ахмед", "Ахмедович", "Ахмедовна"),
    ("Аслан", "Асланович", "Аслановна"), ("Рамзан", "Рамзанович", "Рамзановна"),
    ("Ислам", "Исламович", "Исламовна"), ("Руслан", "Русланович", "Руслановна"),
    ("Хамзат", "Хамзатович", "Хамзатовна"), ("Иван", "Иванович", "Ивановна"),
)  # fmt: skip
WOMEN = ("Хава", "Зарема", "Мадина", "Малика", "Марьям", "Седа", "Луиза", "Мария", "Елена", "Петимат")
POSTS = (
    ("Учитель", "Математика; Информатика"), ("Учитель", "Русский язык, Литература"),
    ("Учитель начальных классов", "Начальные классы"), ("Учитель", "Чеченский язык"),
    ("Учитель", "Физическая культура"), ("Педагог-психолог", ""), ("Учитель", "История; Обществознание"),
    ("Воспитатель", ""), ("Учитель", "Английский язык"), ("Учитель", "Биология; Химия"),
)  # fmt: skip
EDUCATION = ("высшее педагогическое", "высшее", "среднее профессиональное педагогическое")


def _snils(number: int) -> str:
    body = f"{number:09d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, range(9, 0, -1), strict=True))
    check = total if total < 100 else (0 if total in (100, 101) else total % 101 % 100)
    return f"{body}{check:02d}"


def _school() -> Any:
    from imo.orgs.models import Organization

    school = (
        Organization.objects.filter(kind=Organization.Kind.SCHOOL, status=Organization.Status.ACTIVE)
        .order_by("pk")
        .first()
    )
    if school is None:
        raise RuntimeError("no school in the data set")
    return school


def _rows() -> list[list[Any]]:
    """25,000 people the database does not hold: valid unused СНИЛС, (name, birth date) not taken."""
    from imo.staff.models import Educator
    from imo.staff.services import name_key_of

    used_snils = set(Educator.objects.exclude(snils="").values_list("snils", flat=True))
    taken = set(Educator.objects.values_list("name_key", "birth_date"))
    rows: list[list[Any]] = []
    number, n = 700_000_000, 0
    while len(rows) < ROWS:
        n += 1
        woman = n % 5 != 0  # ~80 % women
        surname = SURNAMES[n % len(SURNAMES)] + ("а" if woman else "")
        given, _, _ = MEN[(n // 3) % len(MEN)]
        first = WOMEN[(n // 7) % len(WOMEN)] if woman else given
        patronymic = MEN[(n // 11) % len(MEN)][2 if woman else 1]
        birth = dt.date(1955, 1, 1) + dt.timedelta(days=(n * 37) % 16_000)
        if (name_key_of(surname, first, patronymic), birth) in taken:
            continue
        taken.add((name_key_of(surname, first, patronymic), birth))
        number += 1
        snils = _snils(number)
        while snils in used_snils:
            number += 1
            snils = _snils(number)
        position, subjects = POSTS[n % len(POSTS)]
        age = (dt.date(2025, 1, 1) - birth).days // 365
        teaching = max(0, min(age - 22, (n * 7) % 40))
        hired = dt.date(min(2024, max(birth.year + 22, 2000 + n % 24)), 9, 1)
        rows.append([
            f"{surname} {first} {patronymic}", "ж" if woman else "м", birth, snils,
            f"+7 928 {n % 1000:03d}-{n % 97:02d}-{n % 89:02d}", f"teacher{n}@example.ru", position, subjects,
            "совместительство" if n % 10 == 0 else "основное", 18 + n % 9,
            hired, f"{teaching} лет", f"{teaching + n % 3} лет",
            EDUCATION[n % len(EDUCATION)], "первая" if n % 3 else "",
        ])  # fmt: skip
    return rows


def _write_xlsx(rows: list[list[Any]], path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Педагоги")
    dates = book.add_format({"num_format": "dd.mm.yyyy"})
    sheet.write_row(0, 0, HEADER)
    for index, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(index, column, dt.datetime.combine(value, dt.time()), dates)
            elif value != "":
                sheet.write(index, column, value)
    book.close()


def _counts() -> tuple[int, ...]:
    from auditlog.models import LogEntry

    from imo.staff.models import EducationRecord, Educator, Employment

    through = Employment.subjects.through
    return tuple(m.objects.count() for m in (Educator, Employment, through, EducationRecord, LogEntry))


def import_rows(db: str) -> Measured:
    """Ours (imo import educators), the same file again, the naive loop, the database's bulk path."""
    from imo.core.imports.engine import import_file
    from imo.core.imports.spec import ImportContext
    from imo.staff.imports import EDUCATOR_IMPORT

    school = _school()
    rows = _rows()
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="imo-bench-staff-") as tmp:
        path = Path(tmp) / "педагоги.xlsx"
        _write_xlsx(rows, path)

        def context() -> ImportContext:
            return ImportContext(user=None, options={"organization_id": school.pk})

        with _rolled_back():
            started = time.perf_counter()
            analysis = import_file(EDUCATOR_IMPORT, path, context())
            result["ours"] = time.perf_counter() - started
            if not analysis.saved or analysis.saved_counts["created"] != ROWS:
                raise RuntimeError(f"import did not save every row: {analysis.summary()['errors'][:3]}")
            before = _counts()
            started = time.perf_counter()
            again = import_file(EDUCATOR_IMPORT, path, context())
            result["again"] = time.perf_counter() - started
            result["again_counts"] = again.saved_counts
            result["again_wrote"] = [b - a for a, b in zip(before, _counts(), strict=True)]
        with _rolled_back():
            started = time.perf_counter()
            _naive(path, school, NAIVE_ROWS)
            result["naive"] = time.perf_counter() - started
        with _rolled_back():
            started = time.perf_counter()
            _bulk_limit(path, school, db)
            result["limit"] = time.perf_counter() - started
    unchanged = result["again_counts"].get("unchanged")
    if unchanged != ROWS or any(result["again_wrote"]) or result["again_counts"].get("updated"):
        raise RuntimeError(
            f"the same file again changed something: {result['again_counts']}, rows written "
            f"{result['again_wrote']} (educators, posts, subjects, education, audit)"
        )
    return Measured(
        value=ROWS / result["ours"],
        baseline=NAIVE_ROWS / result["naive"],
        extra={
            "rows": ROWS,
            "seconds": round(result["ours"], 2),
            "reimport_seconds": round(result["again"], 2),
            "reimport_rows_per_s": round(ROWS / result["again"], 1),
            "reimport_unchanged": unchanged,
            "reimport_rows_written": sum(result["again_wrote"]),
            "baseline_name": "naive: openpyxl read-only + Model.save() of educator and post per row",
            "baseline_rows": NAIVE_ROWS,
            "baseline_seconds": round(result["naive"], 2),
            "limit_name": "PostgreSQL COPY" if db == "postgresql" else "SQLite executemany",
            "limit": round(ROWS / result["limit"], 1),
            "limit_seconds": round(result["limit"], 2),
            "limit_ratio": round(result["limit"] / result["ours"], 3),
        },
    )


def _naive(path: Path, school: Any, limit: int) -> None:
    """What a first version would do: read each row with openpyxl and save the person and the post."""
    import openpyxl

    from imo.reference.models import Position
    from imo.staff.models import Educator, Employment
    from imo.staff.services import name_key_of

    municipality_id = school.parent_id
    positions = {p.name: p for p in Position.objects.all()}
    book = openpyxl.load_workbook(path, read_only=True)
    sheet = book.active
    assert sheet is not None
    for row in sheet.iter_rows(min_row=2, max_row=limit + 1, values_only=True):
        name, sex, birth, snils, phone, email, position, _, work, hours, starts = row[:11]
        last, first, patronymic = str(name).split(" ")
        educator = Educator(
            municipality_id=municipality_id,
            last_name=last,
            first_name=first,
            patronymic=patronymic,
            sex="female" if sex == "ж" else "male",
            birth_date=birth.date() if birth else None,
            snils=str(snils),
            phone=str(phone or ""),
            email=str(email or ""),
            name_key=name_key_of(last, first, patronymic),
        )
        educator.save()
        Employment(
            educator=educator,
            organization=school,
            position=positions[str(position)],
            is_main=work == "основное",
            weekly_hours=hours,
            starts_on=starts.date() if starts else None,
        ).save()
    book.close()


def _bulk_limit(path: Path, school: Any, db: str) -> None:
    """The practical limit: calamine read and the database's own bulk insert of people and posts."""
    from django.db import connection
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from imo.core.imports.bulk import reserve_ids
    from imo.reference.models import Position
    from imo.staff.models import Educator

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[1:]
    ids = reserve_ids(Educator, len(rows))
    positions = dict(Position.objects.values_list("name", "pk"))
    now = timezone.now() if db == "postgresql" else timezone.now().isoformat(" ")

    def day(value: Any) -> Any:
        if not value:
            return None
        value = value.date() if isinstance(value, dt.datetime) else value
        return value if db == "postgresql" else value.isoformat()

    people = []
    posts = []
    for pk, r in zip(ids, rows, strict=True):
        last, first, patronymic = str(r[0]).split(" ")
        people.append((
            pk, school.parent_id, last, first, patronymic, "female" if r[1] == "ж" else "male", day(r[2]),
            str(r[3]), "", str(r[4]), str(r[5]), "", "", str(r[0]).lower(), str(r[0]).lower(), now, now,
        ))  # fmt: skip
        posts.append(
            (pk, school.pk, positions[r[6]], r[8] == "основное", r[9], day(r[10]), None, "", now, now)
        )
    educator_columns = (
        "id", "municipality_id", "last_name", "first_name", "patronymic", "sex", "birth_date", "snils",
        "inn", "phone", "email", "academic_degree", "academic_title", "search_text", "name_key",
        "created_at", "updated_at",
    )  # fmt: skip
    post_columns = (
        "educator_id", "organization_id", "position_id", "is_main", "weekly_hours", "starts_on", "ends_on",
        "end_reason", "created_at", "updated_at",
    )  # fmt: skip
    _copy(db, connection, "staff_educator", educator_columns, people)
    _copy(db, connection, "staff_employment", post_columns, posts)


def _copy(
    db: str, connection: Any, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if db == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
