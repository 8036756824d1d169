"""Patients: future birth dates refused everywhere; review of possible duplicates (merge or dismiss)."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from erp.clinical import services
from erp.clinical.models import DuplicateReason, Patient
from erp.clinical.tests.factories import PatientFactory
from erp.core.tests.factories import UserFactory
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def api(role="reception"):
    client = APIClient()
    client.force_authenticate(UserFactory(role=role, email=f"{role}@review.example"))
    return client


def flagged_pair():
    known = PatientFactory(first_name="Anna", last_name="Petrova", phone="0612345678", email="known@example.com")
    new = PatientFactory(
        first_name="Anna",
        last_name="Petrova",
        phone="0612345678",
        email="new@example.com",
        possible_duplicate_of=known,
        possible_duplicate_reason=DuplicateReason.SAME_PHONE_OTHER_EMAIL,
    )
    return known, new


# --- birth dates --------------------------------------------------------------------------------


def test_api_create_refuses_a_birth_date_in_the_future():
    response = api().post(
        "/api/v1/patients/", {"first_name": "A", "last_name": "B", "birth_date": TOMORROW.isoformat()}, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "birth_date_in_future" and response.json()["field"] == "birth_date"
    assert Patient.objects.count() == 0
    today = timezone.localdate().isoformat()
    response = api("admin").post("/api/v1/patients/", {"first_name": "A", "last_name": "B", "birth_date": today})
    assert response.status_code == 201, response.content


def test_api_update_refuses_a_birth_date_in_the_future():
    patient = PatientFactory(birth_date=datetime.date(1990, 1, 1))
    client = api()
    etag = client.get(f"/api/v1/patients/{patient.pk}/")["ETag"]
    response = client.patch(
        f"/api/v1/patients/{patient.pk}/", {"birth_date": TOMORROW.isoformat()}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "birth_date_in_future"
    patient.refresh_from_db()
    assert patient.birth_date == datetime.date(1990, 1, 1)


def test_admin_form_shows_the_future_birth_date_error():
    client = Client()
    client.force_login(UserFactory(role="reception", email="desk@review.example"))
    form = {"first_name": "A", "last_name": "B", "birth_date": TOMORROW.isoformat(), "preferred_language": "fr"}
    response = client.post("/admin/clinical/patients/new/", {**form, "identity_confidence": "low"})
    assert response.status_code == 200
    assert "La date de naissance ne peut pas être dans le futur." in response.content.decode()
    assert Patient.objects.count() == 0


# --- possible duplicates ------------------------------------------------------------------------


def test_api_shows_the_flag_filters_on_it_and_dismisses_it():
    known, new = flagged_pair()
    client = api()
    shown = client.get(f"/api/v1/patients/{new.pk}/").json()
    assert shown["needs_duplicate_review"] is True
    assert shown["possible_duplicate_of"] == str(known.pk)
    assert shown["possible_duplicate_reason"] == "same_phone_other_email"
    listed = client.get("/api/v1/patients/?needs_duplicate_review=true").json()
    assert [row["id"] for row in listed["results"]] == [str(new.pk)]
    response = client.post(f"/api/v1/patients/{new.pk}/not-a-duplicate/", {"note": "Twins"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["needs_duplicate_review"] is False and response.json()["possible_duplicate_of"] is None
    entry = AuditLog.objects.filter(entity_id=new.pk, action="update").order_by("-sequence").first()
    assert entry.metadata_json["duplicate_review"]["decision"] == "not_a_duplicate"
    assert entry.metadata_json["duplicate_review"]["possible_duplicate_of"] == str(known.pk)
    again = client.post(f"/api/v1/patients/{new.pk}/not-a-duplicate/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "duplicate_not_flagged"
    assert api("accounting").post(f"/api/v1/patients/{known.pk}/not-a-duplicate/", {}).status_code == 403


@pytest.mark.parametrize("survivor_is_the_new_one", [False, True])
def test_merge_resolves_the_flag_either_way(survivor_is_the_new_one):
    known, new = flagged_pair()
    other = PatientFactory(
        phone="0612345678", possible_duplicate_of=new, possible_duplicate_reason="same_phone_other_email"
    )
    survivor, merged = (new, known) if survivor_is_the_new_one else (known, new)
    actor = UserFactory(role="reception", email="desk@review.example")
    services.patient_merge(survivor=survivor, merged=merged, reason="Same person", actor=actor)
    survivor.refresh_from_db()
    merged.refresh_from_db()
    other.refresh_from_db()
    assert survivor.possible_duplicate_of is None and merged.possible_duplicate_of is None
    assert merged.is_merged and merged.merged_into_patient == survivor
    assert other.possible_duplicate_of == survivor
    entry = AuditLog.objects.filter(entity_id=survivor.pk).order_by("-sequence").first()
    assert entry.metadata_json["merge"]["duplicate_review_resolved"] is True


def test_admin_list_filters_and_marks_flagged_patients_and_the_page_resolves_them():
    known, new = flagged_pair()
    client = Client()
    client.force_login(UserFactory(role="reception", email="desk@review.example"))
    listing = client.get("/admin/clinical/patients/?needs_duplicate_review=true")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "Doublon possible" in text and str(new.pk) in text and f"/inspect/{known.pk}/" not in text
    page = client.get(f"/admin/clinical/patients/inspect/{new.pk}/").content.decode()
    assert "peut-être la même personne que" in page and "Pas la même personne" in page
    response = client.post(f"/admin/clinical/patients/page/{new.pk}/not-a-duplicate/", {"note": "Sisters"})
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.possible_duplicate_of is None
