"""Operations shared by migrations."""

from django.db import migrations


def postgresql_only(forwards_sql: str, backwards_sql: str) -> migrations.RunSQL:
    """Run ``forwards_sql`` (``backwards_sql`` when unapplied). The name is history: ``make run``
    once ran on SQLite, where these were skipped; every database is PostgreSQL now."""
    return migrations.RunSQL(forwards_sql, backwards_sql, elidable=False)


def postgresql_vacuum(table: str) -> migrations.RunPython:
    """``VACUUM ANALYZE`` ``table``, in a migration with ``atomic = False`` (VACUUM
    runs outside a transaction): after rewriting a table its index-only scans read the rows too
    until the visibility map is set again, which autovacuum would only do later."""

    def forwards(apps, schema_editor):
        schema_editor.execute(f"VACUUM ANALYZE {schema_editor.quote_name(table)}")

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)


# --- History: the kept row counts of clinical 0004 and commerce 0008 ------------------------------
# Lists once read the number of live patients and sales from ``core_rowcount``, kept by triggers;
# a capped count replaced them (``erp.core.api.pagination``) and clinical 0011, commerce 0011 and
# core 0005 drop them. Those two migrations still build them, from this SQL, on a new database.

COUNTS_TABLE = "core_rowcount"

CREATE_COUNTS_TABLE = f"""
CREATE TABLE IF NOT EXISTS {COUNTS_TABLE} (
    table_name varchar(63) PRIMARY KEY,
    live_rows bigint NOT NULL
)"""


def counted_table_sql(table: str, live_condition: str) -> tuple[str, str]:
    """SQL (create, drop) of the counter of ``table``'s rows matching ``live_condition`` (SQL on
    the table's columns), starting from the rows already there. Both come from migrations, never
    from input."""
    function = f"{table}_count_live"
    create = f"""
{CREATE_COUNTS_TABLE};
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
DECLARE
    delta bigint := 0;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE {COUNTS_TABLE} SET live_rows = 0 WHERE table_name = '{table}';
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT delta + count(*) INTO delta FROM new_rows WHERE {live_condition};
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT delta - count(*) INTO delta FROM old_rows WHERE {live_condition};
    END IF;
    IF delta <> 0 THEN
        INSERT INTO {COUNTS_TABLE} (table_name, live_rows) VALUES ('{table}', delta)
        ON CONFLICT (table_name) DO UPDATE SET live_rows = {COUNTS_TABLE}.live_rows + EXCLUDED.live_rows;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_count_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {table}_count_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {table}_count_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {table}_count_truncate AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_count_insert;
ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_count_update;
ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_count_delete;
ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_count_truncate;
INSERT INTO {COUNTS_TABLE} (table_name, live_rows)
    SELECT '{table}', count(*) FROM {table} WHERE {live_condition}
ON CONFLICT (table_name) DO UPDATE SET live_rows = EXCLUDED.live_rows;
"""  # noqa: S608
    drop = f"""
DROP TRIGGER IF EXISTS {table}_count_insert ON {table};
DROP TRIGGER IF EXISTS {table}_count_update ON {table};
DROP TRIGGER IF EXISTS {table}_count_delete ON {table};
DROP TRIGGER IF EXISTS {table}_count_truncate ON {table};
DROP FUNCTION IF EXISTS {function}();
DELETE FROM {COUNTS_TABLE} WHERE table_name = '{table}';
"""  # noqa: S608
    return create, drop
