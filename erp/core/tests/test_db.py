"""Statements a connection keeps running are prepared (``site.settings.base.prepared_statements``)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


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
