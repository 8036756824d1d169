"""Operations on patient messages: plan them from an appointment's state, claim the due ones (one
worker each), send one, record a failure, and apply the patient's answer to a message's link."""

import datetime
import uuid
from email.mime.image import MIMEImage
from email.utils import make_msgid
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from erp.clinical.models import Appointment, AppointmentStatus
from erp.core.locking import lock_row, lock_rows
from erp.messaging import selectors
from erp.messaging.exceptions import LinkExpired, LinkInvalid, LinkStale, LinkUsed, MessageDeliveryFailed
from erp.messaging.models import (
    LIVE_APPOINTMENT_KINDS,
    REMINDER_KINDS,
    Message,
    MessageChannel,
    MessageKind,
    MessageStatus,
    SkipReason,
)
from erp.messaging.sms import sms_backend
from erp.ops.audit import audit_record

LINK_SALT = "erp.messaging.link"
LIVE_STATUSES = (AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED)
NOTICE_KINDS = (MessageKind.CONFIRMATION, MessageKind.RESCHEDULE)
# How many due messages one pass of the dispatcher claims (the next pass takes the rest).
CLAIM_BATCH = 200


# --- Planning -----------------------------------------------------------------------------------


def _new_message(appointment: Appointment, kind: str, *, due: datetime.datetime) -> Message:
    patient = appointment.patient
    channel, recipient = selectors.contact_route(patient)
    message = Message(
        appointment=appointment,
        patient=patient,
        kind=kind,
        slot_start=appointment.scheduled_start,
        channel=channel,
        recipient=recipient,
        language=selectors.message_language(patient),
        due_at=due,
    )
    if not selectors.patient_reachable(patient):
        message.status, message.skip_reason = MessageStatus.SKIPPED, SkipReason.NOT_CONTACTABLE
    elif channel is None:
        message.status, message.skip_reason = MessageStatus.SKIPPED, SkipReason.NO_ADDRESS
    message.full_clean()
    message.save()
    return message


def appointment_messages_plan(
    *, appointment_id: uuid.UUID, cancellation_notice: bool = True, now: datetime.datetime | None = None
) -> list[Message]:
    """Bring an appointment's messages in line with its state (idempotent): a confirmation when
    booked, a reschedule notice when moved, the reminders of its current time, a cancellation
    notice when cancelled; queued messages that no longer apply are not sent. The new messages."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = lock_row(
            Appointment.all_objects.select_related("patient"), of=("self",), missing_ok=True, pk=appointment_id
        )
        if appointment is None or appointment.patient is None:
            return []
        messages = lock_rows(Message.objects.filter(appointment=appointment))
        live = appointment.status in LIVE_STATUSES and not appointment.is_deleted
        slot = appointment.scheduled_start
        for message in messages:
            if message.status != MessageStatus.QUEUED or message.kind not in LIVE_APPOINTMENT_KINDS:
                continue
            if not live or message.slot_start != slot:
                message.status = MessageStatus.SKIPPED
                message.skip_reason = SkipReason.MOVED if live else SkipReason.CANCELLED
                message.save(update_fields=["status", "skip_reason", "updated_at"])
        if slot <= now:
            return []
        window = selectors.window_for(appointment.location_id)
        planned = {(message.kind, message.slot_start) for message in messages}
        wanted: list[tuple[str, datetime.datetime]] = []
        if not live:
            if appointment.status == AppointmentStatus.CANCELLED and cancellation_notice:
                wanted.append((MessageKind.CANCELLATION, now))
        else:
            told = [message for message in messages if message.kind in NOTICE_KINDS]
            if not any(message.slot_start == slot for message in told):
                moved = told or appointment.rescheduled_from_id is not None
                wanted.append((MessageKind.RESCHEDULE if moved else MessageKind.CONFIRMATION, now))
            for kind, offset in window.offsets().items():
                if slot - offset > now:  # booked after its time: the confirmation says it all
                    wanted.append((kind, slot - offset))
        created = []
        for kind, due in wanted:
            if (kind, slot) not in planned:
                due = window.send_time(due, appointment_start=slot, now=now)
                created.append(_new_message(appointment, kind, due=due))
        if created:
            audit_record(
                actor=None,
                action="update",
                entity=appointment,
                metadata={"messages_planned": [f"{m.kind}:{m.status}" for m in created]},
            )
        if any(m.status == MessageStatus.QUEUED and m.due_at <= now for m in created):
            transaction.on_commit(lambda: _dispatch_soon(appointment.pk))
    return created


def _dispatch_soon(appointment_id) -> None:
    from erp.messaging.tasks import messages_dispatch_for

    messages_dispatch_for(str(appointment_id))


# --- Claiming and sending -----------------------------------------------------------------------


def messages_claim_due(*, now: datetime.datetime | None = None, appointment_id=None) -> list[uuid.UUID]:
    """Claim the queued messages that are due (``queued`` -> ``sending``) and queue their sending.
    Rows another worker is claiming are skipped (``skip_locked``), so each message is claimed by
    one worker; a message due in its location's quiet hours waits for them to end."""
    now = now or timezone.now()
    with transaction.atomic():
        due = Message.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            status=MessageStatus.QUEUED, due_at__lte=now
        )
        if appointment_id is not None:
            due = due.filter(appointment_id=appointment_id)
        rows = list(due.select_related("appointment").order_by("due_at")[:CLAIM_BATCH])
        windows: dict = {}
        claimed = []
        for message in rows:
            appointment = message.appointment
            if appointment.location_id not in windows:
                windows[appointment.location_id] = selectors.window_for(appointment.location_id)
            window = windows[appointment.location_id]
            if message.kind in REMINDER_KINDS and appointment.scheduled_start <= now:
                message.status, message.skip_reason = MessageStatus.SKIPPED, SkipReason.TOO_LATE
            elif window.is_quiet(now):
                message.due_at = window.send_time(now, appointment_start=appointment.scheduled_start, now=now)
                if message.due_at <= now:  # nothing better than now (the appointment comes first)
                    message.status = MessageStatus.SENDING
            else:
                message.status = MessageStatus.SENDING
            message.save(update_fields=["status", "skip_reason", "due_at", "updated_at"])
            if message.status == MessageStatus.SENDING:
                claimed.append(message.pk)
        if claimed:
            transaction.on_commit(lambda: _send_each(claimed))
    return claimed


def _send_each(message_ids) -> None:
    from erp.messaging.tasks import message_send_task

    for message_id in message_ids:
        message_send_task(str(message_id))


def message_send(*, message_id: uuid.UUID, now: datetime.datetime | None = None) -> Message | None:
    """Send one claimed message, once: its row stays locked while it goes out, and a message that
    is not ``sending`` any more (sent, or taken by another worker) is left alone. A message about
    a cancelled appointment, or to a patient who may no longer be contacted, is not sent.
    Raises ``MessageDeliveryFailed`` (nothing recorded: see ``message_send_failed``)."""
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("appointment", "appointment__location", "appointment__practitioner", "patient")
            .filter(pk=message_id, status=MessageStatus.SENDING)
            .first()
        )
        if message is None:
            return None
        appointment = message.appointment
        skip = None
        if message.kind in LIVE_APPOINTMENT_KINDS and appointment.status not in LIVE_STATUSES:
            skip = SkipReason.CANCELLED
        elif message.kind in LIVE_APPOINTMENT_KINDS and appointment.scheduled_start != message.slot_start:
            skip = SkipReason.MOVED
        elif not selectors.patient_reachable(message.patient):
            skip = SkipReason.NOT_CONTACTABLE
        if skip is not None:
            message.status, message.skip_reason = MessageStatus.SKIPPED, skip
            message.save(update_fields=["status", "skip_reason", "updated_at"])
            return message
        message.attempts += 1
        message.provider_id = _deliver(message)
        message.status = MessageStatus.SENT
        message.sent_at = now
        message.last_error = None
        message.save()
        audit_record(
            actor=None, action="create", entity=message, metadata={"sent": message.kind, "channel": message.channel}
        )
    return message


def message_send_failed(*, message_id: uuid.UUID, error: str, final: bool) -> Message | None:
    """Record a failed try; after the last one the message is ``failed`` (shown on the appointment
    and the patient, the task in diagnostics), before it stays claimed for the task's next try."""
    with transaction.atomic():
        message = lock_row(Message.objects, missing_ok=True, pk=message_id, status=MessageStatus.SENDING)
        if message is None:
            return None
        message.attempts += 1
        message.last_error = error[:2000]
        if final:
            message.status = MessageStatus.FAILED
        message.save(update_fields=["attempts", "last_error", "status", "updated_at"])
        if final:
            audit_record(actor=None, action="update", entity=message, metadata={"failed": message.kind})
    return message


# --- Content ------------------------------------------------------------------------------------


def link_token(message: Message) -> str:
    return signing.dumps({"m": str(message.pk)}, salt=LINK_SALT, compress=True)


def link_url(message: Message) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("appointment-reply", args=[link_token(message)])


def clinic_name() -> str:
    from wagtail.models import Site

    from cms.website.models import WebsiteSettings

    site = Site.objects.filter(is_default_site=True).first()
    name = WebsiteSettings.for_site(site).clinic_name if site is not None else ""
    return name or settings.WAGTAIL_SITE_NAME


def message_context(message: Message) -> dict:
    """What a message says: date, time, place and practitioner; nothing else about the visit."""
    appointment = message.appointment
    location = appointment.location or selectors.default_location()
    window = selectors.window_for(appointment.location_id)
    place = ", ".join(
        part for part in (location.name, location.address_line1, " ".join(
            p for p in (location.postal_code, location.city) if p
        )) if part
    ) if location is not None else ""
    with translation.override(message.language), timezone.override(window.tz):
        return {
            "kind": message.kind,
            "language": message.language,
            "clinic": clinic_name(),
            "first_name": message.patient.first_name,
            "start": timezone.localtime(message.slot_start),
            "place": place,
            "practitioner": appointment.practitioner.display_name if appointment.practitioner else "",
            "link": link_url(message) if message.kind != MessageKind.CANCELLATION else None,
            "tz": window.tz,
        }


def message_render(message: Message) -> dict[str, str]:
    """``subject``, ``text``, ``html`` (e-mail) and ``sms`` in the patient's language."""
    context = message_context(message)
    with translation.override(message.language), timezone.override(context["tz"]):
        return {
            "subject": render_to_string("messaging/email/subject.txt", context).strip(),
            "text": render_to_string("messaging/email/message.txt", context),
            "html": render_to_string("messaging/email/message.html", context),
            "sms": " ".join(render_to_string("messaging/sms.txt", context).split()),
        }


@lru_cache(maxsize=1)
def _logo() -> bytes:
    return Path(finders.find("messaging/clinic-logo.png")).read_bytes()


def _deliver(message: Message) -> str:
    """Hand the message to the mail server or the SMS provider; the provider's id."""
    content = message_render(message)
    try:
        if message.channel == MessageChannel.SMS:
            return sms_backend().send(to=message.recipient, text=content["sms"])
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or None
        message_id = make_msgid(domain=domain)
        email = EmailMultiAlternatives(
            subject=content["subject"],
            body=content["text"],
            to=[message.recipient],
            headers={"Message-ID": message_id},
        )
        email.mixed_subtype = "related"  # the logo is shown inline, not as an attachment
        email.attach_alternative(content["html"], "text/html")
        logo = MIMEImage(_logo(), "png")
        logo.add_header("Content-ID", "<clinic-logo>")
        logo.add_header("Content-Disposition", "inline", filename="logo.png")
        email.attach(logo)
        email.send()
        return message_id
    except MessageDeliveryFailed:
        raise
    except Exception as error:  # SMTP and socket errors: the server refused or was not reached
        raise MessageDeliveryFailed(f"{type(error).__name__}: {error}") from error


# --- The patient's answer -----------------------------------------------------------------------


def link_message(token: str) -> Message:
    """The message behind a link (raises ``LinkInvalid`` or ``LinkExpired``)."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=settings.APPOINTMENT_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkExpired("This link has expired.") from None
    except signing.BadSignature:
        raise LinkInvalid("This link is not valid.") from None
    message = (
        Message.objects.select_related("appointment", "appointment__location", "appointment__practitioner", "patient")
        .filter(pk=data.get("m"))
        .first()
    )
    if message is None:
        raise LinkInvalid("This link is not valid.")
    return message


def link_check(message: Message, *, now: datetime.datetime | None = None) -> None:
    appointment = message.appointment
    if message.link_used_at is not None:
        raise LinkUsed("This link has already been used.")
    if message.kind == MessageKind.CANCELLATION or appointment.status not in LIVE_STATUSES:
        raise LinkStale("This appointment can no longer be changed here.")
    if appointment.scheduled_start != message.slot_start or appointment.scheduled_start <= (now or timezone.now()):
        raise LinkStale("This appointment can no longer be changed here.")


def appointment_reply(*, token: str, action: str, now: datetime.datetime | None = None) -> Message:
    """The patient confirms or cancels through a message's link: signed, expiring, used once.
    The appointment changes through the clinical services (their audit rows) and the link's use
    is audited on the message."""
    from erp.clinical.agenda.services import appointment_cancel, appointment_confirm

    if action not in ("confirm", "cancel"):
        raise LinkInvalid("Choose confirm or cancel.", field="action")
    message = link_message(token)
    with transaction.atomic():
        # Lock order: the appointment, then its messages (as the planning does).
        appointment = lock_row(Appointment.all_objects, of=("self",), pk=message.appointment_id)
        message = lock_row(Message.objects.select_related("patient"), of=("self",), pk=message.pk)
        message.appointment = appointment
        link_check(message, now=now)
        if action == "confirm":
            appointment_confirm(appointment=appointment, actor=None)
        else:
            appointment_cancel(appointment=appointment, reason="Cancelled by the patient (message link)", actor=None)
        message.link_used_at = now or timezone.now()
        message.link_action = action
        message.save(update_fields=["link_used_at", "link_action", "updated_at"])
        audit_record(actor=None, action="update", entity=message, metadata={"link": action, "via": "patient_link"})
    return message
