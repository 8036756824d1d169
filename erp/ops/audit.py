"""One function records an audit entry; every app calls it inside its own transaction."""

import uuid
from typing import Any

from django.db import models

from .models import AuditAction, AuditLog


def client_metadata(request) -> dict[str, str]:
    """The caller's IP and user agent, as kept in ``metadata_json``."""
    if request is None:
        return {}
    meta = getattr(request, "META", {})
    return {
        "ip": meta.get("REMOTE_ADDR", ""),
        "user_agent": meta.get("HTTP_USER_AGENT", "")[:500],
    }


def audit_record(
    *,
    actor,
    action: AuditAction | str,
    entity: models.Model | None = None,
    entity_type: str | None = None,
    entity_id: uuid.UUID | None = None,
    request=None,
    metadata: dict[str, Any] | None = None,
) -> AuditLog:
    """Append one row to the audit log: who did what to which record, from where."""
    if entity is not None:
        entity_type = entity_type or entity._meta.label_lower
        entity_id = entity_id or entity.pk
    if entity_type is None or entity_id is None:
        raise ValueError("An audit entry needs an entity or an entity type and id.")
    data = {**client_metadata(request), **(metadata or {})}
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditLog.objects.create(
        actor=actor,
        action=AuditAction(action),
        entity_type=entity_type,
        entity_id=entity_id,
        metadata_json=data or None,
    )
