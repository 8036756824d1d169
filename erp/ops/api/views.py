from rest_framework import viewsets

from erp.core.api.permissions import IsAdminRole, RoleAccess
from erp.ops.api.serializers import AuditLogSerializer
from erp.ops.filters import AuditLogFilterSet
from erp.ops.models import AuditLog


class AuditLogViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit trail, newest first (administrators only; read-only: the log is append-only).

    Filters: ``actor`` (user id), ``system`` (entries without an actor), ``patient`` (a patient id,
    or a name, e-mail or phone to search for), ``entity_type``, ``entity_id``, ``action`` and the
    date range ``timestamp_after`` / ``timestamp_before`` (dates, both included).
    """

    serializer_class = AuditLogSerializer
    permission_classes = [RoleAccess, IsAdminRole]
    queryset = AuditLog.objects.select_related("actor").order_by("-sequence")
    filterset_class = AuditLogFilterSet
    ordering_fields = ["sequence", "timestamp"]
