"""The scheduler's read (``GET /api/v1/appointments/agenda/``) and the encounter type of a booking."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from erp.clinical.models import Appointment, AppointmentSource, AppointmentStatus
from erp.clinical.tests.factories import AppointmentFactory, LocationFactory, PatientFactory, PractitionerFactory
from erp.core.tests.factories import UserFactory
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db

URL = "/api/v1/appointments/agenda/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def desk():
    return client_for(UserFactory(role="reception", email="desk@scheduler.example"))


def at(hour: int, days: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def appointment(doctor, hour, days=0, **extra) -> Appointment:
    return AppointmentFactory(
        practitioner=doctor, scheduled_start=at(hour, days), scheduled_end=at(hour + 1, days), **extra
    )


def day_range(days=0, length=1) -> dict:
    return {"start": at(0, days).isoformat(), "end": at(0, days + length).isoformat()}


def test_agenda_lists_the_columns_and_the_ranges_appointments_of_a_location(desk):
    alpha, beta = PractitionerFactory(display_name="Dr Alpha"), PractitionerFactory(display_name="Dr Beta")
    PractitionerFactory(display_name="Dr Gone", is_active=False)
    paris, lyon = LocationFactory(name="Paris"), LocationFactory(name="Lyon")
    here = appointment(alpha, 9, patient=PatientFactory(first_name="Anne", last_name="Durand"), location=paris)
    appointment(beta, 10, location=lyon)
    appointment(alpha, 9, days=1, location=paris)  # tomorrow: outside the range
    response = desk.get(URL, {**day_range(), "location": str(paris.pk)})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [p["display_name"] for p in body["practitioners"]] == ["Dr Alpha", "Dr Beta"]
    assert [a["id"] for a in body["appointments"]] == [str(here.pk)]
    row = body["appointments"][0]
    assert row["patient_name"] == here.patient.full_name
    assert row["practitioner"] == str(alpha.pk) and row["practitioner_name"] == "Dr Alpha"
    assert row["status"] == "scheduled" and row["status_label"] == "Planifié"
    assert row["source_label"] == "Manuel"
    assert row["row_version"] == here.row_version
    everywhere = desk.get(URL, day_range()).json()
    assert len(everywhere["appointments"]) == 2


def test_agenda_gives_instants_with_their_offset(desk):
    doctor = PractitionerFactory()
    booked = appointment(doctor, 9)
    row = desk.get(URL, day_range()).json()["appointments"][0]
    start = datetime.datetime.fromisoformat(row["scheduled_start"])
    assert start.tzinfo is not None and start == booked.scheduled_start


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"start": "2026-12-07T10:00:00Z", "end": "2026-12-07T09:00:00Z"}, 422, "agenda_range_invalid"),
        ({"start": "2026-12-01T00:00:00Z", "end": "2027-01-20T00:00:00Z"}, 422, "agenda_range_invalid"),
        ({"start": "2026-12-07T10:00:00Z"}, 400, "required"),
        ({"start": "yesterday", "end": "2026-12-07T09:00:00Z"}, 400, "invalid"),
    ],
)
def test_agenda_refuses_a_bad_range_with_a_message(desk, params, status, code):
    response = desk.get(URL, params)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["detail"]


def test_agenda_is_for_the_front_desk_only():
    for role in ("marketing", "accounting", "distributor"):
        response = client_for(UserFactory(role=role, email=f"{role}@scheduler.example")).get(URL, day_range())
        assert response.status_code == 403, role
    for role in ("admin", "practitioner", "reception"):
        response = client_for(UserFactory(role=role, email=f"{role}@scheduler.example")).get(URL, day_range())
        assert response.status_code == 200, role


def test_agenda_reads_are_audited(desk):
    shown = appointment(PractitionerFactory(), 9)
    desk.get(URL, day_range())
    row = AuditLog.objects.get(entity_id=shown.pk, action="view")
    assert row.metadata_json["via"] == "api_agenda"


def test_agenda_queries_do_not_grow_with_appointments(desk, django_assert_max_num_queries):
    doctors = [PractitionerFactory() for _ in range(3)]
    place = LocationFactory()
    for hour in (8, 10, 12, 14):
        for doctor in doctors:
            appointment(doctor, hour, location=place)
    with django_assert_max_num_queries(8) as few:
        assert len(desk.get(URL, day_range()).json()["appointments"]) == 12
    for doctor in doctors:
        appointment(doctor, 16, location=place, status=AppointmentStatus.CONFIRMED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(desk.get(URL, day_range()).json()["appointments"]) == 15


def test_a_booking_keeps_its_encounter_type_and_the_agenda_labels_it(desk):
    doctor = PractitionerFactory()
    response = desk.post(
        "/api/v1/appointments/",
        {
            "patient": str(PatientFactory().pk),
            "practitioner": str(doctor.pk),
            "scheduled_start": at(9, 2).isoformat(),
            "scheduled_end": at(10, 2).isoformat(),
            "encounter_type": "aesthetic_procedure",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Appointment.objects.get(pk=response.json()["id"]).encounter_type == "aesthetic_procedure"
    row = desk.get(URL, day_range(2)).json()["appointments"][0]
    assert row["encounter_type_label"] == "Acte esthétique"
    wrong = desk.post(
        "/api/v1/appointments/",
        {
            "practitioner": str(doctor.pk),
            "scheduled_start": at(11, 2).isoformat(),
            "scheduled_end": at(12, 2).isoformat(),
            "encounter_type": "massage",
        },
        format="json",
    )
    assert wrong.status_code == 400


def test_agenda_marks_calendly_bookings(desk):
    appointment(PractitionerFactory(), 9, source=AppointmentSource.CALENDLY, external_id="https://calendly/x/1")
    row = desk.get(URL, day_range()).json()["appointments"][0]
    assert row["source"] == "calendly" and row["source_label"] == "Calendly"
