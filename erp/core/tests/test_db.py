"""How the project reads PostgreSQL: date-times by psycopg's C loader on a UTC session, with the
values Django's own loader gives (``erp.core.db``); statements a connection keeps running
prepared (``site.settings.base.prepared_statements``)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.backends.postgresql.base import TIMESTAMPTZ_OID
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg.pq import Format

from erp.core.db import UTCTimestamptzLoader, reads_utc

pytestmark = pytest.mark.django_db

VALUES = [
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
    "1850-06-01 12:00:00+00:09:21",  # Paris mean solar time
    "2026-03-29 02:30:00.5+02",  # the spring's missing hour in Paris
    "2026-10-25 02:30:00+01",  # the autumn's doubled hour
    "2026-12-04 21:30:00.000001-09:30",
]


def _read(cursor):
    cursor.execute(
        "SELECT v::timestamptz, ARRAY[v::timestamptz], tstzrange(v::timestamptz, NULL) FROM unnest(%s::text[]) v",
        [VALUES],
    )
    return cursor.fetchall()


def test_the_connection_reads_date_times_with_the_c_loader():
    connection.ensure_connection()
    assert reads_utc(connection)
    loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    assert loader is UTCTimestamptzLoader
    with connection.cursor() as cursor:  # Django's cursor keeps it (its time zone is the same)
        assert cursor.cursor.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT) is loader


def test_the_values_are_djangos_own():
    with connection.cursor() as cursor:
        ours = _read(cursor)
        register_tzloader(connection.timezone, cursor.cursor)  # Django's loader, on this cursor only
        djangos = _read(cursor)
    assert ours == djangos
    for single, array, interval in ours:
        assert single.tzinfo is UTC and array[0].tzinfo is UTC and interval.lower.tzinfo is UTC
        assert single == array[0] == interval.lower
    assert ours[0][0] == datetime(1, 1, 1, tzinfo=UTC)
    assert ours[2][0] == datetime(1850, 6, 1, 12, tzinfo=UTC) - timedelta(minutes=9, seconds=21)
    assert ours[3][0] == datetime(2026, 3, 29, 0, 30, 0, 500000, tzinfo=UTC)
    assert ours[5][0] == datetime(2026, 12, 5, 7, 0, 0, 1, tzinfo=UTC)


def test_a_session_in_another_time_zone_keeps_djangos_loader():
    with connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'Europe/Paris'")
        try:
            assert not reads_utc(connection)
        finally:
            cursor.execute("SET TIME ZONE 'UTC'")
    assert reads_utc(connection)


def test_a_statement_run_five_times_on_a_connection_is_prepared():
    """Server-side binding and psycopg's prepare threshold (``site.settings.base.prepared_statements``):
    PostgreSQL plans a statement the connection keeps running once, not at every run."""
    sql = "SELECT count(*) FROM django_migrations WHERE app = %s"
    with connection.cursor() as cursor:
        for run in range(6):
            cursor.execute(sql, [f"app {run}"])  # same statement, other values
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("FROM django_migrations WHERE app = $1" in statement for statement in prepared), prepared


def test_prepared_statements_can_be_turned_off(monkeypatch):
    from site.settings.base import prepared_statements

    def postgres():
        return {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {"sslmode": "prefer"}}

    assert prepared_statements(postgres())["OPTIONS"] == {
        "sslmode": "prefer", "server_side_binding": True, "prepare_threshold": 5,
    }  # fmt: skip
    monkeypatch.setenv("DB_PREPARED_STATEMENTS", "0")  # a pooler in transaction mode
    assert prepared_statements(postgres())["OPTIONS"] == {"sslmode": "prefer"}
