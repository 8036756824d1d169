"""The same message is never sent twice, even with two workers: real threads, real transactions,
a provider slow enough for both workers to be on the same message at once."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from erp.clinical.tests.factories import AppointmentFactory, PatientFactory
from erp.messaging import services
from erp.messaging.models import Message, MessageKind, MessageStatus
from erp.messaging.tests.fake_brevo import FakeBrevo

pytestmark = pytest.mark.django_db(transaction=True)


def in_threads(count: int, work) -> list:
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return results


@pytest.fixture
def due_reminders(location, settings):
    """Ten reminders due now, by SMS, planned without sending anything."""
    now = timezone.now()
    messages = []
    for _ in range(10):
        appointment = AppointmentFactory(
            patient=PatientFactory(phone="+33612345678", preferred_contact_method="sms"),
            scheduled_start=now + datetime.timedelta(hours=2),
        )
        messages.append(
            Message.objects.create(
                appointment=appointment, patient=appointment.patient, kind=MessageKind.REMINDER_SECOND,
                slot_start=appointment.scheduled_start, channel="sms", recipient="+33612345678", language="fr",
                due_at=now - datetime.timedelta(minutes=1),
            )
        )
    return messages


def test_two_dispatchers_send_each_reminder_once(due_reminders, settings):
    with FakeBrevo(delay=0.2) as brevo:
        settings.SMS_BACKEND, settings.BREVO_API_KEY, settings.BREVO_API_URL = "brevo", "k", brevo.url
        claimed = in_threads(2, services.messages_claim_due)
    assert sorted(id_ for ids in claimed for id_ in ids) == sorted(m.pk for m in due_reminders)
    assert len(brevo.requests) == 10
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}


def test_two_workers_sending_the_same_message_send_it_once(due_reminders, settings):
    message = due_reminders[0]
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING)
    with FakeBrevo(delay=0.5) as brevo:
        settings.SMS_BACKEND, settings.BREVO_API_KEY, settings.BREVO_API_URL = "brevo", "k", brevo.url
        results = in_threads(2, lambda: services.message_send(message_id=message.pk))
    assert len(brevo.requests) == 1
    assert sum(result is not None for result in results) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 1


def test_the_database_refuses_a_second_reminder_of_the_same_slot(due_reminders):
    from django.db import IntegrityError

    first = due_reminders[0]
    with pytest.raises(IntegrityError):
        Message.objects.create(
            appointment=first.appointment, patient=first.patient, kind=first.kind, slot_start=first.slot_start,
            channel="sms", recipient=first.recipient, language="fr", due_at=first.due_at,
        )
