"""`imo import educators` without --json prints warnings beside errors (the plain-text report)."""

from __future__ import annotations

from imo.core.imports.tests import files
from imo.staff.tests.test_imports import HEADER, _command, _ivanova, row


def test_plain_output_lists_warnings_and_counts_them(district, tmp_path):
    _ivanova(district, school=district.school_b)
    path = tmp_path / "педагоги.xlsx"
    path.write_bytes(files.xlsx([HEADER, row()]))
    code, out, _ = _command("educators", str(path), "--organization", str(district.school_a.pk), "--dry-run")
    assert code == 0
    assert "Предупреждение (строка 2, «СНИЛС»): Возможный дубликат" in out
    assert "предупреждений: 1." in out
