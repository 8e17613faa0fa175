"""Random and malformed files through every registered import: the preview (the same calls the upload
view makes: store the run, read and check it) and the upload page itself, as a user who may import.

Property: never an unhandled exception or a 500; an unreadable file ends the run FAILED with a Russian
message, every row problem is Russian, and the preview saves nothing in the domain's tables.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import resolve, reverse
from hypothesis import given
from hypothesis import strategies as st

from imo.core.imports import registry, services
from imo.core.imports.models import ImportRun
from imo.core.imports.reading import ImportFileError, read_table
from imo.core.imports.spec import ImportSpec

from .conftest import LOOKALIKES, assert_russian, fuzz_settings

pytestmark = pytest.mark.django_db

EXPECTED_KINDS = {
    "categories",
    "courses",
    "educators",
    "olympiad_students",
    "organizations",
}


def _specs() -> list[ImportSpec]:
    specs = [registry.get(kind) for kind in registry.kinds()]
    return [spec for spec in specs if spec is not None]


def test_every_import_is_fuzzed():
    """The fuzz tests below take their imports from the registry: a new import is fuzzed without a
    change here. This guards against the registry coming back empty (then nothing would be tested)."""
    assert set(registry.kinds()) >= EXPECTED_KINDS


# --- files ---------------------------------------------------------------------------------------

cell_values = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=LOOKALIKES + " -.", min_size=1, max_size=30),
    st.sampled_from(
        [
            "=1/0",
            "=A1*2",
            "=SUM(A1:XFD1048576)",
            '=HYPERLINK("http://example.invalid","x")',
            "31.02.2020",
            "2020-13-45",
            "00.00.0000",
            "1e308",
            "1E+20",
            "-1.5e-7",
            "123456789012345678901234567890",
            "0",
            "ИСТИНА",
            "Я" * 100_000,
        ]
    ),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    # Fixed dates: the same rows give the same bytes, which hypothesis needs to replay an example.
    book.properties.created = book.properties.modified = dt.datetime(2025, 1, 1)
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append([_openpyxl_safe(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _openpyxl_safe(value: Any) -> Any:
    # openpyxl refuses control characters in strings (a writer limit, not the reader's concern).
    if isinstance(value, str):
        return "".join(ch for ch in value if ch >= " " or ch in "\t\n")[:32_767]
    return value


def _headers(spec: ImportSpec) -> list[str]:
    return [column.header for column in spec.columns]


@st.composite
def xlsx_files(draw: st.DrawFn, spec: ImportSpec) -> bytes:
    """A real workbook with the import's headers (so rows reach the checks) and random cells."""
    headers = _headers(spec)
    if draw(st.booleans()):
        headers = headers + [f"Лишний {n}" for n in range(draw(st.sampled_from([0, 3000])))]
    rows = draw(st.lists(st.lists(cell_values, max_size=len(spec.columns) + 2), min_size=1, max_size=4))
    return _xlsx([headers, *rows])


_examples: dict[str, bytes] = {}


def _example_xlsx(spec: ImportSpec) -> bytes:
    """The import's headers and example row, made once per import."""
    if spec.kind not in _examples:
        _examples[spec.kind] = _xlsx([_headers(spec), [column.example for column in spec.columns]])
    return _examples[spec.kind]


@st.composite
def broken_xlsx(draw: st.DrawFn, spec: ImportSpec) -> bytes:
    """A valid workbook cut short or with bytes flipped (a half-finished download, a bad disk)."""
    data = bytearray(_example_xlsx(spec))
    if draw(st.booleans()):
        data = data[: draw(st.integers(min_value=1, max_value=len(data) - 1))]
    for position in draw(st.lists(st.integers(min_value=0, max_value=len(data) - 1), max_size=20)):
        data[position] ^= draw(st.integers(min_value=1, max_value=255))
    return bytes(data)


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1251", "koi8-r", "latin-1"]


@st.composite
def csv_files(draw: st.DrawFn, spec: ImportSpec) -> bytes:
    """CSV with the import's headers in odd encodings, BOMs, NUL bytes, mixed encodings, quotes."""
    separator = draw(st.sampled_from([";", ",", "\t", "|"]))
    rows = draw(st.lists(st.lists(st.text(max_size=20), max_size=len(spec.columns) + 2), max_size=4))
    lines = [separator.join(_headers(spec))] + [separator.join(row) for row in rows]
    text = "\r\n".join(lines)
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):  # a second part in another encoding, as when two files were pasted together
        data += "\r\nПетров;Пётр".encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    prefix = draw(st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"\x00"]))
    data = prefix + data
    if draw(st.booleans()) and data:
        position = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:position] + b"\x00" * draw(st.integers(1, 4)) + data[position:]
    return data


def any_file(spec: ImportSpec) -> st.SearchStrategy[bytes]:
    return st.one_of(st.binary(max_size=4096), xlsx_files(spec), broken_xlsx(spec), csv_files(spec))


NAMES = st.sampled_from(["файл.xlsx", "файл.csv", "файл.xls", "файл.ods", "без расширения", "..xlsx"])


# --- the reader ----------------------------------------------------------------------------------


@fuzz_settings(max_examples=20)
@given(data=st.data())
def test_reader_never_crashes(tmp_path_factory, data):
    spec = data.draw(st.sampled_from(_specs()))
    content = data.draw(any_file(spec))
    path = tmp_path_factory.mktemp("fuzz") / "upload"
    path.write_bytes(content)
    try:
        table = read_table(path, header_score=spec.header_score)
    except ImportFileError as error:
        assert_russian(error.message)
    else:
        assert all(isinstance(header, str) for header in table.headers)


# --- the preview ---------------------------------------------------------------------------------


def _domain_counts(spec: ImportSpec) -> dict[str, int]:
    """Rows of every table except the import's own bookkeeping (runs, jobs): what a preview must not touch."""
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table.startswith(("imports_", "django_", "auditlog_", "jobs_", "core_")):
                continue
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def _check_finished_run(run: ImportRun) -> None:
    report = run.report or {}
    if run.status == ImportRun.Status.FAILED:
        assert_russian(report.get("fatal") or run.message)
        return
    assert run.status == ImportRun.Status.READY, run.status
    for problem in [*report.get("errors", []), *report.get("warnings", [])]:
        assert_russian(problem.get("message", problem) if isinstance(problem, dict) else problem)


@fuzz_settings(max_examples=25)
@given(data=st.data())
def test_preview_never_crashes_and_saves_nothing(district, data):
    user = district.users["head"]
    spec = data.draw(st.sampled_from(_specs()))
    content = data.draw(any_file(spec))
    before = _domain_counts(spec)
    upload = SimpleUploadedFile(data.draw(NAMES), content)
    run = services.import_run_create(spec=spec, upload=upload, by=user)
    services.import_run_check(run=run, background=lambda *args: False)
    run.refresh_from_db()
    _check_finished_run(run)
    assert _domain_counts(spec) == before


# --- the upload page -----------------------------------------------------------------------------

ROLES = ("head", "methodist", "admin", "secretary", "school_admin_a")


def _uploader(client: Any, district: Any, spec: ImportSpec) -> Any:
    """The first role that may open this import's upload page (the import's own access rule decides)."""
    for role in ROLES:
        client.force_login(district.users[role])
        if client.get(reverse(spec.url_name())).status_code == 200:
            return district.users[role]
    pytest.fail(f"no role of the district may open {spec.url_name()}")


def _form_errors(response: Any) -> list[str]:
    form = response.context["form"] if response.context else None
    if form is None:
        return []
    return [message for messages in form.errors.values() for message in messages]


@fuzz_settings(max_examples=20)
@given(data=st.data())
def test_upload_page_never_answers_500(client, district, data):
    spec = data.draw(st.sampled_from(_specs()))
    user = _uploader(client, district, spec)
    content = data.draw(any_file(spec))
    fields: dict[str, Any] = {"file": SimpleUploadedFile(data.draw(NAMES), content)}
    choices = spec.scope_choices(user)
    if choices:  # where the form asks for the organisation, choose one (none chosen is its own refusal)
        fields["scope"] = choices[0][0]
    runs_before = ImportRun.objects.count()
    before = _domain_counts(spec)
    response = client.post(reverse(spec.url_name()), fields)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        # Refused: the form says why, in Russian, and no run is left behind.
        errors = _form_errors(response)
        assert errors, "the upload page answered 200 without saying what is wrong"
        for message in errors:
            assert_russian(message)
        assert ImportRun.objects.count() == runs_before
    else:
        match = resolve(response["Location"])
        assert match.url_name == spec.url_name("run").split(":")[-1], response["Location"]
        _check_finished_run(ImportRun.objects.get(pk=match.kwargs["pk"]))
        page = client.get(response["Location"])
        assert page.status_code == 200
    assert _domain_counts(spec) == before
