"""The messages API (read-only, filtered by appointment or patient), the roles that see it, the
no-show report per reminder channel, and the messages on the admin pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from erp.clinical.agenda import services as agenda_services
from erp.clinical.models import Appointment, AppointmentStatus
from erp.clinical.tests.factories import AppointmentFactory, PatientFactory, PractitionerFactory
from erp.core.tests.factories import UserFactory
from erp.messaging.models import Message, MessageKind, MessageStatus
from erp.messaging.tests.utils import committed

pytestmark = pytest.mark.django_db


def client_for(role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(role=role, email=f"{role}@messages-api.example"))
    return client


def book(patient, days=4):
    start = timezone.now() + datetime.timedelta(days=days)
    with committed():
        return agenda_services.appointment_create(
            data={"patient": patient, "practitioner": PractitionerFactory(), "scheduled_start": start,
                  "scheduled_end": start + datetime.timedelta(minutes=30)},
            actor=UserFactory(role="reception"),
        )


def test_messages_are_listed_by_appointment_and_by_patient(location, patient):
    first, second = book(patient), book(patient, days=6)
    other = book(PatientFactory(email="other@example.org"))
    desk = client_for("reception")
    by_appointment = desk.get("/api/v1/patient-messages/", {"appointment": str(first.pk)}).json()
    assert by_appointment["count"] == 3
    assert {row["kind"] for row in by_appointment["results"]} == {"confirmation", "reminder_first", "reminder_second"}
    confirmation = next(row for row in by_appointment["results"] if row["kind"] == "confirmation")
    assert confirmation["status"] == "sent" and confirmation["channel"] == "email" and confirmation["language"] == "fr"
    assert confirmation["attempts"] == 1 and confirmation["provider_id"]
    by_patient = desk.get("/api/v1/patient-messages/", {"patient": str(patient.pk), "status": "queued"}).json()
    assert by_patient["count"] == 4
    assert {row["appointment"] for row in by_patient["results"]} == {str(first.pk), str(second.pk)}
    assert str(other.pk) not in {row["appointment"] for row in by_patient["results"]}


@pytest.mark.parametrize("role,status", [("admin", 200), ("practitioner", 200), ("reception", 200),
                                         ("marketing", 403), ("accounting", 403)])
def test_who_reads_the_messages(location, role, status):
    assert client_for(role).get("/api/v1/patient-messages/").status_code == status


def test_messages_are_never_written_through_the_api(location, patient):
    message = Message.objects.get(appointment=book(patient), kind=MessageKind.CONFIRMATION)
    admin = client_for("admin")
    url = f"/api/v1/patient-messages/{message.pk}/"
    assert admin.post("/api/v1/patient-messages/", {}, format="json").status_code in (403, 405)
    assert admin.patch(url, {"status": "queued"}, format="json").status_code in (403, 405)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_the_list_costs_the_same_queries_for_5_or_50_messages(location):
    desk = client_for("reception")
    for index in range(17):
        book(PatientFactory(email=f"p{index}@example.org"))

    def queries(size):
        with CaptureQueriesContext(connection) as captured:
            assert desk.get("/api/v1/patient-messages/", {"page_size": size}).status_code == 200
        return len(captured)

    queries(1)  # the first request reads the caller's permissions once
    assert queries(5) == queries(50)


def test_no_show_rate_is_split_by_reminder_channel(location):
    practitioner = PractitionerFactory()
    past = timezone.now() - datetime.timedelta(days=1)

    minutes = iter(range(100))

    def seen(status, channel=None):
        start = past - datetime.timedelta(minutes=next(minutes))
        appointment = AppointmentFactory(practitioner=practitioner, patient=PatientFactory(), scheduled_start=start)
        Appointment.objects.filter(pk=appointment.pk).update(status=status)
        if channel:
            Message.objects.create(
                appointment=appointment, patient=appointment.patient, kind=MessageKind.REMINDER_FIRST,
                slot_start=appointment.scheduled_start, channel=channel, language="fr", recipient="x",
                due_at=appointment.scheduled_start - datetime.timedelta(hours=48), status=MessageStatus.SENT,
                sent_at=appointment.scheduled_start - datetime.timedelta(hours=48),
            )

    seen(AppointmentStatus.NO_SHOW)
    seen(AppointmentStatus.ATTENDED)
    seen(AppointmentStatus.NO_SHOW, "sms")
    seen(AppointmentStatus.ATTENDED, "sms")
    seen(AppointmentStatus.ATTENDED, "sms")
    seen(AppointmentStatus.ATTENDED, "email")
    rows = client_for("reception").get(
        "/api/v1/appointments/no-show-rate/", {"practitioner": str(practitioner.pk)}
    ).json()
    by_channel = {group["channel"]: group for row in rows for group in row["by_reminder"]}
    assert sum(row["due"] for row in rows) == 6
    assert (by_channel["none"]["due"], by_channel["none"]["no_shows"]) == (2, 1)
    assert (by_channel["sms"]["due"], by_channel["sms"]["no_shows"], by_channel["sms"]["rate"]) == (3, 1, "0.3333")
    assert (by_channel["email"]["due"], by_channel["email"]["rate"]) == (1, "0.0000")


def test_the_messages_show_on_the_appointment_and_the_patient_page(location, patient, client):
    appointment = book(patient)
    client.force_login(UserFactory(role="reception", email="pages@example.org"))
    page = client.get(f"/admin/clinical/appointments/inspect/{appointment.pk}/").content.decode()
    assert "Messages au patient" in page and "Confirmation de réservation" in page and "Envoyé" in page
    page = client.get(f"/admin/clinical/patients/inspect/{patient.pk}/").content.decode()
    assert "Messages au patient" in page and "Premier rappel" in page


def test_accounting_sees_no_messages_on_the_patient_page(location, patient, client):
    book(patient)
    client.force_login(UserFactory(role="accounting", email="books@example.org"))
    page = client.get(f"/admin/clinical/patients/inspect/{patient.pk}/")
    assert page.status_code == 200 and "Messages au patient" not in page.content.decode()
