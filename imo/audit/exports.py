from __future__ import annotations

from imo.core.excel import ExportColumn

# Rows are imo.audit.changes.LogRow.
LOG_COLUMNS = (
    ExportColumn("Дата и время", lambda r: r.local_time, 18),
    ExportColumn("Пользователь", lambda r: r.actor_full_label, 36),
    ExportColumn("IP-адрес", lambda r: r.entry.remote_addr or "", 16),
    ExportColumn("Действие", lambda r: r.action_label, 12),
    ExportColumn("Тип объекта", lambda r: r.model_label, 22),
    ExportColumn("Объект", lambda r: r.entry.object_repr, 40),
    ExportColumn("Изменения", lambda r: r.changes_text, 80),
)
