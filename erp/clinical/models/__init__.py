"""Clinical records (spec 000 §3-6): patients, guardians, encounters, consents, documents, photos."""

import re
import unicodedata

import phonenumbers
from anyascii import anyascii
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from erp.core.models import (
    BaseModel,
    CreatedByModel,
    SoftDeleteModel,
    VersionedModel,
)

from ..exceptions import InvalidPhoneNumber

_SPACES = re.compile(r"\s+")
# A name word: what PostgreSQL's text-search parser keeps as one word (it splits at "_" too).
NAME_WORD_SPLIT = re.compile(r"[\W_]+")
_NOT_LATIN_WORD = re.compile(r"[^0-9a-z]+")


def normalize_name(value: str | None) -> str:
    """Case-folded, without accents or other combining marks, spaces collapsed (any script)."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", value).casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", bare)).strip()


def transliterate_name(normalized: str | None) -> str:
    """Each word of a normalized name in Latin letters (anyascii): ``иванова`` -> ``ivanova``,
    ``հակոբյան`` -> ``hakobyan``. One word stays one word (the apostrophe of ``ol'ga`` goes), so the
    stored name and a typed search word are read the same way."""
    words = (_NOT_LATIN_WORD.sub("", anyascii(word).lower()) for word in NAME_WORD_SPLIT.split(normalized or ""))
    return " ".join(word for word in words if word)


def latin_form(normalized: str | None) -> str | None:
    """What ``Patient.name_transliterated`` keeps: the Latin form of a name, None when the name
    already reads so (most names: nothing more to store or index)."""
    latin = transliterate_name(normalized)[:400]
    return latin if latin and latin != " ".join(w for w in NAME_WORD_SPLIT.split(normalized or "") if w) else None


def normalize_email(value: str | None) -> str | None:
    """How patients' e-mails are kept and compared: trimmed and lower-cased (None when empty)."""
    return (value or "").strip().lower() or None


def phone_to_e164(phone: str | None, region: str | None) -> str | None:
    """The E.164 form of ``phone`` read in ``region``; an unreadable number is refused, never blanked."""
    if not phone or not phone.strip():
        return None
    try:
        number = phonenumbers.parse(phone, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber(
            _("%(phone)s is not a valid phone number (read with the default region %(region)s).")
            % {"phone": f"{phone!r}", "region": region or "none"},
            field="phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# --- Referral sources, patients, guardians (§3) ----------------------------------------------


class ReferralSource(BaseModel):
    code = models.SlugField(max_length=50, unique=True, verbose_name=_("code"))
    label = models.CharField(max_length=200, verbose_name=_("label"))
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))

    class Meta:
        ordering = ["label"]
        verbose_name = _("referral source")
        verbose_name_plural = _("referral sources")

    def __str__(self) -> str:
        return self.label


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class PreferredLanguage(models.TextChoices):
    """The languages the clinic speaks with patients (same codes as the site's languages)."""

    FR = "fr", _("French")
    EN = "en", _("English")
    RU = "ru", _("Russian")
    UK = "uk", _("Ukrainian")
    HY = "hy", _("Armenian")
    ES = "es", _("Spanish")


class ContactMethod(models.TextChoices):
    PHONE_CALL = "phone_call", _("Phone call")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")


class IdentityConfidence(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class DuplicateReason(models.TextChoices):
    """Why a patient was flagged as possibly the same person as another (for reception to review)."""

    SAME_PHONE_OTHER_EMAIL = "same_phone_other_email", _("Same phone, another e-mail (Calendly booking)")


class DuplicateMatch(models.TextChoices):
    """Why another patient may be the same person (``selectors.patient_duplicate_candidates``)."""

    SAME_PHONE = "same_phone", _("Same phone")
    SAME_EMAIL = "same_email", _("Same e-mail")
    SAME_NAME_AND_BIRTH_DATE = "same_name_and_birth_date", _("Same name and birth date")
    SIMILAR_NAME = "similar_name", _("Similar name")


class Patient(BaseModel, SoftDeleteModel, CreatedByModel, VersionedModel):
    first_name = models.CharField(max_length=150, verbose_name=_("first name"))
    last_name = models.CharField(max_length=150, verbose_name=_("last name"))
    # Kept by save(): what search and duplicate detection compare (see normalize_name).
    full_name_normalized = models.CharField(
        max_length=301, null=True, blank=True, editable=False, verbose_name=_("full name normalized")
    )
    # Kept by save() when the name is not in Latin letters: the name as ``transliterate_name`` writes
    # it, in the search vector (migration 0014) and compared by duplicate detection.
    name_transliterated = models.CharField(
        max_length=400, null=True, blank=True, editable=False, verbose_name=_("name in Latin letters")
    )
    birth_date = models.DateField(null=True, blank=True, verbose_name=_("birth date"))
    sex = models.CharField(max_length=10, choices=Sex.choices, null=True, blank=True, verbose_name=_("sex"))
    email = models.EmailField(max_length=254, null=True, blank=True, verbose_name=_("email"))
    phone = models.CharField(max_length=40, null=True, blank=True, verbose_name=_("phone"))
    # Derived from ``phone`` by the services (phonenumbers), never typed in.
    phone_e164 = models.CharField(max_length=20, null=True, blank=True, editable=False, verbose_name=_("phone e164"))
    address_line1 = models.CharField(max_length=255, null=True, blank=True, verbose_name=_("address line1"))
    city = models.CharField(max_length=120, null=True, blank=True, verbose_name=_("city"))
    postal_code = models.CharField(max_length=20, null=True, blank=True, verbose_name=_("postal code"))
    country_code = models.CharField(max_length=2, null=True, blank=True, verbose_name=_("country code"))
    preferred_language = models.CharField(
        max_length=2,
        choices=PreferredLanguage.choices,
        default=PreferredLanguage.FR,
        verbose_name=_("preferred language"),
    )
    preferred_contact_method = models.CharField(
        max_length=12, choices=ContactMethod.choices, null=True, blank=True, verbose_name=_("preferred contact method")
    )
    preferred_contact_time = models.CharField(
        max_length=200, null=True, blank=True, verbose_name=_("preferred contact time")
    )
    contact_opt_out = models.BooleanField(default=False, verbose_name=_("contact opt out"))
    identity_confidence = models.CharField(
        max_length=6,
        choices=IdentityConfidence.choices,
        default=IdentityConfidence.LOW,
        verbose_name=_("identity confidence"),
    )
    is_merged = models.BooleanField(default=False, editable=False, verbose_name=_("is merged"))
    merged_into_patient = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_patients",
        editable=False,
        verbose_name=_("merged into patient"),
    )
    merge_reason = models.TextField(null=True, blank=True, editable=False, verbose_name=_("merge reason"))
    # Set when a patient was created beside one that may be the same person (never merged
    # silently): reception merges the two or marks them as not duplicates, which clears it.
    possible_duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="possible_duplicates",
        editable=False,
        verbose_name=_("possible duplicate of"),
    )
    possible_duplicate_reason = models.CharField(
        max_length=30,
        choices=DuplicateReason.choices,
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("possible duplicate reason"),
    )
    referral_source = models.ForeignKey(
        ReferralSource,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patients",
        verbose_name=_("referral source"),
    )
    referral_details = models.CharField(max_length=500, null=True, blank=True, verbose_name=_("referral details"))
    notes = models.TextField(null=True, blank=True, verbose_name=_("notes"))

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="clinical_patient_name_idx"),
            # Pattern operator classes: equality and prefix search (``?q=``) on PostgreSQL.
            models.Index(fields=["email"], name="clinical_patient_email_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["phone_e164"], name="clinical_patient_phone_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["country_code"], name="clinical_patient_country_idx"),
            models.Index(fields=["full_name_normalized"], name="clinical_patient_fullname_idx"),
            models.Index(fields=["full_name_normalized", "birth_date"], name="clinical_patient_namebirth_idx"),
            models.Index(fields=["birth_date"], name="clinical_patient_birth_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_merged=False, merged_into_patient__isnull=True)
                | Q(is_merged=True, merged_into_patient__isnull=False),
                name="clinical_patient_merged_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into_patient=models.F("id")), name="clinical_patient_not_merged_into_self"
            ),
            models.CheckConstraint(condition=Q(email=Lower("email")), name="clinical_patient_email_lowercase"),
            models.CheckConstraint(
                condition=Q(possible_duplicate_of__isnull=True, possible_duplicate_reason__isnull=True)
                | Q(possible_duplicate_of__isnull=False, possible_duplicate_reason__isnull=False),
                name="clinical_patient_duplicate_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(possible_duplicate_of=models.F("id")), name="clinical_patient_not_duplicate_of_self"
            ),
        ]
        permissions = [
            ("view_patient_contact", "Can view a patient's identity and contact details"),
            ("merge_patient", "Can merge duplicate patients"),
            ("export_patient", "Can export a patient's whole record (GDPR access)"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def needs_duplicate_review(self) -> bool:
        """Flagged as possibly the same person as another patient, not yet reviewed."""
        return self.possible_duplicate_of_id is not None

    def refresh_derived_fields(self) -> None:
        """Recompute what the model keeps from other fields (raises InvalidPhoneNumber)."""
        from erp.core.models import AppSettings

        self.full_name_normalized = normalize_name(self.full_name)[:301] or None
        self.name_transliterated = latin_form(self.full_name_normalized)
        self.email = normalize_email(self.email)
        self.country_code = (self.country_code or "").strip().upper() or None
        region = self.country_code or AppSettings.load().default_country_code
        self.phone_e164 = phone_to_e164(self.phone, region)

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        try:
            self.refresh_derived_fields()
        except InvalidPhoneNumber as error:
            raise ValidationError({"phone": error.message})

    def save(self, *args, **kwargs):
        self.refresh_derived_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "full_name_normalized",
                "name_transliterated",
                "email",
                "country_code",
                "phone_e164",
            }
        super().save(*args, **kwargs)


class PatientGuardian(BaseModel):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="guardians", verbose_name=_("patient"))
    full_name = models.CharField(max_length=255, verbose_name=_("full name"))
    relationship = models.CharField(max_length=100, verbose_name=_("relationship"))
    phone = models.CharField(max_length=40, null=True, blank=True, verbose_name=_("phone"))
    email = models.EmailField(max_length=254, null=True, blank=True, verbose_name=_("email"))
    address_line1 = models.CharField(max_length=255, null=True, blank=True, verbose_name=_("address line1"))
    city = models.CharField(max_length=120, null=True, blank=True, verbose_name=_("city"))
    postal_code = models.CharField(max_length=20, null=True, blank=True, verbose_name=_("postal code"))
    country_code = models.CharField(max_length=2, null=True, blank=True, verbose_name=_("country code"))

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("patient guardian")
        verbose_name_plural = _("patient guardians")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.relationship})"


# --- Encounters (§3) ----------------------------------------------------------------------------


class EncounterType(models.TextChoices):
    MEDICAL_CONSULT = "medical_consult", _("Medical consultation")
    COSMETIC_CONSULT = "cosmetic_consult", _("Cosmetic consultation")
    AESTHETIC_PROCEDURE = "aesthetic_procedure", _("Aesthetic procedure")
    FOLLOW_UP = "follow_up", _("Follow-up")
    SALE_ONLY = "sale_only", _("Sale only")


class EncounterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINALIZED = "finalized", _("Finalized")
    CANCELLED = "cancelled", _("Cancelled")


class Encounter(BaseModel, SoftDeleteModel, CreatedByModel, VersionedModel):
    # The notes a finalized encounter freezes.
    CLINICAL_FIELDS = ("chief_complaint", "assessment", "plan")

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="encounters", verbose_name=_("patient"))
    practitioner = models.ForeignKey(
        "core.Practitioner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="encounters",
        verbose_name=_("practitioner"),
    )
    location = models.ForeignKey(
        "core.ClinicLocation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="encounters",
        verbose_name=_("location"),
    )
    type = models.CharField(max_length=20, choices=EncounterType.choices, verbose_name=_("type"))
    status = models.CharField(
        max_length=10,
        choices=EncounterStatus.choices,
        default=EncounterStatus.DRAFT,
        editable=False,
        verbose_name=_("status"),
    )
    occurred_at = models.DateTimeField(verbose_name=_("occurred at"))
    chief_complaint = models.TextField(null=True, blank=True, verbose_name=_("chief complaint"))
    assessment = models.TextField(null=True, blank=True, verbose_name=_("assessment"))
    plan = models.TextField(null=True, blank=True, verbose_name=_("plan"))
    internal_notes = models.TextField(null=True, blank=True, verbose_name=_("internal notes"))
    # Not used in v1 (spec): a future electronic signature.
    signed_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("signed at"))
    signed_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_column="signed_by_user_id",
        editable=False,
        verbose_name=_("signed by"),
    )
    finalized_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("finalized at"))
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("cancelled at"))
    cancellation_reason = models.TextField(null=True, blank=True, editable=False, verbose_name=_("cancellation reason"))

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("encounter")
        verbose_name_plural = _("encounters")
        indexes = [
            models.Index(fields=["patient", "occurred_at"], name="clinical_encounter_patient_idx"),
            models.Index(fields=["status", "occurred_at"], name="clinical_encounter_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="cancelled") | (Q(cancellation_reason__isnull=False) & ~Q(cancellation_reason="")),
                name="clinical_encounter_cancel_has_reason",
            ),
        ]
        permissions = [
            ("finalize_encounter", "Can finalize an encounter"),
            ("cancel_encounter", "Can cancel an encounter"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.occurred_at:%Y-%m-%d} ({self.get_status_display()})"


# --- Consents (§4) ------------------------------------------------------------------------------


class ConsentType(models.TextChoices):
    CLINICAL_PHOTOS = "clinical_photos", _("Clinical photos")
    MARKETING_PHOTOS = "marketing_photos", _("Marketing photos")
    NEWSLETTER = "newsletter", _("Newsletter")
    MARKETING_MESSAGES = "marketing_messages", _("Marketing messages")


class ConsentStatus(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REVOKED = "revoked", _("Revoked")


class Consent(BaseModel, CreatedByModel):
    """One event of a patient's consent history: rows are appended, never changed.

    The current state of a type is the latest row of that type; a revocation row repeats the
    ``granted_at`` of the grant it ends.
    """

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents", verbose_name=_("patient"))
    consent_type = models.CharField(max_length=20, choices=ConsentType.choices, verbose_name=_("consent type"))
    status = models.CharField(max_length=10, choices=ConsentStatus.choices, verbose_name=_("status"))
    granted_at = models.DateTimeField(verbose_name=_("granted at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))
    document = models.ForeignKey(
        "Document", null=True, blank=True, on_delete=models.PROTECT, related_name="consents", verbose_name=_("document")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [
            models.Index(fields=["patient", "consent_type", "-created_at"], name="clinical_consent_current_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="granted", revoked_at__isnull=True) | Q(status="revoked", revoked_at__isnull=False),
                name="clinical_consent_revoked_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_consent_type_display()}: {self.get_status_display()}"


# --- Documents (§5) -----------------------------------------------------------------------------


class DocumentKind(models.TextChoices):
    CONSENT_COPY = "consent_copy", _("Consent copy")
    LAB_RESULT = "lab_result", _("Lab result")
    INSTRUCTION = "instruction", _("Instruction")
    OTHER = "other", _("Other")


class Document(BaseModel, SoftDeleteModel, CreatedByModel):
    """A private file of the documents bucket. ``patient`` and ``kind`` are not in the spec's
    table: they let a document exist without an encounter (a signed consent) and let reception
    see consent copies only."""

    BUCKET = "documents"

    storage_bucket = models.CharField(max_length=20, default=BUCKET, editable=False, verbose_name=_("storage bucket"))
    object_key = models.CharField(max_length=255, unique=True, editable=False, verbose_name=_("object key"))
    content_type = models.CharField(max_length=100, editable=False, verbose_name=_("content type"))
    size_bytes = models.PositiveBigIntegerField(editable=False, verbose_name=_("size bytes"))
    sha256 = models.CharField(max_length=64, null=True, blank=True, editable=False, verbose_name=_("sha256"))
    title = models.CharField(max_length=255, null=True, blank=True, verbose_name=_("title"))
    patient = models.ForeignKey(
        Patient, null=True, blank=True, on_delete=models.PROTECT, related_name="documents", verbose_name=_("patient")
    )
    kind = models.CharField(
        max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER, verbose_name=_("kind")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["patient", "kind"], name="clinical_document_patient_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(storage_bucket="documents"), name="clinical_document_bucket_fixed"),
        ]
        permissions = [("view_clinical_document", "Can view documents of every kind, not only consent copies")]

    def __str__(self) -> str:
        return self.title or self.object_key


class EncounterDocument(BaseModel):
    encounter = models.ForeignKey(
        Encounter, on_delete=models.CASCADE, related_name="encounter_documents", verbose_name=_("encounter")
    )
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="encounter_documents", verbose_name=_("document")
    )
    kind = models.CharField(
        max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER, verbose_name=_("kind")
    )

    class Meta:
        verbose_name = _("encounter document")
        verbose_name_plural = _("encounter documents")
        constraints = [
            models.UniqueConstraint(fields=["encounter", "document"], name="clinical_encounter_document_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.encounter_id} / {self.document_id} ({self.kind})"


# --- Clinical photos (§6) -----------------------------------------------------------------------


class PhotoKind(models.TextChoices):
    CLINICAL = "clinical", _("Clinical")
    BEFORE = "before", _("Before")
    AFTER = "after", _("After")


class ClinicalContext(models.TextChoices):
    BASELINE = "baseline", _("Baseline")
    FOLLOW_UP = "follow_up", _("Follow-up")
    POST_PROCEDURE = "post_procedure", _("Post-procedure")
    OTHER = "other", _("Other")


class PhotoVisibility(models.TextChoices):
    CLINICAL_ONLY = "clinical_only", _("Clinical only")


class ClinicalPhoto(BaseModel, SoftDeleteModel, CreatedByModel):
    """A dermatological photo. The original's bytes are immutable; only its description changes."""

    BUCKET = "clinical"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="photos", verbose_name=_("patient"))
    taken_at = models.DateTimeField(null=True, blank=True, verbose_name=_("taken at"))
    photo_kind = models.CharField(
        max_length=10, choices=PhotoKind.choices, default=PhotoKind.CLINICAL, verbose_name=_("photo kind")
    )
    clinical_context = models.CharField(
        max_length=20, choices=ClinicalContext.choices, null=True, blank=True, verbose_name=_("clinical context")
    )
    body_area = models.CharField(max_length=100, null=True, blank=True, verbose_name=_("body area"))
    notes = models.TextField(null=True, blank=True, verbose_name=_("notes"))
    source_device = models.CharField(max_length=200, null=True, blank=True, verbose_name=_("source device"))
    storage_bucket = models.CharField(max_length=20, default=BUCKET, editable=False, verbose_name=_("storage bucket"))
    object_key = models.CharField(max_length=255, unique=True, editable=False, verbose_name=_("object key"))
    thumbnail_object_key = models.CharField(
        max_length=255, null=True, blank=True, editable=False, verbose_name=_("thumbnail object key")
    )
    content_type = models.CharField(max_length=100, editable=False, verbose_name=_("content type"))
    size_bytes = models.PositiveBigIntegerField(editable=False, verbose_name=_("size bytes"))
    sha256 = models.CharField(max_length=64, null=True, blank=True, editable=False, verbose_name=_("sha256"))
    visibility = models.CharField(
        max_length=20,
        choices=PhotoVisibility.choices,
        default=PhotoVisibility.CLINICAL_ONLY,
        verbose_name=_("visibility"),
    )

    class Meta:
        ordering = ["-taken_at", "-created_at"]
        verbose_name = _("clinical photo")
        verbose_name_plural = _("clinical photos")
        indexes = [
            models.Index(fields=["patient", "body_area", "taken_at"], name="clinical_photo_timeline_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(storage_bucket="clinical"), name="clinical_photo_bucket_fixed"),
        ]

    def __str__(self) -> str:
        return f"{self.get_photo_kind_display()} {self.body_area or ''} {self.taken_at or self.created_at:%Y-%m-%d}"


class PhotoRelation(models.TextChoices):
    ATTACHED = "attached", _("Attached")
    COMPARISON = "comparison", _("Comparison")


class EncounterPhoto(BaseModel):
    encounter = models.ForeignKey(
        Encounter, on_delete=models.CASCADE, related_name="encounter_photos", verbose_name=_("encounter")
    )
    photo = models.ForeignKey(
        ClinicalPhoto, on_delete=models.CASCADE, related_name="encounter_photos", verbose_name=_("photo")
    )
    relation_type = models.CharField(
        max_length=12, choices=PhotoRelation.choices, default=PhotoRelation.ATTACHED, verbose_name=_("relation type")
    )

    class Meta:
        verbose_name = _("encounter photo")
        verbose_name_plural = _("encounter photos")
        constraints = [
            models.UniqueConstraint(fields=["encounter", "photo"], name="clinical_encounter_photo_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.encounter_id} / {self.photo_id} ({self.relation_type})"


# --- Agenda (§7) --------------------------------------------------------------------------------

from .agenda import (  # noqa: E402, F401 - the agenda models live in their own module
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    CalendlyDelivery,
    CalendlyOutcome,
    PractitionerCalendarFeed,
    new_feed_token,
)

# --- Moving in: imports from the old software (issue 29) ----------------------------------------
from .imports import (  # noqa: E402, F401 - the import models live in their own module
    ImportedRecord,
    ImportJob,
    ImportKind,
    ImportOutcome,
    ImportRowIssue,
    ImportStatus,
)
