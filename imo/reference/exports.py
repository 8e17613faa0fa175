from __future__ import annotations

from imo.core.excel import ExportColumn


def _status(item: object) -> str:
    return "В архиве" if getattr(item, "is_archived", False) else "Действует"


SUBJECT_COLUMNS = (
    ExportColumn("Наименование", lambda s: s.name, 40),
    ExportColumn("Предмет ВсОШ", lambda s: s.is_olympiad, 14),
    ExportColumn("Порядок", lambda s: s.order, 10),
    ExportColumn("Состояние", _status, 12),
)
POSITION_COLUMNS = (
    ExportColumn("Наименование", lambda p: p.name, 50),
    ExportColumn("Порядок", lambda p: p.order, 10),
    ExportColumn("Состояние", _status, 12),
)
GRADE_COLUMNS = (
    ExportColumn("Класс", lambda g: g.number, 10),
    ExportColumn("Состояние", _status, 12),
)
ACADEMIC_YEAR_COLUMNS = (
    ExportColumn("Учебный год", lambda y: y.name, 14),
    ExportColumn("Начало", lambda y: y.starts_on, 14),
    ExportColumn("Окончание", lambda y: y.ends_on, 14),
    ExportColumn("Состояние", _status, 12),
)
# Columns of the named catalogues by their URL key.
ITEM_COLUMNS = {"subjects": SUBJECT_COLUMNS, "positions": POSITION_COLUMNS}
