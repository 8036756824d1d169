"""Calendly webhook: signature check, storage of each delivery, and its idempotent application.

A delivery is stored (and committed) before it is processed, so a failure leaves a row that can
be replayed from the admin. Processing is idempotent: the appointment is keyed by the invitee
URI (unique ``external_id``) and every change happens under that row's lock, so the same event
twice, or many copies at once, give one appointment; events arriving out of order converge.
"""

import hashlib
import hmac
import json
import logging
import math
import os
import time
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from erp.clinical.exceptions import CalendlyPayloadInvalid, CalendlyPayloadRefused, InvalidPhoneNumber
from erp.clinical.models import (
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    CalendlyDelivery,
    CalendlyOutcome,
    DuplicateReason,
    IdentityConfidence,
    Patient,
    ReferralSource,
    normalize_email,
    normalize_name,
    phone_to_e164,
)
from erp.clinical.services import patient_identity_lock
from erp.core.locking import lock_row
from erp.core.models import AppSettings, ClinicLocation, Practitioner
from erp.messaging.tasks import appointment_changed
from erp.ops.audit import audit_record

logger = logging.getLogger("erp.clinical.agenda.calendly")

SIGNATURE_HEADER = "Calendly-Webhook-Signature"
SIGNING_KEY_SETTING = "CALENDLY_WEBHOOK_SIGNING_KEY"
# A signature older than this is refused (replay protection).
SIGNATURE_TOLERANCE_SECONDS = 180


class SignatureRefused(Exception):
    """The delivery is not proven to come from Calendly (answered 401, nothing stored)."""


def signing_key() -> str | None:
    return getattr(settings, SIGNING_KEY_SETTING, None) or os.environ.get(SIGNING_KEY_SETTING) or None


def signature_verify(*, header: str | None, body: bytes, key: str | None, now: float | None = None) -> None:
    """Check ``t=<unix>,v1=<hex>``: HMAC-SHA256 of ``"{t}.{body}"``, constant-time, at most 3 minutes old."""
    if not key:
        raise SignatureRefused(_("no signing key is configured"))
    if not header:
        raise SignatureRefused(_("missing signature header"))
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        name, _sep, value = item.strip().partition("=")
        parts.setdefault(name, []).append(value)
    timestamp, signatures = (parts.get("t") or [""])[0], parts.get("v1") or []
    if not timestamp.isdigit() or not signatures:
        raise SignatureRefused(_("malformed signature header"))
    age = (now if now is not None else time.time()) - int(timestamp)
    if age > SIGNATURE_TOLERANCE_SECONDS or age < -SIGNATURE_TOLERANCE_SECONDS:
        raise SignatureRefused(_("stale signature timestamp"))
    expected = hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, candidate.strip().lower()) for candidate in signatures):
        raise SignatureRefused(_("signature mismatch"))


# --- Storing deliveries -------------------------------------------------------------------------


def _invitee_uri(event_type: str, payload: dict[str, Any]) -> str | None:
    if event_type.startswith("invitee_no_show."):
        # An InviteeNoShow names its invitee; an invitee snapshot is the invitee itself.
        invitee = payload.get("invitee")
        if isinstance(invitee, str):
            return invitee
        if isinstance(invitee, dict):
            return invitee.get("uri")
    return payload.get("uri")


def dedup_key(body: dict[str, Any]) -> str:
    payload = body.get("payload") if isinstance(body.get("payload"), dict) else {}
    event_type = str(body.get("event") or "")
    material = "|".join([event_type, str(body.get("created_at") or ""), str(_invitee_uri(event_type, payload) or "")])
    return hashlib.sha256(material.encode()).hexdigest()


# Calendly's envelopes nest about six levels deep; anything far deeper is not one of them.
MAX_PAYLOAD_DEPTH = 32


def _unstorable(document: Any) -> str | None:
    """Why PostgreSQL's jsonb cannot hold ``document`` (too deep, a NUL, a lone surrogate, a
    number out of range), or None. Walked without recursion, so any depth is safe to check."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_PAYLOAD_DEPTH:
                return _("The body is nested more than %(depth)d levels deep.") % {"depth": MAX_PAYLOAD_DEPTH}
            if isinstance(value, dict):
                stack.extend((key, depth) for key in value)
                stack.extend((item, depth + 1) for item in value.values())
            else:
                stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            if "\x00" in value:
                return _("The body holds a NUL character (\\u0000), which cannot be stored.")
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return _("The body holds a lone UTF-16 surrogate (such as \\ud800), which is not text.")
        elif isinstance(value, float) and not math.isfinite(value):
            return _("The body holds a number out of range (NaN or infinite).")
    return None


def payload_parse(body: bytes) -> dict[str, Any]:
    """The delivery's body as a JSON object PostgreSQL can store; ``CalendlyPayloadRefused`` else."""
    try:
        document = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise CalendlyPayloadRefused(_("The body is not UTF-8 text.")) from error
    except RecursionError as error:
        raise CalendlyPayloadRefused(
            _("The body is nested more than %(depth)d levels deep.") % {"depth": MAX_PAYLOAD_DEPTH}
        ) from error
    except ValueError as error:
        raise CalendlyPayloadRefused(_("The body is not JSON: %(error)s.") % {"error": error}) from error
    if not isinstance(document, dict):
        raise CalendlyPayloadRefused(_("The body is JSON but not an object."))
    problem = _unstorable(document)
    if problem is not None:
        raise CalendlyPayloadRefused(problem)
    return document


def delivery_store(*, body: bytes) -> CalendlyDelivery:
    """Keep the delivery as received (committed on its own, before any processing): its bytes
    always, its parsed payload when the body is a JSON object PostgreSQL can store. Otherwise the
    delivery is ``invalid`` (its error says why) and is not processed."""
    now = timezone.now()
    try:
        document = payload_parse(body)
    except CalendlyPayloadRefused as refusal:
        with transaction.atomic():
            return CalendlyDelivery.objects.create(
                event_type="unknown",
                payload=None,
                raw_body=body,
                received_at=now,
                dedup_key=hashlib.sha256(body).hexdigest(),
                outcome=CalendlyOutcome.INVALID,
                error=refusal.message,
                processed_at=now,
            )
    with transaction.atomic():
        return CalendlyDelivery.objects.create(
            event_type=str(document.get("event") or "unknown")[:100],
            payload=document,
            raw_body=body,
            received_at=now,
            dedup_key=dedup_key(document),
        )


# --- Applying deliveries ------------------------------------------------------------------------


def _when(value: Any, name: str) -> datetime:
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise CalendlyPayloadInvalid(_("%(name)s is missing or not a date-time.") % {"name": name}, field=name)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, timezone.UTC)


def default_location() -> ClinicLocation | None:
    """The app settings' default location when the core has one, else the only active location."""
    location = getattr(AppSettings.load(), "default_location", None)
    if location is not None:
        return location
    active = list(ClinicLocation.objects.filter(is_active=True).order_by("name")[:2])
    return active[0] if len(active) == 1 else None


def _practitioner(event: dict[str, Any]) -> Practitioner | None:
    for membership in event.get("event_memberships") or []:
        email = (membership or {}).get("user_email")
        if email:
            found = Practitioner.objects.filter(user__email__iexact=email.strip()).first()
            if found is not None:
                return found
    return None


PHONE_QUESTION_WORDS = ("phone", "téléphone", "telephone", "mobile", "tel", "whatsapp", "телефон")


def _phone(payload: dict[str, Any]) -> str | None:
    if payload.get("text_reminder_number"):
        return str(payload["text_reminder_number"])
    for item in payload.get("questions_and_answers") or []:
        question = str((item or {}).get("question") or "").casefold()
        if any(word in question for word in PHONE_QUESTION_WORDS) and item.get("answer"):
            return str(item["answer"])
    return None


def _e164(phone: str | None) -> str | None:
    try:
        return phone_to_e164(phone, AppSettings.load().default_country_code)
    except InvalidPhoneNumber:
        return None


def _by_email(live, email: str, name: str) -> Patient | None:
    """The live patient with this e-mail; when a family shares it, the one of the same name, else
    the oldest."""
    found = list(live.filter(email=email)[:20])
    same_name = [p for p in found if name and p.full_name_normalized == name]
    return (same_name or found or [None])[0]


def patient_match_or_create(*, payload: dict[str, Any]) -> Patient:
    """The invitee's patient, found by e-mail only (case-insensitive). A phone is not proof of
    identity (families share one, numbers change hands): a known phone with another e-mail gives a
    new low-confidence patient flagged as a possible duplicate of the phone's patient, for
    reception to merge or dismiss; never a booking on someone else's record.

    Runs inside the delivery's transaction and locks the e-mail first, so two bookings with the
    same new e-mail at the same moment give one patient."""
    email = normalize_email(payload.get("email"))
    phone = _phone(payload)
    e164 = _e164(phone)
    name = (payload.get("name") or "").strip()
    first_name = (payload.get("first_name") or "").strip()
    last_name = (payload.get("last_name") or "").strip()
    if not (first_name or last_name):
        first_name, _sep, last_name = name.partition(" ")
    first_name, last_name = first_name[:150] or "?", last_name[:150] or "?"
    if email or e164:
        patient_identity_lock(f"email:{email}" if email else f"phone:{e164}")
    live = Patient.objects.filter(is_merged=False).order_by("created_at", "id")
    if email and (found := _by_email(live, email, normalize_name(f"{first_name} {last_name}"))):
        return found
    same_phone = live.filter(phone_e164=e164).first() if e164 else None
    website, _created = ReferralSource.objects.get_or_create(code="website", defaults={"label": "Website"})
    patient = Patient.objects.create(
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone if e164 else None,
        identity_confidence=IdentityConfidence.LOW,
        referral_source=website,
        referral_details="Calendly booking",
        possible_duplicate_of=same_phone,
        possible_duplicate_reason=DuplicateReason.SAME_PHONE_OTHER_EMAIL if same_phone else None,
    )
    metadata = {"via": "calendly"}
    if same_phone is not None:
        metadata["possible_duplicate_of"] = str(same_phone.pk)
        metadata["possible_duplicate_reason"] = DuplicateReason.SAME_PHONE_OTHER_EMAIL.value
        logger.info("Calendly patient %s may be the same person as %s (same phone)", patient.pk, same_phone.pk)
    audit_record(actor=None, action="create", entity=patient, metadata=metadata)
    return patient


def _lock_or_create(external_id: str, defaults: dict[str, Any]) -> tuple[Appointment, bool]:
    """The appointment of an invitee, locked; created from ``defaults`` when missing.

    Concurrent copies race on the unique ``external_id``: the loser's insert fails (its savepoint
    rolls back) once the winner commits, and it then locks the winner's row.
    """
    existing = lock_row(Appointment.all_objects, missing_ok=True, external_id=external_id)
    if existing is not None:
        return existing, False
    if "scheduled_start" not in defaults:
        raise CalendlyPayloadInvalid(
            _("The invitee is not known yet and the delivery carries no scheduled event."),
            code="calendly_unknown_invitee",
        )
    try:
        with transaction.atomic():
            appointment = Appointment(external_id=external_id, source=AppointmentSource.CALENDLY, **defaults)
            appointment.save()
        return appointment, True
    except IntegrityError:
        return lock_row(Appointment.all_objects, external_id=external_id), False


def _event_times(payload: dict[str, Any]) -> dict[str, Any]:
    event = payload.get("scheduled_event")
    if not isinstance(event, dict):
        return {}
    return {
        "scheduled_start": _when(event.get("start_time"), "scheduled_event.start_time"),
        "scheduled_end": _when(event.get("end_time"), "scheduled_event.end_time"),
    }


def _fill(appointment: Appointment, payload: dict[str, Any]) -> list[str]:
    """Copy times, host, location and patient from an invitee snapshot; the changed field names."""
    changed = []
    event = payload.get("scheduled_event") if isinstance(payload.get("scheduled_event"), dict) else {}
    if appointment.status != AppointmentStatus.CANCELLED:
        for name, value in _event_times(payload).items():
            if getattr(appointment, name) != value:
                setattr(appointment, name, value)
                changed.append(name)
    if event.get("uri") and appointment.external_event_uri != event["uri"]:
        appointment.external_event_uri = event["uri"]
        changed.append("external_event_uri")
    practitioner = _practitioner(event)
    if practitioner is not None and appointment.practitioner_id != practitioner.pk:
        appointment.practitioner = practitioner
        changed.append("practitioner")
    if appointment.location_id is None and (location := default_location()) is not None:
        appointment.location = location
        changed.append("location")
    if appointment.patient_id is None and (payload.get("email") or payload.get("name")):
        appointment.patient = patient_match_or_create(payload=payload)
        changed.append("patient")
    return changed


def _link_reschedule(old: Appointment, new: Appointment) -> bool:
    """Link the cancelled invitee to its replacement (once); the new one inherits the patient."""
    if new.rescheduled_from_id is not None or Appointment.all_objects.filter(rescheduled_from=old).exists():
        return False
    new.rescheduled_from = old
    if new.patient_id is None and old.patient_id is not None:
        new.patient_id = old.patient_id
    return True


def _on_invitee_created(payload: dict[str, Any], event_at: datetime | None) -> tuple[Appointment, str]:
    uri = payload.get("uri")
    if not uri:
        raise CalendlyPayloadInvalid(_("payload.uri (the invitee) is missing."), field="payload.uri")
    times = _event_times(payload)
    if not times:
        raise CalendlyPayloadInvalid(_("payload.scheduled_event is missing."), field="payload.scheduled_event")
    appointment, created = _lock_or_create(uri, {**times, "status": AppointmentStatus.SCHEDULED})
    changed = []
    old_uri = payload.get("old_invitee")
    if old_uri and appointment.rescheduled_from_id is None:
        old = Appointment.all_objects.filter(external_id=old_uri).first()
        if old is not None and _link_reschedule(old, appointment):
            changed.append("rescheduled_from")
    # A cancelled invitee stays cancelled: Calendly never reactivates one (a reschedule makes a
    # new invitee), so a late or repeated "created" only fills in what is missing.
    changed += _fill(appointment, payload)
    if created or changed:
        appointment.save()
        audit_record(
            actor=None,
            action="create" if created else "update",
            entity=appointment,
            metadata={"via": "calendly", "event": "invitee.created", "fields_changed": sorted(changed)},
        )
    return appointment, "created" if created else ("updated" if changed else "unchanged")


def _cancel_reason(payload: dict[str, Any]) -> str:
    cancellation = payload.get("cancellation") if isinstance(payload.get("cancellation"), dict) else {}
    reason = (cancellation.get("reason") or "").strip()
    if reason:
        return reason
    who = cancellation.get("canceler_type") or cancellation.get("canceled_by")
    base = "Rescheduled in Calendly" if payload.get("rescheduled") else "Cancelled in Calendly"
    return f"{base} (by {who})" if who else base


def _on_invitee_canceled(payload: dict[str, Any], event_at: datetime | None) -> tuple[Appointment, str]:
    uri = payload.get("uri")
    if not uri:
        raise CalendlyPayloadInvalid(_("payload.uri (the invitee) is missing."), field="payload.uri")
    reason = _cancel_reason(payload)
    defaults = {**_event_times(payload), "status": AppointmentStatus.CANCELLED, "cancellation_reason": reason}
    appointment, created = _lock_or_create(uri, defaults)
    changed = _fill(appointment, payload)
    if appointment.status in (AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED):
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancellation_reason = reason
        appointment.status_changed_at = timezone.now()
        changed.append("status")
    if created or changed:
        appointment.save()
    new_uri = payload.get("new_invitee")
    if payload.get("rescheduled") and new_uri:
        new = lock_row(Appointment.all_objects, missing_ok=True, external_id=new_uri)
        if new is not None and _link_reschedule(appointment, new):
            new.save()
            changed.append("rescheduled_to")
    if created or changed:
        audit_record(
            actor=None,
            action="create" if created else "update",
            entity=appointment,
            metadata={"via": "calendly", "event": "invitee.canceled", "fields_changed": sorted(changed)},
        )
    return appointment, "created" if created else ("updated" if changed else "unchanged")


def _on_no_show(payload: dict[str, Any], event_at: datetime | None, *, on: bool) -> tuple[Appointment, str]:
    uri = _invitee_uri("invitee_no_show.", payload)
    if not uri:
        raise CalendlyPayloadInvalid(_("The invitee of the no-show is missing."), field="payload.invitee")
    appointment, created = _lock_or_create(uri, {**_event_times(payload), "status": AppointmentStatus.SCHEDULED})
    changed = _fill(appointment, payload) if created else []
    # Marking and unmarking may arrive out of order: the latest event (by Calendly's time) wins.
    last = appointment.no_show_event_at
    stale = event_at is not None and last is not None and event_at < last
    if not stale:
        if on and appointment.status in (AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED):
            appointment.status = AppointmentStatus.NO_SHOW
            appointment.status_changed_at = timezone.now()
            changed.append("status")
        elif not on and appointment.status == AppointmentStatus.NO_SHOW:
            appointment.status = AppointmentStatus.SCHEDULED
            appointment.no_show_reason = None
            appointment.status_changed_at = timezone.now()
            changed.append("status")
        if event_at is not None:
            appointment.no_show_event_at = event_at
    if created or changed or not stale:
        appointment.save()
    if created or changed:
        audit_record(
            actor=None,
            action="create" if created else "update",
            entity=appointment,
            metadata={"via": "calendly", "event": f"invitee_no_show.{'created' if on else 'deleted'}"},
        )
    return appointment, "stale" if stale else ("updated" if changed else "unchanged")


HANDLERS = {
    "invitee.created": _on_invitee_created,
    "invitee.canceled": _on_invitee_canceled,
    "invitee_no_show.created": lambda payload, at: _on_no_show(payload, at, on=True),
    "invitee_no_show.deleted": lambda payload, at: _on_no_show(payload, at, on=False),
}


def delivery_process(*, delivery: CalendlyDelivery, actor=None) -> CalendlyDelivery:
    """Apply a stored delivery (first time or replay). A failure is recorded on the delivery."""
    try:
        with transaction.atomic():
            locked = lock_row(CalendlyDelivery.objects, pk=delivery.pk)
            if locked.outcome == CalendlyOutcome.INVALID:
                # Its body was refused on receipt: there is nothing to apply, now or on a replay.
                return locked
            body = locked.payload if isinstance(locked.payload, dict) else {}
            handler = HANDLERS.get(locked.event_type)
            payload = body.get("payload")
            if handler is None:
                locked.outcome, locked.error = CalendlyOutcome.IGNORED, f"Event {locked.event_type!r} is not handled."
            elif not isinstance(payload, dict):
                raise CalendlyPayloadInvalid(_("The delivery has no payload object."), field="payload")
            else:
                event_at = parse_datetime(body["created_at"]) if isinstance(body.get("created_at"), str) else None
                appointment, result = handler(payload, event_at)
                locked.appointment = appointment
                if result in ("created", "updated"):
                    # A cancel that Calendly calls a reschedule gets no notice: the new invitee's
                    # appointment says "moved".
                    appointment_changed(appointment.pk, cancellation_notice=not payload.get("rescheduled"))
                locked.outcome, locked.error = CalendlyOutcome.PROCESSED, None
                if result == "unchanged" and _already_applied(locked):
                    locked.outcome = CalendlyOutcome.DUPLICATE
            locked.processed_at = timezone.now()
            locked.attempts = F("attempts") + 1
            locked.save()
            if actor is not None:
                audit_record(actor=actor, action="update", entity=locked, metadata={"replay": locked.outcome})
    except Exception as error:  # noqa: BLE001 - any failure is kept on the delivery for a replay
        logger.warning("Calendly delivery %s failed: %s", delivery.pk, error)
        message = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
        CalendlyDelivery.objects.filter(pk=delivery.pk).update(
            outcome=CalendlyOutcome.FAILED,
            error=message[:4000],
            processed_at=timezone.now(),
            attempts=F("attempts") + 1,
        )
    delivery.refresh_from_db()
    return delivery


def _already_applied(delivery: CalendlyDelivery) -> bool:
    return (
        CalendlyDelivery.objects.filter(dedup_key=delivery.dedup_key, outcome=CalendlyOutcome.PROCESSED)
        .exclude(pk=delivery.pk)
        .exists()
    )


def delivery_replay(*, delivery: CalendlyDelivery, actor) -> CalendlyDelivery:
    """Apply a stored delivery again (from the admin or the API); the same code as on receipt."""
    return delivery_process(delivery=delivery, actor=actor)
