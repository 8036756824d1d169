"""The agenda API: booking, filters, status changes, no-show report, calendar feed, roles."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from erp.clinical.agenda import services as agenda_services
from erp.clinical.models import Appointment, AppointmentStatus, Encounter, PractitionerCalendarFeed
from erp.clinical.tests.factories import AppointmentFactory, LocationFactory, PatientFactory, PractitionerFactory
from erp.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ("admin", "practitioner", "reception", "marketing", "accounting")


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def at(hour, minute=0, days=2):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def doctor():
    return PractitionerFactory()


@pytest.fixture
def desk():
    return client_for(UserFactory(role="reception", email="desk@api.example"))


def booking(doctor, start, minutes=30, **extra):
    return {
        "patient": str(PatientFactory().pk),
        "practitioner": str(doctor.pk),
        "scheduled_start": start.isoformat(),
        "scheduled_end": (start + datetime.timedelta(minutes=minutes)).isoformat(),
        **extra,
    }


def test_book_and_overlap_409_names_the_slot(doctor, desk):
    response = desk.post("/api/v1/appointments/", booking(doctor, at(10), 60), format="json")
    assert response.status_code == 201, response.content
    assert response["ETag"]
    first = response.json()
    assert first["status"] == "scheduled" and first["source"] == "manual"
    clash = desk.post("/api/v1/appointments/", booking(doctor, at(10, 30)), format="json")
    assert clash.status_code == 409
    body = clash.json()
    assert body["code"] == "appointment_overlap"
    assert body["conflicting_appointment"]["id"] == first["id"]
    start = datetime.datetime.fromisoformat(body["conflicting_appointment"]["scheduled_start"])
    assert start == at(10) and start.utcoffset() == datetime.timedelta(0)  # the API speaks UTC


def test_end_before_start_is_400(doctor, desk):
    response = desk.post("/api/v1/appointments/", booking(doctor, at(10), -15), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "appointment_times_invalid"


def test_status_read_only_and_move_needs_if_match(doctor, desk):
    created = desk.post("/api/v1/appointments/", booking(doctor, at(10)), format="json").json()
    url = f"/api/v1/appointments/{created['id']}/"
    assert desk.patch(url, {"notes": "x"}, format="json").status_code == 428
    etag = desk.get(url)["ETag"]
    response = desk.patch(url, {"notes": "x", "status": "attended"}, format="json", HTTP_IF_MATCH=etag)
    assert (response.status_code, response.json()["code"]) == (400, "unknown_field")  # status moves by actions
    response = desk.patch(url, {"notes": "x"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["status"] == "scheduled" and response.json()["notes"] == "x"


def test_transitions_through_the_api(doctor):
    doctor_client = client_for(doctor.user)
    appointment = AppointmentFactory(practitioner=doctor, location=LocationFactory())
    base = f"/api/v1/appointments/{appointment.pk}"
    assert doctor_client.post(f"{base}/attend/", {}, format="json").status_code == 409
    assert doctor_client.post(f"{base}/confirm/").json()["status"] == "confirmed"
    response = doctor_client.post(f"{base}/attend/", {"open_encounter": True}, format="json")
    assert response.status_code == 200, response.content
    encounter = Encounter.objects.get(pk=response.json()["encounter"])
    assert encounter.patient_id == appointment.patient_id and encounter.status == "draft"
    assert doctor_client.post(f"{base}/cancel/", {"reason": "x"}, format="json").status_code == 409


def test_cancel_and_no_show_through_the_api(doctor, desk):
    appointment = AppointmentFactory(practitioner=doctor)
    base = f"/api/v1/appointments/{appointment.pk}"
    missing = desk.post(f"{base}/cancel/", {}, format="json")
    assert missing.status_code == 400
    early = desk.post(f"{base}/no-show/", {}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "appointment_not_started"
    response = desk.post(f"{base}/cancel/", {"reason": "Patient called"}, format="json")
    assert response.json()["status"] == "cancelled" and response.json()["cancellation_reason"] == "Patient called"
    past = AppointmentFactory(
        practitioner=doctor,
        scheduled_start=timezone.now() - datetime.timedelta(hours=2),
        scheduled_end=timezone.now() - datetime.timedelta(hours=1),
    )
    response = desk.post(f"/api/v1/appointments/{past.pk}/no-show/", {"reason": "no answer"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "no_show"


def test_reception_cannot_open_an_encounter(doctor, desk):
    appointment = agenda_services.appointment_confirm(appointment=AppointmentFactory(practitioner=doctor), actor=None)
    response = desk.post(f"/api/v1/appointments/{appointment.pk}/attend/", {"open_encounter": True}, format="json")
    assert response.status_code == 403
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.CONFIRMED


def test_filters_practitioner_location_dates_status(doctor, desk):
    paris, lyon = LocationFactory(name="Paris"), LocationFactory(name="Lyon")
    other = PractitionerFactory()
    a = AppointmentFactory(practitioner=doctor, location=paris, scheduled_start=at(9), scheduled_end=at(10))
    b = AppointmentFactory(practitioner=other, location=lyon, scheduled_start=at(9), scheduled_end=at(10))
    c = AppointmentFactory(
        practitioner=doctor, location=lyon, scheduled_start=at(9, days=5), scheduled_end=at(10, days=5)
    )
    agenda_services.appointment_confirm(appointment=c, actor=None)

    def ids(query):
        response = desk.get(f"/api/v1/appointments/?{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(f"practitioner={doctor.pk}") == {str(a.pk), str(c.pk)}
    assert ids(f"location={lyon.pk}") == {str(b.pk), str(c.pk)}
    day = at(9).date().isoformat()
    assert ids(f"date_from={day}&date_to={day}") == {str(a.pk), str(b.pk)}
    assert ids("status=confirmed") == {str(c.pk)}
    start_from = at(0, days=3).isoformat().replace("+", "%2B")
    assert ids(f"start_from={start_from}") == {str(c.pk)}


def test_no_show_rate_endpoint(doctor, desk):
    now = timezone.now()
    for hours in (2, 3):
        AppointmentFactory(
            practitioner=doctor,
            scheduled_start=now - datetime.timedelta(hours=hours),
            scheduled_end=now - datetime.timedelta(hours=hours - 1),
        )
    missed = Appointment.objects.filter(practitioner=doctor).first()
    agenda_services.appointment_mark_no_show(appointment=missed, actor=None)
    response = desk.get(f"/api/v1/appointments/no-show-rate/?practitioner={doctor.pk}")
    assert response.status_code == 200, response.content
    rows = response.json()
    assert sum(row["due"] for row in rows) == 2 and sum(row["no_shows"] for row in rows) == 1
    assert rows[0]["practitioner"] == str(doctor.pk)
    marketing = client_for(UserFactory(role="marketing", email="mk@api.example"))
    assert marketing.get("/api/v1/appointments/no-show-rate/").status_code == 403


def test_calendar_feed_mine_and_rotate(doctor):
    client = client_for(doctor.user)
    mine = client.get("/api/v1/agenda-feeds/mine/")
    assert mine.status_code == 200, mine.content
    url = mine.json()["url"]
    token = PractitionerCalendarFeed.objects.get(practitioner=doctor).token
    assert url.endswith(f"/api/v1/agenda/{token}.ics")
    rotated = client.post("/api/v1/agenda-feeds/rotate/", {}, format="json")
    assert rotated.status_code == 200
    assert rotated.json()["url"] != url and rotated.json()["rotated_at"]
    # Another practitioner's feed: admin only.
    other = PractitionerFactory()
    refused = client.post("/api/v1/agenda-feeds/rotate/", {"practitioner": str(other.pk)}, format="json")
    assert refused.status_code == 403
    admin = client_for(UserFactory(role="admin", email="boss@api.example"))
    assert admin.post("/api/v1/agenda-feeds/rotate/", {"practitioner": str(other.pk)}, format="json").status_code == 200
    # Reception is no practitioner: no feed of its own.
    desk = client_for(UserFactory(role="reception", email="d@api.example"))
    assert desk.get("/api/v1/agenda-feeds/mine/").status_code == 404


READS = {
    "appointments": ("/api/v1/appointments/", {"admin": 200, "practitioner": 200, "reception": 200}),
    "deliveries": ("/api/v1/integrations/calendly/deliveries/", {"admin": 200, "practitioner": 200, "reception": 200}),
}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_for_agenda_reads(role):
    client = client_for(UserFactory(role=role, email=f"{role}@roles.example"))
    for url, expected in READS.values():
        assert client.get(url).status_code == expected.get(role, 403), (role, url)


def test_no_show_rate_date_range_and_delete_needs_if_match(doctor, desk):
    now = timezone.now()
    old = AppointmentFactory(
        practitioner=doctor,
        scheduled_start=now - datetime.timedelta(days=60),
        scheduled_end=now - datetime.timedelta(days=60) + datetime.timedelta(minutes=30),
    )
    agenda_services.appointment_mark_no_show(appointment=old, actor=None)
    recent_day = timezone.localdate() - datetime.timedelta(days=10)
    rows = desk.get(f"/api/v1/appointments/no-show-rate/?date_from={recent_day.isoformat()}").json()
    assert sum(row["no_shows"] for row in rows) == 0
    rows = desk.get("/api/v1/appointments/no-show-rate/").json()
    assert sum(row["no_shows"] for row in rows) == 1 and rows[0]["rate"] == "1.0000"
    upcoming = AppointmentFactory(practitioner=doctor)
    url = f"/api/v1/appointments/{upcoming.pk}/"
    assert desk.delete(url).status_code == 428
    assert desk.delete(url, HTTP_IF_MATCH=desk.get(url)["ETag"]).status_code == 204
    assert Appointment.all_objects.get(pk=upcoming.pk).is_deleted
    assert (
        desk.delete(
            f"/api/v1/appointments/{old.pk}/", HTTP_IF_MATCH=desk.get(f"/api/v1/appointments/{old.pk}/")["ETag"]
        ).status_code
        == 409
    )
