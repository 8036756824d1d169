from rest_framework import serializers

from erp.core.api.serializers import ModelSerializer, Serializer
from erp.messaging.models import Message


class MessageSerializer(ModelSerializer):
    class Meta:
        model = Message
        fields = [
            "id",
            "appointment",
            "patient",
            "kind",
            "slot_start",
            "channel",
            "language",
            "recipient",
            "status",
            "skip_reason",
            "due_at",
            "sent_at",
            "provider_id",
            "attempts",
            "last_error",
            "link_used_at",
            "link_action",
            "created_at",
        ]
        read_only_fields = fields


class NoShowByReminderSerializer(Serializer):
    channel = serializers.ChoiceField(
        choices=["none", "email", "sms"], help_text="Channel of the reminder the appointments got; none: no reminder."
    )
    due = serializers.IntegerField()
    no_shows = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)
