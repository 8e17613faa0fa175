"""The full-text index of documents, one per database:

- PostgreSQL: the tsvector column `library_document.search_vector` (title weight A; annotation, tags,
  authors, issuer B; the current file's text C) with a GIN index — Russian text search configuration;
- SQLite: the FTS5 table `library_document_fts(title, meta, body)`, rowid = document id, holding the
  Snowball-stemmed words (the same Russian stemmer PostgreSQL uses), so word forms match on both.

Only `imo.library.search.index` writes them.
"""

from django.db import migrations


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE library_document ADD COLUMN search_vector tsvector")
        schema_editor.execute(
            "CREATE INDEX library_document_search ON library_document USING gin (search_vector)"
        )
    elif connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE library_document_fts USING fts5("
            "title, meta, body, tokenize = 'unicode61 remove_diacritics 0')"
        )


def drop(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS library_document_search")
        schema_editor.execute("ALTER TABLE library_document DROP COLUMN IF EXISTS search_vector")
    elif connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS library_document_fts")


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
