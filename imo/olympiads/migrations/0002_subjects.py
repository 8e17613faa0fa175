"""The 24 subjects of the All-Russian olympiad (olympiads.md, 4) as the starting list the office edits.
Mathematics and Russian start from grade 4 at the school stage; six subjects run online on «Сириус.Курсы»
(olympiads.md, 16)."""

from django.db import migrations

# (name, short name, first grade at the school stage, online on «Сириус.Курсы»)
SUBJECTS = (
    ("Математика", "Математика", 4, True),
    ("Русский язык", "Русский язык", 4, False),
    ("Английский язык", "Английский", 5, False),
    ("Немецкий язык", "Немецкий", 5, False),
    ("Французский язык", "Французский", 5, False),
    ("Испанский язык", "Испанский", 5, False),
    ("Китайский язык", "Китайский", 5, False),
    ("Итальянский язык", "Итальянский", 5, False),
    ("Информатика", "Информатика", 5, True),
    ("Физика", "Физика", 7, True),
    ("Химия", "Химия", 7, True),
    ("Биология", "Биология", 5, True),
    ("Экология", "Экология", 5, False),
    ("География", "География", 5, False),
    ("Астрономия", "Астрономия", 5, True),
    ("Литература", "Литература", 5, False),
    ("История", "История", 5, False),
    ("Обществознание", "Обществознание", 5, False),
    ("Экономика", "Экономика", 5, False),
    ("Право", "Право", 5, False),
    ("Искусство (мировая художественная культура)", "МХК", 5, False),
    ("Физическая культура", "Физкультура", 5, False),
    ("Труд (технология)", "Труд (технология)", 5, False),
    ("Основы безопасности и защиты Родины", "ОБЗР", 5, False),
)


def add_subjects(apps, schema_editor):
    Subject = apps.get_model("olympiads", "OlympiadSubject")
    for order, (name, short, grade, online) in enumerate(SUBJECTS, start=1):
        Subject.objects.get_or_create(
            name=name,
            defaults={
                "short_name": short,
                "min_grade_school": grade,
                "online_school_stage": online,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("olympiads", "0001_initial")]

    operations = [migrations.RunPython(add_subjects, migrations.RunPython.noop)]
