"""Shared viewset behaviour: ETag/If-Match for versioned records, audit rows for writes and reads."""

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema

from erp.core.exceptions import PreconditionFailed, PreconditionRequired
from erp.ops.audit import audit_reads, audit_record
from erp.ops.models import AuditAction

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The record\'s current ETag (its `row_version` in quotes, e.g. `"3"`), as sent by the last read.',
)


def parse_if_match(header: str) -> set[str]:
    tags = set()
    for raw in header.split(","):
        tag = raw.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag:
            tags.add(tag)
    return tags


def check_if_match(request, obj) -> None:
    """Refuse a write that does not name the record's current version."""
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired(
            _("This record is versioned: send If-Match with the ETag from your last read."),
            code="if_match_required",
        )
    if obj.etag not in parse_if_match(header):
        raise PreconditionFailed(
            _("The record changed since you read it (current version %(row_version)s); reload and retry.")
            % {"row_version": obj.row_version},
            code="stale_version",
            extra={"current_version": obj.row_version},
        )


class VersionedViewSetMixin:
    """Reads send ``ETag``; updates and deletes require a matching ``If-Match`` (412/428)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        instance = getattr(self, "_etag_instance", None)
        if instance is not None and 200 <= response.status_code < 300:
            response["ETag"] = instance.etag
        return response

    def get_object(self):
        return self.versioned(super().get_object())

    def versioned(self, obj):
        """Remember ``obj`` for the ETag header and check ``If-Match`` on writes."""
        self._etag_instance = obj
        if self.request.method in ("PUT", "PATCH", "DELETE"):
            check_if_match(self.request, obj)
        return obj

    def perform_create(self, serializer):
        super().perform_create(serializer)
        self._etag_instance = serializer.instance

    @extend_schema(parameters=[IF_MATCH])
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(parameters=[IF_MATCH])
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)


class AuditedViewSetMixin:
    """Each create, update (with the changed fields) and delete through the API is audited.

    The write and its audit row are one transaction: there is never one without the other.
    """

    @transaction.atomic
    def perform_create(self, serializer):
        super().perform_create(serializer)
        audit_record(actor=self.request.user, action="create", entity=serializer.instance)

    @transaction.atomic
    def perform_update(self, serializer):
        changed = sorted(
            name
            for name, value in serializer.validated_data.items()
            if getattr(serializer.instance, name, None) != value
        )
        super().perform_update(serializer)
        audit_record(
            actor=self.request.user,
            action="update",
            entity=serializer.instance,
            metadata={"fields_changed": changed},
        )

    @transaction.atomic
    def perform_destroy(self, instance):
        pk = instance.pk  # a hard delete clears it
        if hasattr(instance, "is_deleted"):
            instance.delete(actor=self.request.user)
        else:
            instance.delete()
        # Last: the audit chain's lock is the last lock a transaction takes.
        audit_record(actor=self.request.user, action="delete", entity=instance, entity_id=pk)


class ReadAuditMixin:
    """Every read of a record (detail, or each row of a list page) writes one ``view`` audit row:
    a page's rows in one insert, with the reader and ``{"via": "api_list"}``."""

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        audit_record(actor=request.user, action=AuditAction.VIEW, entity=self._read_object)
        return response

    def get_object(self):
        self._read_object = super().get_object()
        return self._read_object

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        if response.status_code == 200:
            audit_reads(actor=request.user, records=getattr(self, "_listed", []), via="api_list")
        return response

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._listed = list(page if page is not None else queryset)
        return page
