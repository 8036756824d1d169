import datetime
import io
import json
import zipfile

import pytest
from django.utils import timezone
from PIL import Image

from erp.clinical import services
from erp.clinical.exceptions import (
    ConsentMissing,
    ConsentStateRefused,
    EncounterLocked,
    EncounterTransitionRefused,
    GuardianPatientFixed,
    MergeRefused,
    PatientMerged,
    ReasonRequired,
    UploadTooLarge,
    UploadTypeRefused,
)
from erp.clinical.models import (
    ClinicalPhoto,
    Consent,
    Document,
    Encounter,
    EncounterPhoto,
    EncounterStatus,
    Patient,
    PatientGuardian,
)
from erp.clinical.selectors import (
    consent_current,
    patient_duplicate_candidates,
    patient_may_contact,
    patient_search,
    patients_contactable,
)
from erp.clinical.tests.factories import (
    PDF_BYTES,
    EncounterFactory,
    GuardianFactory,
    PatientFactory,
    image_bytes,
    upload,
)
from erp.core.tests.factories import UserFactory
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def doctor():
    return UserFactory(role="practitioner", email="doc@test.example")


def objects_in(s3_buckets, alias):
    listing = s3_buckets.client.list_objects_v2(Bucket=s3_buckets.names[alias])
    return [item["Key"] for item in listing.get("Contents", [])]


# --- search and duplicates ----------------------------------------------------------------------


def test_patient_search_by_name_words_email_and_phone():
    marie = PatientFactory(first_name="Marie-Hélène", last_name="Dupont", email="mh@example.com", phone="0612345678")
    ivan = PatientFactory(first_name="Иван", last_name="Петров", phone="+7 912 345 67 89")
    PatientFactory(first_name="Paul", last_name="Martin")
    every = Patient.objects.all()
    assert list(patient_search(every, "dup")) == [marie]
    assert list(patient_search(every, "HELENE dupont")) == [marie]
    assert list(patient_search(every, "петр")) == [ivan]
    assert list(patient_search(every, "MH@exa")) == [marie]
    assert list(patient_search(every, "06 12 34")) == [marie]
    assert list(patient_search(every, "+7912")) == [ivan]
    assert list(patient_search(every, "mh@exa", contact=False)) == []


def test_patient_search_name_uses_the_full_text_index(django_assert_num_queries):
    from django.db import connection

    PatientFactory.create_batch(5)
    sql, params = patient_search(Patient.objects.all(), "dur").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "clinical_patient_name_search" in plan
    assert "clinical_patient_email_idx" in plan


def test_duplicate_candidates_give_each_reason():
    birth = datetime.date(1990, 5, 17)
    patient = PatientFactory(
        first_name="Anne", last_name="Lefèvre", email="anne@example.com", phone="0611111111", birth_date=birth
    )
    same_phone = PatientFactory(first_name="X", last_name="Y", phone="+33 6 11 11 11 11")
    same_email = PatientFactory(first_name="Z", last_name="W", email="ANNE@example.com")
    same_name_birth = PatientFactory(first_name="ANNE", last_name="LEFEVRE", birth_date=birth)
    similar = PatientFactory(first_name="Anne", last_name="Lefebvre", birth_date=birth)
    PatientFactory(first_name="Anne", last_name="Lefèvre")  # same name, no birth date: not a candidate
    merged = PatientFactory(first_name="Q", last_name="R", phone="0611111111")
    services.patient_merge(survivor=same_phone, merged=merged, reason="dup", actor=None)

    reasons = {c.patient.pk: c.reasons for c in patient_duplicate_candidates(patient)}
    assert reasons == {
        same_phone.pk: ["same_phone"],
        same_email.pk: ["same_email"],
        same_name_birth.pk: ["same_name_and_birth_date"],
        similar.pk: ["similar_name"],
    }


# --- guardians ----------------------------------------------------------------------------------


def test_guardians_are_added_changed_and_removed_with_an_audit_row_each(doctor):
    patient = PatientFactory()
    guardian = services.guardian_create(
        data={"patient": patient, "full_name": "Nadia Moreau", "relationship": "aunt"}, actor=doctor
    )
    services.guardian_update(guardian=guardian, data={"relationship": "legal guardian"}, actor=doctor)
    assert PatientGuardian.objects.get().relationship == "legal guardian"
    pk = guardian.pk
    services.guardian_delete(guardian=guardian, actor=doctor)
    assert not PatientGuardian.objects.exists()
    trail = AuditLog.objects.filter(entity_id=pk).order_by("timestamp")
    assert [(row.action, (row.metadata_json or {}).get("fields_changed")) for row in trail] == [
        ("create", None), ("update", ["relationship"]), ("delete", None),
    ]  # fmt: skip


def test_a_guardian_stays_with_its_patient_and_a_merged_patient_gets_none(doctor):
    patient, other = PatientFactory(), PatientFactory()
    guardian = GuardianFactory(patient=patient)
    with pytest.raises(GuardianPatientFixed):
        services.guardian_update(guardian=guardian, data={"patient": other}, actor=doctor)
    services.patient_merge(survivor=other, merged=patient, reason="same person", actor=doctor)
    merged = Patient.all_objects.get(pk=patient.pk)
    with pytest.raises(PatientMerged):
        services.guardian_create(data={"patient": merged, "full_name": "X", "relationship": "father"}, actor=doctor)
    assert PatientGuardian.objects.filter(patient=merged).count() == 0
    assert not AuditLog.objects.filter(entity_type__iendswith="patientguardian", action="create").exists()


# --- merge --------------------------------------------------------------------------------------


def test_merge_moves_every_row_and_records_it(doctor, s3_buckets, django_capture_on_commit_callbacks):
    survivor = PatientFactory()
    merged = PatientFactory()
    GuardianFactory(patient=merged)
    encounter = EncounterFactory(patient=merged)
    services.consent_grant(patient=merged, consent_type="clinical_photos", actor=doctor)
    with django_capture_on_commit_callbacks(execute=True):
        photo = services.clinical_photo_upload(
            patient=merged, upload=upload(image_bytes()), actor=doctor, encounter=encounter
        )
    document = services.document_upload(patient=merged, upload=upload(PDF_BYTES, "a.pdf"), actor=doctor)
    earlier = PatientFactory()
    services.patient_merge(survivor=merged, merged=earlier, reason="same person", actor=doctor)

    services.patient_merge(survivor=survivor, merged=merged, reason="Same phone and birth date", actor=doctor)

    merged = Patient.all_objects.get(pk=merged.pk)
    assert merged.is_merged and merged.merged_into_patient_id == survivor.pk
    assert merged.merge_reason == "Same phone and birth date"
    assert PatientGuardian.objects.get().patient_id == survivor.pk
    assert Encounter.objects.get(pk=encounter.pk).patient_id == survivor.pk
    assert set(Consent.objects.values_list("patient_id", flat=True)) == {survivor.pk}
    assert ClinicalPhoto.objects.get(pk=photo.pk).patient_id == survivor.pk
    assert Document.objects.get(pk=document.pk).patient_id == survivor.pk
    assert Patient.all_objects.get(pk=earlier.pk).merged_into_patient_id == survivor.pk
    assert list(Patient.objects.filter(is_merged=False).filter(pk__in=[survivor.pk, merged.pk])) == [survivor]
    entry = AuditLog.objects.filter(entity_id=survivor.pk, action="update").get()
    assert entry.metadata_json["merge"]["moved"]["clinical.encounter.patient"] == 1
    assert entry.actor == doctor


def test_merge_refuses_self_merged_target_and_twice(doctor):
    a, b, c = PatientFactory(), PatientFactory(), PatientFactory()
    with pytest.raises(MergeRefused) as caught:
        services.patient_merge(survivor=a, merged=a, reason="x", actor=doctor)
    assert caught.value.code == "merge_into_self"
    services.patient_merge(survivor=a, merged=b, reason="x", actor=doctor)
    with pytest.raises(MergeRefused) as caught:
        services.patient_merge(survivor=b, merged=c, reason="x", actor=doctor)
    assert caught.value.code == "merge_into_merged"
    with pytest.raises(MergeRefused) as caught:
        services.patient_merge(survivor=c, merged=b, reason="x", actor=doctor)
    assert caught.value.code == "already_merged"
    with pytest.raises(ReasonRequired):
        services.patient_merge(survivor=a, merged=c, reason=" ", actor=doctor)
    assert not Patient.all_objects.get(pk=c.pk).is_merged


# --- encounters ---------------------------------------------------------------------------------


def test_finalized_encounter_clinical_fields_are_frozen(doctor):
    encounter = EncounterFactory()
    encounter = services.encounter_update(encounter=encounter, data={"plan": "Emollients"}, actor=doctor)
    encounter = services.encounter_finalize(encounter=encounter, actor=doctor)
    assert encounter.status == EncounterStatus.FINALIZED and encounter.finalized_at
    for field in ("chief_complaint", "assessment", "plan"):
        with pytest.raises(EncounterLocked):
            services.encounter_update(encounter=encounter, data={field: "changed"}, actor=doctor)
    encounter = services.encounter_update(encounter=encounter, data={"internal_notes": "call back"}, actor=doctor)
    assert Encounter.objects.get(pk=encounter.pk).plan == "Emollients"
    assert services.encounter_finalize(encounter=encounter, actor=doctor).status == EncounterStatus.FINALIZED


def test_encounter_cancel_needs_reason_and_is_final(doctor):
    encounter = EncounterFactory()
    with pytest.raises(ReasonRequired):
        services.encounter_cancel(encounter=encounter, reason="", actor=doctor)
    encounter = services.encounter_cancel(encounter=encounter, reason="Patient did not come", actor=doctor)
    assert encounter.status == EncounterStatus.CANCELLED
    with pytest.raises(EncounterTransitionRefused):
        services.encounter_finalize(encounter=encounter, actor=doctor)
    with pytest.raises(EncounterTransitionRefused):
        services.encounter_cancel(encounter=encounter, reason="again", actor=doctor)
    with pytest.raises(EncounterLocked):
        services.encounter_update(encounter=encounter, data={"internal_notes": "x"}, actor=doctor)
    finalized = services.encounter_finalize(encounter=EncounterFactory(), actor=doctor)
    assert services.encounter_cancel(encounter=finalized, reason="wrong patient", actor=doctor).status == "cancelled"


# --- consents -----------------------------------------------------------------------------------


def test_consent_history_is_appended_and_current_state_is_one_query(doctor, django_assert_num_queries):
    patient = PatientFactory()
    first = services.consent_grant(patient=patient, consent_type="newsletter", actor=doctor)
    revoked = services.consent_revoke(patient=patient, consent_type="newsletter", actor=doctor)
    regrant = services.consent_grant(patient=patient, consent_type="newsletter", actor=doctor)
    services.consent_grant(patient=patient, consent_type="clinical_photos", actor=doctor)
    with pytest.raises(ConsentStateRefused):
        services.consent_grant(patient=patient, consent_type="clinical_photos", actor=doctor)
    with pytest.raises(ConsentStateRefused):
        services.consent_revoke(patient=patient, consent_type="marketing_photos", actor=doctor)

    first.refresh_from_db()
    assert first.status == "granted" and first.revoked_at is None
    assert revoked.status == "revoked" and revoked.granted_at == first.granted_at and revoked.revoked_at
    assert Consent.objects.filter(patient=patient, consent_type="newsletter").count() == 3
    with django_assert_num_queries(1):
        current = consent_current(patient)
    assert current["newsletter"] == regrant
    assert current["clinical_photos"].status == "granted"
    assert current["marketing_photos"] is None


def test_opt_out_and_revoked_consents_stop_contact(doctor):
    fine = PatientFactory()
    opted_out = PatientFactory(contact_opt_out=True)
    revoked = PatientFactory()
    for p in (fine, opted_out, revoked):
        services.consent_grant(patient=p, consent_type="newsletter", actor=doctor)
    services.consent_revoke(patient=revoked, consent_type="newsletter", actor=doctor)
    assert list(patients_contactable("newsletter")) == [fine]
    assert patient_may_contact(fine, "newsletter")
    assert not patient_may_contact(opted_out)
    assert not patient_may_contact(revoked, "newsletter")


# --- files --------------------------------------------------------------------------------------


def test_photo_without_clinical_photos_consent_is_refused(doctor, s3_buckets):
    patient = PatientFactory()
    with pytest.raises(ConsentMissing):
        services.clinical_photo_upload(patient=patient, upload=upload(image_bytes()), actor=doctor)
    services.consent_grant(patient=patient, consent_type="clinical_photos", actor=doctor)
    services.consent_revoke(patient=patient, consent_type="clinical_photos", actor=doctor)
    with pytest.raises(ConsentMissing):
        services.clinical_photo_upload(patient=patient, upload=upload(image_bytes()), actor=doctor)
    assert objects_in(s3_buckets, "clinical") == []


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"MZ\x90\x00 this is an executable renamed photo.jpg", UploadTypeRefused),
        (PDF_BYTES, UploadTypeRefused),  # a PDF is a document, not a photo
        (b"GIF89a" + b"\x00" * 64, UploadTypeRefused),
    ],
)
def test_photo_upload_refuses_non_images_and_leaves_nothing(doctor, s3_buckets, data, error):
    patient = PatientFactory()
    services.consent_grant(patient=patient, consent_type="clinical_photos", actor=doctor)
    with pytest.raises(error):
        services.clinical_photo_upload(patient=patient, upload=upload(data, "photo.jpg"), actor=doctor)
    assert objects_in(s3_buckets, "clinical") == []
    assert not ClinicalPhoto.all_objects.exists()


def test_oversized_image_and_decompression_bomb_are_refused(doctor, s3_buckets, monkeypatch):
    patient = PatientFactory()
    services.consent_grant(patient=patient, consent_type="clinical_photos", actor=doctor)
    monkeypatch.setattr("erp.clinical.services.MAX_PHOTO_BYTES", 1000)
    big = image_bytes("JPEG", size=(800, 800))
    assert len(big) > 1000
    with pytest.raises(UploadTooLarge):
        services.clinical_photo_upload(patient=patient, upload=upload(big), actor=doctor)
    monkeypatch.undo()
    # A tiny PNG file that claims 60 000 x 60 000 pixels: refused before anything is decoded.
    bomb = io.BytesIO()
    Image.new("1", (12000, 12000)).save(bomb, format="PNG")
    assert len(bomb.getvalue()) < 200_000
    with pytest.raises(UploadTooLarge):
        services.clinical_photo_upload(patient=patient, upload=upload(bomb.getvalue(), "b.png"), actor=doctor)
    assert objects_in(s3_buckets, "clinical") == []


def test_photo_upload_stores_by_uuid_and_thumbnail_drops_metadata(
    doctor, s3_buckets, django_capture_on_commit_callbacks
):
    patient = PatientFactory()
    services.consent_grant(patient=patient, consent_type="clinical_photos", actor=doctor)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}  # GPS
    data = image_bytes(size=(80, 40), exif=exif.tobytes())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        photo = services.clinical_photo_upload(
            patient=patient,
            upload=upload(data, "../../etc/passwd.png", "text/plain"),
            actor=doctor,
            metadata={"body_area": "left forearm", "photo_kind": "before"},
        )
    assert photo.thumbnail_object_key is None  # the task waits for the commit
    assert len(callbacks) == 1
    callbacks[0]()
    photo.refresh_from_db()
    assert photo.content_type == "image/jpeg" and photo.size_bytes == len(data)
    assert photo.object_key.startswith("photos/") and "passwd" not in photo.object_key
    import hashlib

    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    assert set(objects_in(s3_buckets, "clinical")) == {photo.object_key, photo.thumbnail_object_key}
    body = s3_buckets.client.get_object(Bucket=s3_buckets.names["clinical"], Key=photo.thumbnail_object_key)[
        "Body"
    ].read()
    thumb = Image.open(io.BytesIO(body))
    assert thumb.size == (40, 80)  # orientation applied
    assert not thumb.getexif()


def test_document_upload_accepts_pdf_and_images_only(doctor, s3_buckets):
    patient = PatientFactory()
    document = services.document_upload(
        patient=patient,
        upload=upload(PDF_BYTES, "x.exe", "application/x-msdownload"),
        actor=doctor,
        kind="consent_copy",
    )
    assert document.content_type == "application/pdf" and document.storage_bucket == "documents"
    png = services.document_upload(patient=patient, upload=upload(image_bytes("PNG"), "scan.pdf"), actor=doctor)
    assert png.content_type == "image/png"
    with pytest.raises(UploadTypeRefused):
        services.document_upload(
            patient=patient, upload=upload(b"<html><script>", "a.pdf", "application/pdf"), actor=doctor
        )
    assert set(objects_in(s3_buckets, "documents")) == {document.object_key, png.object_key}
    assert objects_in(s3_buckets, "clinical") == []


def test_signed_url_is_audited(doctor, s3_buckets):
    patient = PatientFactory()
    document = services.document_upload(patient=patient, upload=upload(PDF_BYTES), actor=doctor)
    url = services.file_signed_url(obj=document, actor=doctor)
    assert s3_buckets.names["documents"] in url and "Signature" in url
    services.file_signed_url(obj=document, actor=doctor, purpose="export")
    actions = list(
        AuditLog.objects.filter(entity_id=document.pk).order_by("timestamp").values_list("action", flat=True)
    )
    assert actions == ["create", "view", "export"]


def test_export_contains_every_related_record_and_file(doctor, s3_buckets, django_capture_on_commit_callbacks):
    patient = PatientFactory(first_name="Ани", last_name="Սարգսյան")
    GuardianFactory(patient=patient)
    encounter = EncounterFactory(patient=patient)
    consent = services.consent_grant(patient=patient, consent_type="clinical_photos", actor=doctor)
    with django_capture_on_commit_callbacks(execute=True):
        photo = services.clinical_photo_upload(
            patient=patient, upload=upload(image_bytes()), actor=doctor, encounter=encounter
        )
    document = services.document_upload(
        patient=patient, upload=upload(PDF_BYTES), actor=doctor, encounter=encounter, kind="lab_result"
    )
    old = EncounterFactory(patient=patient)
    old.delete(actor=doctor)

    archive = zipfile.ZipFile(services.patient_export(patient=patient, actor=doctor))
    record = json.loads(archive.read("record.json"))
    assert record["patient"]["first_name"] == "Ани"
    assert len(record["guardians"]) == 1
    assert {e["id"] for e in record["encounters"]} == {str(encounter.pk), str(old.pk)}
    assert [c["id"] for c in record["consents"]] == [str(consent.pk)]
    assert [p["id"] for p in record["photos"]] == [str(photo.pk)]
    assert [d["id"] for d in record["documents"]] == [str(document.pk)]
    assert len(record["encounter_photos"]) == 1 and len(record["encounter_documents"]) == 1
    names = set(archive.namelist())
    assert f"files/photos/{photo.object_key.rsplit('/', 1)[-1]}" in names
    assert f"files/documents/{document.object_key.rsplit('/', 1)[-1]}" in names
    assert AuditLog.objects.filter(entity_id=patient.pk, action="export").count() == 1
    assert EncounterPhoto.objects.count() == 1
    assert timezone.now()


def test_heic_photo_is_accepted_as_heif(doctor, s3_buckets):
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 30)).save(out, format="HEIF")
    patient = PatientFactory()
    services.consent_grant(patient=patient, consent_type="clinical_photos", actor=doctor)
    photo = services.clinical_photo_upload(
        patient=patient, upload=upload(out.getvalue(), "IMG_0001.HEIC"), actor=doctor
    )
    assert photo.content_type == "image/heif" and photo.object_key.endswith(".heic")
    services.clinical_photo_make_thumbnail(photo_id=photo.pk)
    photo.refresh_from_db()
    assert photo.thumbnail_object_key.endswith(".thumb.jpg")


def test_a_merged_patient_takes_no_new_records(doctor, s3_buckets):
    from erp.clinical.exceptions import PatientMerged

    survivor, merged = PatientFactory(), PatientFactory()
    services.patient_merge(survivor=survivor, merged=merged, reason="dup", actor=doctor)
    merged = Patient.all_objects.get(pk=merged.pk)
    with pytest.raises(PatientMerged) as caught:
        services.patient_update(patient=merged, data={"notes": "x"}, actor=doctor)
    assert caught.value.extra == {"merged_into_patient_id": str(survivor.pk)}
    with pytest.raises(PatientMerged):
        services.encounter_create(
            data={"patient": merged, "type": "follow_up", "occurred_at": timezone.now()}, actor=doctor
        )
    with pytest.raises(PatientMerged):
        services.consent_grant(patient=merged, consent_type="newsletter", actor=doctor)
    with pytest.raises(PatientMerged):
        services.document_upload(patient=merged, upload=upload(PDF_BYTES), actor=doctor)
    assert objects_in(s3_buckets, "documents") == []


def test_merge_failing_midway_leaves_everything_in_place(doctor, monkeypatch):
    survivor, merged = PatientFactory(), PatientFactory()
    encounter = EncounterFactory(patient=merged)

    def broken(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        services.patient_merge(survivor=survivor, merged=merged, reason="dup", actor=doctor)
    assert Encounter.objects.get(pk=encounter.pk).patient_id == merged.pk
    assert not Patient.all_objects.get(pk=merged.pk).is_merged


def test_seed_is_idempotent(settings, tmp_path):
    from erp.clinical import seed as clinical_seed
    from erp.clinical.models import ReferralSource
    from erp.core import seed as core_seed

    lines = []
    for _ in range(2):
        core_seed.seed(lines.append)
        clinical_seed.seed(lines.append)
    assert ReferralSource.objects.count() == 7
    assert Patient.objects.count() == 3
    assert Encounter.objects.count() == 3
    assert ClinicalPhoto.objects.count() == 3
    assert Consent.objects.count() == 3
    assert all(photo.thumbnail_object_key for photo in ClinicalPhoto.objects.all())
    assert PatientGuardian.objects.count() == 1


def test_attach_photo_and_document_to_an_encounter_of_the_same_patient(doctor, s3_buckets):
    patient = PatientFactory()
    encounter = EncounterFactory(patient=patient)
    services.consent_grant(patient=patient, consent_type="clinical_photos", actor=doctor)
    photo = services.clinical_photo_upload(patient=patient, upload=upload(image_bytes()), actor=doctor)
    document = services.document_upload(patient=patient, upload=upload(PDF_BYTES), actor=doctor)
    link = services.encounter_attach_photo(encounter=encounter, photo=photo, relation_type="attached", actor=doctor)
    again = services.encounter_attach_photo(encounter=encounter, photo=photo, relation_type="comparison", actor=doctor)
    assert again.pk == link.pk and again.relation_type == "comparison"
    services.encounter_attach_document(encounter=encounter, document=document, kind="instruction", actor=doctor)
    assert encounter.encounter_documents.get().kind == "instruction"
    stranger = EncounterFactory()
    with pytest.raises(EncounterLocked):
        services.encounter_attach_photo(encounter=stranger, photo=photo, relation_type="attached", actor=doctor)
    with pytest.raises(EncounterLocked):
        services.encounter_attach_document(encounter=stranger, document=document, kind="other", actor=doctor)


def test_consent_signed_copy_must_be_a_consent_copy_of_the_patient(doctor, s3_buckets):
    patient = PatientFactory()
    lab = services.document_upload(patient=patient, upload=upload(PDF_BYTES), actor=doctor, kind="lab_result")
    other = services.document_upload(
        patient=PatientFactory(), upload=upload(PDF_BYTES), actor=doctor, kind="consent_copy"
    )
    copy = services.document_upload(patient=patient, upload=upload(PDF_BYTES), actor=doctor, kind="consent_copy")
    for wrong, code in ((lab, "consent_document_kind"), (other, "consent_document_patient")):
        with pytest.raises(ConsentStateRefused) as caught:
            services.consent_grant(patient=patient, consent_type="newsletter", document=wrong, actor=doctor)
        assert caught.value.code == code
    consent = services.consent_grant(patient=patient, consent_type="newsletter", document=copy, actor=doctor)
    revoked = services.consent_revoke(patient=patient, consent_type="newsletter", actor=doctor)
    assert consent.document == copy and revoked.document == copy
