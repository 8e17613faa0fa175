"""Fixtures of the reference section's tests.

`usage_model` builds a throwaway model with a PROTECT foreign key to Subject (hidden, related_name="+")
and its table, inside the test's transaction: it stands for the later sections that will refer to the
catalogues, so "in use" is tested against a real reference, not a mock. The table goes with the test's
rollback (DDL is transactional on SQLite and PostgreSQL); the model leaves the app registry afterwards.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, models

from imo.orgs.tests.factories import make_district
from imo.reference.models import Subject


@pytest.fixture
def district(db):
    return make_district()


@pytest.fixture
def usage_model(db):
    class SubjectUsage(models.Model):
        subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")

        class Meta:
            app_label = "reference"
            db_table = "reference_test_subject_usage"

        def __str__(self) -> str:
            return f"использование «{self.subject}»"

    try:
        # The schema editor's context manager refuses to run inside a transaction on SQLite, so the SQL
        # is collected and run by hand inside the test's transaction.
        editor = connection.schema_editor(collect_sql=True)
        editor.deferred_sql = []
        editor.create_model(SubjectUsage)
        with connection.cursor() as cursor:
            for statement in [*editor.collected_sql, *(str(sql) for sql in editor.deferred_sql)]:
                cursor.execute(statement)
        yield SubjectUsage
    finally:
        del apps.all_models["reference"]["subjectusage"]
        apps.clear_cache()
