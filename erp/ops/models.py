"""The audit trail (spec 000 §11)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    VIEW = "view"
    EXPORT = "export"


class AuditLog(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_column="actor_user_id",
    )
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    entity_type = models.CharField(max_length=100)
    entity_id = models.UUIDField()
    timestamp = models.DateTimeField(default=timezone.now)
    metadata_json = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-timestamp"]
        indexes = [
            models.Index(fields=["entity_type", "entity_id", "timestamp"], name="ops_audit_entity_idx"),
            models.Index(fields=["actor", "timestamp"], name="ops_audit_actor_idx"),
            models.Index(fields=["timestamp"], name="ops_audit_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.action} {self.entity_type} {self.entity_id}"


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
