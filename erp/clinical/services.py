"""Domain operations of the clinical records. Each is one transaction with its audit row."""

import json
import shutil
import tempfile
import zipfile
from datetime import datetime
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from erp.clinical.exceptions import (
    BirthDateInFuture,
    ConsentMissing,
    ConsentStateRefused,
    DuplicateReviewRefused,
    EncounterLocked,
    EncounterTransitionRefused,
    GuardianPatientFixed,
    MergeRefused,
    PatientMerged,
    PhotoComparisonRefused,
    ReasonRequired,
    ThumbnailNotReady,
)
from erp.clinical.models import (
    ClinicalPhoto,
    Consent,
    ConsentStatus,
    Document,
    DocumentKind,
    Encounter,
    EncounterDocument,
    EncounterPhoto,
    EncounterStatus,
    Patient,
    PatientGuardian,
    PhotoRelation,
)
from erp.clinical.selectors import consent_current, consent_is_granted
from erp.clinical.uploads import (
    DOCUMENT_TYPES,
    MAX_DOCUMENT_BYTES,
    MAX_PHOTO_BYTES,
    PHOTO_TYPES,
    inspect_upload,
    thumbnail_jpeg,
)
from erp.core.locking import advisory_xact_lock, lock_row, lock_rows
from erp.core.storage import bucket, signed_url, storage_discard, storage_save
from erp.ops.audit import audit_record

# --- Patients -----------------------------------------------------------------------------------


def patient_require_live(patient: Patient) -> None:
    if patient.is_merged:
        raise PatientMerged(
            _("This patient was merged into %(merged_into_patient_id)s; work on that record.")
            % {"merged_into_patient_id": patient.merged_into_patient_id},
            extra={"merged_into_patient_id": str(patient.merged_into_patient_id)},
        )


def patient_check_birth_date(birth_date) -> None:
    """A birth date is today (the clinic's day) at the latest: the one rule for every form and API."""
    if birth_date is not None and birth_date > timezone.localdate():
        raise BirthDateInFuture(_("The birth date cannot be in the future."), field="birth_date")


# Namespace (first key) of the advisory locks taken on a patient's identity ("pati"); the second
# key is a hash of the normalized e-mail. The two-key form never meets the one-key locks.
PATIENT_IDENTITY_LOCK_NAMESPACE = 0x70617469


def patient_identity_lock(key: str) -> None:
    """Serialize, until the current transaction ends, the finding-or-creating of the patient known
    by ``key`` (a normalized e-mail): a second booking made at the same moment waits, then finds
    the patient the first one created."""
    advisory_xact_lock(PATIENT_IDENTITY_LOCK_NAMESPACE, key)


def patient_create(*, data: dict[str, Any], actor) -> Patient:
    """A new patient; name, e-mail and phone are normalized by the model (bad phone: 400)."""
    patient_check_birth_date(data.get("birth_date"))
    with transaction.atomic():
        patient = Patient(**data, created_by=actor)
        patient.save()
        audit_record(actor=actor, action="create", entity=patient)
    return patient


def patient_update(*, patient: Patient, data: dict[str, Any], actor) -> Patient:
    """Change a live patient's identity or contact details (a merged record is frozen)."""
    if "birth_date" in data:
        patient_check_birth_date(data["birth_date"])
    with transaction.atomic():
        patient_require_live(patient)
        changed = sorted(name for name, value in data.items() if getattr(patient, name) != value)
        for name, value in data.items():
            setattr(patient, name, value)
        patient.save()
        audit_record(actor=actor, action="update", entity=patient, metadata={"fields_changed": changed})
    return patient


def _patient_relations():
    """Every foreign key that points at a patient, found from the model graph.

    Later apps (appointments, sales) are covered as soon as their model points at Patient: the
    merge never needs a list to be kept up to date.
    """
    for relation in Patient._meta.related_objects:
        if not relation.many_to_many:
            yield relation.related_model, relation.field.name


def patient_merge(*, survivor: Patient, merged: Patient, reason: str, actor) -> Patient:
    """Move every row that points at ``merged`` to ``survivor`` and mark ``merged`` as merged.

    Refuses merging into itself, into a merged patient, and merging an already merged patient.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("A merge needs a reason."), field="reason")
    if survivor.pk == merged.pk:
        raise MergeRefused(_("A patient cannot be merged into itself."), code="merge_into_self")
    with transaction.atomic():
        locked = {p.pk: p for p in lock_rows(Patient.all_objects.filter(pk__in=[survivor.pk, merged.pk]))}
        survivor, merged = locked[survivor.pk], locked[merged.pk]
        if merged.is_merged:
            raise MergeRefused(
                _("This patient was already merged into %(merged_into_patient_id)s.")
                % {"merged_into_patient_id": merged.merged_into_patient_id},
                code="already_merged",
            )
        if survivor.is_merged:
            raise MergeRefused(
                _("The surviving patient was itself merged; merge into the record it went to."),
                code="merge_into_merged",
            )
        if survivor.is_deleted or merged.is_deleted:
            raise MergeRefused(_("A deleted patient cannot take part in a merge."), code="merge_deleted")
        # The merge ends the duplicate review of the pair, and the merged record keeps no flag. The
        # survivor's flag on the merged one goes first: the move below would point it at itself.
        resolved = survivor.possible_duplicate_of_id == merged.pk or merged.possible_duplicate_of_id == survivor.pk
        if survivor.possible_duplicate_of_id == merged.pk:
            cleared = {"possible_duplicate_of": None, "possible_duplicate_reason": None}
            Patient.all_objects.filter(pk=survivor.pk).update(**cleared)
            survivor.possible_duplicate_of, survivor.possible_duplicate_reason = None, None
        merged.possible_duplicate_of, merged.possible_duplicate_reason = None, None
        moved: dict[str, int] = {}
        for model, field_name in _patient_relations():
            count = model._base_manager.filter(**{field_name: merged}).update(**{field_name: survivor})
            if count:
                moved[f"{model._meta.label_lower}.{field_name}"] = count
        merged.is_merged = True
        merged.merged_into_patient = survivor
        merged.merge_reason = reason
        merged.save()
        survivor.save(update_fields=["updated_at"])
        metadata = {
            "merged_patient_id": str(merged.pk),
            "surviving_patient_id": str(survivor.pk),
            "reason": reason,
            "moved": moved,
            "duplicate_review_resolved": resolved,
        }
        audit_record(actor=actor, action="update", entity=survivor, metadata={"merge": metadata})
        audit_record(actor=actor, action="update", entity=merged, metadata={"merged_into": metadata})
    return survivor


def patient_duplicate_dismiss(*, patient: Patient, actor, note: str | None = None) -> Patient:
    """Reception's answer to a possible duplicate: not the same person. The flag is cleared, the
    two records stay apart and the audit row keeps which pair was reviewed. (The other answer is
    ``patient_merge``.)"""
    with transaction.atomic():
        locked = lock_row(Patient.all_objects, pk=patient.pk)
        patient_require_live(locked)
        if locked.possible_duplicate_of_id is None:
            raise DuplicateReviewRefused(_("This patient is not flagged as a possible duplicate."))
        review = {
            "decision": "not_a_duplicate",
            "possible_duplicate_of": str(locked.possible_duplicate_of_id),
            "reason": locked.possible_duplicate_reason,
            "note": (note or "").strip() or None,
        }
        locked.possible_duplicate_of, locked.possible_duplicate_reason = None, None
        locked.save()
        metadata = {"duplicate_review": review}
        audit_record(actor=actor, action="update", entity=locked, metadata=metadata)
    return locked


def patient_delete(*, patient: Patient, actor) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="delete", entity=patient)
        patient.delete(actor=actor)


# --- Guardians ----------------------------------------------------------------------------------


def guardian_create(*, data: dict[str, Any], actor) -> PatientGuardian:
    with transaction.atomic():
        patient_require_live(data["patient"])
        guardian = PatientGuardian(**data)
        guardian.full_clean()
        guardian.save()
        audit_record(actor=actor, action="create", entity=guardian)
    return guardian


def guardian_update(*, guardian: PatientGuardian, data: dict[str, Any], actor) -> PatientGuardian:
    with transaction.atomic():
        locked = lock_row(PatientGuardian.objects, pk=guardian.pk)
        changed = sorted(name for name, value in data.items() if getattr(locked, name) != value)
        if "patient" in changed:
            raise GuardianPatientFixed(_("A guardian cannot move to another patient."), field="patient")
        patient_require_live(locked.patient)
        for name, value in data.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save()
        audit_record(actor=actor, action="update", entity=locked, metadata={"fields_changed": changed})
    return locked


def guardian_delete(*, guardian: PatientGuardian, actor) -> None:
    """Guardians are not a critical table: removal is real, and audited."""
    with transaction.atomic():
        pk = guardian.pk  # a hard delete clears it
        guardian.delete()
        audit_record(actor=actor, action="delete", entity=guardian, entity_id=pk)


# --- Encounters ---------------------------------------------------------------------------------


def _lock_encounter(encounter: Encounter) -> Encounter:
    locked = lock_row(Encounter.all_objects, pk=encounter.pk)
    if locked.row_version != encounter.row_version:
        # The caller read an older version (If-Match was checked against it).
        from erp.core.exceptions import ConcurrencyConflict

        raise ConcurrencyConflict(_("The encounter changed since it was read; reload and retry."))
    return locked


def encounter_create(*, data: dict[str, Any], actor) -> Encounter:
    with transaction.atomic():
        patient_require_live(data["patient"])
        encounter = Encounter(**data, created_by=actor)
        encounter.full_clean()
        encounter.save()
        audit_record(actor=actor, action="create", entity=encounter)
    return encounter


def encounter_update(*, encounter: Encounter, data: dict[str, Any], actor) -> Encounter:
    """Edit a draft; once finalized the clinical fields are frozen, once cancelled everything is."""
    with transaction.atomic():
        locked = _lock_encounter(encounter)
        changed = sorted(name for name, value in data.items() if getattr(locked, name) != value)
        if "patient" in changed:
            raise EncounterLocked(_("An encounter cannot move to another patient."), code="encounter_patient_fixed")
        if locked.status == EncounterStatus.CANCELLED and changed:
            raise EncounterLocked(_("A cancelled encounter cannot be changed."))
        frozen = [name for name in changed if name in Encounter.CLINICAL_FIELDS]
        if locked.status == EncounterStatus.FINALIZED and frozen:
            raise EncounterLocked(
                _("The encounter is finalized: %(frozen)s can no longer be changed.") % {"frozen": ', '.join(frozen)},
                field=frozen[0],
            )
        for name, value in data.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save()
        audit_record(actor=actor, action="update", entity=locked, metadata={"fields_changed": changed})
    return locked


def encounter_finalize(*, encounter: Encounter, actor) -> Encounter:
    """draft -> finalized; finalizing twice is harmless."""
    with transaction.atomic():
        locked = lock_row(Encounter.all_objects, pk=encounter.pk)
        if locked.status == EncounterStatus.FINALIZED:
            return locked
        if locked.status != EncounterStatus.DRAFT:
            raise EncounterTransitionRefused(
                _("A %(status)s encounter cannot be finalized.") % {"status": locked.get_status_display()}
            )
        locked.status = EncounterStatus.FINALIZED
        locked.finalized_at = timezone.now()
        locked.save()
        audit_record(actor=actor, action="update", entity=locked, metadata={"transition": "finalize"})
    return locked


def encounter_cancel(*, encounter: Encounter, reason: str, actor) -> Encounter:
    """draft or finalized -> cancelled, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Cancelling an encounter needs a reason."), field="reason")
    with transaction.atomic():
        locked = lock_row(Encounter.all_objects, pk=encounter.pk)
        if locked.status == EncounterStatus.CANCELLED:
            raise EncounterTransitionRefused(_("The encounter is already cancelled."))
        locked.status = EncounterStatus.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.cancellation_reason = reason
        locked.save()
        audit_record(actor=actor, action="update", entity=locked, metadata={"transition": "cancel", "reason": reason})
    return locked


def encounter_delete(*, encounter: Encounter, actor) -> None:
    with transaction.atomic():
        if encounter.status == EncounterStatus.FINALIZED:
            raise EncounterLocked(_("A finalized encounter is kept; cancel it instead."))
        audit_record(actor=actor, action="delete", entity=encounter)
        encounter.delete(actor=actor)


def encounter_attach_document(*, encounter: Encounter, document: Document, kind: str, actor) -> EncounterDocument:
    """Attach a document of the same patient to an encounter (once; a second call changes the kind)."""
    if document.patient_id not in (None, encounter.patient_id):
        raise EncounterLocked(_("The document belongs to another patient."), code="encounter_other_patient")
    with transaction.atomic():
        link, created = EncounterDocument.objects.update_or_create(
            encounter=encounter, document=document, defaults={"kind": kind}
        )
        audit_record(actor=actor, action="create" if created else "update", entity=link)
    return link


def encounter_attach_photo(*, encounter: Encounter, photo: ClinicalPhoto, relation_type: str, actor) -> EncounterPhoto:
    """Attach a photo of the same patient to an encounter, as attached or for comparison."""
    if photo.patient_id != encounter.patient_id:
        raise EncounterLocked(_("The photo belongs to another patient."), code="encounter_other_patient")
    with transaction.atomic():
        link, created = EncounterPhoto.objects.update_or_create(
            encounter=encounter, photo=photo, defaults={"relation_type": relation_type}
        )
        audit_record(actor=actor, action="create" if created else "update", entity=link)
    return link


# --- Consents -----------------------------------------------------------------------------------


def consent_grant(*, patient: Patient, consent_type: str, actor, document: Document | None = None) -> Consent:
    """Append a grant of ``consent_type`` (history is never rewritten)."""
    with transaction.atomic():
        patient = lock_row(Patient.objects, pk=patient.pk)
        patient_require_live(patient)
        if consent_is_granted(patient, consent_type):
            raise ConsentStateRefused(
                _("The %(consent_type)s consent is already granted.") % {"consent_type": consent_type},
                code="consent_already_granted",
            )
        if document is not None and document.patient_id not in (None, patient.pk):
            raise ConsentStateRefused(_("The signed copy belongs to another patient."), code="consent_document_patient")
        if document is not None and document.kind != DocumentKind.CONSENT_COPY:
            raise ConsentStateRefused(
                _("The signed copy must be a document of kind consent_copy."), code="consent_document_kind"
            )
        consent = Consent.objects.create(
            patient=patient,
            consent_type=consent_type,
            status=ConsentStatus.GRANTED,
            granted_at=timezone.now(),
            document=document,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="create",
            entity=consent,
            metadata={"consent_type": consent_type, "status": "granted"},
        )
    return consent


def consent_revoke(*, patient: Patient, consent_type: str, actor) -> Consent:
    """Append a revocation of the current grant of ``consent_type``."""
    with transaction.atomic():
        patient = lock_row(Patient.objects, pk=patient.pk)
        current = consent_current(patient)[consent_type]
        if current is None or current.status != ConsentStatus.GRANTED:
            raise ConsentStateRefused(
                _("There is no granted %(consent_type)s consent to revoke.") % {"consent_type": consent_type},
                code="consent_not_granted",
            )
        consent = Consent.objects.create(
            patient=patient,
            consent_type=consent_type,
            status=ConsentStatus.REVOKED,
            granted_at=current.granted_at,
            revoked_at=timezone.now(),
            document=current.document,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="create",
            entity=consent,
            metadata={"consent_type": consent_type, "status": "revoked"},
        )
    return consent


# --- Files: documents and clinical photos -------------------------------------------------------


# The object is written first, the rows in one transaction after it; if that transaction fails the
# object is removed again, so a row never points at a missing object.
_store = storage_save
_discard = storage_discard


def document_upload(
    *,
    patient: Patient,
    upload,
    actor,
    kind: str = DocumentKind.OTHER,
    title: str | None = None,
    encounter: Encounter | None = None,
) -> Document:
    """Check the bytes, store them under a new UUID key in the documents bucket, record the row."""
    patient_require_live(patient)
    if encounter is not None and encounter.patient_id != patient.pk:
        raise EncounterLocked(_("The encounter belongs to another patient."), code="encounter_other_patient")
    inspected = inspect_upload(upload, accepted=DOCUMENT_TYPES, max_bytes=MAX_DOCUMENT_BYTES)
    key = _store(Document.BUCKET, inspected.new_object_key("documents"), inspected.data)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                object_key=key,
                content_type=inspected.content_type,
                size_bytes=inspected.size_bytes,
                sha256=inspected.sha256,
                title=title or None,
                patient=patient,
                kind=kind,
                created_by=actor,
            )
            if encounter is not None:
                EncounterDocument.objects.create(encounter=encounter, document=document, kind=kind)
            audit_record(
                actor=actor,
                action="create",
                entity=document,
                metadata={"patient_id": str(patient.pk), "kind": kind},
            )
    except BaseException:
        _discard(Document.BUCKET, key)
        raise
    return document


def clinical_photo_upload(
    *,
    patient: Patient,
    upload,
    actor,
    metadata: dict[str, Any] | None = None,
    encounter: Encounter | None = None,
    relation_type: str = PhotoRelation.ATTACHED,
) -> ClinicalPhoto:
    """Store a clinical photo: needs a granted clinical_photos consent; the thumbnail follows after commit."""
    from erp.clinical.tasks import make_photo_thumbnail

    patient_require_live(patient)
    if not consent_is_granted(patient, "clinical_photos"):
        raise ConsentMissing(_("The patient has not granted the clinical_photos consent."))
    if encounter is not None and encounter.patient_id != patient.pk:
        raise EncounterLocked(_("The encounter belongs to another patient."), code="encounter_other_patient")
    inspected = inspect_upload(upload, accepted=PHOTO_TYPES, max_bytes=MAX_PHOTO_BYTES)
    key = _store(ClinicalPhoto.BUCKET, inspected.new_object_key("photos"), inspected.data)
    try:
        with transaction.atomic():
            photo = ClinicalPhoto(
                patient=patient,
                object_key=key,
                content_type=inspected.content_type,
                size_bytes=inspected.size_bytes,
                sha256=inspected.sha256,
                created_by=actor,
                **(metadata or {}),
            )
            photo.full_clean()
            photo.save()
            if encounter is not None:
                EncounterPhoto.objects.create(encounter=encounter, photo=photo, relation_type=relation_type)
            audit_record(actor=actor, action="create", entity=photo, metadata={"patient_id": str(patient.pk)})
            transaction.on_commit(lambda: make_photo_thumbnail(str(photo.pk)))
    except BaseException:
        _discard(ClinicalPhoto.BUCKET, key)
        raise
    return photo


THUMBNAIL_SIZE = (512, 512)


def clinical_photo_make_thumbnail(*, photo_id) -> ClinicalPhoto | None:
    """Write the photo's thumbnail beside it: orientation applied, metadata (EXIF, GPS) dropped."""
    photo = ClinicalPhoto.all_objects.filter(pk=photo_id).first()
    if photo is None or photo.thumbnail_object_key:
        return photo
    storage = bucket(ClinicalPhoto.BUCKET)
    with storage.open(photo.object_key, "rb") as handle:
        data = handle.read(MAX_PHOTO_BYTES + 1)
    thumbnail = thumbnail_jpeg(data, THUMBNAIL_SIZE)
    key = storage_save(ClinicalPhoto.BUCKET, photo.object_key.rsplit(".", 1)[0] + ".thumb.jpg", thumbnail)
    try:
        with transaction.atomic():
            ClinicalPhoto.all_objects.filter(pk=photo.pk).update(thumbnail_object_key=key)
            photo.thumbnail_object_key = key
            changed = {"fields_changed": ["thumbnail_object_key"]}
            audit_record(actor=None, action="update", entity=photo, metadata=changed)
    except BaseException:
        storage_discard(ClinicalPhoto.BUCKET, key)
        raise
    return photo


def file_signed_url(*, obj: Document | ClinicalPhoto, actor, variant: str = "original", purpose: str = "view") -> str:
    """A short-lived URL for a private file; the caller has checked permission. Audited."""
    key = obj.object_key
    if variant == "thumbnail":
        if not getattr(obj, "thumbnail_object_key", None):
            raise ThumbnailNotReady(_("The thumbnail is not ready yet; use the original or retry shortly."))
        key = obj.thumbnail_object_key
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="export" if purpose == "export" else "view",
            entity=obj,
            metadata={"signed_url": variant},
        )
    return signed_url(obj.storage_bucket, key)


# --- Right of access (GDPR art. 15/20) ----------------------------------------------------------


def _row(obj: models.Model) -> dict[str, Any]:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def patient_record(patient: Patient) -> dict[str, Any]:
    """Everything the clinic holds on ``patient``, deleted rows included, as plain data."""
    encounters = list(Encounter.all_objects.filter(patient=patient))
    return {
        "exported_at": timezone.now(),
        "patient": _row(patient),
        "merged_patients": [_row(p) for p in Patient.all_objects.filter(merged_into_patient=patient)],
        "guardians": [_row(g) for g in patient.guardians.all()],
        "consents": [_row(c) for c in Consent.objects.filter(patient=patient).order_by("created_at")],
        "encounters": [_row(e) for e in encounters],
        "encounter_documents": [_row(d) for d in EncounterDocument.objects.filter(encounter__in=encounters)],
        "encounter_photos": [_row(p) for p in EncounterPhoto.objects.filter(encounter__in=encounters)],
        "documents": [_row(d) for d in Document.all_objects.filter(patient=patient)],
        "photos": [_row(p) for p in ClinicalPhoto.all_objects.filter(patient=patient)],
    }


# Exports larger than this spill from memory to a temporary file.
EXPORT_SPOOL_BYTES = 32 * 1024 * 1024


def patient_export(*, patient: Patient, actor) -> IO[bytes]:
    """A ZIP with ``record.json`` (the whole record) and the patient's files, rewound and ready
    to stream. Audited as an export."""
    record = patient_record(patient)
    out = tempfile.SpooledTemporaryFile(max_size=EXPORT_SPOOL_BYTES)  # noqa: SIM115 - returned to the caller
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("record.json", json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        for folder, rows, bucket_name in (
            ("documents", record["documents"], "documents"),
            ("photos", record["photos"], "clinical"),
        ):
            storage = bucket(bucket_name)
            for row in rows:
                try:
                    name = f"files/{folder}/{row['object_key'].rsplit('/', 1)[-1]}"
                    with storage.open(row["object_key"], "rb") as handle, archive.open(name, "w") as target:
                        shutil.copyfileobj(handle, target, 1024 * 1024)
                except FileNotFoundError:
                    archive.writestr(f"files/{folder}/{row['id']}.missing.txt", "The file was not found in storage.")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="export",
            entity=patient,
            metadata={
                "documents": len(record["documents"]),
                "photos": len(record["photos"]),
                "encounters": len(record["encounters"]),
            },
        )
    out.seek(0)
    return out


def export_filename(patient: Patient) -> str:
    return f"patient-{patient.pk}-{datetime.now():%Y%m%d}.zip"


def photo_comparison(*, before: ClinicalPhoto, after: ClinicalPhoto, actor) -> dict[str, Any]:
    """Two photos of the same patient and body area side by side, each reached by a signed URL."""
    if before.pk == after.pk:
        raise PhotoComparisonRefused(_("Choose two different photos."))
    if before.patient_id != after.patient_id:
        raise PhotoComparisonRefused(_("The two photos belong to different patients."))
    area = (before.body_area or "").strip().casefold()
    if not area or area != (after.body_area or "").strip().casefold():
        raise PhotoComparisonRefused(_("A comparison needs two photos of the same body area."))
    if (before.taken_at or before.created_at) > (after.taken_at or after.created_at):
        before, after = after, before
    return {
        "body_area": before.body_area,
        "before": before,
        "after": after,
        "before_url": file_signed_url(obj=before, actor=actor),
        "after_url": file_signed_url(obj=after, actor=actor),
    }
