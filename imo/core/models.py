from django.db import models


class TimeStampedModel(models.Model):
    """Every domain table records when a row was created and last changed."""

    created_at = models.DateTimeField("создано", auto_now_add=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        abstract = True
