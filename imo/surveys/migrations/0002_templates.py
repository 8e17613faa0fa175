"""The four ready templates (issue #9, item 6), stored at every top office that exists. A database with no
organisations yet gets them when `imo.surveys.templates_data.create_templates()` is called later (demo)."""

from django.db import migrations


def add_templates(apps, schema_editor):
    from imo.surveys.templates_data import create_templates

    create_templates(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_templates, migrations.RunPython.noop),
    ]
