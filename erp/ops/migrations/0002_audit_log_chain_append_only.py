"""The audit log becomes a hash chain with its own IP, user agent and patient columns, and
append-only: on PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE. Rows written before this
migration are chained first, in the order they were written (IP and user agent move from
``metadata_json`` to their columns)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from erp.core.chain import GENESIS_HASH, append_only_trigger_sql, chain_hash
from erp.core.migration_ops import postgresql_only

CREATE_TRIGGERS, DROP_TRIGGERS = append_only_trigger_sql(
    "ops_auditlog", "ops_auditlog is append-only: the audit trail is never rewritten"
)


def chain_existing_rows(apps, schema_editor):
    from erp.ops.audit import entry_data

    AuditLog = apps.get_model("ops", "AuditLog")
    previous = GENESIS_HASH
    rows = []
    for sequence, row in enumerate(AuditLog.objects.order_by("timestamp", "id").iterator(chunk_size=2000), start=1):
        metadata = dict(row.metadata_json or {})
        row.ip = metadata.pop("ip", None) or None
        row.user_agent = (metadata.pop("user_agent", "") or "")[:500]
        row.metadata_json = metadata or None
        if row.entity_type == "clinical.patient":
            row.patient_id = row.entity_id
        row.sequence, row.prev_hash = sequence, previous
        row.hash = previous = chain_hash(previous, entry_data(row))
        rows.append(row)
    fields = ["ip", "user_agent", "metadata_json", "patient_id", "sequence", "prev_hash", "hash"]
    AuditLog.objects.bulk_update(rows, fields, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("ops", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="auditlog",
            options={"ordering": ["-sequence"], "verbose_name": "audit log entry", "verbose_name_plural": "audit log"},
        ),
        migrations.RemoveIndex(model_name="auditlog", name="ops_audit_entity_idx"),
        migrations.RemoveIndex(model_name="auditlog", name="ops_audit_actor_idx"),
        migrations.AddField(
            model_name="auditlog",
            name="sequence",
            field=models.PositiveBigIntegerField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="auditlog",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditlog",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditlog",
            name="ip",
            field=models.GenericIPAddressField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="auditlog",
            name="patient_id",
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="auditlog",
            name="user_agent",
            field=models.CharField(blank=True, default="", editable=False, max_length=500),
        ),
        migrations.AlterField(
            model_name="auditlog",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "Create"), ("update", "Update"), ("delete", "Delete"), ("view", "View"),
                    ("export", "Export"),
                ],
                editable=False,
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="auditlog",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_column="actor_user_id",
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(model_name="auditlog", name="entity_id", field=models.UUIDField(editable=False)),
        migrations.AlterField(
            model_name="auditlog", name="entity_type", field=models.CharField(editable=False, max_length=100)
        ),
        migrations.AlterField(
            model_name="auditlog",
            name="metadata_json",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="auditlog",
            name="timestamp",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditlog",
            name="sequence",
            field=models.PositiveBigIntegerField(editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="auditlog",
            name="hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
        migrations.AddIndex(
            model_name="auditlog",
            index=models.Index(fields=["entity_type", "entity_id", "-sequence"], name="ops_audit_entity_idx"),
        ),
        migrations.AddIndex(
            model_name="auditlog",
            index=models.Index(fields=["actor", "-sequence"], name="ops_audit_actor_idx"),
        ),
        migrations.AddIndex(
            model_name="auditlog",
            index=models.Index(fields=["patient_id", "-sequence"], name="ops_audit_patient_idx"),
        ),
        migrations.AddIndex(
            model_name="auditlog",
            index=models.Index(fields=["action", "-sequence"], name="ops_audit_action_idx"),
        ),
        postgresql_only(CREATE_TRIGGERS, DROP_TRIGGERS),
    ]
