"""The clinical API: views parse, check permission, call a service and serialize."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from erp.clinical import models, selectors, services
from erp.clinical.agenda import calendly
from erp.clinical.api import serializers as s
from erp.core.api.mixins import AuditedViewSetMixin, ReadAuditMixin, VersionedViewSetMixin
from erp.core.api.pagination import MAX_COUNT
from erp.core.api.parsers import JSONParser
from erp.core.api.permissions import RoleAccess, has_perms
from erp.core.models import Practitioner
from erp.messaging.selectors import no_show_rate_by_reminder
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
            if not self.request.query_params.get("ordering"):
                queryset = selectors.order_search_results(queryset)
            queryset = selectors.first_found(queryset)
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


class GuardianViewSet(ReadAuditMixin, AuditedViewSetMixin, viewsets.ModelViewSet):
    """A patient's guardians (filter with ``?patient=``)."""

    serializer_class = s.GuardianSerializer
    queryset = models.PatientGuardian.objects.all()
    filterset_fields = ["patient", "relationship"]
    ordering_fields = ["full_name", "created_at"]

    def perform_destroy(self, instance):
        # Guardians are not a critical table: removal is real, and audited.
        audit_record(actor=self.request.user, action="delete", entity=instance)
        instance.delete()


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


# --- Agenda -------------------------------------------------------------------------------------


class AppointmentFilter(filters.FilterSet):
    start_from = filters.IsoDateTimeFilter(field_name="scheduled_start", lookup_expr="gte", label="Starts at or after")
    start_to = filters.IsoDateTimeFilter(field_name="scheduled_start", lookup_expr="lt", label="Starts before")
    date_from = filters.DateFilter(field_name="scheduled_start__date", lookup_expr="gte", label="From this day")
    date_to = filters.DateFilter(field_name="scheduled_start__date", lookup_expr="lte", label="To this day (included)")

    class Meta:
        model = models.Appointment
        fields = ["practitioner", "location", "patient", "status", "source"]


NO_SHOW_RATE_PARAMETERS = [
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="First day (included)."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Last day (included)."),
    OpenApiParameter("practitioner", OpenApiTypes.UUID),
]


class AppointmentViewSet(ReadAuditMixin, VersionedViewSetMixin, viewsets.ModelViewSet):
    """Appointments: scheduled -> confirmed -> attended; scheduled/confirmed -> cancelled or no_show.

    Manual bookings may not overlap another appointment of the practitioner (409 with the slot).
    """

    serializer_class = s.AppointmentSerializer
    queryset = models.Appointment.objects.select_related("patient", "practitioner", "location")
    filterset_class = AppointmentFilter
    ordering_fields = ["scheduled_start", "scheduled_end", "created_at", "status"]
    ordering = ["scheduled_start", "id"]

    def perform_create(self, serializer):
        serializer.instance = services.appointment_create(data=serializer.validated_data, actor=self.request.user)
        self._etag_instance = serializer.instance

    def perform_update(self, serializer):
        serializer.instance = services.appointment_update(
            appointment=serializer.instance,
            data=serializer.validated_data,
            actor=self.request.user,
        )
        self._etag_instance = serializer.instance

    def perform_destroy(self, instance):
        services.appointment_delete(appointment=instance, actor=self.request.user)

    def _done(self, appointment):
        self._etag_instance = appointment
        return Response(s.AppointmentSerializer(appointment).data)

    @extend_schema(request=None, responses={200: s.AppointmentSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RoleAccess, has_perms("clinical.confirm_appointment")])
    def confirm(self, request, pk=None):
        """scheduled -> confirmed."""
        return self._done(
            services.appointment_confirm(appointment=self.get_object(), actor=request.user)
        )

    @extend_schema(request=s.AppointmentAttendSerializer, responses={200: s.AppointmentSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RoleAccess, has_perms("clinical.attend_appointment")])
    def attend(self, request, pk=None):
        """confirmed -> attended; ``open_encounter`` opens a draft encounter linked to it."""
        appointment = self.get_object()
        data = s.AppointmentAttendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["open_encounter"] and not request.user.has_perm("clinical.add_encounter"):
            raise PermissionDenied(_("Your role may not open encounters."))
        return self._done(
            services.appointment_attend(appointment=appointment, **data.validated_data, actor=request.user)
        )

    @extend_schema(request=s.AppointmentCancelSerializer, responses={200: s.AppointmentSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RoleAccess, has_perms("clinical.cancel_appointment")])
    def cancel(self, request, pk=None):
        """scheduled or confirmed -> cancelled (reason required)."""
        appointment = self.get_object()
        data = s.AppointmentCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(
            services.appointment_cancel(
                appointment=appointment, reason=data.validated_data["reason"], actor=request.user
            )
        )

    @extend_schema(request=s.AppointmentNoShowSerializer, responses={200: s.AppointmentSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="no-show",
        permission_classes=[RoleAccess, has_perms("clinical.no_show_appointment")],
    )
    def no_show(self, request, pk=None):
        """scheduled or confirmed -> no_show, once the start time has passed (reason optional)."""
        appointment = self.get_object()
        data = s.AppointmentNoShowSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(
            services.appointment_mark_no_show(
                appointment=appointment, reason=data.validated_data.get("reason"), actor=request.user
            )
        )

    @extend_schema(
        request=None,
        parameters=[s.AgendaQuerySerializer],
        responses={
            200: s.AgendaSerializer,
            422: OpenApiResponse(description="The range ends before it starts or spans over six weeks."),
        },
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def agenda(self, request):
        """The scheduler's range in one read: the active practitioners (its columns) and the
        appointments starting in [start, end), with the patient's and practitioner's names. Audited."""
        params = s.AgendaQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        appointments = list(selectors.agenda(start=values["start"], end=values["end"], location=values.get("location")))
        audit_reads(actor=request.user, records=appointments, via="api_agenda")
        practitioners = Practitioner.objects.filter(is_active=True).order_by("display_name", "id")
        return Response(s.AgendaSerializer({"practitioners": practitioners, "appointments": appointments}).data)

    @extend_schema(request=None, parameters=NO_SHOW_RATE_PARAMETERS, responses={200: s.NoShowRateSerializer(many=True)})
    @action(
        detail=False,
        methods=["get"],
        url_path="no-show-rate",
        filter_backends=[],
        pagination_class=None,
        permission_classes=[RoleAccess, has_perms("clinical.view_agenda_report")],
    )
    def no_show_rate(self, request):
        """No-show rate per practitioner and month: no-shows over appointments due (not cancelled, started)."""
        params = s.NoShowRateQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        period = {
            "start": _day_start(values.get("date_from")),
            "end": _day_start(values.get("date_to"), next_day=True),
            "practitioner": values.get("practitioner"),
        }
        rows = selectors.no_show_rate(**period)
        by_reminder = no_show_rate_by_reminder(**period)
        for row in rows:
            row["by_reminder"] = by_reminder.get((row["practitioner"], row["month"]), [])
        return Response(s.NoShowRateSerializer(rows, many=True).data)


def _day_start(day, *, next_day: bool = False):
    import datetime

    from django.utils import timezone

    if day is None:
        return None
    if next_day:
        day = day + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class CalendlyDeliveryViewSet(viewsets.ReadOnlyModelViewSet):
    """Calendly deliveries as received (payload, outcome, error); a failed one can be replayed."""

    serializer_class = s.CalendlyDeliverySerializer
    queryset = models.CalendlyDelivery.objects.all()
    filterset_fields = ["event_type", "outcome", "appointment"]
    ordering_fields = ["received_at", "processed_at"]
    ordering = ["-received_at"]

    @extend_schema(request=None, responses={200: s.CalendlyDeliverySerializer})
    @action(
        detail=True, methods=["post"], permission_classes=[RoleAccess, has_perms("clinical.replay_calendlydelivery")]
    )
    def replay(self, request, pk=None):
        """Apply the stored delivery again (idempotent)."""
        delivery = calendly.delivery_replay(delivery=self.get_object(), actor=request.user)
        return Response(s.CalendlyDeliverySerializer(delivery).data)


class CalendlyWebhookView(APIView):
    """Calendly's webhook. Signed (``Calendly-Webhook-Signature``); refused with 401 otherwise.

    Every signed delivery is stored before it is processed; a failed one answers 422 (Calendly
    retries) and stays replayable from the admin. A signed body that is not a JSON object
    PostgreSQL can store (not JSON, not an object, nested too deep, a NUL or a lone surrogate in
    its text) is kept as bytes and answered 400 ``payload_invalid``.
    """

    authentication_classes: list = []
    permission_classes = [RoleAccess, AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={
            200: s.CalendlyReceiptSerializer,
            401: OpenApiResponse(description="Bad or missing signature"),
            422: s.CalendlyReceiptSerializer,
        },
    )
    def post(self, request):
        body = request.body
        try:
            calendly.signature_verify(
                header=request.headers.get(calendly.SIGNATURE_HEADER), body=body, key=calendly.signing_key()
            )
        except calendly.SignatureRefused as refusal:
            calendly.logger.warning(
                "Calendly delivery rejected (%s) from %s, %d bytes", refusal, request.META.get("REMOTE_ADDR"), len(body)
            )
            return Response({"code": "signature_invalid", "detail": "The signature was refused."}, status=401)
        delivery = calendly.delivery_store(body=body)
        if delivery.outcome == models.CalendlyOutcome.INVALID:
            # Kept (as bytes) for a look in the admin, but there is nothing to apply.
            calendly.logger.warning("Calendly delivery %s refused: %s", delivery.pk, delivery.error)
            return Response({"code": "payload_invalid", "detail": delivery.error, "delivery": delivery.pk}, status=400)
        delivery = calendly.delivery_process(delivery=delivery)
        failed = delivery.outcome == models.CalendlyOutcome.FAILED
        receipt = {"delivery": delivery.pk, "outcome": delivery.outcome, "appointment": delivery.appointment_id}
        return Response(s.CalendlyReceiptSerializer(receipt).data, status=422 if failed else 200)


class CalendarFeedViewSet(viewsets.GenericViewSet):
    """A practitioner's iCalendar subscription URL (secret) and its rotation."""

    serializer_class = s.CalendarFeedSerializer
    queryset = models.PractitionerCalendarFeed.objects.none()
    permission_classes = [RoleAccess, has_perms("clinical.view_appointment")]

    def _practitioner(self, practitioner_id=None):
        from erp.core.models import Practitioner

        own = Practitioner.objects.filter(user=self.request.user).first()
        if practitioner_id is None or (own is not None and own.pk == practitioner_id):
            if own is None:
                raise NotFound(_("You are not a practitioner: you have no agenda feed."))
            return own
        if not self.request.user.has_perm("clinical.change_practitionercalendarfeed"):
            raise PermissionDenied(_("Only an administrator may rotate another practitioner's feed."))
        practitioner = Practitioner.objects.filter(pk=practitioner_id).first()
        if practitioner is None:
            raise NotFound(_("No such practitioner."))
        return practitioner

    def _feed_response(self, feed):
        url = self.request.build_absolute_uri(reverse("clinical-agenda-feed", args=[feed.token]))
        data = {"practitioner": feed.practitioner_id, "url": url, "rotated_at": feed.rotated_at}
        return Response(s.CalendarFeedSerializer(data).data)

    @extend_schema(request=None, responses={200: s.CalendarFeedSerializer})
    @action(detail=False, methods=["get"])
    def mine(self, request):
        """Your own feed URL (made on first use)."""
        return self._feed_response(services.calendar_feed_get(practitioner=self._practitioner()))

    @extend_schema(request=s.CalendarFeedRotateSerializer, responses={200: s.CalendarFeedSerializer})
    @action(detail=False, methods=["post"])
    def rotate(self, request):
        """A new secret URL; the old one stops working at once."""
        data = s.CalendarFeedRotateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        practitioner = self._practitioner(data.validated_data.get("practitioner"))
        feed = services.calendar_feed_rotate(practitioner=practitioner, actor=request.user)
        return self._feed_response(feed)


@never_cache
def agenda_feed(request, token: str):
    """The iCalendar feed behind a secret token (no login: phone calendars cannot log in)."""
    from erp.clinical.agenda import ics

    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    feed = models.PractitionerCalendarFeed.objects.select_related("practitioner").filter(token=token).first()
    if feed is None or not feed.practitioner.is_active:
        raise Http404
    text = ics.calendar(
        selectors.feed_appointments(feed.practitioner),
        name=f"Agenda {feed.practitioner.display_name}",
        host=request.get_host().split(":")[0] or "clinic",
    )
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    return response
