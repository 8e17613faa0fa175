"""Documents of a stage subject's results (olympiads.md, 14): the jury's final protocol (DOCX and PDF),
the list of winners and prize-winners (DOCX), the office's order on the results of the stage (DOCX, with
the winners and prize-winners of every subject as an appendix), the ranking and the winners as Excel, and
the diplomas (PDF, WeasyPrint). The office may replace the DOCX templates on «Шаблоны документов».

The built-in templates are made by `build_templates()`:
`.venv/bin/python -m imo.olympiads.publication.documents` after changing their wording."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import segno
from django.urls import reverse
from django.utils import timezone

from imo.core.documents.registry import DocumentKind, TemplateVariable, get_kind, register_kind
from imo.core.documents.rendering import render_docx, render_pdf
from imo.core.documents.services import common_context
from imo.core.excel import ExportColumn, write_xlsx
from imo.olympiads.models import Certificate, JuryMember, Participation, Stage, StageSubject
from imo.olympiads.publication.selectors import AWARDED, office_rows

PROTOCOL_CODE = "olympiads.protocol"
PROTOCOL_TITLE = "Итоговый протокол жюри"
WINNERS_CODE = "olympiads.winners"
WINNERS_TITLE = "Список победителей и призёров"
ORDER_CODE = "olympiads.order"
ORDER_TITLE = "Приказ об итогах этапа олимпиады"
TEMPLATES = Path(__file__).resolve().parent / "document_templates"
PROTOCOL_TEMPLATE = TEMPLATES / "protocol.docx"
WINNERS_TEMPLATE = TEMPLATES / "winners.docx"
ORDER_TEMPLATE = TEMPLATES / "order.docx"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LEVEL_GENITIVE: dict[str, str] = {"school": "школьного", "municipal": "муниципального"}


def _score(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _date(day: Any) -> str:
    return f"{day:%d.%m.%Y}" if day else ""


def _school(school: Any) -> str:
    return str(school.short_name or school.name)


def _stage_heading(stage: Stage) -> dict[str, Any]:
    season = stage.season
    return {
        "municipality_name": season.municipality.name,
        "academic_year": season.academic_year.name,
        "stage_level": stage.get_level_display(),
        "stage_level_genitive": LEVEL_GENITIVE.get(stage.level, stage.get_level_display()),
        "stage_dates": f"{_date(stage.starts_on)} — {_date(stage.ends_on)}",
    }


def _heading(stage_subject: StageSubject) -> dict[str, Any]:
    return {
        **_stage_heading(stage_subject.stage),
        "subject_name": stage_subject.subject.name,
        "held_on": _date(stage_subject.held_on),
        "venue": stage_subject.venue,
        "grades": f"{stage_subject.min_grade}–{stage_subject.max_grade}",
    }


def _row(number: int, participation: Participation) -> dict[str, Any]:
    student = participation.student
    return {
        "number": number,
        "code": participation.work.code if participation.work_id and participation.work else "",
        "name": str(student),
        "short_name": student.short_name,
        "school": _school(student.school),
        "grade": participation.grade,
        "rank": participation.rank or "",
        "score": _score(participation.score),
        "status": participation.get_status_display(),
    }


def _numbered(participations: Iterable[Participation]) -> list[dict[str, Any]]:
    """Rows numbered from 1 in each grade (the protocol is per grade)."""
    rows, grade, number = [], None, 0
    for participation in participations:
        if participation.grade != grade:
            grade, number = participation.grade, 0
        number += 1
        rows.append(_row(number, participation))
    return rows


def _jury(stage_subject: StageSubject) -> list[dict[str, Any]]:
    members = JuryMember.objects.filter(stage_subject=stage_subject).select_related("educator")
    return [
        {"role": "Председатель жюри" if m.is_chair else "Член жюри", "name": str(m.educator)} for m in members
    ]


def protocol_context(stage_subject: StageSubject) -> dict[str, Any]:
    rows = _numbered(office_rows(stage_subject=stage_subject))
    grades: list[dict[str, Any]] = []
    for row in rows:
        if not grades or grades[-1]["grade"] != row["grade"]:
            grades.append({"grade": row["grade"], "rows": []})
        grades[-1]["rows"].append(row)
    return {**_heading(stage_subject), "rows": rows, "grade_tables": grades, "jury": _jury(stage_subject)}


def winners_context(stage_subject: StageSubject) -> dict[str, Any]:
    awarded = office_rows(stage_subject=stage_subject).filter(status__in=AWARDED)
    return {**_heading(stage_subject), "rows": _numbered(awarded)}


def order_context(stage: Stage) -> dict[str, Any]:
    """The order covers the stage: every ranked subject's winners and prize-winners in the appendix."""
    awarded = (
        Participation.objects.filter(stage_subject__stage=stage, status__in=AWARDED)
        .select_related("student__school", "stage_subject__subject", "work")
        .order_by(
            "stage_subject__subject__order",
            "stage_subject__subject__name",
            "grade",
            "rank",
            "student__name_key",
            "pk",
        )
    )
    rows, subject = [], None
    subjects: list[str] = []
    for number, participation in enumerate(awarded, start=1):
        name = participation.stage_subject.subject.name
        if name != subject:
            subject = name
            subjects.append(name)
        rows.append({**_row(number, participation), "subject": name})
    return {**_stage_heading(stage), "rows": rows, "subjects": ", ".join(subjects)}


def _file_name(title: str, stage_subject: StageSubject, ext: str) -> str:
    stage = stage_subject.stage
    name = (
        f"{title} — {stage_subject.subject.name}, {stage.get_level_display()} этап "
        f"{stage.season.academic_year.name}.{ext}"
    )
    return name.replace("/", "-")


def _common(code: str, user: Any) -> dict[str, Any]:
    return common_context(kind=get_kind(code), number="", on=timezone.localdate(), by=user)


def protocol_docx(*, stage_subject: StageSubject, user: Any) -> tuple[bytes, str]:
    context = {**protocol_context(stage_subject), **_common(PROTOCOL_CODE, user)}
    return render_docx(PROTOCOL_CODE, context), _file_name(PROTOCOL_TITLE, stage_subject, "docx")


def protocol_pdf(*, stage_subject: StageSubject, user: Any) -> tuple[bytes, str]:
    context = {**protocol_context(stage_subject), **_common(PROTOCOL_CODE, user)}
    content = render_pdf(get_kind(PROTOCOL_CODE).pdf_template, context)
    return content, _file_name(PROTOCOL_TITLE, stage_subject, "pdf")


def winners_docx(*, stage_subject: StageSubject, user: Any) -> tuple[bytes, str]:
    context = {**winners_context(stage_subject), **_common(WINNERS_CODE, user)}
    return render_docx(WINNERS_CODE, context), _file_name(WINNERS_TITLE, stage_subject, "docx")


def order_docx(*, stage: Stage, user: Any) -> tuple[bytes, str]:
    context = {**order_context(stage), **_common(ORDER_CODE, user)}
    name = f"{ORDER_TITLE} — {stage.get_level_display()} этап {stage.season.academic_year.name}.docx"
    return render_docx(ORDER_CODE, context), name.replace("/", "-")


# --- Excel --------------------------------------------------------------------------------------------

EXCEL_COLUMNS = (
    ExportColumn("Класс", lambda r: r["grade"], 8),
    ExportColumn("Место", lambda r: r["rank"], 8),
    ExportColumn("Шифр", lambda r: r["code"], 14),
    ExportColumn("Фамилия, имя, отчество", lambda r: r["name"], 36),
    ExportColumn("Школа", lambda r: r["school"], 36),
    ExportColumn("Балл", lambda r: r["score"], 10),
    ExportColumn("Статус", lambda r: r["status"], 14),
)


def ranking_xlsx(*, stage_subject: StageSubject) -> tuple[bytes, str]:
    rows = _numbered(office_rows(stage_subject=stage_subject))
    return write_xlsx(EXCEL_COLUMNS, rows, sheet_name="Рейтинг"), _file_name("Рейтинг", stage_subject, "xlsx")


def winners_xlsx(*, stage_subject: StageSubject) -> tuple[bytes, str]:
    rows = winners_context(stage_subject)["rows"]
    content = write_xlsx(EXCEL_COLUMNS, rows, sheet_name="Победители и призёры")
    return content, _file_name(WINNERS_TITLE, stage_subject, "xlsx")


# --- diplomas -----------------------------------------------------------------------------------------


def certificates_of(stage_subject: StageSubject) -> list[Certificate]:
    return list(
        Certificate.objects.filter(participation__stage_subject=stage_subject)
        .select_related("participation__student__school")
        .order_by("participation__grade", "participation__rank", "participation__student__name_key", "pk")
    )


def _qr_data_uri(url: str) -> str:
    """The verification address as an SVG QR code inside a data: URI (WeasyPrint draws it; nothing is
    fetched). Error correction M: a diploma may get creased."""
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


def diplomas_pdf(
    *, stage_subject: StageSubject, certificates: list[Certificate], base_url: str
) -> tuple[bytes, str]:
    """Diplomas, one per page; each with its number, the verification address as a QR code and as text,
    and its short code (for reading out on the phone)."""
    heading = _heading(stage_subject)
    items = []
    for certificate in certificates:
        participation = certificate.participation
        student = participation.student
        path = reverse("olympiads:certificate_check", args=[certificate.token])
        items.append(
            {
                "number": certificate.number,
                "status": "ПОБЕДИТЕЛЯ" if certificate.status == Participation.Status.WINNER else "ПРИЗЁРА",
                "name": str(student),
                "school": student.school.name,
                "grade": participation.grade,
                "issued_on": _date(certificate.issued_on),
                "check_url": f"{base_url.rstrip('/')}{path}",
                "qr": _qr_data_uri(f"{base_url.rstrip('/')}{path}"),
                "token": certificate.token,
            }
        )
    content = render_pdf("olympiads/publication/diplomas_pdf.html", {**heading, "diplomas": items})
    title = f"Диплом № {certificates[0].number}" if len(certificates) == 1 else "Дипломы"
    return content, _file_name(title, stage_subject, "pdf")


# --- kinds and samples --------------------------------------------------------------------------------


def _sample_heading() -> dict[str, Any]:
    return {
        "municipality_name": "Курчалоевский муниципальный район",
        "academic_year": "2026/2027",
        "stage_level": "муниципальный",
        "stage_level_genitive": "муниципального",
        "stage_dates": "10.11.2026 — 15.12.2026",
        "subject_name": "Математика",
        "held_on": "18.11.2026",
        "venue": "СОШ № 1 г. Курчалой",
        "grades": "7–11",
    }


def _sample_rows() -> list[dict[str, Any]]:
    return [
        {
            "number": 1,
            "code": "МА-7-0412",
            "name": "Иванова Мадина Руслановна",
            "short_name": "Иванова М. Р.",
            "school": "СОШ № 1 г. Курчалой",
            "grade": 7,
            "rank": 1,
            "score": "42,5",
            "status": "победитель",
            "subject": "Математика",
        },
        {
            "number": 2,
            "code": "МА-7-0137",
            "name": "Асхабов Ислам Магомедович",
            "short_name": "Асхабов И. М.",
            "school": "СОШ с. Бачи-Юрт",
            "grade": 7,
            "rank": 2,
            "score": "31",
            "status": "призёр",
            "subject": "Математика",
        },
    ]


def protocol_sample(fmt: str) -> dict[str, Any]:
    rows = _sample_rows()
    return {
        **_sample_heading(),
        "rows": rows,
        "grade_tables": [{"grade": 7, "rows": rows}],
        "jury": [
            {"role": "Председатель жюри", "name": "Хасанова Аминат Ибрагимовна"},
            {"role": "Член жюри", "name": "Дадаев Руслан Ахмедович"},
        ],
    }


def winners_sample(fmt: str) -> dict[str, Any]:
    return {**_sample_heading(), "rows": _sample_rows()}


def order_sample(fmt: str) -> dict[str, Any]:
    heading = _sample_heading()
    for key in ("subject_name", "held_on", "venue", "grades"):
        heading.pop(key)
    return {**heading, "rows": _sample_rows(), "subjects": "Математика"}


STAGE_VARIABLES = (
    TemplateVariable("municipality_name", "Полное наименование муниципалитета"),
    TemplateVariable("academic_year", "Учебный год, например 2026/2027"),
    TemplateVariable("stage_level", "Этап: школьный или муниципальный"),
    TemplateVariable("stage_level_genitive", "Этап в родительном падеже: школьного, муниципального"),
    TemplateVariable("stage_dates", "Сроки этапа (дд.мм.гггг — дд.мм.гггг)"),
)
SUBJECT_VARIABLES = (
    *STAGE_VARIABLES,
    TemplateVariable("subject_name", "Предмет олимпиады"),
    TemplateVariable("held_on", "Дата проведения по предмету"),
    TemplateVariable("venue", "Место проведения"),
    TemplateVariable("grades", "Классы, например 7–11"),
)
ROW_FIELDS = (
    "row.number — № п/п (в каждом классе с 1), row.code — шифр работы, row.name — фамилия, имя, отчество, "
    "row.short_name — фамилия и инициалы, row.school — школа, row.grade — класс, row.rank — место, "
    "row.score — балл, row.status — статус (победитель, призёр, участник)"
)

PROTOCOL_KIND = DocumentKind(
    code=PROTOCOL_CODE,
    title=PROTOCOL_TITLE,
    description=(
        "Итоговый протокол жюри по предмету этапа: по каждому классу шифр, участник, школа, балл и статус; "
        "подписи председателя и членов жюри."
    ),
    docx_template=PROTOCOL_TEMPLATE,
    pdf_template="olympiads/publication/protocol_pdf.html",
    file_stem=PROTOCOL_TITLE,
    variables=(
        *SUBJECT_VARIABLES,
        TemplateVariable("rows", f"Строки протокола по классам: {ROW_FIELDS}"),
        TemplateVariable("grade_tables", "По классам: table.grade — класс, table.rows — строки класса"),
        TemplateVariable("jury", "Жюри: member.role — председатель или член жюри, member.name — ФИО"),
    ),
    sample_context=protocol_sample,
)

WINNERS_KIND = DocumentKind(
    code=WINNERS_CODE,
    title=WINNERS_TITLE,
    description="Победители и призёры по предмету этапа: участник, класс, школа, балл, статус.",
    docx_template=WINNERS_TEMPLATE,
    file_stem=WINNERS_TITLE,
    variables=(*SUBJECT_VARIABLES, TemplateVariable("rows", f"Победители и призёры: {ROW_FIELDS}")),
    sample_context=winners_sample,
)

ORDER_KIND = DocumentKind(
    code=ORDER_CODE,
    title=ORDER_TITLE,
    description=(
        "Приказ отдела «Об итогах … этапа всероссийской олимпиады школьников» с приложением: "
        "победители и призёры по каждому предмету этапа."
    ),
    docx_template=ORDER_TEMPLATE,
    file_stem=ORDER_TITLE,
    variables=(
        *STAGE_VARIABLES,
        TemplateVariable("subjects", "Предметы этапа с итогами, через запятую"),
        TemplateVariable("rows", f"Приложение: row.subject — предмет, {ROW_FIELDS} (нумерация сквозная)"),
    ),
    sample_context=order_sample,
)


def register() -> None:
    register_kind(PROTOCOL_KIND)
    register_kind(WINNERS_KIND)
    register_kind(ORDER_KIND)


# --- the built-in templates ------------------------------------------------------------------------------


def _document() -> Any:
    from docx import Document
    from docx.shared import Mm, Pt

    document: Any = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(25), Mm(15)
    section.top_margin, section.bottom_margin = Mm(15), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    return document


def _paragraph(document: Any, text: str = "", *, align: Any = None, bold: bool = False) -> Any:
    para = document.add_paragraph()
    if align is not None:
        para.alignment = align
    if text:
        para.add_run(text).bold = bold
    return para


def _table(document: Any, headers: list[str], cells: list[str], loop: str) -> None:
    """A table with a header row and one templated row repeated by `{%tr for … %}`."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].add_run(header).bold = True
    table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for row in {loop} %}}")
    for cell, value in zip(table.rows[2].cells, cells, strict=True):
        cell.paragraphs[0].add_run(value)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")


ROW_HEADERS = ["№", "Шифр", "Фамилия, имя, отчество", "Школа", "Класс", "Балл", "Статус"]
ROW_CELLS = [
    "{{ row.number }}",
    "{{ row.code }}",
    "{{ row.name }}",
    "{{ row.school }}",
    "{{ row.grade }}",
    "{{ row.score }}",
    "{{ row.status }}",
]


def build_templates() -> list[Path]:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    center = WD_ALIGN_PARAGRAPH.CENTER
    TEMPLATES.mkdir(parents=True, exist_ok=True)

    document = _document()
    _paragraph(document, "ИТОГОВЫЙ ПРОТОКОЛ", align=center, bold=True)
    _paragraph(
        document,
        "заседания жюри {{ stage_level_genitive }} этапа всероссийской олимпиады школьников "
        "по предмету «{{ subject_name }}» в {{ academic_year }} учебном году",
        align=center,
        bold=True,
    )
    _paragraph(document, "{{ municipality_name }}", align=center)
    _paragraph(
        document, "Дата проведения: {{ held_on }}. Место проведения: {{ venue }}. Классы: {{ grades }}."
    )
    _paragraph(document, "Жюри рассмотрело результаты выполнения олимпиадных заданий и решило:")
    _paragraph(document, "утвердить результаты участников (рейтинг по каждому классу):")
    _table(document, ROW_HEADERS, ROW_CELLS, "rows")
    _paragraph(document, "{%p for member in jury %}")
    _paragraph(document, "{{ member.role }}: ____________ {{ member.name }}")
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "Дата: {{ document_date }}")
    document.save(str(PROTOCOL_TEMPLATE))

    document = _document()
    _paragraph(document, "СПИСОК", align=center, bold=True)
    _paragraph(
        document,
        "победителей и призёров {{ stage_level_genitive }} этапа всероссийской олимпиады школьников "
        "по предмету «{{ subject_name }}» в {{ academic_year }} учебном году",
        align=center,
        bold=True,
    )
    _paragraph(document, "{{ municipality_name }}", align=center)
    _table(document, ROW_HEADERS, ROW_CELLS, "rows")
    _paragraph(document, "Составил: ____________ {{ issued_by_short_name }}    Дата: {{ document_date }}")
    document.save(str(WINNERS_TEMPLATE))

    document = _document()
    _paragraph(document, "{{ municipality_name }}", align=center)
    _paragraph(document, "ПРИКАЗ", align=center, bold=True)
    _paragraph(document, "«___» ____________ 20___ г.                                        № ______")
    _paragraph(
        document,
        "Об итогах {{ stage_level_genitive }} этапа всероссийской олимпиады школьников "
        "в {{ academic_year }} учебном году",
        align=center,
        bold=True,
    )
    _paragraph(
        document,
        "В соответствии с Порядком проведения всероссийской олимпиады школьников, утверждённым приказом "
        "Министерства просвещения Российской Федерации от 27.11.2020 № 678, на основании итоговых "
        "протоколов жюри {{ stage_level_genitive }} этапа всероссийской олимпиады школьников "
        "({{ stage_dates }}) ПРИКАЗЫВАЮ:",
    )
    _paragraph(
        document,
        "1. Утвердить итоги {{ stage_level_genitive }} этапа всероссийской олимпиады школьников "
        "в {{ academic_year }} учебном году по предметам: {{ subjects }}.",
    )
    _paragraph(
        document,
        "2. Утвердить список победителей и призёров {{ stage_level_genitive }} этапа всероссийской "
        "олимпиады школьников (приложение).",
    )
    _paragraph(
        document,
        "3. Руководителям общеобразовательных организаций довести итоги до сведения участников "
        "и их родителей (законных представителей).",
    )
    _paragraph(document, "4. Контроль за исполнением приказа оставляю за собой.")
    _paragraph(document, "Руководитель ____________ {{ issued_by_short_name }}")
    _paragraph(document, "Приложение к приказу", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(
        document,
        "Победители и призёры {{ stage_level_genitive }} этапа всероссийской олимпиады школьников "
        "в {{ academic_year }} учебном году",
        align=center,
        bold=True,
    )
    _table(
        document,
        ["№", "Предмет", "Фамилия, имя, отчество", "Школа", "Класс", "Балл", "Статус"],
        [
            "{{ row.number }}",
            "{{ row.subject }}",
            "{{ row.name }}",
            "{{ row.school }}",
            "{{ row.grade }}",
            "{{ row.score }}",
            "{{ row.status }}",
        ],
        "rows",
    )
    document.save(str(ORDER_TEMPLATE))
    return [PROTOCOL_TEMPLATE, WINNERS_TEMPLATE, ORDER_TEMPLATE]


if __name__ == "__main__":  # pragma: no cover
    print(build_templates())
