"""Planning and sending appointment messages: contactability, channel, language, quiet hours,
cancellation and reschedule, nothing about the visit beyond date, time, place and practitioner."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from erp.clinical.agenda import services as agenda_services
from erp.clinical.models import Appointment
from erp.clinical.tests.factories import PatientFactory, PractitionerFactory
from erp.core.tests.factories import UserFactory
from erp.messaging import services
from erp.messaging.models import Message, MessageKind, MessageStatus, ReminderSettings, SkipReason
from erp.messaging.selectors import Window, window_for
from erp.messaging.tests.utils import committed
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def paris(day_offset: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=day_offset)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)


@pytest.fixture
def desk():
    return UserFactory(role="reception", email="desk@messages.example")


def book(desk, patient, start, **extra):
    with committed():
        return agenda_services.appointment_create(
            data={
                "patient": patient,
                "practitioner": extra.pop("practitioner", None) or PractitionerFactory(display_name="Dr Claire Martin"),
                "scheduled_start": start,
                "scheduled_end": start + datetime.timedelta(minutes=30),
                "notes": "Acné sévère, isotrétinoïne",  # a health detail that no message may carry
                **extra,
            },
            actor=desk,
        )


def kinds(appointment):
    return {(m.kind, m.status) for m in Message.objects.filter(appointment=appointment)}


def test_booking_sends_the_confirmation_and_plans_both_reminders(location, patient, desk, mailoutbox):
    start = paris(5, 10, 30)
    appointment = book(desk, patient, start)
    assert kinds(appointment) == {
        (MessageKind.CONFIRMATION, MessageStatus.SENT),
        (MessageKind.REMINDER_FIRST, MessageStatus.QUEUED),
        (MessageKind.REMINDER_SECOND, MessageStatus.QUEUED),
    }
    due = {m.kind: m.due_at for m in Message.objects.filter(appointment=appointment)}
    assert due[MessageKind.REMINDER_FIRST] == start - datetime.timedelta(hours=48)
    assert due[MessageKind.REMINDER_SECOND] == start - datetime.timedelta(hours=3)
    [email] = mailoutbox
    assert email.to == ["jeanne@example.org"]
    confirmation = Message.objects.get(appointment=appointment, kind=MessageKind.CONFIRMATION)
    assert confirmation.channel == "email" and confirmation.language == "fr" and confirmation.attempts == 1
    assert confirmation.provider_id == email.extra_headers["Message-ID"]
    html = email.alternatives[0][0]
    for text in (email.body, html, email.subject):
        assert "Acné" not in text and "isotrétinoïne" not in text
    assert "Rendez-vous réservé" in email.subject
    assert "10:30" in email.body and "Dr Claire Martin" in email.body and "12 rue Auber" in email.body
    assert "/appointments/reply/" in email.body and 'src="cid:clinic-logo"' in html
    [logo] = [part for part in email.attachments if part.get_content_type() == "image/png"]
    assert logo["Content-ID"] == "<clinic-logo>"
    assert AuditLog.objects.filter(entity_id=str(confirmation.pk), metadata_json__sent="confirmation").exists()


def test_a_reminder_due_later_is_sent_by_the_dispatcher_once(location, patient, desk, mailoutbox):
    start = paris(5, 10)
    appointment = book(desk, patient, start)
    mailoutbox.clear()
    assert services.messages_claim_due(now=start - datetime.timedelta(hours=49)) == []
    with committed():
        claimed = services.messages_claim_due(now=start - datetime.timedelta(hours=47))
    assert len(claimed) == 1 and len(mailoutbox) == 1
    assert "Rappel" in mailoutbox[0].subject
    assert services.messages_claim_due(now=start - datetime.timedelta(hours=47)) == []
    assert services.message_send(message_id=claimed[0]) is None  # already sent: left alone
    assert len(mailoutbox) == 1
    assert kinds(appointment) >= {(MessageKind.REMINDER_FIRST, MessageStatus.SENT)}


@pytest.mark.parametrize("language,words", [
    ("en", "Appointment booked"), ("ru", "Запись подтверждена"), ("uk", "Запис підтверджено"),
    ("hy", "Այցելությունը ամրագրված է"), ("es", "Cita reservada"), ("fr", "Rendez-vous réservé"),
])
def test_each_message_is_in_the_patients_language(location, desk, mailoutbox, language, words):
    patient = PatientFactory(email=f"{language}@example.org", preferred_language=language)
    book(desk, patient, paris(6, 11))
    [email] = mailoutbox
    assert words in email.subject
    assert Message.objects.get(patient=patient, kind=MessageKind.CONFIRMATION).language == language


def test_sms_for_a_patient_who_prefers_sms(location, desk, mailoutbox, caplog, settings):
    settings.SMS_BACKEND = "console"
    patient = PatientFactory(phone="06 12 34 56 78", email="x@example.org", preferred_contact_method="sms",
                             preferred_language="es")
    with caplog.at_level("INFO", logger="erp.messaging.sms"):
        appointment = book(desk, patient, paris(6, 11))
    confirmation = Message.objects.get(appointment=appointment, kind=MessageKind.CONFIRMATION)
    assert confirmation.channel == "sms" and confirmation.recipient == "+33612345678"
    assert confirmation.status == MessageStatus.SENT and confirmation.provider_id.startswith("console-")
    assert mailoutbox == []
    assert "Su cita en" in caplog.text and "/appointments/reply/" in caplog.text


def test_whatsapp_preference_goes_by_sms_and_no_address_is_not_sent(location, desk, mailoutbox):
    whatsapp = PatientFactory(phone="+33612345679", preferred_contact_method="whatsapp")
    nowhere = PatientFactory(email=None, phone=None)
    first = book(desk, whatsapp, paris(6, 11))
    second = book(desk, nowhere, paris(6, 12))
    assert Message.objects.get(appointment=first, kind=MessageKind.CONFIRMATION).channel == "sms"
    unsent = Message.objects.get(appointment=second, kind=MessageKind.CONFIRMATION)
    assert (unsent.status, unsent.skip_reason) == (MessageStatus.SKIPPED, SkipReason.NO_ADDRESS)


def test_a_patient_who_opted_out_gets_nothing(location, desk, mailoutbox):
    patient = PatientFactory(email="quiet@example.org", contact_opt_out=True)
    appointment = book(desk, patient, paris(5, 10))
    assert {(m.status, m.skip_reason) for m in Message.objects.filter(appointment=appointment)} == {
        (MessageStatus.SKIPPED, SkipReason.NOT_CONTACTABLE)
    }
    assert mailoutbox == []


def test_opting_out_after_booking_stops_the_reminders(location, patient, desk, mailoutbox):
    start = paris(5, 10)
    appointment = book(desk, patient, start)
    patient.contact_opt_out = True
    patient.save()
    with committed():
        services.messages_claim_due(now=start - datetime.timedelta(hours=47))
    reminder = Message.objects.get(appointment=appointment, kind=MessageKind.REMINDER_FIRST)
    assert (reminder.status, reminder.skip_reason) == (MessageStatus.SKIPPED, SkipReason.NOT_CONTACTABLE)
    assert len(mailoutbox) == 1  # the confirmation only


def test_cancelling_drops_the_reminders_and_sends_a_notice(location, patient, desk, mailoutbox):
    start = paris(5, 10)
    appointment = book(desk, patient, start)
    with committed():
        agenda_services.appointment_cancel(appointment=appointment, reason="Patient called", actor=desk)
    assert kinds(appointment) == {
        (MessageKind.CONFIRMATION, MessageStatus.SENT),
        (MessageKind.REMINDER_FIRST, MessageStatus.SKIPPED),
        (MessageKind.REMINDER_SECOND, MessageStatus.SKIPPED),
        (MessageKind.CANCELLATION, MessageStatus.SENT),
    }
    assert "annulé" in mailoutbox[-1].subject
    assert "/appointments/reply/" not in mailoutbox[-1].body  # nothing left to confirm
    # Never a reminder for a cancelled appointment, even one claimed before the cancel.
    with committed():
        services.messages_claim_due(now=start - datetime.timedelta(hours=1))
    assert len(mailoutbox) == 2


def test_a_reminder_claimed_before_the_cancel_is_not_sent(location, patient, desk, mailoutbox):
    appointment = book(desk, patient, paris(5, 10))
    reminder = Message.objects.get(appointment=appointment, kind=MessageKind.REMINDER_FIRST)
    Message.objects.filter(pk=reminder.pk).update(status=MessageStatus.SENDING)
    appointment.refresh_from_db()
    with committed():
        agenda_services.appointment_cancel(appointment=appointment, reason="Patient called", actor=desk)
    mailoutbox.clear()
    services.message_send(message_id=reminder.pk)
    reminder.refresh_from_db()
    assert (reminder.status, reminder.skip_reason) == (MessageStatus.SKIPPED, SkipReason.CANCELLED)
    assert mailoutbox == []


def test_moving_sends_a_reschedule_notice_and_replans_the_reminders(location, patient, desk, mailoutbox):
    start, later = paris(5, 10), paris(7, 15)
    appointment = book(desk, patient, start)
    with committed():
        agenda_services.appointment_update(
            appointment=appointment,
            data={"scheduled_start": later, "scheduled_end": later + datetime.timedelta(minutes=30)},
            actor=desk,
        )
    rows = Message.objects.filter(appointment=appointment)
    assert {(m.kind, m.slot_start, m.status) for m in rows if m.slot_start == start} == {
        (MessageKind.CONFIRMATION, start, MessageStatus.SENT),
        (MessageKind.REMINDER_FIRST, start, MessageStatus.SKIPPED),
        (MessageKind.REMINDER_SECOND, start, MessageStatus.SKIPPED),
    }
    assert {(m.kind, m.status) for m in rows if m.slot_start == later} == {
        (MessageKind.RESCHEDULE, MessageStatus.SENT),
        (MessageKind.REMINDER_FIRST, MessageStatus.QUEUED),
        (MessageKind.REMINDER_SECOND, MessageStatus.QUEUED),
    }
    assert "déplacé" in mailoutbox[-1].subject and "15:00" in mailoutbox[-1].body
    # Planning again changes nothing.
    assert services.appointment_messages_plan(appointment_id=appointment.pk) == []


def test_a_late_booking_gets_no_reminder_already_past(location, patient, desk):
    appointment = book(desk, patient, timezone.now() + datetime.timedelta(hours=20))
    assert {m.kind for m in Message.objects.filter(appointment=appointment)} == {
        MessageKind.CONFIRMATION, MessageKind.REMINDER_SECOND
    }


def test_reminder_offsets_come_from_the_locations_settings(location, patient, desk):
    ReminderSettings.objects.filter(location=location).update(first_reminder_hours=24, second_reminder_hours=None)
    start = paris(5, 10)
    appointment = book(desk, patient, start)
    reminders = Message.objects.filter(appointment=appointment, kind__startswith="reminder")
    expected = [(MessageKind.REMINDER_FIRST, start - datetime.timedelta(hours=24))]
    assert [(m.kind, m.due_at) for m in reminders] == expected


# --- Quiet hours -------------------------------------------------------------------------------


def window(tz="Europe/Paris", start=datetime.time(20), end=datetime.time(8)) -> Window:
    return Window(tz=ZoneInfo(tz), first_hours=48, second_hours=3, quiet_start=start, quiet_end=end)


def test_quiet_hours_a_reminder_waits_for_the_morning_when_the_visit_is_later():
    now = paris(0, 12)
    due = paris(2, 6, 30)  # H-3 of a 9:30 appointment
    assert window().send_time(due, appointment_start=paris(2, 9, 30), now=now) == paris(2, 8)


def test_quiet_hours_a_reminder_goes_the_evening_before_when_the_visit_is_too_early():
    now = paris(0, 12)
    due = paris(2, 4, 30)  # H-3 of a 7:30 appointment: 8:00 would be too late
    assert window().send_time(due, appointment_start=paris(2, 7, 30), now=now) == paris(1, 19, 59)


def test_quiet_hours_are_read_in_the_locations_time_zone():
    # 9:00 in Paris is 12:00 in Yerevan (UTC+4): quiet in Paris terms at 22:00 Yerevan = 19:00 Paris.
    yerevan = window(tz="Asia/Yerevan")
    assert yerevan.is_quiet(paris(1, 19)) and not window().is_quiet(paris(1, 19))
    assert not window().is_quiet(paris(1, 8)) and window().is_quiet(paris(1, 7, 59))


def test_a_booking_in_quiet_hours_waits_for_them_to_end(location, patient, desk, mailoutbox):
    ReminderSettings.objects.filter(location=location).update(
        quiet_hours_start=datetime.time(20), quiet_hours_end=datetime.time(8)
    )
    appointment = book(desk, patient, paris(5, 10))
    late_evening = paris(0, 23)
    Message.objects.filter(appointment=appointment).delete()
    created = services.appointment_messages_plan(appointment_id=appointment.pk, now=late_evening)
    confirmation = next(m for m in created if m.kind == MessageKind.CONFIRMATION)
    assert confirmation.due_at == paris(1, 8)
    assert services.messages_claim_due(now=late_evening) == []
    # The dispatcher, late after a stop, does not send in quiet hours either.
    Message.objects.filter(pk=confirmation.pk).update(due_at=paris(0, 19))
    assert services.messages_claim_due(now=late_evening) == []
    assert Message.objects.get(pk=confirmation.pk).due_at == paris(1, 8)
    with committed():
        assert services.messages_claim_due(now=paris(1, 8, 1)) == [confirmation.pk]


def test_window_of_an_appointment_without_location_is_the_default_locations(location):
    assert window_for(None).quiet_start == window_for(location.pk).quiet_start == datetime.time(0, 0)
    assert str(window_for(None).tz) == "Europe/Paris"


def test_calendly_booking_is_confirmed_and_its_reschedule_is_a_notice_not_a_cancel(location, mailoutbox, settings):
    from erp.clinical.tests.calendly_data import KEY, cancelled, envelope, invitee, post

    settings.CALENDLY_WEBHOOK_SIGNING_KEY = KEY
    old = invitee(email="anna@example.org", start=paris(5, 10))
    with committed():
        post(envelope("invitee.created", old))
    booked = Appointment.objects.get(external_id=old["uri"])
    assert kinds(booked) == {
        (MessageKind.CONFIRMATION, MessageStatus.SENT),
        (MessageKind.REMINDER_FIRST, MessageStatus.QUEUED),
        (MessageKind.REMINDER_SECOND, MessageStatus.QUEUED),
    }
    new = invitee(email="anna@example.org", start=paris(6, 15), old_invitee=old["uri"])
    with committed():
        post(envelope("invitee.canceled", cancelled(old, reason="", rescheduled=True, new_invitee=new["uri"])))
    with committed():
        post(envelope("invitee.created", new))
    assert kinds(booked) == {
        (MessageKind.CONFIRMATION, MessageStatus.SENT),
        (MessageKind.REMINDER_FIRST, MessageStatus.SKIPPED),
        (MessageKind.REMINDER_SECOND, MessageStatus.SKIPPED),
    }
    moved = Appointment.objects.get(external_id=new["uri"])
    assert (MessageKind.RESCHEDULE, MessageStatus.SENT) in kinds(moved)
    assert [m.subject.split(" · ")[0] for m in mailoutbox] == ["Rendez-vous réservé", "Rendez-vous déplacé"]


def test_nothing_is_planned_or_sent_when_the_booking_rolls_back(location, patient, desk, mailoutbox):
    from django.db import transaction

    start = paris(5, 10)
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        agenda_services.appointment_create(
            data={"patient": patient, "practitioner": PractitionerFactory(), "scheduled_start": start,
                  "scheduled_end": start + datetime.timedelta(minutes=30)},
            actor=desk,
        )
        raise RuntimeError("the request failed after the booking")
    assert not Message.objects.exists() and mailoutbox == []


def test_diagnostics_count_failed_stuck_and_overdue_messages(location, patient, desk):
    from erp.messaging.selectors import messages_health
    from erp.ops.diagnostics import run_diagnostics

    appointment = book(desk, patient, paris(5, 10))
    first, second = Message.objects.filter(appointment=appointment, kind__startswith="reminder")
    Message.objects.filter(pk=first.pk).update(status=MessageStatus.FAILED)
    Message.objects.filter(pk=second.pk).update(
        status=MessageStatus.SENDING, updated_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert messages_health() == {"failed": 1, "stuck_sending": 1, "queued_overdue": 0}
    assert run_diagnostics()["patient_messages"]["failed"] == 1
