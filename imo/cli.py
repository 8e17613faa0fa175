"""The `imo` command: Django's management commands with the project's settings.

`imo demo`, `imo serve`, `imo createadmin` are the project's own commands; everything else
(`imo migrate`, `imo check --deploy`, `imo shell`, …) is Django's.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path


def _prepare_demo_environment() -> None:
    """The demo runs with DEBUG on and a secret key generated once and kept in var/ (never in the repo)."""
    os.environ.setdefault("DEBUG", "1")
    if os.environ.get("SECRET_KEY"):
        return
    var_dir = Path(os.environ.get("IMO_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
    var_dir.mkdir(parents=True, exist_ok=True)
    key_file = var_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    os.environ["SECRET_KEY"] = key_file.read_text(encoding="utf-8").strip()


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["demo"]:
        _prepare_demo_environment()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imo.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["imo", *args])


if __name__ == "__main__":
    main()
