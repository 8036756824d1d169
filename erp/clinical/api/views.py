"""The clinical API: views parse, check permission, call a service and serialize."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import FileResponse
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from erp.clinical import models, selectors, services
from erp.clinical.api import serializers as s
from erp.core.api.mixins import AuditedViewSetMixin, ReadAuditMixin, VersionedViewSetMixin
from erp.core.api.pagination import MAX_COUNT
from erp.core.api.parsers import JSONParser
from erp.core.api.permissions import RoleAccess, has_perms
from erp.ops.audit import audit_reads, audit_record

CONTACT_PERM = "clinical.view_patient_contact"
ALL_DOCUMENTS_PERM = "clinical.view_clinical_document"


# --- Referral sources ---------------------------------------------------------------------------


class ReferralSourceViewSet(AuditedViewSetMixin, viewsets.ModelViewSet):
    """Where patients heard of the clinic."""

    serializer_class = s.ReferralSourceSerializer
    queryset = models.ReferralSource.objects.all()
    filterset_fields = ["is_active", "code"]
    ordering_fields = ["label", "code", "created_at"]


# --- Patients -----------------------------------------------------------------------------------


class PatientFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", label="Name words, e-mail or phone (prefix)")
    include_merged = filters.BooleanFilter(method="merged", label="Also list merged patients")
    needs_duplicate_review = filters.BooleanFilter(
        field_name="possible_duplicate_of",
        lookup_expr="isnull",
        exclude=True,
        label="Flagged as a possible duplicate, not yet reviewed",
    )

    class Meta:
        model = models.Patient
        fields = ["country_code", "sex", "identity_confidence", "referral_source", "contact_opt_out", "birth_date"]

    def search(self, queryset, name, value):
        contact = self.request is None or self.request.user.has_perm(CONTACT_PERM)
        return selectors.patient_search(queryset, value, contact=contact)

    def merged(self, queryset, name, value):
        return queryset  # read by PatientViewSet.filter_queryset


PATIENT_ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(
        description="Live patients (merged ones are hidden unless `include_merged=true`). A role that sees "
        "only some fields (accounting: name and billing address) may filter and order on those only: "
        "any other filter or ordering answers 400 `hidden_field`. A search (`q`) lists the first "
        f"{MAX_COUNT + 1:,} patients it finds, by name unless `ordering` is given: past {MAX_COUNT:,} "
        "`count_capped` is true and the search is to be narrowed."
    ),
    retrieve=extend_schema(description="One patient; a merged record names `merged_into_patient`. Audited."),
)
class PatientViewSet(ReadAuditMixin, VersionedViewSetMixin, viewsets.ModelViewSet):
    """Patients. Accounting sees the name and billing address only."""

    # The full record; get_serializer_class narrows it per role, and the filters and orderings
    # follow: accounting's on other fields are 400 ``hidden_field`` (erp.core.api.filters).
    serializer_class = s.PatientSerializer
    queryset = models.Patient.objects.all()
    filterset_class = PatientFilter
    ordering_fields = ["last_name", "first_name", "birth_date", "created_at", "updated_at"]
    ordering = ["last_name", "first_name", "id"]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Merged patients leave the lists; reading one by id still shows where it went.
        if self.action == "list" and self.request.query_params.get("include_merged") not in ("true", "True", "1"):
            queryset = queryset.filter(is_merged=False)
        if self.request.query_params.get("q"):
            return selectors.first_found(queryset, by_name=not self.request.query_params.get("ordering"))
        return queryset

    def get_serializer_class(self):
        if self.action in ("list", "retrieve") and not self.request.user.has_perm(CONTACT_PERM):
            return s.PatientBillingSerializer
        return s.PatientSerializer

    def perform_create(self, serializer):
        serializer.instance = services.patient_create(data=serializer.validated_data, actor=self.request.user)
        self._etag_instance = serializer.instance

    def perform_update(self, serializer):
        serializer.instance = services.patient_update(
            patient=serializer.instance, data=serializer.validated_data, actor=self.request.user
        )
        self._etag_instance = serializer.instance

    def perform_destroy(self, instance):
        services.patient_delete(patient=instance, actor=self.request.user)

    @extend_schema(request=None, responses={200: s.DuplicateCandidateSerializer(many=True)})
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[RoleAccess, has_perms("clinical.view_patient", CONTACT_PERM)],
        pagination_class=None,
        filter_backends=[],
    )
    def duplicates(self, request, pk=None):
        """Patients that may be the same person, each with the reasons."""
        patient = self.get_object()
        candidates = selectors.patient_duplicate_candidates(patient)
        audit_record(actor=request.user, action="view", entity=patient, metadata={"duplicates": True})
        return Response(s.DuplicateCandidateSerializer(candidates, many=True).data)

    @extend_schema(
        parameters=[s.PatientDuplicateQuerySerializer],
        request=None,
        responses={
            200: s.DuplicateCandidateSerializer(many=True),
            422: OpenApiResponse(description="No name, e-mail or phone given (`duplicate_criteria_missing`)."),
        },
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="possible-duplicates",
        permission_classes=[RoleAccess, has_perms("clinical.view_patient", CONTACT_PERM)],
        pagination_class=None,
        filter_backends=[],
    )
    def possible_duplicates(self, request):
        """Before creating a patient: the live patients it may be (same phone, same e-mail, same name
        and birth date, similar name), each with the reasons. Nothing is written; 400 `phone_invalid`
        for an unreadable phone."""
        data = s.PatientDuplicateQuerySerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        candidates = selectors.patient_duplicates_before_create(data.validated_data)
        audit_reads(actor=request.user, records=[c.patient for c in candidates], via="api_duplicates")
        return Response(s.DuplicateCandidateSerializer(candidates, many=True).data)

    @extend_schema(request=s.PatientMergeSerializer, responses={200: s.PatientSerializer})
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[RoleAccess, has_perms("clinical.change_patient", "clinical.merge_patient")],
    )
    def merge(self, request, pk=None):
        """Merge ``merged_patient`` into this patient: every record moves here (one transaction)."""
        survivor = self.get_object()
        data = s.PatientMergeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        survivor = services.patient_merge(
            survivor=survivor,
            merged=data.validated_data["merged_patient"],
            reason=data.validated_data["reason"],
            actor=request.user,
        )
        self._etag_instance = survivor
        return Response(s.PatientSerializer(survivor).data)

    @extend_schema(request=s.PatientDuplicateDismissSerializer, responses={200: s.PatientSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="not-a-duplicate",
        permission_classes=[RoleAccess, has_perms("clinical.change_patient", "clinical.merge_patient")],
    )
    def not_a_duplicate(self, request, pk=None):
        """Review of a possible duplicate: not the same person. The flag is cleared (409 when the
        patient is not flagged); the other answer is ``merge``."""
        patient = self.get_object()
        data = s.PatientDuplicateDismissSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        patient = services.patient_duplicate_dismiss(
            patient=patient, note=data.validated_data.get("note"), actor=request.user
        )
        self._etag_instance = patient
        return Response(s.PatientSerializer(patient).data)

    @extend_schema(request=None, responses={200: s.ConsentStateSerializer(many=True)})
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[RoleAccess, has_perms("clinical.view_consent")],
        pagination_class=None,
        filter_backends=[],
    )
    def consents(self, request, pk=None):
        """The current state of each consent type (the latest event of each)."""
        patient = self.get_object()
        current = selectors.consent_current(patient)
        audit_record(actor=request.user, action="view", entity=patient, metadata={"consents": True})
        rows = [
            {"consent_type": kind, "granted": bool(c and c.status == "granted"), "consent": c}
            for kind, c in current.items()
        ]
        return Response(s.ConsentStateSerializer(rows, many=True).data)

    @extend_schema(
        request=None,
        responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="record.json + files")},
    )
    @action(detail=True, methods=["get"], permission_classes=[RoleAccess, has_perms("clinical.export_patient")])
    def export(self, request, pk=None):
        """Right of access (GDPR art. 15/20): the whole record as JSON plus the files, in a ZIP. Audited."""
        patient = self.get_object()
        archive = services.patient_export(patient=patient, actor=request.user)
        response = FileResponse(
            archive, as_attachment=True, filename=services.export_filename(patient), content_type="application/zip"
        )
        response["Cache-Control"] = "private, no-store"
        return response


class GuardianViewSet(ReadAuditMixin, viewsets.ModelViewSet):
    """A patient's guardians (filter with ``?patient=``)."""

    serializer_class = s.GuardianSerializer
    queryset = models.PatientGuardian.objects.all()
    filterset_fields = ["patient", "relationship"]
    ordering_fields = ["full_name", "created_at"]

    def perform_create(self, serializer):
        serializer.instance = services.guardian_create(data=serializer.validated_data, actor=self.request.user)

    def perform_update(self, serializer):
        serializer.instance = services.guardian_update(
            guardian=serializer.instance, data=serializer.validated_data, actor=self.request.user
        )

    def perform_destroy(self, instance):
        services.guardian_delete(guardian=instance, actor=self.request.user)


# --- Encounters ---------------------------------------------------------------------------------


class EncounterViewSet(ReadAuditMixin, VersionedViewSetMixin, viewsets.ModelViewSet):
    """Encounters: draft -> finalized -> (cancelled), draft -> cancelled."""

    serializer_class = s.EncounterSerializer
    queryset = models.Encounter.objects.select_related("patient")
    filterset_fields = ["patient", "practitioner", "location", "type", "status"]
    ordering_fields = ["occurred_at", "created_at"]
    ordering = ["-occurred_at"]

    def perform_create(self, serializer):
        serializer.instance = services.encounter_create(data=serializer.validated_data, actor=self.request.user)
        self._etag_instance = serializer.instance

    def perform_update(self, serializer):
        serializer.instance = services.encounter_update(
            encounter=serializer.instance,
            data=serializer.validated_data,
            actor=self.request.user,
        )
        self._etag_instance = serializer.instance

    def perform_destroy(self, instance):
        services.encounter_delete(encounter=instance, actor=self.request.user)

    @extend_schema(request=None, responses={200: s.EncounterSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RoleAccess, has_perms("clinical.finalize_encounter")])
    def finalize(self, request, pk=None):
        """Finalize a draft: its chief complaint, assessment and plan are frozen from then on."""
        encounter = services.encounter_finalize(encounter=self.get_object(), actor=request.user)
        self._etag_instance = encounter
        return Response(s.EncounterSerializer(encounter).data)

    @extend_schema(request=s.EncounterCancelSerializer, responses={200: s.EncounterSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RoleAccess, has_perms("clinical.cancel_encounter")])
    def cancel(self, request, pk=None):
        """Cancel a draft or finalized encounter, with a reason."""
        encounter = self.get_object()
        data = s.EncounterCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        encounter = services.encounter_cancel(
            encounter=encounter, reason=data.validated_data["reason"], actor=request.user
        )
        self._etag_instance = encounter
        return Response(s.EncounterSerializer(encounter).data)


class EncounterDocumentViewSet(AuditedViewSetMixin, viewsets.ModelViewSet):
    serializer_class = s.EncounterDocumentSerializer
    queryset = models.EncounterDocument.objects.order_by("created_at", "pk")
    filterset_fields = ["encounter", "document", "kind"]
    ordering_fields = ["created_at"]

    def perform_create(self, serializer):
        serializer.instance = services.encounter_attach_document(**serializer.validated_data, actor=self.request.user)


class EncounterPhotoViewSet(AuditedViewSetMixin, viewsets.ModelViewSet):
    serializer_class = s.EncounterPhotoSerializer
    queryset = models.EncounterPhoto.objects.order_by("created_at", "pk")
    filterset_fields = ["encounter", "photo", "relation_type"]
    ordering_fields = ["created_at"]

    def perform_create(self, serializer):
        serializer.instance = services.encounter_attach_photo(**serializer.validated_data, actor=self.request.user)


# --- Consents -----------------------------------------------------------------------------------


class ConsentViewSet(ReadAuditMixin, viewsets.ReadOnlyModelViewSet):
    """The consent history (append-only). Grant and revoke are operations."""

    serializer_class = s.ConsentSerializer
    queryset = models.Consent.objects.all()
    filterset_fields = ["patient", "consent_type", "status"]
    ordering_fields = ["created_at", "granted_at"]

    @extend_schema(request=s.ConsentGrantSerializer, responses={201: s.ConsentSerializer})
    @action(detail=False, methods=["post"], permission_classes=[RoleAccess, has_perms("clinical.add_consent")])
    def grant(self, request):
        data = s.ConsentGrantSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consent = services.consent_grant(**data.validated_data, actor=request.user)
        return Response(s.ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ConsentRevokeSerializer, responses={201: s.ConsentSerializer})
    @action(detail=False, methods=["post"], permission_classes=[RoleAccess, has_perms("clinical.add_consent")])
    def revoke(self, request):
        data = s.ConsentRevokeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consent = services.consent_revoke(**data.validated_data, actor=request.user)
        return Response(s.ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


# --- Files --------------------------------------------------------------------------------------

URL_PARAMETERS = [
    OpenApiParameter("purpose", OpenApiTypes.STR, enum=["view", "export"], description="Audited as a view or export."),
]


def _signed_url_response(obj, request, *, variant: str = "original") -> Response:
    purpose = request.query_params.get("purpose", "view")
    if purpose not in ("view", "export"):
        raise ValidationError({"purpose": ["Choose view or export."]}, code="invalid_choice")
    url = services.file_signed_url(obj=obj, actor=request.user, variant=variant, purpose=purpose)
    return Response(s.SignedUrlSerializer({"url": url, "expires_in": settings.SIGNED_URL_TTL}).data)


class DocumentViewSet(
    ReadAuditMixin,
    AuditedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Documents (documents bucket). Reception sees and adds consent copies only."""

    serializer_class = s.DocumentSerializer
    queryset = models.Document.objects.all()
    filterset_fields = ["patient", "kind", "content_type"]
    ordering_fields = ["created_at", "title"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if not self.request.user.has_perm(ALL_DOCUMENTS_PERM):
            queryset = queryset.filter(kind=models.DocumentKind.CONSENT_COPY)
        return queryset

    @extend_schema(request={"multipart/form-data": s.DocumentUploadSerializer}, responses={201: s.DocumentSerializer})
    def create(self, request):
        """Upload a document; its type is read from the bytes."""
        data = s.DocumentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values["kind"] != models.DocumentKind.CONSENT_COPY and not request.user.has_perm(ALL_DOCUMENTS_PERM):
            raise PermissionDenied(_("Your role may only add consent copies."))
        document = services.document_upload(
            patient=values["patient"],
            upload=values["file"],
            kind=values["kind"],
            title=values.get("title"),
            encounter=values.get("encounter"),
            actor=request.user,
        )
        return Response(s.DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    def get_parsers(self):
        if self.request is not None and self.request.method == "POST":
            return [MultiPartParser(), FormParser()]
        return [JSONParser()]

    @extend_schema(request=None, parameters=URL_PARAMETERS, responses={200: s.SignedUrlSerializer})
    @action(detail=True, methods=["get"], permission_classes=[RoleAccess, has_perms("clinical.view_document")])
    def url(self, request, pk=None):
        """A short-lived signed URL to the file (audited)."""
        return _signed_url_response(self.get_object(), request)


class PhotoFilter(filters.FilterSet):
    body_area = filters.CharFilter(lookup_expr="iexact")
    taken_after = filters.DateTimeFilter(field_name="taken_at", lookup_expr="gte")
    taken_before = filters.DateTimeFilter(field_name="taken_at", lookup_expr="lte")
    encounter = filters.UUIDFilter(field_name="encounter_photos__encounter")

    class Meta:
        model = models.ClinicalPhoto
        fields = ["patient", "photo_kind", "clinical_context", "body_area"]


class ClinicalPhotoViewSet(
    ReadAuditMixin,
    AuditedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Clinical photos: a timeline per patient (oldest first), filterable by body area and kind.

    The original's bytes never change: updates edit the description only.
    """

    serializer_class = s.ClinicalPhotoSerializer
    queryset = models.ClinicalPhoto.objects.all()
    filterset_class = PhotoFilter
    ordering_fields = ["taken_at", "created_at"]
    ordering = ["taken_at", "created_at"]

    def get_parsers(self):
        if self.request is not None and self.request.method == "POST":
            return [MultiPartParser(), FormParser()]
        return [JSONParser()]

    @extend_schema(
        request={"multipart/form-data": s.ClinicalPhotoUploadSerializer}, responses={201: s.ClinicalPhotoSerializer}
    )
    def create(self, request):
        """Upload a photo: needs the patient's clinical_photos consent (409 otherwise)."""
        data = s.ClinicalPhotoUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        metadata = {name: values[name] for name in s.PHOTO_METADATA if values.get(name) not in (None, "")}
        photo = services.clinical_photo_upload(
            patient=values["patient"],
            upload=values["file"],
            metadata=metadata,
            encounter=values.get("encounter"),
            relation_type=values["relation_type"],
            actor=request.user,
        )
        return Response(s.ClinicalPhotoSerializer(photo).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        parameters=[
            *URL_PARAMETERS,
            OpenApiParameter("variant", OpenApiTypes.STR, enum=["original", "thumbnail"]),
        ],
        responses={200: s.SignedUrlSerializer},
    )
    @action(detail=True, methods=["get"], permission_classes=[RoleAccess, has_perms("clinical.view_clinicalphoto")])
    def url(self, request, pk=None):
        """A short-lived signed URL to the original or the thumbnail (audited)."""
        variant = "thumbnail" if request.query_params.get("variant") == "thumbnail" else "original"
        return _signed_url_response(self.get_object(), request, variant=variant)

    @extend_schema(
        request=None,
        parameters=[
            OpenApiParameter("before", OpenApiTypes.UUID, required=True),
            OpenApiParameter("after", OpenApiTypes.UUID, required=True),
        ],
        responses={200: s.PhotoComparisonSerializer},
    )
    @action(detail=False, methods=["get"], permission_classes=[RoleAccess, has_perms("clinical.view_clinicalphoto")])
    def compare(self, request):
        """Before/after: two photos of the same patient and body area, with signed URLs (audited)."""
        ids = [request.query_params.get("before"), request.query_params.get("after")]
        queryset = self.get_queryset()
        try:
            before, after = (queryset.get(pk=pk) for pk in ids)
        except (models.ClinicalPhoto.DoesNotExist, DjangoValidationError, ValueError) as error:
            raise NotFound(_("Both photos must exist.")) from error
        with transaction.atomic():
            comparison = services.photo_comparison(before=before, after=after, actor=request.user)
        return Response(s.PhotoComparisonSerializer(comparison).data)
