from rest_framework import viewsets

from erp.core.api.mixins import ReadAuditMixin
from erp.messaging.api.serializers import MessageSerializer
from erp.messaging.models import Message


class MessageViewSet(ReadAuditMixin, viewsets.ReadOnlyModelViewSet):
    """Messages sent (or to be sent) to patients about their appointments: kind, channel,
    language, status, provider id, attempts. Filter by appointment or patient."""

    serializer_class = MessageSerializer
    queryset = Message.objects.all()
    filterset_fields = ["appointment", "patient", "kind", "channel", "status"]
    ordering_fields = ["due_at", "sent_at", "created_at"]
    ordering = ["-due_at", "id"]
