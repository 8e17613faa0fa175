"""The starting list of document kinds (issue #8, item 1); the office edits it."""

from django.db import migrations

KINDS = (
    ("Нормативный правовой акт", True),
    ("Научно-исследовательский материал", False),
    ("Методический материал", False),
    ("Новое издание (литература, программы, учебники)", False),
    ("Материал из опыта работы (лучшие практики)", False),
    ("Шаблон или форма документа", False),
    ("Другое", False),
)


def add_kinds(apps, schema_editor):
    DocumentKind = apps.get_model("library", "DocumentKind")
    for order, (name, is_act) in enumerate(KINDS, start=1):
        DocumentKind.objects.get_or_create(name=name, defaults={"is_act": is_act, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("library", "0002_search_index")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
