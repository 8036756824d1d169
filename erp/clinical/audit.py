"""Read audit of clinical records: one ``view`` row per record shown, written in one insert."""

from collections.abc import Iterable

from django.db import models

from erp.ops.audit import audit_record_many
from erp.ops.models import AuditAction


def audit_reads(*, actor, records: Iterable[models.Model], request=None, via: str) -> int:
    """Record that ``actor`` was shown each of ``records`` (a list page, a patient page section)."""
    rows = audit_record_many(
        actor=actor, action=AuditAction.VIEW, entities=records, request=request, metadata={"via": via}
    )
    return len(rows)
