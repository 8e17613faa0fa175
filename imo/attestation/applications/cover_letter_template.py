"""Builds the built-in DOCX template of the covering letter (document_templates/cover_letter.docx).

Run after changing the wording: `.venv/bin/python -m imo.attestation.applications.cover_letter_template`.
The template uses docxtpl (Jinja) fields; the office may replace it with its own on «Шаблоны документов».
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).resolve().parent / "document_templates" / "cover_letter.docx"


def build(path: Path = TEMPLATE) -> Path:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document: Any = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)

    def paragraph(
        text: str = "", *, align: Any = None, bold: bool = False, after: int = 0, indent: bool = False
    ) -> Any:
        para = document.add_paragraph()
        para.paragraph_format.space_after = Pt(after)
        if indent:
            para.paragraph_format.first_line_indent = Mm(12.5)
        if align is not None:
            para.alignment = align
        if text:
            run = para.add_run(text)
            run.bold = bold
        return para

    _letterhead(document)
    paragraph(after=12)
    paragraph("Сопроводительное письмо", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, after=12)
    paragraph(
        "{{ office_name }} ({{ municipality_name }}) направляет заявление и материалы педагогического "
        "работника для проведения аттестации в целях установления квалификационной категории.",
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent=True,
        after=6,
    )
    details = [
        ("Педагогический работник: ", "{{ educator_name }}"),
        ("Должность: ", "{{ position }}"),
        ("Место работы: ", "{{ organization_name }}"),
        ("Квалификационная категория: ", "«{{ category }}»"),
        ("Порядок аттестации: ", "{{ procedure }}"),
        ("Заявление поступило в ИМО: ", "{{ submitted_on }}"),
    ]
    for label, value in details:
        para = paragraph(align=WD_ALIGN_PARAGRAPH.LEFT)
        para.add_run(label).bold = True
        para.add_run(value)
    paragraph(after=6)
    paragraph("Приложение: {{ files_total }}.", bold=True, after=3)
    paragraph("{%p for file in files %}")
    paragraph(
        "{{ file.number }}. {{ file.title }}{% if file.size %} ({{ file.size }}){% endif %}.", indent=True
    )
    paragraph("{%p endfor %}")
    paragraph(after=24)

    _signature(document)

    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def _letterhead(document: Any) -> None:
    """The letterhead (left) and the addressee (right), side by side in a borderless table."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Mm

    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Mm(85), Mm(80)
    left.paragraphs[0].add_run("{{ office_name }}").bold = True
    left.add_paragraph("{{ municipality_name }}")
    left.add_paragraph("")
    left.add_paragraph("Исх. № {{ letter_number }} от {{ letter_date }}")
    right.paragraphs[0].add_run("В аттестационную комиссию")
    right.add_paragraph("{{ ministry_name }}")


def _signature(document: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    signature = document.add_table(rows=1, cols=3)
    first, middle, last = signature.rows[0].cells
    first.width, middle.width, last.width = Mm(80), Mm(40), Mm(45)
    first.paragraphs[0].add_run("{{ signer_position }}")
    middle.paragraphs[0].add_run("____________")
    middle.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    last.paragraphs[0].add_run("{{ issued_by_short_name }}")
    last.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


if __name__ == "__main__":  # pragma: no cover
    print(build())
