"""Serializers of the clinical API: patients, guardians, encounters, consents, documents, photos."""
from django.utils.translation import gettext as _
from rest_framework import serializers

from erp.clinical import models
from erp.clinical.exceptions import DuplicateCriteriaMissing
from erp.core.api.fields import DateTimeField, ListedRows
from erp.core.api.serializers import ModelSerializer, Serializer

AUDIT_FIELDS = ("created_at", "updated_at")


class ReferralSourceSerializer(ModelSerializer):
    class Meta:
        model = models.ReferralSource
        fields = ["id", "code", "label", "is_active", *AUDIT_FIELDS]
        read_only_fields = ["id", *AUDIT_FIELDS]


class PatientSerializer(ListedRows, ModelSerializer):
    """The whole patient (roles with ``view_patient_contact``). Merged records say where they went;
    a patient flagged as a possible duplicate names the other one, until reception merges the two
    or marks them as not duplicates."""

    needs_duplicate_review = serializers.BooleanField(
        read_only=True, help_text="Flagged as possibly the same person as `possible_duplicate_of`, not yet reviewed."
    )

    class Meta:
        model = models.Patient
        fields = [
            "id",
            "first_name",
            "last_name",
            "full_name_normalized",
            "birth_date",
            "sex",
            "email",
            "phone",
            "phone_e164",
            "address_line1",
            "city",
            "postal_code",
            "country_code",
            "preferred_language",
            "preferred_contact_method",
            "preferred_contact_time",
            "contact_opt_out",
            "identity_confidence",
            "is_merged",
            "merged_into_patient",
            "merge_reason",
            "needs_duplicate_review",
            "possible_duplicate_of",
            "possible_duplicate_reason",
            "referral_source",
            "referral_details",
            "notes",
            "row_version",
            "created_by",
            *AUDIT_FIELDS,
        ]
        read_only_fields = [
            "id",
            "full_name_normalized",
            "phone_e164",
            "is_merged",
            "merged_into_patient",
            "merge_reason",
            "possible_duplicate_of",
            "possible_duplicate_reason",
            "row_version",
            "created_by",
            *AUDIT_FIELDS,
        ]


class PatientBillingSerializer(ListedRows, ModelSerializer):
    """What accounting sees of a patient: the name and the billing address."""

    class Meta:
        model = models.Patient
        fields = ["id", "first_name", "last_name", "address_line1", "city", "postal_code", "country_code"]
        read_only_fields = fields


class PatientMergeSerializer(Serializer):
    merged_patient = serializers.PrimaryKeyRelatedField(
        queryset=models.Patient.objects.all(), help_text="The duplicate that disappears into this patient."
    )
    reason = serializers.CharField(max_length=2000)


class PatientDuplicateDismissSerializer(Serializer):
    note = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text="Why the two are different people."
    )


class DuplicateCandidateSerializer(Serializer):
    patient = PatientSerializer()
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=models.DuplicateMatch.values))
    similarity = serializers.FloatField(allow_null=True)


class PatientDuplicateQuerySerializer(Serializer):
    """What a patient about to be created is checked by: at least a phone, an e-mail or a name."""

    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True, help_text="ISO 8601 (YYYY-MM-DD).")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    country_code = serializers.CharField(
        max_length=2, required=False, allow_blank=True, help_text="Region the phone is read in (default: the clinic's)."
    )

    def validate(self, attrs):
        if not any(attrs.get(name) for name in ("first_name", "last_name", "email", "phone")):
            raise DuplicateCriteriaMissing(_("Give a name, an e-mail or a phone to look for duplicates."))
        return attrs


class GuardianSerializer(ModelSerializer):
    class Meta:
        model = models.PatientGuardian
        fields = [
            "id",
            "patient",
            "full_name",
            "relationship",
            "phone",
            "email",
            "address_line1",
            "city",
            "postal_code",
            "country_code",
            *AUDIT_FIELDS,
        ]
        read_only_fields = ["id", *AUDIT_FIELDS]



class EncounterSerializer(ModelSerializer):
    class Meta:
        model = models.Encounter
        fields = [
            "id",
            "patient",
            "practitioner",
            "location",
            "type",
            "status",
            "occurred_at",
            "chief_complaint",
            "assessment",
            "plan",
            "internal_notes",
            "finalized_at",
            "cancelled_at",
            "cancellation_reason",
            "signed_at",
            "signed_by",
            "row_version",
            "created_by",
            *AUDIT_FIELDS,
        ]
        read_only_fields = [
            "id",
            "status",
            "finalized_at",
            "cancelled_at",
            "cancellation_reason",
            "signed_at",
            "signed_by",
            "row_version",
            "created_by",
            *AUDIT_FIELDS,
        ]


class EncounterCancelSerializer(Serializer):
    reason = serializers.CharField(max_length=2000)


class ConsentSerializer(ModelSerializer):
    class Meta:
        model = models.Consent
        fields = [
            "id",
            "patient",
            "consent_type",
            "status",
            "granted_at",
            "revoked_at",
            "document",
            "created_by",
            *AUDIT_FIELDS,
        ]
        read_only_fields = fields


class ConsentGrantSerializer(Serializer):
    patient = serializers.PrimaryKeyRelatedField(queryset=models.Patient.objects.all())
    consent_type = serializers.ChoiceField(choices=models.ConsentType.choices)
    document = serializers.PrimaryKeyRelatedField(
        queryset=models.Document.objects.all(),
        required=False,
        allow_null=True,
        help_text="The signed copy (a document of kind consent_copy), if any.",
    )


class ConsentRevokeSerializer(Serializer):
    patient = serializers.PrimaryKeyRelatedField(queryset=models.Patient.objects.all())
    consent_type = serializers.ChoiceField(choices=models.ConsentType.choices)


class ConsentStateSerializer(Serializer):
    consent_type = serializers.ChoiceField(choices=models.ConsentType.choices)
    granted = serializers.BooleanField(help_text="Is the consent currently granted?")
    consent = ConsentSerializer(allow_null=True, help_text="The latest event of this type, if any.")


class DocumentSerializer(ModelSerializer):
    class Meta:
        model = models.Document
        fields = [
            "id",
            "patient",
            "kind",
            "title",
            "storage_bucket",
            "object_key",
            "content_type",
            "size_bytes",
            "sha256",
            "created_by",
            *AUDIT_FIELDS,
        ]
        read_only_fields = fields


class DocumentUploadSerializer(Serializer):
    file = serializers.FileField(help_text="PDF, JPEG, PNG or HEIF, at most 20 MB. The type is read from the bytes.")
    patient = serializers.PrimaryKeyRelatedField(queryset=models.Patient.objects.all())
    kind = serializers.ChoiceField(choices=models.DocumentKind.choices, default=models.DocumentKind.OTHER)
    title = serializers.CharField(max_length=255, required=False, allow_blank=True)
    encounter = serializers.PrimaryKeyRelatedField(
        queryset=models.Encounter.objects.all(), required=False, allow_null=True
    )


class ClinicalPhotoSerializer(ModelSerializer):
    class Meta:
        model = models.ClinicalPhoto
        fields = [
            "id",
            "patient",
            "taken_at",
            "photo_kind",
            "clinical_context",
            "body_area",
            "notes",
            "source_device",
            "storage_bucket",
            "object_key",
            "thumbnail_object_key",
            "content_type",
            "size_bytes",
            "sha256",
            "visibility",
            "created_by",
            *AUDIT_FIELDS,
        ]
        read_only_fields = [
            "id",
            "patient",
            "storage_bucket",
            "object_key",
            "thumbnail_object_key",
            "content_type",
            "size_bytes",
            "sha256",
            "visibility",
            "created_by",
            *AUDIT_FIELDS,
        ]


PHOTO_METADATA = ("taken_at", "photo_kind", "clinical_context", "body_area", "notes", "source_device")


class ClinicalPhotoUploadSerializer(Serializer):
    file = serializers.FileField(help_text="JPEG, PNG or HEIC/HEIF, at most 20 MB and 50 megapixels.")
    patient = serializers.PrimaryKeyRelatedField(queryset=models.Patient.objects.all())
    taken_at = DateTimeField(required=False, allow_null=True)
    photo_kind = serializers.ChoiceField(choices=models.PhotoKind.choices, default=models.PhotoKind.CLINICAL)
    clinical_context = serializers.ChoiceField(choices=models.ClinicalContext.choices, required=False, allow_null=True)
    body_area = serializers.CharField(max_length=100, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    source_device = serializers.CharField(max_length=200, required=False, allow_blank=True)
    encounter = serializers.PrimaryKeyRelatedField(
        queryset=models.Encounter.objects.all(), required=False, allow_null=True
    )
    relation_type = serializers.ChoiceField(choices=models.PhotoRelation.choices, default=models.PhotoRelation.ATTACHED)


class SignedUrlSerializer(Serializer):
    url = serializers.CharField()
    expires_in = serializers.IntegerField()


class PhotoComparisonSerializer(Serializer):
    body_area = serializers.CharField()
    before = ClinicalPhotoSerializer()
    after = ClinicalPhotoSerializer()
    before_url = serializers.CharField()
    after_url = serializers.CharField()


class EncounterDocumentSerializer(ModelSerializer):
    class Meta:
        model = models.EncounterDocument
        fields = ["id", "encounter", "document", "kind", *AUDIT_FIELDS]
        read_only_fields = ["id", *AUDIT_FIELDS]

    def validate(self, attrs):
        if self.instance is not None and {"encounter", "document"} & set(attrs):
            raise serializers.ValidationError(_("Only the kind of an attachment can change."))
        return attrs


class EncounterPhotoSerializer(ModelSerializer):
    class Meta:
        model = models.EncounterPhoto
        fields = ["id", "encounter", "photo", "relation_type", *AUDIT_FIELDS]
        read_only_fields = ["id", *AUDIT_FIELDS]

    def validate(self, attrs):
        if self.instance is not None and {"encounter", "photo"} & set(attrs):
            raise serializers.ValidationError(_("Only the relation of an attachment can change."))
        return attrs
