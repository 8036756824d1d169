"""The embedded PostgreSQL of development, the test suite and the benchmarks (no Django here: the
settings and ``bench/run.py`` import it).

Without ``DATABASE_URL`` (development only: production refuses to start without it) the project
runs on a PostgreSQL server of its own, the ``pgserver`` package's, with its data under
``var/pgdata``: started by the first process that needs it, shared by every process after it
(``make run``, ``make test``'s workers, ``make bench``), stopped when the last one exits.
"""

from contextlib import suppress
from pathlib import Path


def embedded_postgres_url(data_dir: Path, database: str) -> str:
    """The URL of ``database`` (created when missing) on the server kept in ``data_dir``, which is
    started if it is not running."""
    import pgserver
    import psycopg

    data_dir.parent.mkdir(parents=True, exist_ok=True)  # a fresh clone has no var/
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone() is None:
            with suppress(psycopg.errors.DuplicateDatabase):  # another process made it first
                connection.execute(f'CREATE DATABASE "{database}"')
    return server.get_uri(database)
