"""Seed the catalogues with today's values (subjects, positions, grades 1–11); the office edits them later."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def seed(apps, schema_editor):
    Subject = apps.get_model("reference", "Subject")
    Position = apps.get_model("reference", "Position")
    Grade = apps.get_model("reference", "Grade")
    subjects = json.loads((DATA / "subjects.json").read_text(encoding="utf-8"))["subjects"]
    for order, item in enumerate(subjects, start=1):
        Subject.objects.get_or_create(
            name=item["name"], defaults={"is_olympiad": item["olympiad"], "order": order}
        )
    positions = json.loads((DATA / "positions.json").read_text(encoding="utf-8"))["positions"]
    for order, name in enumerate(positions, start=1):
        Position.objects.get_or_create(name=name, defaults={"order": order})
    for number in range(1, 12):
        Grade.objects.get_or_create(number=number)


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
