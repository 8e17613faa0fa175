"""The `imo` command: Django's management commands with the project's settings.

`imo demo`, `imo serve`, `imo createadmin` are the project's own commands; everything else
(`imo migrate`, `imo check --deploy`, `imo shell`, …) is Django's.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imo.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["imo", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
