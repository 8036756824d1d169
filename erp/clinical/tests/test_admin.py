import pytest
from django.test import Client

from erp.clinical import services
from erp.clinical.models import Encounter, Patient
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


def admin_client(role: str) -> tuple[Client, object]:
    user = UserFactory(role=role, email=f"{role}@admin.example")
    client = Client()
    client.force_login(user)
    return client, user


@pytest.fixture
def record(django_capture_on_commit_callbacks):
    doctor = UserFactory(role="practitioner", email="owner@admin.example")
    patient = PatientFactory(first_name="Inès", last_name="Moreau", email="ines@example.com", phone="0622334455")
    GuardianFactory(patient=patient, full_name="Karim Moreau")
    encounter = EncounterFactory(patient=patient, chief_complaint="Acné sévère")
    services.consent_grant(patient=patient, consent_type="clinical_photos", actor=doctor)
    with django_capture_on_commit_callbacks(execute=True):
        photo = services.clinical_photo_upload(
            patient=patient, upload=upload(image_bytes()), actor=doctor, metadata={"body_area": "cheek"}
        )
    lab = services.document_upload(
        patient=patient, upload=upload(PDF_BYTES), actor=doctor, kind="lab_result", title="Bilan"
    )
    copy = services.document_upload(
        patient=patient, upload=upload(PDF_BYTES), actor=doctor, kind="consent_copy", title="Consentement signé"
    )
    return {"patient": patient, "encounter": encounter, "photo": photo, "lab": lab, "copy": copy}


def test_practitioner_patient_list_search_and_page(record):
    client, user = admin_client("practitioner")
    listing = client.get("/admin/clinical/patients/?q=ines mor")
    assert listing.status_code == 200 and "MOREAU" in listing.content.decode()
    views = AuditLog.objects.filter(action="view", actor=user)
    assert views.filter(entity_id=record["patient"].pk).count() == 1  # shown in the list
    page = client.get(f"/admin/clinical/patients/inspect/{record['patient'].pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    for text in ("Karim Moreau", "Consultations", "Photos", "Bilan", "Consentement signé", "ines@example.com", "cheek"):
        assert text in html
    assert views.filter(entity_id=record["patient"].pk).count() == 2
    for shown in ("encounter", "photo", "lab", "copy"):
        assert views.filter(entity_id=record[shown].pk).count() == 1


def test_reception_page_hides_encounters_photos_and_clinical_documents(record):
    client, _user = admin_client("reception")
    html = client.get(f"/admin/clinical/patients/inspect/{record['patient'].pk}/").content.decode()
    assert "Karim Moreau" in html and "Consentement signé" in html and "ines@example.com" in html
    assert "Acné" not in html and "Bilan" not in html and "cheek" not in html
    assert client.get("/admin/clinical/encounters/").status_code in (302, 403)
    assert client.get(f"/admin/clinical/encounters/inspect/{record['encounter'].pk}/").status_code in (302, 403)
    refused = client.get(f"/admin/clinical/patients/file/photo/{record['photo'].pk}/")
    assert refused.status_code == 302 and refused["Location"] == "/admin/"  # Wagtail's permission-denied
    hidden = client.get(f"/admin/clinical/patients/file/document/{record['lab'].pk}/")
    # A 404 (the site's LocaleMiddleware currently turns it into a redirect to /fr/...).
    assert hidden.status_code == 404 or hidden["Location"].startswith("/fr/admin/")
    allowed = client.get(f"/admin/clinical/patients/file/document/{record['copy'].pk}/")
    assert allowed.status_code == 302 and "/files/signed/" in allowed["Location"]


def test_accounting_sees_name_and_address_only_and_marketing_nothing(record):
    client, _user = admin_client("accounting")
    html = client.get(f"/admin/clinical/patients/inspect/{record['patient'].pk}/").content.decode()
    assert "MOREAU" in html and "ines@example.com" not in html and "0622334455" not in html
    assert "Karim" not in html
    listing = client.get("/admin/clinical/patients/").content.decode()
    assert "ines@example.com" not in listing
    marketing, _user = admin_client("marketing")
    assert marketing.get("/admin/clinical/patients/").status_code in (302, 403)
    assert marketing.get(f"/admin/clinical/patients/inspect/{record['patient'].pk}/").status_code in (302, 403)


@pytest.mark.parametrize("query", ["contact_opt_out=true", "identity_confidence=high", "needs_duplicate_review=true"])
def test_accounting_cannot_filter_the_admin_list_on_fields_it_does_not_see(query):
    PatientFactory(last_name="Optedout", contact_opt_out=True, identity_confidence="high")
    PatientFactory(last_name="Reachable", contact_opt_out=False, identity_confidence="low")
    accounting, _user = admin_client("accounting")
    listing = accounting.get(f"/admin/clinical/patients/?{query}").content.decode().lower()
    assert "optedout" in listing and "reachable" in listing  # the filter is not there: nothing is told
    reception, _user = admin_client("reception")
    filtered = reception.get("/admin/clinical/patients/?contact_opt_out=true").content.decode().lower()
    assert "optedout" in filtered and "reachable" not in filtered


def test_admin_create_with_bad_phone_shows_the_error(record):
    client, _user = admin_client("reception")
    response = client.post(
        "/admin/clinical/patients/new/",
        {
            "first_name": "A",
            "last_name": "B",
            "phone": "banana",
            "preferred_language": "fr",
            "identity_confidence": "low",
        },
    )
    assert response.status_code == 200
    assert "pas un numéro de téléphone valide" in response.content.decode()
    assert not Patient.objects.filter(last_name="B").exists()
    ok = client.post(
        "/admin/clinical/patients/new/",
        {
            "first_name": "A",
            "last_name": "B",
            "phone": "0611111111",
            "preferred_language": "fr",
            "identity_confidence": "low",
        },
    )
    assert ok.status_code == 302
    assert Patient.objects.get(last_name="B").phone_e164 == "+33611111111"


def test_admin_operations_finalize_consent_file_and_export(record):
    client, user = admin_client("practitioner")
    encounter = record["encounter"]
    client.post(f"/admin/clinical/encounters/transition/{encounter.pk}/", {"operation": "finalize"})
    assert Encounter.objects.get(pk=encounter.pk).status == "finalized"
    edit = client.get(f"/admin/clinical/encounters/edit/{encounter.pk}/")
    assert edit.status_code == 200
    patient = record["patient"]
    client.post(
        f"/admin/clinical/patients/page/{patient.pk}/consent/", {"consent_type": "newsletter", "operation": "grant"}
    )
    assert patient.consents.filter(consent_type="newsletter", status="granted").exists()
    redirect = client.get(f"/admin/clinical/patients/file/photo/{record['photo'].pk}/")
    assert redirect.status_code == 302 and "/files/signed/" in redirect["Location"]
    assert AuditLog.objects.filter(entity_id=record["photo"].pk, action="view", actor=user).count() == 1
    export = client.get(f"/admin/clinical/patients/page/{patient.pk}/export/")
    assert export.status_code == 200 and export["Content-Type"] == "application/zip"
    assert AuditLog.objects.filter(entity_id=patient.pk, action="export").count() == 1


def test_admin_merge_and_compare(record, django_capture_on_commit_callbacks):
    client, user = admin_client("practitioner")
    patient = record["patient"]
    duplicate = PatientFactory(first_name="Ines", last_name="Moreau", phone="+33622334455")
    page = client.get(f"/admin/clinical/patients/inspect/{patient.pk}/").content.decode()
    assert "Même téléphone" in page and "same_phone" not in page  # the reason by its label
    client.post(f"/admin/clinical/patients/page/{patient.pk}/merge/", {"merged_patient": duplicate.pk, "reason": "dup"})
    assert Patient.objects.get(pk=duplicate.pk).merged_into_patient_id == patient.pk
    with django_capture_on_commit_callbacks(execute=True):
        later = services.clinical_photo_upload(
            patient=patient, upload=upload(image_bytes()), actor=user, metadata={"body_area": "Cheek"}
        )
    compare = client.get(
        f"/admin/clinical/patients/page/{patient.pk}/compare/?before={record['photo'].pk}&after={later.pk}"
    )
    assert compare.status_code == 200 and compare.content.decode().count("/files/signed/") == 2


def test_admin_encounter_page_attaches_and_consent_grant_with_signed_copy(record):
    client, _user = admin_client("practitioner")
    encounter, photo, lab = record["encounter"], record["photo"], record["lab"]
    client.post(
        f"/admin/clinical/encounters/attach/{encounter.pk}/", {"photo": photo.pk, "relation_type": "comparison"}
    )
    client.post(f"/admin/clinical/encounters/attach/{encounter.pk}/", {"document": lab.pk, "kind": "lab_result"})
    assert encounter.encounter_photos.get().relation_type == "comparison"
    assert encounter.encounter_documents.get().document_id == lab.pk
    page = client.get(f"/admin/clinical/encounters/inspect/{encounter.pk}/").content.decode()
    assert "Acné sévère" in page and "Bilan" in page
    patient = record["patient"]
    client.post(
        f"/admin/clinical/patients/page/{patient.pk}/consent/",
        {"consent_type": "marketing_photos", "operation": "grant", "document": record["copy"].pk},
    )
    assert patient.consents.get(consent_type="marketing_photos").document_id == record["copy"].pk


def test_patient_chooser_searches_and_is_refused_to_marketing(record):
    client, _user = admin_client("practitioner")
    PatientFactory(first_name="Other", last_name="Person")
    results = client.get("/admin/clinical/patient-chooser/results/?q=ines")
    assert results.status_code == 200
    html = results.content.decode()
    assert "MOREAU" in html and "PERSON" not in html
    form = client.get(f"/admin/clinical/encounters/new/?patient={record['patient'].pk}")
    assert form.status_code == 200 and str(record["patient"].pk) in form.content.decode()
    marketing, _user = admin_client("marketing")
    refused = marketing.get("/admin/clinical/patient-chooser/")
    assert refused.status_code in (302, 403)


def test_guardian_admin_writes_are_audited(record):
    client, user = admin_client("reception")
    patient = record["patient"]
    response = client.post(
        "/admin/clinical/guardians/new/", {"patient": patient.pk, "full_name": "Nadia Moreau", "relationship": "aunt"}
    )
    assert response.status_code == 302
    guardian = patient.guardians.get(full_name="Nadia Moreau")
    client.post(
        f"/admin/clinical/guardians/edit/{guardian.pk}/",
        {"patient": patient.pk, "full_name": "Nadia Moreau", "relationship": "legal guardian"},
    )
    client.post(f"/admin/clinical/guardians/delete/{guardian.pk}/")
    actions = list(
        AuditLog.objects.filter(entity_id=guardian.pk, actor=user)
        .order_by("timestamp")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "delete"]


def test_the_admin_search_pages_follow_each_other_in_name_order(admin_user):
    client = Client()
    client.force_login(admin_user)
    for n in range(25):  # more than one page of the list (20)
        PatientFactory(first_name=f"Léa{n:02d}", last_name="Martin", country_code="FR")
    PatientFactory(first_name="Paul", last_name="Other")

    def listed(**params):
        response = client.get("/admin/clinical/patients/", params)
        assert response.status_code == 200
        names = [p.first_name for p in response.context["object_list"]]
        return response.context["paginator"].count, names

    first, second = listed(q="mart"), listed(q="mart", p=2)
    assert first == (25, [f"Léa{n:02d}" for n in range(20)])
    assert second == (25, [f"Léa{n:02d}" for n in range(20, 25)])
    assert listed(q="mart", p=9) == second  # past the end: the last page, as Wagtail does
    assert listed(q="mart", p=2, country_code="FR") == second
    assert listed(q="martin lé", p=2) == second
    count, names = listed(q="mart", ordering="-last_name")
    assert count == 25 and len(names) == 20


def test_patient_chooser_results_are_audited_reads():
    """The chooser's modal and its search results list patient names: one ``view`` row for each
    patient shown, none for those it does not show."""
    client, user = admin_client("reception")
    ines = PatientFactory(first_name="Inès", last_name="Moreau")
    other = PatientFactory(first_name="Other", last_name="Person")
    views = AuditLog.objects.filter(action="view", actor=user)
    assert client.get("/admin/clinical/patient-chooser/results/?q=ines").status_code == 200
    assert [(e.entity_id, e.patient_id, e.metadata_json) for e in views.all()] == [
        (ines.pk, ines.pk, {"via": "admin_chooser"})
    ]
    modal = client.get("/admin/clinical/patient-chooser/")
    assert modal.status_code == 200
    assert "PERSON" in modal.json()["html"]
    assert sorted(str(e.entity_id) for e in views.all()) == sorted([str(ines.pk), str(ines.pk), str(other.pk)])


def test_admin_delete_refused_by_the_service_is_a_message_on_the_listing(record):
    client, _user = admin_client("admin")
    encounter = record["encounter"]
    client.post(f"/admin/clinical/encounters/transition/{encounter.pk}/", {"operation": "finalize"})
    response = client.post(f"/admin/clinical/encounters/delete/{encounter.pk}/", follow=True)
    assert response.redirect_chain[-1][0] == "/admin/clinical/encounters/"
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"  # after the finalize one
    assert Encounter.objects.filter(pk=encounter.pk).exists()


def test_the_patient_page_adds_and_removes_guardians_through_the_services(record):
    client, user = admin_client("reception")
    patient = record["patient"]
    url = f"/admin/clinical/patients/page/{patient.pk}/guardian/"
    refused = client.post(url, {"full_name": "Nadia Moreau", "relationship": "aunt", "email": "nope"}, follow=True)
    assert [m.level_tag for m in refused.context["messages"]] == ["error"]  # the model's own check, no 500
    nadia = patient.guardians.filter(full_name="Nadia Moreau")
    assert not nadia.exists()
    client.post(url, {"full_name": "Nadia Moreau", "relationship": "aunt", "email": "nadia@example.org"})
    pk = nadia.get().pk
    client.post(url, {"remove": pk})
    assert not nadia.exists()
    actions = AuditLog.objects.filter(entity_id=pk, actor=user).order_by("timestamp")
    assert list(actions.values_list("action", flat=True)) == ["create", "delete"]
