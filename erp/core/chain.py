"""Hash chains and append-only tables: the one rule shared by the fiscal journal and the audit log.

Each link's hash is SHA-256 over the previous link's hash followed by the canonical JSON (sorted
keys, no spaces, UTF-8) of the link's data; the first link chains to 64 zeros. Appends to one chain
are serialised by a transaction-scoped advisory lock on PostgreSQL, so that two transactions never
chain to the same previous link (no fork). The table refuses rewrites twice: in the application
(``AppendOnlyModel``) and in PostgreSQL (a trigger, ``append_only_trigger_sql``).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from erp.core.locking import advisory_xact_lock

GENESIS_HASH = "0" * 64


def canonical_json(data: dict) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def chain_hash(previous_hash: str, data: dict) -> str:
    """The hash of a link: SHA-256 of the previous hash followed by the canonical JSON of ``data``."""
    return hashlib.sha256((previous_hash + canonical_json(data)).encode("utf-8")).hexdigest()


def chain_lock(key: int) -> None:
    """Serialise appends to the chain named ``key`` until the current transaction ends."""
    advisory_xact_lock(key)


def chain_append(
    model: type[models.Model],
    links: list,
    *,
    lock_key: int,
    previous_field: str,
    link_hash: Callable[[Any], str],
    stamp_field: str | None = None,
) -> list:
    """Number ``links`` after the last link of ``model``'s chain, chain each to the one before and
    insert them in one statement, under the chain's lock: one lock, one read of the head.

    Runs inside the caller's transaction with no savepoint of its own: a link that cannot be
    written fails the caller's operation with it. ``stamp_field`` is set to the time read under
    the lock, so that times rise with the sequence.
    """
    if not links:
        return links
    with transaction.atomic(savepoint=False):
        chain_lock(lock_key)
        sequence, previous = _chain_head(model) or (0, GENESIS_HASH)
        now = timezone.now()
        for link in links:
            sequence += 1
            link.sequence = sequence
            setattr(link, previous_field, previous)
            if stamp_field:
                setattr(link, stamp_field, now)
            link.hash = previous = link_hash(link)
        return _insert_links(model, links)


def _chain_head(model: type[models.Model]) -> tuple[int, str] | None:
    """The last link's ``(sequence, hash)``, read after the lock (its own statement, so that it
    sees what the transaction before released)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sequence, hash FROM {table} ORDER BY sequence DESC LIMIT 1")  # noqa: S608
        return cursor.fetchone()


def _json_value(value):
    """A column value JSON has no type for, as the text PostgreSQL reads back the same."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not a column value of a chain link")


def _insert_links(model: type[models.Model], links: list) -> list:
    """Insert ``links`` (new rows of ``model``) in one statement.

    The rows go as one JSON document that ``json_to_recordset`` reads into typed columns:
    ``bulk_create`` prepares each value in Python and has the driver adapt an array a column, a
    quarter slower for a page's 50 audit entries (bench/profiling.md, seventh pass).
    """
    fields = model._meta.concrete_fields
    rows = [{f.column: f.pre_save(link, True) for f in fields} for link in links]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    types = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in fields)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM json_to_recordset(%s::json) AS r({types})",  # noqa: S608
            [json.dumps(rows, default=_json_value, ensure_ascii=False)],
        )
    for link in links:
        link._state.adding = False
        link._state.db = connection.alias
    return links


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries_checked: int
    first_broken_sequence: int | None = None
    first_broken_id: str | None = None
    reason: str | None = None

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "entries_checked": self.entries_checked,
            "first_broken_sequence": self.first_broken_sequence,
            "first_broken_id": self.first_broken_id,
            "reason": self.reason,
        }


def chain_verify(
    links: Iterable[Any],
    *,
    data: Callable[[Any], dict],
    sequence: str = "sequence",
    previous_hash: str = "previous_hash",
    hash_field: str = "hash",
    start_sequence: int = 1,
    start_hash: str = GENESIS_HASH,
) -> ChainReport:
    """Walk ``links`` in chain order (``start_sequence``, the next, ...) and name the first one that
    breaks it; ``start_hash`` is the hash of the link before the first (genesis for a whole chain)."""
    expected_previous = start_hash
    expected_sequence = start_sequence
    checked = 0
    for link in links:
        number = getattr(link, sequence)
        reason = None
        if number != expected_sequence:
            reason = f"sequence {number} found where {expected_sequence} was expected (missing entry)"
        elif getattr(link, previous_hash) != expected_previous:
            reason = "previous_hash does not match the hash of the entry before"
        elif chain_hash(expected_previous, data(link)) != getattr(link, hash_field):
            reason = "hash does not match the entry's data (altered)"
        if reason:
            return ChainReport(False, checked, number, str(link.pk), reason)
        expected_previous = getattr(link, hash_field)
        expected_sequence += 1
        checked += 1
    return ChainReport(True, checked)


# --- Append-only tables ------------------------------------------------------------------------


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise self.model.append_only_error(self.model.append_only_message)

    def delete(self):
        raise self.model.append_only_error(self.model.append_only_message)


class AppendOnlyModel(models.Model):
    """Rows are inserted, never changed nor deleted (the model's ``append_only_error`` is raised)."""

    append_only_error: type[Exception] = RuntimeError
    append_only_message = "This table is append-only."

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise self.append_only_error(self.append_only_message)
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.append_only_error(self.append_only_message)


def append_only_trigger_sql(table: str, message: str) -> tuple[str, str]:
    """SQL (create, drop) of the triggers that make ``table`` refuse UPDATE, DELETE and TRUNCATE.

    A superuser can still empty it with ``session_replication_role = replica`` (as the test
    suite's flush does): whoever can do that can drop the trigger anyway.
    """
    function = f"{table}_append_only"
    create = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = '{message}' || ' (' || TG_OP || ' refused)',
        ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
CREATE TRIGGER {table}_no_truncate
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""
    drop = f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
DROP FUNCTION IF EXISTS {function}();
"""
    return create, drop
