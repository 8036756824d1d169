"""Row counts of the big tables kept as balances, not counted over the whole table on every list.

A list's first page asks how many rows it has (the API's ``count``). On the patients and sales
tables that is a ``COUNT(*)`` over hundreds of thousands of rows at every request. Instead,
PostgreSQL keeps the number of *live* rows of such a table in ``core_rowcount``: statement-level
triggers add the rows an INSERT, UPDATE or DELETE makes live and subtract those it makes not live,
in the same transaction (so the number is exact and rolls back with it); TRUNCATE resets it. The
triggers fire ``ALWAYS`` (also under ``session_replication_role = replica``).

``exact_count(queryset)`` reads that number when ``queryset`` selects exactly the live rows of a
counted table (no filter of a caller, no role's restriction); any other queryset is counted.

A counted table is declared twice, by design: ``counted_table_sql()`` in its app's migration
(the trigger's SQL condition) and ``register()`` in its app's ``ready()`` (the same condition as a
queryset); ``erp/core/tests/test_counts.py`` checks that the two agree.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

COUNTS_TABLE = "core_rowcount"

CREATE_COUNTS_TABLE = f"""
CREATE TABLE IF NOT EXISTS {COUNTS_TABLE} (
    table_name varchar(63) PRIMARY KEY,
    live_rows bigint NOT NULL
)"""

# The kept number of live rows of the table named by its one parameter (a scalar subquery: NULL
# when the table is not counted), for a statement that needs it beside what it reads.
KEPT_ROWS = f"(SELECT live_rows FROM {COUNTS_TABLE} WHERE table_name = %s)"  # noqa: S608

# table name -> the queryset of its live rows
_LIVE: dict[str, Callable[[], QuerySet]] = {}


def register(model, live: Callable[[], QuerySet]) -> None:
    """Declare that ``model``'s table is counted; ``live()`` is the queryset of its live rows."""
    _LIVE[model._meta.db_table] = live
    _live_sql.cache_clear()


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


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    query = queryset.values("pk").order_by().query
    return query.sql_with_params()


@functools.cache
def _live_sql(table: str, alias: str) -> tuple[str, tuple]:
    """The SQL of a counted table's live rows: the same at every call, so built once."""
    return _sql(_LIVE[table]().using(alias))


def kept_count(queryset: QuerySet) -> int | None:
    """The kept number of rows of ``queryset`` when it selects exactly a counted table's live rows."""
    table = queryset.model._meta.db_table
    connection = connections[queryset.db]
    if table not in _LIVE or connection.vendor != "postgresql":
        return None
    try:
        sql = _sql(queryset)
    except EmptyResultSet:
        # A filter that can match nothing (``pk__in=[]``) has no SQL: Django answers 0 without asking.
        return None
    if sql != _live_sql(table, queryset.db):
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {KEPT_ROWS}", [table])  # noqa: S608
        row = cursor.fetchone()
    # No row, or a negative number (it can't be, but a count must never be wrong): count instead.
    return row[0] if row and row[0] >= 0 else None


def exact_count(queryset: QuerySet) -> int:
    kept = kept_count(queryset)
    return kept if kept is not None else queryset.count()
