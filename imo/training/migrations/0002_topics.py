"""The topic tags of training.md (item 4) as the starting list the office edits."""

from django.db import migrations

TOPICS = (
    "Предметное содержание и методика преподавания",
    "ФГОС и обновлённые программы",
    "Функциональная грамотность",
    "Подготовка к ГИА (ОГЭ, ЕГЭ)",
    "Инклюзивное образование",
    "Воспитательная работа и классное руководство",
    "Наставничество",
    "Цифровые компетенции",
    "Управление образовательной организацией",
    "Олимпиадная подготовка и работа с одарёнными детьми",
    "Оказание первой помощи",
)


def add_topics(apps, schema_editor):
    Topic = apps.get_model("training", "Topic")
    for order, name in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(add_topics, migrations.RunPython.noop)]
