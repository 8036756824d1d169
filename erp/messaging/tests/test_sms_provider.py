"""The Brevo SMS backend through Brevo's official client against a local fake server: what it
sends, the provider id kept, a refusal retried by the task policy and then a failed message."""

import datetime

import pytest
from django.utils import timezone

from erp.clinical.agenda import services as agenda_services
from erp.clinical.tests.factories import PatientFactory, PractitionerFactory
from erp.core.tests.factories import UserFactory
from erp.messaging import services
from erp.messaging.exceptions import MessageDeliveryFailed
from erp.messaging.models import Message, MessageKind, MessageStatus
from erp.messaging.sms import BrevoSmsBackend
from erp.messaging.tests.fake_brevo import FakeBrevo
from erp.messaging.tests.utils import committed
from erp.ops.models import FailedTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def brevo(settings):
    with FakeBrevo() as fake:
        settings.SMS_BACKEND = "brevo"
        settings.BREVO_API_KEY = "test-key"
        settings.BREVO_API_URL = fake.url
        settings.SMS_SENDER = "CliniqueOp"
        yield fake


def book_sms_patient(location, language="ru"):
    patient = PatientFactory(phone="+33612345678", preferred_contact_method="sms", preferred_language=language)
    start = timezone.now() + datetime.timedelta(days=5)
    with committed():
        return agenda_services.appointment_create(
            data={"patient": patient, "practitioner": PractitionerFactory(), "scheduled_start": start,
                  "scheduled_end": start + datetime.timedelta(minutes=30)},
            actor=UserFactory(role="reception", email="sms-desk@example.org"),
        )


def test_brevo_receives_the_sms_and_its_id_is_kept(location, brevo):
    appointment = book_sms_patient(location)
    [request] = brevo.requests
    assert request["path"] == "/v3/transactionalSMS/sms"
    assert request["api_key"] == "test-key"
    body = request["json"]
    assert body["recipient"] == "33612345678" and body["sender"] == "CliniqueOp"
    assert body["type"] == "transactional" and body["unicodeEnabled"] is True
    assert "Ваша запись" in body["content"] and "/appointments/reply/" in body["content"]
    confirmation = Message.objects.get(appointment=appointment, kind=MessageKind.CONFIRMATION)
    assert (confirmation.status, confirmation.provider_id, confirmation.channel) == (MessageStatus.SENT, "1001", "sms")


def test_a_refusal_is_an_attempt_kept_on_the_message_then_a_failed_message(location, brevo):
    brevo.status = 500
    appointment = book_sms_patient(location)
    confirmation = Message.objects.get(appointment=appointment, kind=MessageKind.CONFIRMATION)
    # The first try failed: the message keeps it, claimed for huey's next try (10 s later).
    assert confirmation.status == MessageStatus.SENDING and confirmation.attempts == 1
    assert "500" in confirmation.last_error
    # The task's last try (no retries left): the message is failed, the task in diagnostics.
    from erp.messaging.tasks import message_send_task

    task = message_send_task.s(str(confirmation.pk))
    task.retries = 0
    from huey.contrib.djhuey import HUEY

    HUEY.execute(task)
    confirmation.refresh_from_db()
    assert confirmation.status == MessageStatus.FAILED and confirmation.attempts == 2
    assert FailedTask.objects.filter(task_name__endswith="message_send_task").exists()


def test_the_provider_down_is_a_delivery_failure(settings):
    settings.BREVO_API_KEY = "k"
    settings.BREVO_API_URL = "http://127.0.0.1:9/v3"  # nothing listens on the discard port
    with pytest.raises(MessageDeliveryFailed):
        BrevoSmsBackend().send(to="+33612345678", text="Test")


def test_a_failure_leaves_nothing_half_written(location, brevo):
    brevo.status = 400
    appointment = book_sms_patient(location, language="fr")
    confirmation = Message.objects.get(appointment=appointment, kind=MessageKind.CONFIRMATION)
    with pytest.raises(MessageDeliveryFailed):
        services.message_send(message_id=confirmation.pk)
    confirmation.refresh_from_db()
    assert confirmation.sent_at is None and confirmation.provider_id is None
