from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("olympiads", "0002_subjects")]

    operations = [
        migrations.AddField(
            model_name="work",
            name="absent",
            field=models.BooleanField("не явился", default=False),
        ),
    ]
