"""Read audit of clinical records: one ``view`` row per record shown, written in one query."""

from collections.abc import Iterable

from django.db import models

from erp.ops.audit import client_metadata
from erp.ops.models import AuditAction, AuditLog


def audit_reads(*, actor, records: Iterable[models.Model], request=None, via: str) -> int:
    """Record that ``actor`` was shown each of ``records`` (a list page, a patient page section)."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    metadata = {**client_metadata(request), "via": via}
    rows = [
        AuditLog(
            actor=actor,
            action=AuditAction.VIEW,
            entity_type=record._meta.label_lower,
            entity_id=record.pk,
            metadata_json=metadata,
        )
        for record in records
    ]
    AuditLog.objects.bulk_create(rows)
    return len(rows)
