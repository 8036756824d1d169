"""The import API (``/api/v1/imports/``): upload a file, check or change its columns, preview the
first rows, queue a dry run then the real run, follow the job, download the report of the rows
not imported. Views parse, call ``imports.services`` and serialize."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from erp.clinical.imports import services
from erp.clinical.imports.fields import fields_of
from erp.clinical.imports.tables import MAX_IMPORT_BYTES
from erp.clinical.models import ImportJob, ImportKind, ImportOutcome
from erp.core.api.parsers import JSONParser
from erp.core.api.permissions import RoleAccess, has_perms
from erp.core.api.schema import error_responses
from erp.core.api.serializers import ModelSerializer, Serializer
from erp.core.csv import csv_response

VIEW_PERM = "clinical.view_importjob"
RUN_PERM = "clinical.add_importjob"
# Importing patients or appointments also needs the right to add them.
KIND_PERMS = {ImportKind.PATIENTS: "clinical.add_patient", ImportKind.APPOINTMENTS: "clinical.add_appointment"}


def kind_permission_check(user, kind: str) -> None:
    """Raises Django's PermissionDenied when ``user`` may not import this kind of records."""
    if not (user.has_perm(RUN_PERM) and user.has_perm(KIND_PERMS.get(kind, RUN_PERM))):
        raise DjangoPermissionDenied


def report_download(job: ImportJob, *, actor):
    """The report of the job's rows not imported, as a CSV download (audited as an export)."""
    services.import_job_report_audit(job=job, actor=actor)
    header, rows = services.import_job_report_rows(job)
    return csv_response(header=header, rows=rows, filename=f"import-{job.pk}-report.csv", stream=True)


class ImportFieldSerializer(Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField()


class ImportJobSerializer(ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    field_choices = serializers.SerializerMethodField(help_text="The fields the columns may fill.")

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "status",
            "dry_run",
            "original_filename",
            "file_format",
            "file_size",
            "headers",
            "mapping",
            "checked_mapping",
            "field_choices",
            "total_rows",
            "processed_rows",
            "percent",
            "created_count",
            "existing_count",
            "duplicate_count",
            "rejected_count",
            "error",
            "created_by",
            "created_at",
            "queued_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ImportFieldSerializer(many=True))
    def get_field_choices(self, job) -> list[dict]:
        return [{"name": f.name, "label": str(f.label), "required": f.required} for f in fields_of(job.kind)]


class ImportUploadSerializer(Serializer):
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    file = serializers.FileField(help_text="A CSV (UTF-8 or Windows-1252; comma, semicolon or tab) or XLSX file.")
    mapping = serializers.JSONField(
        required=False,
        binary=True,
        help_text='{"field": "column header"}; left out, the mapping is proposed from the header names.',
    )


class ImportMappingSerializer(Serializer):
    mapping = serializers.DictField(child=serializers.CharField(allow_blank=True))


class ImportRowResultSerializer(Serializer):
    outcome = serializers.ChoiceField(choices=ImportOutcome.choices)
    code = serializers.CharField()
    field = serializers.CharField()
    message = serializers.CharField()
    matched_id = serializers.UUIDField(allow_null=True)


class ImportPreviewRowSerializer(Serializer):
    row_number = serializers.IntegerField()
    values = serializers.DictField(child=serializers.CharField())
    result = ImportRowResultSerializer()


class ImportJobFilter(filters.FilterSet):
    class Meta:
        model = ImportJob
        fields = ["kind", "status"]


# A read of one job that is not its record (the preview, the report): no list machinery.
JOB_DOWNLOAD = {
    "detail": True,
    "methods": ["get"],
    "pagination_class": None,
    "filter_backends": [],
    "permission_classes": [RoleAccess, has_perms(RUN_PERM)],
}


@extend_schema_view(
    list=extend_schema(description="The import jobs, newest first."),
    retrieve=extend_schema(description="A job's status, progress and counts (poll it while it runs)."),
)
class ImportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Imports of patients and future appointments from the old software (reception, admins)."""

    serializer_class = ImportJobSerializer
    queryset = ImportJob.objects.all()
    filterset_class = ImportJobFilter
    ordering_fields = ["created_at", "status"]

    # The upload is a form with a file; the mapping action reads JSON (its own parser_classes).
    parser_classes = [MultiPartParser, FormParser]

    def _job_for(self, request, *, write: bool) -> ImportJob:
        job = self.get_object()
        if write:
            try:
                kind_permission_check(request.user, job.kind)
            except DjangoPermissionDenied:
                raise PermissionDenied("Your role may not import these records.") from None
        return job

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            201: ImportJobSerializer,
            **error_responses(
                {
                    400: "A mapping naming an unknown field or column (`import_mapping_invalid`...).",
                    422: "Not a readable CSV or XLSX table (`import_file_refused`, `import_no_header`...).",
                }
            ),
        },
    )
    def create(self, request):
        """Upload a file: the job keeps it and proposes the columns from its header names."""
        data = ImportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            kind_permission_check(request.user, values["kind"])
        except DjangoPermissionDenied:
            raise PermissionDenied("Your role may not import these records.") from None
        upload = values["file"]
        job = services.import_job_create(
            kind=values["kind"],
            filename=upload.name,
            data=upload.read(MAX_IMPORT_BYTES + 1),
            actor=request.user,
            mapping=values.get("mapping"),
        )
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ImportMappingSerializer,
        responses={
            200: ImportJobSerializer,
            **error_responses({400: "`import_mapping_invalid`, `import_mapping_incomplete`...", 409: "`import_busy`"}),
        },
    )
    @action(
        detail=True, methods=["post"], parser_classes=[JSONParser], permission_classes=[RoleAccess, has_perms(RUN_PERM)]
    )
    def mapping(self, request, pk=None):
        """Choose the column of each field (``{"field": "column"}``; blank: not imported)."""
        job = self._job_for(request, write=True)
        data = ImportMappingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.import_job_map(job=job, mapping=data.validated_data["mapping"], actor=request.user)
        return Response(ImportJobSerializer(job).data)

    @extend_schema(request=None, responses={200: ImportPreviewRowSerializer(many=True)})
    @action(**JOB_DOWNLOAD)
    def preview(self, request, pk=None):
        """The first rows as the current columns read them, each with what a run would do."""
        job = self._job_for(request, write=True)
        rows = services.import_job_preview(job=job)
        return Response(ImportPreviewRowSerializer(rows, many=True).data)

    def _start(self, request, *, dry_run: bool):
        job = self._job_for(request, write=True)
        job = services.import_job_start(job=job, dry_run=dry_run, actor=request.user)
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={202: ImportJobSerializer, **error_responses({409: "`import_busy`..."})})
    @action(detail=True, methods=["post"], url_path="dry-run", permission_classes=[RoleAccess, has_perms(RUN_PERM)])
    def dry_run(self, request, pk=None):
        """Queue a dry run: every row checked, nothing written, the report filled."""
        return self._start(request, dry_run=True)

    @extend_schema(
        request=None,
        responses={
            202: ImportJobSerializer,
            **error_responses({409: "`import_dry_run_required`, `import_busy`, `import_already_done`."}),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[RoleAccess, has_perms(RUN_PERM)])
    def run(self, request, pk=None):
        """Queue the real run (after a dry run of the current columns); poll the job for progress."""
        return self._start(request, dry_run=False)

    @extend_schema(
        request=None,
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The rows not imported, why.")},
    )
    @action(**JOB_DOWNLOAD)
    def report(self, request, pk=None):
        """The rows of the last run that were not imported (rejected or possible duplicates), with
        why and their values as in the file (CSV; an audited export)."""
        return report_download(self._job_for(request, write=False), actor=request.user)
