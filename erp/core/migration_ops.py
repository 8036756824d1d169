"""Operations shared by migrations."""

from django.db import migrations


def postgresql_only(forwards_sql: str, backwards_sql: str) -> migrations.RunPython:
    """Run ``forwards_sql`` (``backwards_sql`` when unapplied) on PostgreSQL; nothing elsewhere
    (SQLite for ``make run`` has no triggers, stored vectors or GIN indexes)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(forwards_sql)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(backwards_sql)

    return migrations.RunPython(forwards, backwards, elidable=False)


def postgresql_vacuum(table: str) -> migrations.RunPython:
    """``VACUUM ANALYZE`` ``table`` on PostgreSQL, in a migration with ``atomic = False`` (VACUUM
    runs outside a transaction): after rewriting a table its index-only scans read the rows too
    until the visibility map is set again, which autovacuum would only do later."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"VACUUM ANALYZE {schema_editor.quote_name(table)}")

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)
