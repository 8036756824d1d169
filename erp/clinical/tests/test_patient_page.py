"""The patient page (a card with sections per role), duplicates before saving, transliterated search."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from cms.website.models import PublicLead
from erp.clinical import selectors, services
from erp.clinical.models import Patient, transliterate_name
from erp.clinical.tests.factories import (
    AppointmentFactory,
    EncounterFactory,
    GuardianFactory,
    LocationFactory,
    PatientFactory,
    PractitionerFactory,
)
from erp.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def signed_in(role: str) -> Client:
    client = Client()
    client.force_login(UserFactory(role=role, email=f"{role}@page.example"))
    return client


def names(queryset) -> set[str]:
    return {p.last_name for p in queryset}


# --- Transliterated search ------------------------------------------------------------------------


def test_transliterate_name_keeps_one_word_per_word():
    assert transliterate_name("иванова ольга") == "ivanova olga"
    assert transliterate_name("հակոբյան") == "hakobyan"
    assert PatientFactory(first_name="Анна", last_name="Иванова").name_transliterated == "anna ivanova"
    assert PatientFactory(first_name="Anna", last_name="Martin").name_transliterated is None


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("Иванова", "Ivanova"),  # Latin finds Cyrillic
        ("Petrov", "Петров"),  # Cyrillic finds Latin
        ("Հակոբյան", "Hakobyan"),  # Latin finds Armenian
        ("Hakobyan", "Հակոբյան"),  # Armenian finds Latin
        ("Коваленко", "kovale"),  # a prefix, as typed at the desk
        ("Иванова", "Иван"),  # the same script still works
    ],
)
def test_search_finds_a_name_typed_in_another_script(stored, typed):
    PatientFactory(first_name="Anna", last_name=stored)
    PatientFactory(first_name="Anna", last_name="Durand")
    found = selectors.patient_search(Patient.objects.all(), typed)
    assert names(found) == {stored}


def test_transliterated_search_is_one_query_on_the_name_index(django_assert_num_queries):
    PatientFactory(first_name="Ольга", last_name="Сидорова")
    with django_assert_num_queries(1):
        assert names(selectors.patient_search(Patient.objects.all(), "olga sidorova")) == {"Сидорова"}


def test_renaming_a_patient_renews_its_latin_form():
    patient = PatientFactory(first_name="Anna", last_name="Иванова")
    services.patient_update(patient=patient, data={"last_name": "Петрова"}, actor=None)
    assert names(selectors.patient_search(Patient.objects.all(), "petrova")) == {"Петрова"}
    assert not selectors.patient_search(Patient.objects.all(), "ivanova").exists()


# --- Duplicates before saving ---------------------------------------------------------------------


def test_duplicates_before_create_by_phone_email_name_and_script():
    same_phone = PatientFactory(last_name="Phone", phone="06 12 34 56 78")
    same_email = PatientFactory(last_name="Mail", email="anna@example.com")
    same_name = PatientFactory(first_name="Анна", last_name="Иванова", birth_date=date(1990, 3, 1))
    PatientFactory(last_name="Other", phone="0699999999", birth_date=date(1990, 3, 1))
    found = selectors.patient_duplicates_before_create(
        {
            "first_name": "Anna",
            "last_name": "Ivanova",
            "birth_date": date(1990, 3, 1),
            "phone": "+33612345678",
            "email": "ANNA@example.com",
        }
    )
    reasons = {c.patient.pk: c.reasons for c in found}
    assert reasons[same_phone.pk] == ["same_phone"]
    assert reasons[same_email.pk] == ["same_email"]
    assert "same_name_and_birth_date" in reasons[same_name.pk]
    assert Patient.objects.count() == 4  # nothing written
    assert selectors.patient_duplicates_before_create({"first_name": "Zoé", "last_name": "Nobody"}) == []


NEW_PATIENT = {
    "first_name": "Léa",
    "last_name": "Nouvelle",
    "phone": "06 11 22 33 44",
    "preferred_language": "fr",
    "identity_confidence": "low",
}


def test_admin_create_shows_duplicates_before_saving_then_creates_anyway():
    existing = PatientFactory(first_name="Léa", last_name="Ancienne", phone="0611223344")
    client = signed_in("reception")
    shown = client.post("/admin/clinical/patients/new/", NEW_PATIENT)
    html = shown.content.decode()
    assert shown.status_code == 200
    assert "Ouvrir celui-ci à la place" in html and f"/admin/clinical/patients/inspect/{existing.pk}/" in html
    assert "Même téléphone" in html and "same_phone" not in html
    assert "Créer quand même" in html
    assert not Patient.objects.filter(last_name="Nouvelle").exists()
    created = client.post("/admin/clinical/patients/new/", {**NEW_PATIENT, "create_anyway": "1"})
    new = Patient.objects.get(last_name="Nouvelle")
    assert created.status_code == 302 and created["Location"] == f"/admin/clinical/patients/inspect/{new.pk}/"
    edited = client.post(f"/admin/clinical/patients/edit/{new.pk}/", {**NEW_PATIENT, "city": "Lyon"})
    assert edited["Location"] == f"/admin/clinical/patients/inspect/{new.pk}/"  # back to the page
    assert Patient.objects.get(pk=new.pk).city == "Lyon"


def test_admin_create_without_duplicate_saves_at_once():
    created = signed_in("reception").post("/admin/clinical/patients/new/", NEW_PATIENT)
    assert created.status_code == 302 and Patient.objects.filter(last_name="Nouvelle").exists()


def test_api_possible_duplicates_before_create():
    existing = PatientFactory(last_name="Ancienne", email="lea@example.com")
    api = APIClient()
    api.force_authenticate(UserFactory(role="reception", email="desk@api.example"))
    response = api.get("/api/v1/patients/possible-duplicates/", {"email": "Lea@Example.com", "last_name": "Autre"})
    assert response.status_code == 200, response.content
    assert [(row["patient"]["id"], row["reasons"]) for row in response.json()] == [(str(existing.pk), ["same_email"])]
    empty = api.get("/api/v1/patients/possible-duplicates/")
    assert empty.status_code == 422 and empty.json()["code"] == "duplicate_criteria_missing"
    bad_phone = api.get("/api/v1/patients/possible-duplicates/", {"phone": "banana"})
    assert bad_phone.status_code == 400 and bad_phone.json()["code"] == "phone_invalid"
    accounting = APIClient()
    accounting.force_authenticate(UserFactory(role="accounting", email="books@api.example"))
    assert accounting.get("/api/v1/patients/possible-duplicates/", {"email": "lea@example.com"}).status_code == 403


# --- The patient page -----------------------------------------------------------------------------


@pytest.fixture
def full_record():
    patient = PatientFactory(
        first_name="Inès",
        last_name="Moreau",
        email="ines@example.com",
        phone="0622334455",
        birth_date=date(1990, 5, 17),
        preferred_language="hy",
    )
    yerevan = LocationFactory(name="Erevan", timezone="Asia/Yerevan")
    start = datetime(2030, 3, 4, 6, 0, tzinfo=ZoneInfo("UTC"))  # 10:00 in Yerevan, 07:00 in Paris
    AppointmentFactory(
        patient=patient, location=yerevan, scheduled_start=start, scheduled_end=start + timedelta(hours=1)
    )
    return patient


def test_patient_list_row_opens_the_patient_page(full_record):
    html = signed_in("reception").get("/admin/clinical/patients/?q=moreau").content.decode()
    assert f'href="/admin/clinical/patients/inspect/{full_record.pk}/"' in html


def test_reception_page_header_sections_and_actions(full_record):
    html = signed_in("reception").get(f"/admin/clinical/patients/inspect/{full_record.pk}/").content.decode()
    assert "Parle arménien" in html and ">hy<" not in html  # the language by its name
    assert 'href="tel:+33622334455"' in html and 'href="mailto:ines@example.com"' in html
    assert "17 mai 1990" in html
    assert "10:00" in html and "07:00" not in html  # the location's own time
    assert "Photos cliniques" in html and ">clinical_photos<" not in html  # consent labels, not codes
    for section in ("appointments", "consents", "guardians", "sales", "documents"):
        assert f'data-section="{section}"' in html
    for hidden in ("encounters", "photos"):
        assert f'data-section="{hidden}"' not in html
    for action in ("edit", "book", "sell", "consent", "merge"):
        assert f'data-action="{action}"' in html
    assert f"/admin/clinical/patients/edit/{full_record.pk}/" in html
    assert f"?patient={full_record.pk}" in html
    assert 'data-action="export"' not in html and 'data-action="encounter"' not in html


def test_practitioner_page_has_clinical_sections_and_accounting_only_billing(full_record):
    doctor = signed_in("practitioner").get(f"/admin/clinical/patients/inspect/{full_record.pk}/").content.decode()
    for section in ("encounters", "photos", "appointments"):
        assert f'data-section="{section}"' in doctor
    assert 'data-action="export"' in doctor and 'data-action="encounter"' in doctor
    books = signed_in("accounting").get(f"/admin/clinical/patients/inspect/{full_record.pk}/").content.decode()
    assert 'data-section="sales"' in books
    for hidden in ("encounters", "photos", "consents", "guardians", "appointments"):
        assert f'data-section="{hidden}"' not in books
    assert 'data-action="edit"' not in books and 'data-action="book"' not in books


def test_patient_page_queries_do_not_grow_with_the_record(full_record, django_assert_max_num_queries):
    client = signed_in("admin")  # every section
    url = f"/admin/clinical/patients/inspect/{full_record.pk}/"
    client.get(url)  # warm the per-user caches (permissions, settings)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    doctor = PractitionerFactory()
    for days in range(1, 9):
        AppointmentFactory(
            patient=full_record,
            practitioner=doctor,
            location=LocationFactory(),
            scheduled_start=timezone.now() + timedelta(days=days if days % 2 else -days),
        )
        EncounterFactory(patient=full_record, practitioner=PractitionerFactory(), location=LocationFactory())
        services.consent_grant(patient=full_record, consent_type="newsletter", actor=None)
        services.consent_revoke(patient=full_record, consent_type="newsletter", actor=None)
        GuardianFactory(patient=full_record)
        PublicLead.objects.create(type="contact", name="Inès", patient=full_record)
    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    assert response.status_code == 200 and response.content.decode().count('data-section="') >= 8


# --- The sweep: labels, local times, pickers ------------------------------------------------------


def test_encounter_page_shows_times_of_its_location_and_labels():
    yerevan = LocationFactory(name="Erevan", timezone="Asia/Yerevan")
    encounter = EncounterFactory(
        location=yerevan, occurred_at=datetime(2026, 12, 9, 6, 30, tzinfo=ZoneInfo("UTC")), type="follow_up"
    )
    html = signed_in("practitioner").get(f"/admin/clinical/encounters/inspect/{encounter.pk}/").content.decode()
    assert "9 décembre 2026 10:30" in html  # Yerevan's clock (UTC+4), not Paris's 07:30
    assert "Suivi" in html and ">follow_up<" not in html


def test_patient_form_dates_are_pickers_and_never_read_month_first():
    client = signed_in("reception")
    form = client.get("/admin/clinical/patients/new/").content.decode()
    assert 'initDateChooser("id_birth_date", {"dayOfWeekStart": 1, "format": "d/m/Y"})' in form  # as French reads
    for typed in ("2016-12-09", "09/12/2016"):  # the picker's value, or typed the French way
        Patient.objects.filter(last_name="Picker").delete()
        response = client.post(
            "/admin/clinical/patients/new/",
            {**NEW_PATIENT, "last_name": "Picker", "phone": "", "birth_date": typed},
        )
        assert response.status_code == 302, typed
        assert Patient.objects.get(last_name="Picker").birth_date == date(2016, 12, 9)


def test_encounter_and_photo_forms_use_pickers_in_the_admin_language(full_record):
    client = signed_in("practitioner")
    encounter_form = client.get("/admin/clinical/encounters/new/").content.decode()
    assert 'initDateTimeChooser("id_occurred_at", {"dayOfWeekStart": 1, "format": "d/m/Y H:i"' in encounter_form
    page = client.get(f"/admin/clinical/patients/inspect/{full_record.pk}/").content.decode()
    assert 'initDateTimeChooser("id_taken_at", {"dayOfWeekStart": 1, "format": "d/m/Y H:i"' in page


def test_patient_chooser_rows_link_to_the_patient_page(full_record):
    html = signed_in("reception").get("/admin/clinical/patient-chooser/?q=moreau").content.decode()
    assert f"/admin/clinical/patients/inspect/{full_record.pk}/" in html


def test_appointment_page_reads_the_location_clock_and_labels(full_record):
    appointment = full_record.appointments.get()
    html = signed_in("reception").get(f"/admin/clinical/appointments/inspect/{appointment.pk}/").content.decode()
    assert "4 mars 2030, 10:00–11:00" in html and "Asia/Yerevan" in html  # not Paris's 07:00
    assert "Planifié" in html and "Manuel" in html and ">scheduled<" not in html
