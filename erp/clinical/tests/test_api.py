import io
import zipfile

import pytest
from rest_framework.test import APIClient

from erp.clinical import services
from erp.clinical.models import ClinicalPhoto, Document, Encounter, Patient
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

ROLES = ("admin", "practitioner", "reception", "marketing", "accounting")


def status_of(response) -> int:
    """The API status; a 404 that the site's LocaleMiddleware turned into a redirect to /fr/... is
    still a 404 (reported to the foundation: API 404s should not be language-redirected)."""
    if response.status_code == 302 and response["Location"].startswith("/fr/api/"):
        return 404
    return response.status_code


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def users():
    return {role: UserFactory(role=role, email=f"{role}@api.example") for role in ROLES}


@pytest.fixture
def clinical_world(users, s3_buckets, django_capture_on_commit_callbacks):
    doctor = users["practitioner"]
    patient = PatientFactory(first_name="Lucie", last_name="Bernard", email="lucie@example.com", phone="0612121212")
    guardian = GuardianFactory(patient=patient)
    encounter = EncounterFactory(patient=patient)
    services.consent_grant(patient=patient, consent_type="clinical_photos", actor=doctor)
    with django_capture_on_commit_callbacks(execute=True):
        photo = services.clinical_photo_upload(
            patient=patient, upload=upload(image_bytes()), actor=doctor, metadata={"body_area": "face"}
        )
        later = services.clinical_photo_upload(
            patient=patient, upload=upload(image_bytes()), actor=doctor, metadata={"body_area": "Face"}
        )
    lab = services.document_upload(patient=patient, upload=upload(PDF_BYTES), actor=doctor, kind="lab_result")
    consent_copy = services.document_upload(
        patient=patient, upload=upload(PDF_BYTES), actor=doctor, kind="consent_copy"
    )
    return {
        "patient": patient,
        "guardian": guardian,
        "encounter": encounter,
        "photo": photo,
        "later": later,
        "lab": lab,
        "consent_copy": consent_copy,
    }


# role -> expected status for each read endpoint (403: refused by role, 404: hidden from the role)
READ_MATRIX = {
    "patient_list": (
        "/api/v1/patients/",
        {"admin": 200, "practitioner": 200, "reception": 200, "marketing": 403, "accounting": 200},
    ),
    "patient_detail": (
        "/api/v1/patients/{patient}/",
        {"admin": 200, "practitioner": 200, "reception": 200, "marketing": 403, "accounting": 200},
    ),
    "duplicates": (
        "/api/v1/patients/{patient}/duplicates/",
        {"admin": 200, "practitioner": 200, "reception": 200, "marketing": 403, "accounting": 403},
    ),
    "consent_state": (
        "/api/v1/patients/{patient}/consents/",
        {"admin": 200, "practitioner": 200, "reception": 200, "marketing": 403, "accounting": 403},
    ),
    "export": (
        "/api/v1/patients/{patient}/export/",
        {"admin": 200, "practitioner": 200, "reception": 403, "marketing": 403, "accounting": 403},
    ),
    "guardians": (
        "/api/v1/guardians/?patient={patient}",
        {"admin": 200, "practitioner": 200, "reception": 200, "marketing": 403, "accounting": 403},
    ),
    "encounters": (
        "/api/v1/encounters/",
        {"admin": 200, "practitioner": 200, "reception": 403, "marketing": 403, "accounting": 403},
    ),
    "encounter_detail": (
        "/api/v1/encounters/{encounter}/",
        {"admin": 200, "practitioner": 200, "reception": 403, "marketing": 403, "accounting": 403},
    ),
    "consents": (
        "/api/v1/consents/",
        {"admin": 200, "practitioner": 200, "reception": 200, "marketing": 403, "accounting": 403},
    ),
    "photos": (
        "/api/v1/photos/?patient={patient}",
        {"admin": 200, "practitioner": 200, "reception": 403, "marketing": 403, "accounting": 403},
    ),
    "photo_url": (
        "/api/v1/photos/{photo}/url/",
        {"admin": 200, "practitioner": 200, "reception": 403, "marketing": 403, "accounting": 403},
    ),
    "photo_compare": (
        "/api/v1/photos/compare/?before={photo}&after={later}",
        {"admin": 200, "practitioner": 200, "reception": 403, "marketing": 403, "accounting": 403},
    ),
    "documents": (
        "/api/v1/documents/",
        {"admin": 200, "practitioner": 200, "reception": 200, "marketing": 403, "accounting": 403},
    ),
    "lab_document": (
        "/api/v1/documents/{lab}/",
        {"admin": 200, "practitioner": 200, "reception": 404, "marketing": 403, "accounting": 403},
    ),
    "lab_document_url": (
        "/api/v1/documents/{lab}/url/",
        {"admin": 200, "practitioner": 200, "reception": 404, "marketing": 403, "accounting": 403},
    ),
    "consent_copy_url": (
        "/api/v1/documents/{consent_copy}/url/",
        {"admin": 200, "practitioner": 200, "reception": 200, "marketing": 403, "accounting": 403},
    ),
    "referral_sources": (
        "/api/v1/referral-sources/",
        {"admin": 200, "practitioner": 200, "reception": 200, "marketing": 403, "accounting": 403},
    ),
}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_for_reads(role, users, clinical_world):
    ids = {name: obj.pk for name, obj in clinical_world.items()}
    client = client_for(users[role])
    got = {name: status_of(client.get(url.format(**ids))) for name, (url, _expected) in READ_MATRIX.items()}
    assert got == {name: expected[role] for name, (_url, expected) in READ_MATRIX.items()}


def test_accounting_sees_name_and_billing_address_only(users, clinical_world):
    body = client_for(users["accounting"]).get(f"/api/v1/patients/{clinical_world['patient'].pk}/").json()
    assert set(body) == {"id", "first_name", "last_name", "address_line1", "city", "postal_code", "country_code"}
    # and cannot find patients by phone or e-mail
    assert client_for(users["accounting"]).get("/api/v1/patients/?q=lucie@example.com").json()["count"] == 0
    assert client_for(users["reception"]).get("/api/v1/patients/?q=lucie@example.com").json()["count"] == 1


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_for_writes(role, users, clinical_world):
    patient = clinical_world["patient"]
    client = client_for(users[role])
    got = {
        "create_patient": client.post("/api/v1/patients/", {"first_name": "A", "last_name": "B"}).status_code,
        "add_guardian": client.post(
            "/api/v1/guardians/", {"patient": str(patient.pk), "full_name": "G", "relationship": "mother"}
        ).status_code,
        "grant_consent": client.post(
            "/api/v1/consents/grant/", {"patient": str(patient.pk), "consent_type": "newsletter"}
        ).status_code,
        "create_encounter": client.post(
            "/api/v1/encounters/",
            {"patient": str(patient.pk), "type": "follow_up", "occurred_at": "2026-01-05T10:00:00Z"},
        ).status_code,
        "upload_lab": client.post(
            "/api/v1/documents/",
            {"file": upload(PDF_BYTES, "lab.pdf"), "patient": str(patient.pk), "kind": "lab_result"},
            format="multipart",
        ).status_code,
        "upload_consent_copy": client.post(
            "/api/v1/documents/",
            {"file": upload(PDF_BYTES, "c.pdf"), "patient": str(patient.pk), "kind": "consent_copy"},
            format="multipart",
        ).status_code,
        "upload_photo": client.post(
            "/api/v1/photos/", {"file": upload(image_bytes()), "patient": str(patient.pk)}, format="multipart"
        ).status_code,
    }
    expected = {
        "admin": dict.fromkeys(got, 201),
        "practitioner": dict.fromkeys(got, 201),
        "reception": {
            "create_patient": 201,
            "add_guardian": 201,
            "grant_consent": 201,
            "create_encounter": 403,
            "upload_lab": 403,
            "upload_consent_copy": 201,
            "upload_photo": 403,
        },
        "marketing": dict.fromkeys(got, 403),
        "accounting": dict.fromkeys(got, 403),
    }[role]
    assert got == expected


def test_unparseable_phone_is_a_400_naming_the_field(users):
    response = client_for(users["reception"]).post(
        "/api/v1/patients/", {"first_name": "A", "last_name": "B", "phone": "call me maybe"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "phone_invalid"
    assert response.json()["field"] == "phone"
    assert not Patient.objects.exists()


def test_patient_search_and_merged_patients_are_hidden(users):
    client = client_for(users["practitioner"])
    keep = PatientFactory(first_name="Zoé", last_name="Garnier", phone="0600000001")
    gone = PatientFactory(first_name="Zoe", last_name="Garnier")
    assert client.get("/api/v1/patients/?q=zoe garn").json()["count"] == 2
    response = client.post(f"/api/v1/patients/{keep.pk}/merge/", {"merged_patient": str(gone.pk), "reason": "dup"})
    assert response.status_code == 200
    assert [row["id"] for row in client.get("/api/v1/patients/?q=zoe").json()["results"]] == [str(keep.pk)]
    assert client.get("/api/v1/patients/?q=zoe&include_merged=true").json()["count"] == 2
    merged = client.get(f"/api/v1/patients/{gone.pk}/").json()
    assert merged["is_merged"] is True and merged["merged_into_patient"] == str(keep.pk)
    again = client.post(f"/api/v1/patients/{keep.pk}/merge/", {"merged_patient": str(gone.pk), "reason": "dup"})
    assert again.status_code == 409 and again.json()["code"] == "already_merged"
    into_self = client.post(f"/api/v1/patients/{keep.pk}/merge/", {"merged_patient": str(keep.pk), "reason": "x"})
    assert into_self.status_code == 409 and into_self.json()["code"] == "merge_into_self"
    into_merged = client.post(f"/api/v1/patients/{gone.pk}/merge/", {"merged_patient": str(keep.pk), "reason": "x"})
    assert into_merged.status_code == 409 and into_merged.json()["code"] == "merge_into_merged"


def test_duplicates_endpoint_lists_reasons(users):
    a = PatientFactory(phone="0611223344", email="same@example.com")
    b = PatientFactory(phone="+33611223344", email="same@example.com")
    body = client_for(users["reception"]).get(f"/api/v1/patients/{a.pk}/duplicates/").json()
    assert [candidate["patient"]["id"] for candidate in body] == [str(b.pk)]
    # The factory's names are alike too: with pg_trgm the server adds "similar_name" and a score.
    assert body[0]["reasons"][:2] == ["same_phone", "same_email"]
    assert set(body[0]["reasons"]) <= {"same_phone", "same_email", "similar_name"}


def test_encounter_etag_finalize_and_read_only(users):
    client = client_for(users["practitioner"])
    encounter = EncounterFactory()
    read = client.get(f"/api/v1/encounters/{encounter.pk}/")
    assert read["ETag"] == '"1"'
    url = f"/api/v1/encounters/{encounter.pk}/"
    assert client.patch(url, {"plan": "x"}).status_code == 428
    assert client.patch(url, {"plan": "x"}, HTTP_IF_MATCH='"7"').status_code == 412
    changed = client.patch(url, {"plan": "Topical steroid"}, HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200 and changed["ETag"] == '"2"'
    finalized = client.post(f"{url}finalize/")
    assert finalized.status_code == 200 and finalized.json()["status"] == "finalized"
    etag = finalized["ETag"]
    refused = client.patch(url, {"assessment": "changed"}, HTTP_IF_MATCH=etag)
    assert refused.status_code == 409 and refused.json()["code"] == "encounter_locked"
    assert client.patch(url, {"internal_notes": "call"}, HTTP_IF_MATCH=etag).status_code == 200
    no_reason = client.post(f"{url}cancel/", {"reason": ""})
    assert no_reason.status_code == 400
    cancelled = client.post(f"{url}cancel/", {"reason": "Wrong patient"})
    assert cancelled.status_code == 200 and cancelled.json()["cancellation_reason"] == "Wrong patient"
    assert client.post(f"{url}finalize/").status_code == 409
    assert Encounter.objects.get(pk=encounter.pk).assessment is None


def test_consent_grant_revoke_and_history(users):
    client = client_for(users["reception"])
    patient = PatientFactory()
    body = {"patient": str(patient.pk), "consent_type": "marketing_messages"}
    assert client.post("/api/v1/consents/grant/", body).status_code == 201
    assert client.post("/api/v1/consents/grant/", body).status_code == 409
    assert client.post("/api/v1/consents/revoke/", body).status_code == 201
    assert client.post("/api/v1/consents/revoke/", body).status_code == 409
    history = client.get(f"/api/v1/consents/?patient={patient.pk}&ordering=created_at").json()["results"]
    assert [row["status"] for row in history] == ["granted", "revoked"]
    state = {
        row["consent_type"]: row["granted"] for row in client.get(f"/api/v1/patients/{patient.pk}/consents/").json()
    }
    assert state == {
        "clinical_photos": False,
        "marketing_photos": False,
        "newsletter": False,
        "marketing_messages": False,
    }


def test_photo_upload_via_api_without_consent_is_409_and_stores_nothing(users, s3_buckets):
    patient = PatientFactory()
    response = client_for(users["practitioner"]).post(
        "/api/v1/photos/", {"file": upload(image_bytes()), "patient": str(patient.pk)}, format="multipart"
    )
    assert response.status_code == 409 and response.json()["code"] == "consent_missing"
    renamed = client_for(users["practitioner"]).post(
        "/api/v1/documents/",
        {"file": upload(b"#!/bin/sh\nrm -rf /", "scan.pdf", "application/pdf"), "patient": str(patient.pk)},
        format="multipart",
    )
    assert renamed.status_code == 422 and renamed.json()["code"] == "upload_type_refused"
    for alias in ("clinical", "documents"):
        assert "Contents" not in s3_buckets.client.list_objects_v2(Bucket=s3_buckets.names[alias])


def test_photo_original_is_immutable_and_timeline_filters(users, clinical_world):
    client = client_for(users["practitioner"])
    photo = clinical_world["photo"]
    key, sha = photo.object_key, photo.sha256
    response = client.patch(f"/api/v1/photos/{photo.pk}/", {"notes": "healing", "object_key": "x", "sha256": "0"})
    assert (response.status_code, response.json()["code"]) == (400, "unknown_field")
    assert client.patch(f"/api/v1/photos/{photo.pk}/", {"notes": "healing"}).status_code == 200
    photo.refresh_from_db()
    assert (photo.object_key, photo.sha256, photo.notes) == (key, sha, "healing")
    assert client.put(f"/api/v1/photos/{photo.pk}/", {"file": "x"}, format="multipart").status_code in (400, 405, 415)
    patient = clinical_world["patient"]
    face = client.get(f"/api/v1/photos/?patient={patient.pk}&body_area=FACE").json()
    assert [row["id"] for row in face["results"]] == [str(photo.pk), str(clinical_world["later"].pk)]
    assert client.get(f"/api/v1/photos/?patient={patient.pk}&photo_kind=after").json()["count"] == 0
    compare = client.get(f"/api/v1/photos/compare/?before={clinical_world['later'].pk}&after={photo.pk}").json()
    assert compare["before"]["id"] == str(photo.pk) and compare["after"]["id"] == str(clinical_world["later"].pk)
    thumb = client.get(f"/api/v1/photos/{photo.pk}/url/?variant=thumbnail").json()
    assert photo.thumbnail_object_key.split("/")[-1] in thumb["url"]


def test_one_view_audit_row_per_read(users, clinical_world):
    client = client_for(users["practitioner"])
    for name, url in (
        ("patient", "/api/v1/patients/{}/"),
        ("encounter", "/api/v1/encounters/{}/"),
        ("photo", "/api/v1/photos/{}/"),
        ("lab", "/api/v1/documents/{}/"),
    ):
        obj = clinical_world[name]
        before = AuditLog.objects.filter(entity_id=obj.pk, action="view").count()
        assert client.get(url.format(obj.pk)).status_code == 200
        assert AuditLog.objects.filter(entity_id=obj.pk, action="view").count() == before + 1
    entry = AuditLog.objects.filter(entity_id=clinical_world["encounter"].pk, action="view").get()
    assert entry.actor == users["practitioner"] and entry.entity_type == "clinical.encounter"
    client.get(f"/api/v1/photos/{clinical_world['photo'].pk}/url/?purpose=export")
    assert AuditLog.objects.filter(entity_id=clinical_world["photo"].pk, action="export").count() == 1
    listed = client.get(f"/api/v1/encounters/?patient={clinical_world['patient'].pk}")
    assert listed.json()["count"] == 1
    assert AuditLog.objects.filter(entity_id=clinical_world["encounter"].pk, action="view").count() == 2


def test_export_endpoint_returns_zip_and_audits(users, clinical_world):
    response = client_for(users["practitioner"]).get(f"/api/v1/patients/{clinical_world['patient'].pk}/export/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "record.json" in archive.namelist()
    assert len([n for n in archive.namelist() if n.startswith("files/")]) == 4
    assert AuditLog.objects.filter(entity_id=clinical_world["patient"].pk, action="export").count() == 1


def test_soft_delete_keeps_rows_with_who(users, clinical_world):
    client = client_for(users["practitioner"])
    photo, lab = clinical_world["photo"], clinical_world["lab"]
    assert client.delete(f"/api/v1/photos/{photo.pk}/").status_code == 204
    assert client.delete(f"/api/v1/documents/{lab.pk}/").status_code == 204
    patient = clinical_world["patient"]
    etag = client.get(f"/api/v1/patients/{patient.pk}/")["ETag"]
    assert client.delete(f"/api/v1/patients/{patient.pk}/", HTTP_IF_MATCH=etag).status_code == 204
    assert ClinicalPhoto.all_objects.get(pk=photo.pk).deleted_by == users["practitioner"]
    assert Document.all_objects.get(pk=lab.pk).is_deleted
    assert Patient.all_objects.get(pk=patient.pk).deleted_by == users["practitioner"]
    assert status_of(client.get(f"/api/v1/photos/{photo.pk}/")) == 404


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_for_operations(role, users, clinical_world):
    patient, encounter, photo = clinical_world["patient"], clinical_world["encounter"], clinical_world["photo"]
    client = client_for(users[role])
    duplicate = PatientFactory()
    guardian = clinical_world["guardian"]
    other_encounter = EncounterFactory(patient=patient)
    got = {
        "merge": status_of(
            client.post(f"/api/v1/patients/{patient.pk}/merge/", {"merged_patient": str(duplicate.pk), "reason": "d"})
        ),
        "edit_guardian": status_of(client.patch(f"/api/v1/guardians/{guardian.pk}/", {"relationship": "guardian"})),
        "revoke_consent": status_of(
            client.post("/api/v1/consents/revoke/", {"patient": str(patient.pk), "consent_type": "clinical_photos"})
        ),
        "finalize": status_of(client.post(f"/api/v1/encounters/{encounter.pk}/finalize/")),
        "cancel": status_of(client.post(f"/api/v1/encounters/{other_encounter.pk}/cancel/", {"reason": "no show"})),
        "link_photo": status_of(
            client.post(
                "/api/v1/encounter-photos/",
                {"encounter": str(encounter.pk), "photo": str(photo.pk), "relation_type": "comparison"},
            )
        ),
        "edit_photo": status_of(client.patch(f"/api/v1/photos/{photo.pk}/", {"notes": "n"})),
        "delete_guardian": status_of(client.delete(f"/api/v1/guardians/{guardian.pk}/")),
    }
    expected = {
        "admin": {**dict.fromkeys(got, 200), "revoke_consent": 201, "link_photo": 201, "delete_guardian": 204},
        "practitioner": {**dict.fromkeys(got, 200), "revoke_consent": 201, "link_photo": 201, "delete_guardian": 204},
        "reception": {
            "merge": 200,
            "edit_guardian": 200,
            "revoke_consent": 201,
            "finalize": 403,
            "cancel": 403,
            "link_photo": 403,
            "edit_photo": 403,
            "delete_guardian": 204,
        },
        "marketing": dict.fromkeys(got, 403),
        "accounting": dict.fromkeys(got, 403),
    }[role]
    assert got == expected


def test_search_pages_are_in_name_order_with_the_count_of_every_match(users):
    """The pages of a search follow each other in name order, the count is every match's (under
    the cap), past the end is a 404."""
    client = client_for(users["reception"])
    for n in range(7):
        PatientFactory(first_name=f"Léa{'ABCDEFG'[6 - n]}", last_name="Martin", phone=f"06 11 22 33 {n:02d}")
    PatientFactory(first_name="Paul", last_name="Other", phone="06 99 88 77 66")
    seen = []
    for page in (1, 2, 3):
        body = client.get("/api/v1/patients/", {"q": "06 11 22", "page_size": 3, "page": page}).json()
        assert body["count"] == 7
        seen += [row["first_name"] for row in body["results"]]
    assert seen == [f"Léa{c}" for c in "ABCDEFG"]
    past = client.get("/api/v1/patients/", {"q": "06 11 22", "page_size": 3, "page": 4})
    assert status_of(past) == 404
    assert client.get("/api/v1/patients/", {"q": "martin léa"}).json()["count"] == 7


@pytest.mark.parametrize("route", ["/api/v1/guardians/", "/api/v1/consents/"])
def test_guardian_and_consent_lists_and_details_are_audited_reads(users, route):
    """Each guardian or consent a page lists is a read of its patient's data: one ``view`` row
    each, with the reader, the patient and ``via``, written by the request that showed it."""
    reception = users["reception"]
    patients = [PatientFactory(), PatientFactory()]
    for patient in patients:
        GuardianFactory(patient=patient)
        services.consent_grant(patient=patient, consent_type="newsletter", actor=users["practitioner"])
    before = AuditLog.objects.count()
    listed = client_for(reception).get(route)
    assert listed.status_code == 200
    ids = {row["id"] for row in listed.json()["results"]}
    assert len(ids) == 2
    rows = AuditLog.objects.order_by("sequence")[before:]
    assert {(str(r.entity_id), str(r.patient_id), r.actor_id, r.action) for r in rows} == {
        (row["id"], row["patient"], reception.pk, "view") for row in listed.json()["results"]
    }
    assert {r.patient_id for r in rows} == {patient.pk for patient in patients}
    assert all(r.metadata_json == {"via": "api_list"} for r in rows)
    one = sorted(ids)[0]
    assert client_for(reception).get(f"{route}{one}/").status_code == 200
    assert AuditLog.objects.filter(entity_id=one, action="view", actor=reception).count() == 2
