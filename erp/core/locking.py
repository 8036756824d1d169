"""Row locks and PostgreSQL advisory locks: the one place taking them. Every wait is bounded by
the connection's ``lock_timeout`` (``settings.DATABASE_LOCK_TIMEOUT``); past it the caller gets
``RecordBusy`` (409 ``record_busy``)."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import OperationalError, connection
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from erp.core.exceptions import RecordBusy

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout expires


@contextmanager
def bounded_lock_wait() -> Iterator[None]:
    """Run the block's lock waits inside a transaction; a lock still held by someone else after
    the connection's ``lock_timeout`` (``DATABASE_LOCK_TIMEOUT``, set on every connection) raises
    ``RecordBusy``, and the transaction (which PostgreSQL has aborted) rolls back whole."""
    if not connection.in_atomic_block:
        raise RuntimeError("Locks are taken inside a transaction.")
    try:
        yield
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise RecordBusy(_("This record is being changed by someone else; try again in a moment.")) from error
        raise


def lock_rows(queryset: QuerySet, *, of: Sequence[str] = (), order_by: Sequence[str] = ("pk",)) -> list:
    """Lock (``SELECT ... FOR UPDATE``, ``of`` as Django's) and return the rows of ``queryset`` in the
    fixed order ``order_by`` (primary keys by default), so two transactions locking the same rows
    never deadlock; waits at most ``DATABASE_LOCK_TIMEOUT``."""
    with bounded_lock_wait():
        return list(queryset.select_for_update(of=of).order_by(*order_by))


def lock_row(queryset: QuerySet, *, of: Sequence[str] = (), missing_ok: bool = False, **lookup) -> Model | None:
    """Lock and return the one row of ``queryset`` matching ``lookup`` (``DoesNotExist`` when none,
    or None with ``missing_ok``, the first by primary key as ``first()`` does); waits at most
    ``DATABASE_LOCK_TIMEOUT``."""
    locked = queryset.select_for_update(of=of)
    with bounded_lock_wait():
        return locked.filter(**lookup).first() if missing_ok else locked.get(**lookup)


def advisory_xact_lock(key: int, name: str | None = None) -> None:
    """Wait for, then hold until the transaction ends, the lock ``key`` (one integer), or the lock
    ``name`` in the namespace ``key`` (the server hashes the name; a collision only makes two names
    wait for each other). Outside a transaction the lock would end at once, so that is refused.
    Waits at most ``DATABASE_LOCK_TIMEOUT``, as row locks do."""
    with bounded_lock_wait(), connection.cursor() as cursor:
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
