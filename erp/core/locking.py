"""PostgreSQL advisory locks held until the current transaction ends: the one place that takes them."""

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
