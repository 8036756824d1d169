"""PostgreSQL only: the indexes that serve patient search and similar-name detection.

* a GIN full-text index (configuration ``simple``, no extension needed) on the normalized name,
  so word-prefix search (``dup`` finds "Marie Dupont") uses an index;
* pg_trgm and a trigram GIN index on the normalized name when the server offers the extension
  (similar names for duplicate detection).

On SQLite (``make run``) nothing is done; search falls back to plain lookups there.
"""

from django.db import migrations

FTS_INDEX = (
    "CREATE INDEX IF NOT EXISTS clinical_patient_name_fts ON clinical_patient "
    "USING gin (to_tsvector('simple'::regconfig, coalesce(full_name_normalized, '')))"
)
TRGM_INDEX = (
    "CREATE INDEX IF NOT EXISTS clinical_patient_name_trgm ON clinical_patient "
    "USING gin (full_name_normalized gin_trgm_ops)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FTS_INDEX)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        available = cursor.fetchone() is not None
    if available:
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(TRGM_INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS clinical_patient_name_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS clinical_patient_name_fts")


class Migration(migrations.Migration):
    dependencies = [("clinical", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
