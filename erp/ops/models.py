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

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("id"))
    sequence = models.PositiveBigIntegerField(unique=True, editable=False, verbose_name=_("sequence"))
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
        verbose_name=_("actor"),
    )
    action = models.CharField(max_length=10, choices=AuditAction.choices, editable=False, verbose_name=_("action"))
    entity_type = models.CharField(max_length=100, editable=False, verbose_name=_("entity type"))
    entity_id = models.UUIDField(editable=False, verbose_name=_("entity id"))
    # The patient the entry is about (the patient, or their encounter, photo, sale, ...).
    patient_id = models.UUIDField(null=True, blank=True, editable=False, verbose_name=_("patient id"))
    timestamp = models.DateTimeField(default=timezone.now, editable=False, verbose_name=_("timestamp"))
    ip = models.GenericIPAddressField(null=True, blank=True, editable=False, verbose_name=_("ip"))
    user_agent = models.CharField(max_length=500, blank=True, default="", editable=False, verbose_name=_("user agent"))
    metadata_json = models.JSONField(null=True, blank=True, editable=False, verbose_name=_("metadata json"))
    prev_hash = models.CharField(max_length=64, editable=False, verbose_name=_("prev hash"))
    # Not indexed: nothing looks an entry up by its hash, and every index costs each append (the
    # chain's order and uniqueness are ``sequence``'s; verification recomputes the hashes).
    hash = models.CharField(max_length=64, editable=False, verbose_name=_("hash"))

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
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("id"))
    task_id = models.CharField(max_length=64, unique=True, verbose_name=_("task id"))
    task_name = models.CharField(max_length=200, verbose_name=_("task name"))
    args_json = models.JSONField(default=list, verbose_name=_("args json"))
    kwargs_json = models.JSONField(default=dict, verbose_name=_("kwargs json"))
    error = models.TextField(verbose_name=_("error"))
    traceback = models.TextField(blank=True, verbose_name=_("traceback"))
    attempts = models.PositiveIntegerField(verbose_name=_("attempts"))
    failed_at = models.DateTimeField(default=timezone.now, verbose_name=_("failed at"))
    retried_at = models.DateTimeField(null=True, blank=True, verbose_name=_("retried at"))
    retried_as_task_id = models.CharField(max_length=64, blank=True, verbose_name=_("retried as task id"))

    class Meta:
        ordering = ["-failed_at"]
        verbose_name = _("failed task")
        verbose_name_plural = _("failed tasks")
        indexes = [models.Index(fields=["retried_at", "failed_at"], name="ops_failedtask_open_idx")]

    def __str__(self) -> str:
        return f"{self.task_name} {self.task_id} ({self.attempts} attempts)"
