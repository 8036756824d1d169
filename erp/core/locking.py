"""PostgreSQL advisory locks (until the transaction ends, or for a job's session): the one place taking them."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def advisory_xact_lock(key: int, name: str | None = None) -> None:
    """Wait for, then hold until the transaction ends, the lock ``key`` (one integer), or the lock
    ``name`` in the namespace ``key`` (the server hashes the name; a collision only makes two names
    wait for each other). Outside a transaction the lock would end at once, so that is refused."""
    if not connection.in_atomic_block:
        raise RuntimeError("advisory_xact_lock() must run inside a transaction.")
    with connection.cursor() as cursor:
        if name is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
        else:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [key, name])


@contextmanager
def advisory_session_lock_or_skip(key: int, name: str) -> Iterator[bool]:
    """Try to take the lock ``name`` in the namespace ``key`` for the connection's session (across
    the many transactions of a long job); yields whether it was taken, and releases it after.
    A worker that yields False leaves the work to the one holding the lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", [key, name])
        taken = bool(cursor.fetchone()[0])
    try:
        yield taken
    finally:
        if taken:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", [key, name])
