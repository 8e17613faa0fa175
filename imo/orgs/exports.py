from __future__ import annotations

from imo.core.excel import ExportColumn
from imo.orgs.models import Organization

# Labels looked up once: get_FOO_display() rebuilds its mapping on every call (seconds over 25,000 rows).
_KINDS = {value: str(label) for value, label in Organization.Kind.choices}
_STATUSES = {value: str(label) for value, label in Organization.Status.choices}

ORGANIZATION_COLUMNS = (
    ExportColumn("Краткое наименование", lambda o: o.short_name, 32),
    ExportColumn("Полное наименование", lambda o: o.name, 60),
    ExportColumn("Тип", lambda o: _KINDS.get(o.kind, o.kind), 22),
    ExportColumn("Муниципалитет", lambda o: str(o.parent) if o.parent else "", 30),
    ExportColumn("Населённый пункт", lambda o: o.settlement, 22),
    ExportColumn("ИНН", lambda o: o.inn, 14),
    ExportColumn("ОГРН", lambda o: o.ogrn, 16),
    ExportColumn("Адрес", lambda o: o.address, 40),
    ExportColumn("Руководитель", lambda o: o.director, 30),
    ExportColumn("Телефон", lambda o: o.phone, 18),
    ExportColumn("Электронная почта", lambda o: o.email, 26),
    ExportColumn("Сайт", lambda o: o.website, 26),
    ExportColumn("Статус", lambda o: _STATUSES.get(o.status, o.status), 12),
    ExportColumn("Дата закрытия", lambda o: o.closed_on, 14),
)
