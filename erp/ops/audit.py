"""The one mechanism that writes the audit trail.

``audit_record()`` (one entry) and ``audit_record_many()`` (one action on several records, e.g.
the rows of a list page) append to the chain inside the caller's transaction: the audited
operation and its entry commit or roll back together. Appends take a transaction-scoped advisory
lock and read only the chain head (the last ``sequence``), so concurrent writers keep one linear
chain and an append never scans history.

Where the event comes from is filled in here, not by each caller: the IP and user agent of the
current request (``AuditRequestMiddleware`` sets them through ``audit_client``; tasks and commands
have none), and for entries without an actor the name of the background task running them
(``audited_task``).

Call it last in the transaction, after the audited write: the chain lock is then always the last
lock a transaction takes (after the fiscal journal's), and it is held only until the commit.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC
from typing import Any

from django.db import models

from erp.core.chain import GENESIS_HASH, ChainReport, canonical_json, chain_append, chain_hash, chain_verify
from erp.core.security import client_ip
from erp.ops.models import AuditAction, AuditLog

# Arbitrary constant key of the advisory lock serialising appends to the audit chain ("audit").
AUDIT_CHAIN_LOCK_KEY = 0x6175646974
USER_AGENT_MAX = 500

_client: ContextVar[tuple[str | None, str] | None] = ContextVar("audit_client", default=None)
_task: ContextVar[str | None] = ContextVar("audit_task", default=None)


# --- Where an event comes from -----------------------------------------------------------------


def client_info() -> tuple[str | None, str]:
    """The IP and user agent of the request being served (``audit_client``), else none."""
    return _client.get() or (None, "")


@contextmanager
def audit_client(*, ip: str | None, user_agent: str) -> Iterator[None]:
    """Entries written inside this block come from ``ip`` with ``user_agent``."""
    token = _client.set((ip, user_agent[:USER_AGENT_MAX]))
    try:
        yield
    finally:
        _client.reset(token)


class AuditRequestMiddleware:
    """Makes the IP and user agent of the request available to every audit entry it writes.

    The IP is the one the brute-force lock and the rate limits see (``TRUSTED_PROXIES``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit_client(ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")):
            return self.get_response(request)


@contextmanager
def audit_context(*, task: str) -> Iterator[None]:
    """Entries without an actor written inside this block name ``task`` as their origin."""
    token = _task.set(task)
    try:
        yield
    finally:
        _task.reset(token)


def audited_task(func):
    """Decorate a huey task's function (under ``@db_task``): its audit entries name the task."""
    name = f"{func.__module__}.{func.__name__}"

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with audit_context(task=name):
            return func(*args, **kwargs)

    wrapper.audit_task_name = name
    return wrapper


# --- Which patient an entry is about -----------------------------------------------------------

# Records that reach their patient through another record: (foreign key, path on the target).
_PATIENT_PATHS = {
    "clinical.encounterdocument": ("encounter", "patient_id"),
    "clinical.encounterphoto": ("encounter", "patient_id"),
    "clinical.calendlydelivery": ("appointment", "patient_id"),
    "commerce.saleline": ("sale", "sold_to_patient_id"),
    "commerce.payment": ("sale", "sold_to_patient_id"),
    "commerce.invoice": ("sale", "sold_to_patient_id"),
    "commerce.creditnote": ("sale", "sold_to_patient_id"),
}


def patient_of(entity: models.Model | None) -> uuid.UUID | None:
    """The patient a record is about: the patient itself, or the patient of an encounter, photo,
    document, consent, appointment, sale (and its lines, payments, invoices)."""
    if entity is None:
        return None
    label = entity._meta.label_lower
    if label == "clinical.patient":
        return entity.pk
    for attname in ("patient_id", "sold_to_patient_id"):
        if hasattr(entity, attname):
            return getattr(entity, attname)
    path = _PATIENT_PATHS.get(label)
    if path is None:
        return None
    relation, target_attname = path
    field = entity._meta.get_field(relation)
    target_id = getattr(entity, field.attname)
    if target_id is None:
        return None
    if field.is_cached(entity):
        return getattr(getattr(entity, relation), target_attname)
    manager = getattr(field.related_model, "all_objects", field.related_model._default_manager)
    return manager.filter(pk=target_id).values_list(target_attname, flat=True).first()


# --- The chain ---------------------------------------------------------------------------------


def entry_data(entry: AuditLog) -> dict[str, Any]:
    """What an entry's hash covers: every column but the hashes themselves."""
    return {
        "id": str(entry.id),
        "sequence": entry.sequence,
        "actor_id": str(entry.actor_id) if entry.actor_id is not None else None,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": str(entry.entity_id),
        "patient_id": str(entry.patient_id) if entry.patient_id is not None else None,
        "timestamp": entry.timestamp.astimezone(UTC).isoformat(),
        "ip": entry.ip,
        "user_agent": entry.user_agent,
        "metadata": entry.metadata_json,
    }


def entry_hash(entry: AuditLog) -> str:
    return chain_hash(entry.prev_hash, entry_data(entry))


def _append(entries: list[AuditLog]) -> list[AuditLog]:
    """Number, chain and insert ``entries`` at the end of the chain (one lock, one head read)."""
    return chain_append(
        AuditLog,
        entries,
        lock_key=AUDIT_CHAIN_LOCK_KEY,
        previous_field="prev_hash",
        link_hash=entry_hash,
        stamp_field="timestamp",
    )


def audit_record_many(
    *,
    actor,
    action: AuditAction | str,
    entities: Iterable[models.Model],
    metadata: dict[str, Any] | None = None,
) -> list[AuditLog]:
    """One entry per record in ``entities`` (same actor, action and metadata), in one insert."""
    targets = [(e._meta.label_lower, e.pk, patient_of(e)) for e in entities]
    return _append(_entries(actor=actor, action=action, targets=targets, metadata=metadata))


def audit_reads(*, actor, records: Iterable[models.Model], via: str) -> int:
    """Record that ``actor`` was shown each of ``records`` (a list page, a chooser, a patient page
    section): one ``view`` entry each, in one insert, saying through which screen."""
    rows = audit_record_many(actor=actor, action=AuditAction.VIEW, entities=records, metadata={"via": via})
    return len(rows)


def audit_record(
    *,
    actor,
    action: AuditAction | str,
    entity: models.Model | None = None,
    entity_type: str | None = None,
    entity_id: uuid.UUID | None = None,
    patient_id: uuid.UUID | None = None,
    metadata: dict[str, Any] | None = None,
) -> AuditLog:
    """Append one entry: who did what to which record, from where."""
    if entity is not None:
        entity_type = entity_type or entity._meta.label_lower
        entity_id = entity_id or entity.pk
        patient_id = patient_id or patient_of(entity)
    targets = [(entity_type, entity_id, patient_id)]
    return _append(_entries(actor=actor, action=action, targets=targets, metadata=metadata))[0]


def _entries(*, actor, action, targets: list[tuple], metadata=None) -> list[AuditLog]:
    """The entries (not yet chained) of one event on each ``(entity type, entity id, patient id)``:
    what they share (who, from where, the metadata as it is hashed) is worked out once."""
    if any(entity_type is None or entity_id is None for entity_type, entity_id, _ in targets):
        raise ValueError("An audit entry needs an entity or an entity type and id.")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    data = dict(metadata or {})
    if actor is None and _task.get():
        data.setdefault("task", _task.get())
    # Stored as it is hashed: what JSON gives back is what was chained.
    stored = json.loads(canonical_json(data)) if data else None
    ip, user_agent = client_info()
    action = AuditAction(action)
    return [
        AuditLog(
            actor=actor,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            patient_id=patient_id,
            ip=ip,
            user_agent=user_agent,
            metadata_json=stored,
        )
        for entity_type, entity_id, patient_id in targets
    ]


def audit_chain_verify(*, last: int | None = None) -> ChainReport:
    """Recompute the chain from the first entry (or over the ``last`` entries only, anchored on the
    hash of the entry before them); name the first entry that breaks it."""
    entries = AuditLog.objects.order_by("sequence")
    start_sequence, start_hash = 1, GENESIS_HASH
    if last is not None:
        head = AuditLog.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
        if head > last:
            anchor = AuditLog.objects.filter(sequence=head - last).values_list("hash", flat=True).first()
            start_sequence, start_hash = head - last + 1, anchor or ""
            entries = entries.filter(sequence__gte=start_sequence)
    return chain_verify(
        entries.iterator(chunk_size=2000),
        data=entry_data,
        previous_hash="prev_hash",
        start_sequence=start_sequence,
        start_hash=start_hash,
    )
