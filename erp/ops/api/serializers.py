from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from erp.core.api.serializers import ModelSerializer
from erp.ops.models import AuditLog


class AuditLogSerializer(ModelSerializer):
    """One audit entry (read-only)."""

    actor_email = serializers.EmailField(source="actor.email", read_only=True, allow_null=True, default=None)
    fields_changed = serializers.SerializerMethodField()

    class Meta:
        model = AuditLog
        fields = [
            "id",
            "sequence",
            "timestamp",
            "actor",
            "actor_email",
            "action",
            "entity_type",
            "entity_id",
            "patient_id",
            "ip",
            "user_agent",
            "fields_changed",
            "metadata_json",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_fields_changed(self, entry: AuditLog) -> list[str]:
        return entry.fields_changed
