"""The confirm/cancel link of a message: signed, expiring, used once; opening it changes nothing;
the page speaks the patient's language; the appointment changes with an audit row."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from erp.clinical.agenda import services as agenda_services
from erp.clinical.models import AppointmentStatus
from erp.clinical.tests.factories import PatientFactory, PractitionerFactory
from erp.core.tests.factories import UserFactory
from erp.messaging import services
from erp.messaging.models import Message, MessageKind, MessageStatus
from erp.messaging.tests.utils import committed
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(location):
    patient = PatientFactory(email="anna@example.org", preferred_language="ru", first_name="Анна")
    start = timezone.now() + datetime.timedelta(days=4)
    with committed():
        appointment = agenda_services.appointment_create(
            data={"patient": patient, "practitioner": PractitionerFactory(display_name="Dr Claire Martin"),
                  "location": location, "scheduled_start": start,
                  "scheduled_end": start + datetime.timedelta(minutes=30), "notes": "Laser: tache pigmentaire"},
            actor=UserFactory(role="reception", email="link-desk@example.org"),
        )
    return appointment


def link_of(mailoutbox) -> str:
    return re.search(r"https?://\S+/appointments/reply/\S+/", mailoutbox[-1].body).group(0)


def path_of(url: str) -> str:
    return urlsplit(url).path


def test_opening_the_link_shows_the_appointment_in_the_patients_language_and_changes_nothing(booked, mailoutbox):
    page = Client().get(path_of(link_of(mailoutbox)))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ваша запись" in html and "Да, подтверждаю" in html and "Dr Claire Martin" in html
    assert "tache pigmentaire" not in html
    assert page["X-Robots-Tag"] == "noindex"
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.SCHEDULED


def test_confirming_through_the_link_confirms_once_with_an_audit_row(booked, mailoutbox):
    path = path_of(link_of(mailoutbox))
    client = Client()
    answer = client.post(path, {"action": "confirm"})
    assert answer.status_code == 200 and "Ваша запись подтверждена" in answer.content.decode()
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CONFIRMED
    message = Message.objects.get(appointment=booked, kind=MessageKind.CONFIRMATION)
    assert message.link_action == "confirm" and message.link_used_at is not None
    assert AuditLog.objects.filter(entity_id=str(message.pk), metadata_json__link="confirm").exists()
    assert AuditLog.objects.filter(entity_id=str(booked.pk), metadata_json__transition="confirm").exists()
    again = client.post(path, {"action": "cancel"})
    assert again.status_code == 409 and "Эта ссылка уже использована" in again.content.decode()
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CONFIRMED


def test_cancelling_through_the_link_cancels_and_sends_the_notice(booked, mailoutbox):
    with committed():
        Client().post(path_of(link_of(mailoutbox)), {"action": "cancel"})
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CANCELLED
    assert booked.cancellation_reason == "Cancelled by the patient (message link)"
    notice = Message.objects.get(appointment=booked, kind=MessageKind.CANCELLATION)
    assert notice.status == MessageStatus.SENT and "отменена" in mailoutbox[-1].subject
    reminders = Message.objects.filter(appointment=booked, kind__startswith="reminder")
    assert set(reminders.values_list("status", flat=True)) == {MessageStatus.SKIPPED}


def test_an_altered_link_is_refused(booked, mailoutbox):
    path = path_of(link_of(mailoutbox))
    forged = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    page = Client().post(forged, {"action": "cancel"})
    assert page.status_code == 400
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.SCHEDULED


def test_an_expired_link_is_refused(booked, mailoutbox, settings):
    path = path_of(link_of(mailoutbox))
    settings.APPOINTMENT_LINK_MAX_AGE = -1
    page = Client().post(path, {"action": "confirm"})
    assert page.status_code == 400
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.SCHEDULED


def test_the_link_of_a_moved_appointment_no_longer_applies(booked, mailoutbox):
    path = path_of(link_of(mailoutbox))
    later = booked.scheduled_start + datetime.timedelta(days=1)
    with committed():
        agenda_services.appointment_update(
            appointment=booked,
            data={"scheduled_start": later, "scheduled_end": later + datetime.timedelta(minutes=30)},
            actor=UserFactory(role="reception", email="mover@example.org"),
        )
    page = Client().post(path, {"action": "cancel"})
    assert page.status_code == 409
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.SCHEDULED


def test_a_link_after_the_start_no_longer_applies(booked, mailoutbox):
    message = Message.objects.get(appointment=booked, kind=MessageKind.CONFIRMATION)
    token = services.link_token(message)
    from erp.messaging.exceptions import LinkStale

    with pytest.raises(LinkStale):
        services.appointment_reply(token=token, action="confirm", now=booked.scheduled_start)
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.SCHEDULED
