"""The audit trail (spec 000 §11): append-only, chained by hash like the fiscal journal."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.chain import AppendOnlyModel
from erp.core.exceptions import NotAllowed


class AuditLogImmutable(NotAllowed):
    default_code = "audit_log_immutable"


class AuditAction(models.TextChoices):
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    VIEW = "view", _("View")
    EXPORT = "export", _("Export")


class AuditLog(AppendOnlyModel):
    """One audited event: who (``actor``; none for the system, then ``metadata_json.task`` names
    the background task) did what (``action``) to which record (``entity_type``/``entity_id``,
    and ``patient_id`` when the record is about a patient), when and from where.

    ``hash`` = SHA-256(``prev_hash`` + canonical JSON of the row, see ``erp.ops.audit``); rows are
    numbered by ``sequence`` in chain order. On PostgreSQL a trigger refuses UPDATE, DELETE and
    TRUNCATE (migration 0002).
    """

    append_only_error = AuditLogImmutable
    append_only_message = "The audit log is append-only."

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    # Users are deactivated, never deleted: deleting one named here is refused (PROTECT), so the
    # trail is never rewritten by a cascade. No index of its own: ops_audit_actor_idx leads with it.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_column="actor_user_id",
        db_index=False,
        editable=False,
    )
    action = models.CharField(max_length=10, choices=AuditAction.choices, editable=False)
    entity_type = models.CharField(max_length=100, editable=False)
    entity_id = models.UUIDField(editable=False)
    # The patient the entry is about (the patient, or their encounter, photo, sale, ...).
    patient_id = models.UUIDField(null=True, blank=True, editable=False)
    timestamp = models.DateTimeField(default=timezone.now, editable=False)
    ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    user_agent = models.CharField(max_length=500, blank=True, default="", editable=False)
    metadata_json = models.JSONField(null=True, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    # Not indexed: nothing looks an entry up by its hash, and every index costs each append (the
    # chain's order and uniqueness are ``sequence``'s; verification recomputes the hashes).
    hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["entity_type", "entity_id", "-sequence"], name="ops_audit_entity_idx"),
            models.Index(fields=["actor", "-sequence"], name="ops_audit_actor_idx"),
            models.Index(fields=["patient_id", "-sequence"], name="ops_audit_patient_idx"),
            models.Index(fields=["action", "-sequence"], name="ops_audit_action_idx"),
            models.Index(fields=["timestamp"], name="ops_audit_time_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.timestamp:%Y-%m-%d %H:%M} {self.action} {self.entity_type} {self.entity_id}"

    @property
    def fields_changed(self) -> list[str]:
        return list((self.metadata_json or {}).get("fields_changed") or [])


# --- Failed background tasks (issue 10, faults) -------------------------------------------------
# Kept apart from the audit trail above: written by erp.ops.queue when a huey task has used up its
# retries, so that no failed task is lost; re-enqueued by ``manage.py retry_failed_tasks``.


class FailedTask(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task_id = models.CharField(max_length=64, unique=True)
    task_name = models.CharField(max_length=200)
    args_json = models.JSONField(default=list)
    kwargs_json = models.JSONField(default=dict)
    error = models.TextField()
    traceback = models.TextField(blank=True)
    attempts = models.PositiveIntegerField()
    failed_at = models.DateTimeField(default=timezone.now)
    retried_at = models.DateTimeField(null=True, blank=True)
    retried_as_task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-failed_at"]
        indexes = [models.Index(fields=["retried_at", "failed_at"], name="ops_failedtask_open_idx")]

    def __str__(self) -> str:
        return f"{self.task_name} {self.task_id} ({self.attempts} attempts)"
