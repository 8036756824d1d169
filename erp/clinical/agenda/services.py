"""Domain operations of the agenda: appointments and the calendar feed (§7). Each is one
transaction with its audit row."""

from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from erp.clinical.exceptions import (
    AppointmentLocked,
    AppointmentOverlap,
    AppointmentTimesInvalid,
    AppointmentTransitionRefused,
    ReasonRequired,
)
from erp.clinical.models import (
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    EncounterType,
    PractitionerCalendarFeed,
    new_feed_token,
)
from erp.clinical.services import encounter_create, patient_require_live
from erp.core.locking import lock_row
from erp.core.zones import location_zone
from erp.messaging.tasks import appointment_changed
from erp.ops.audit import audit_record

APPOINTMENT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    AppointmentStatus.CONFIRMED: (AppointmentStatus.SCHEDULED,),
    AppointmentStatus.ATTENDED: (AppointmentStatus.CONFIRMED,),
    AppointmentStatus.CANCELLED: (AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED),
    AppointmentStatus.NO_SHOW: (AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED),
}


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def appointment_check_slot(*, practitioner, start: datetime, end: datetime, exclude=None) -> None:
    """Refuse an end not after the start, or a slot overlapping another live appointment of the
    practitioner (cancelled ones excepted). The caller holds the practitioner's row lock."""
    if start is None or end is None or end <= start:
        raise AppointmentTimesInvalid(_("The appointment must end after it starts."), field="scheduled_end")
    if practitioner is None:
        return
    clash = (
        Appointment.objects.filter(
            practitioner=practitioner,
            status__in=Appointment.BLOCKING_STATUSES,
            scheduled_start__lt=end,
            scheduled_end__gt=start,
        )
        .exclude(pk=getattr(exclude, "pk", None))
        .select_related("location")
        .order_by("scheduled_start")
        .first()
    )
    if clash is not None:
        # At the clock of the clashing appointment's location, as the agenda shows it.
        zone = location_zone(clash.location)
        clash_start, clash_end = clash.scheduled_start.astimezone(zone), clash.scheduled_end.astimezone(zone)
        raise AppointmentOverlap(
            _("%(practitioner)s already has an appointment from %(clash_start)s to %(clash_end)s.")
            % {
                "practitioner": practitioner,
                "clash_start": f"{clash_start:%Y-%m-%d %H:%M}",
                "clash_end": f"{clash_end:%H:%M}",
            },
            field="scheduled_start",
            extra={
                "conflicting_appointment": {
                    "id": str(clash.pk),
                    # The API's date-times are UTC.
                    "scheduled_start": _utc_text(clash.scheduled_start),
                    "scheduled_end": _utc_text(clash.scheduled_end),
                    "status": clash.status,
                }
            },
        )


def lock_practitioner_bookings(practitioner) -> None:
    """Serialize the bookings of one practitioner on their row: two overlapping bookings made at
    the same moment cannot both pass the overlap check (the appointment import takes it too)."""
    if practitioner is not None:
        lock_row(type(practitioner).objects, missing_ok=True, pk=practitioner.pk)


def _lock_appointment(appointment: Appointment, *, check_version: bool = True) -> Appointment:
    locked = lock_row(Appointment.all_objects, pk=appointment.pk)
    if check_version and locked.row_version != appointment.row_version:
        from erp.core.exceptions import ConcurrencyConflict

        raise ConcurrencyConflict(_("The appointment changed since it was read; reload and retry."))
    return locked


def appointment_create(*, data: dict[str, Any], actor) -> Appointment:
    """Book by hand: the end is after the start and the practitioner is free in that slot."""
    with transaction.atomic():
        if data.get("patient") is not None:
            patient_require_live(data["patient"])
        lock_practitioner_bookings(data.get("practitioner"))
        appointment_check_slot(
            practitioner=data.get("practitioner"), start=data.get("scheduled_start"), end=data.get("scheduled_end")
        )
        appointment = Appointment(**data, source=AppointmentSource.MANUAL, created_by=actor)
        appointment.full_clean()
        appointment.save()
        audit_record(actor=actor, action="create", entity=appointment)
        appointment_changed(appointment.pk)  # the confirmation and reminders, after the commit
    return appointment


# Calendly owns the time and host of its bookings: they change there, not here.
CALENDLY_OWNED_FIELDS = ("scheduled_start", "scheduled_end", "practitioner")


def appointment_update(*, appointment: Appointment, data: dict[str, Any], actor) -> Appointment:
    """Move or edit a scheduled or confirmed appointment (the overlap rule applies again)."""
    with transaction.atomic():
        lock_practitioner_bookings(data.get("practitioner", appointment.practitioner))
        locked = _lock_appointment(appointment)
        changed = sorted(name for name, value in data.items() if getattr(locked, name) != value)
        if not changed:
            return locked
        if locked.status not in (AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED):
            raise AppointmentLocked(
                _("A %(status)s appointment can no longer be changed.") % {"status": locked.get_status_display()}
            )
        owned = [name for name in changed if name in CALENDLY_OWNED_FIELDS]
        if locked.source == AppointmentSource.CALENDLY and owned:
            raise AppointmentLocked(
                _("This appointment comes from Calendly: change %(owned)s in Calendly.") % {"owned": ", ".join(owned)},
                code="appointment_calendly_owned",
                field=owned[0],
            )
        if "patient" in changed and data["patient"] is not None:
            patient_require_live(data["patient"])
        for name, value in data.items():
            setattr(locked, name, value)
        if {"scheduled_start", "scheduled_end", "practitioner"} & set(changed):
            appointment_check_slot(
                practitioner=locked.practitioner, start=locked.scheduled_start, end=locked.scheduled_end, exclude=locked
            )
        locked.full_clean()
        locked.save()
        audit_record(actor=actor, action="update", entity=locked, metadata={"fields_changed": changed})
        if {"scheduled_start", "patient", "location", "practitioner"} & set(changed):
            appointment_changed(locked.pk)  # a reschedule notice and the reminders of the new time
    return locked


def _appointment_transition(
    appointment: Appointment, target: str, *, actor, metadata=None, check_version: bool = True
) -> tuple[Appointment, bool]:
    """Lock, check the move is allowed; ``(appointment, False)`` when it was already done."""
    locked = _lock_appointment(appointment, check_version=check_version)
    if locked.status == target:
        return locked, False
    if locked.status not in APPOINTMENT_TRANSITIONS[target]:
        raise AppointmentTransitionRefused(
            _("A %(status)s appointment cannot become %(target)s.")
            % {"status": locked.get_status_display(), "target": dict(AppointmentStatus.choices).get(target, target)},
            extra={"status": locked.status, "target": target},
        )
    locked.status = target
    locked.status_changed_at = timezone.now()
    return locked, True


def appointment_confirm(*, appointment: Appointment, actor) -> Appointment:
    """scheduled -> confirmed (again: harmless)."""
    with transaction.atomic():
        locked, moved = _appointment_transition(appointment, AppointmentStatus.CONFIRMED, actor=actor)
        if moved:
            locked.save()
            audit_record(actor=actor, action="update", entity=locked, metadata={"transition": "confirm"})
    return locked


def appointment_attend(
    *,
    appointment: Appointment,
    actor,
    open_encounter: bool = False,
    encounter_type: str = EncounterType.MEDICAL_CONSULT,
) -> Appointment:
    """confirmed -> attended; optionally opens a draft encounter linked to the appointment."""
    with transaction.atomic():
        locked, moved = _appointment_transition(appointment, AppointmentStatus.ATTENDED, actor=actor)
        if open_encounter and locked.encounter_id is None:
            if locked.patient is None:
                raise AppointmentTransitionRefused(
                    _("An encounter needs a patient: set the appointment's patient first."),
                    code="appointment_no_patient",
                    field="patient",
                )
            locked.encounter = encounter_create(
                data={
                    "patient": locked.patient,
                    "practitioner": locked.practitioner,
                    "location": locked.location,
                    "type": encounter_type,
                    "occurred_at": locked.scheduled_start,
                },
                actor=actor,
            )
            moved = True
        if moved:
            locked.save()
            audit_record(
                actor=actor,
                action="update",
                entity=locked,
                metadata={"transition": "attend", "encounter_id": str(locked.encounter_id or "") or None},
            )
    return locked


def appointment_cancel(*, appointment: Appointment, reason: str, actor) -> Appointment:
    """scheduled or confirmed -> cancelled, with a reason; the slot becomes free."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Cancelling an appointment needs a reason."), field="reason")
    with transaction.atomic():
        locked, moved = _appointment_transition(appointment, AppointmentStatus.CANCELLED, actor=actor)
        if moved:
            locked.cancellation_reason = reason
            locked.save()
            audit_record(
                actor=actor,
                action="update",
                entity=locked,
                metadata={"transition": "cancel", "reason": reason},
            )
            appointment_changed(locked.pk)  # reminders dropped, a cancellation notice
    return locked


def appointment_mark_no_show(
    *, appointment: Appointment, actor, reason: str | None = None, now: datetime | None = None
) -> Appointment:
    """scheduled or confirmed -> no_show, only once the start time has passed."""
    with transaction.atomic():
        locked, moved = _appointment_transition(appointment, AppointmentStatus.NO_SHOW, actor=actor)
        if moved:
            if locked.scheduled_start > (now or timezone.now()):
                raise AppointmentTransitionRefused(
                    _("An appointment can be marked as a no-show only once its start time has passed."),
                    code="appointment_not_started",
                )
            locked.no_show_reason = (reason or "").strip() or None
            locked.save()
            audit_record(actor=actor, action="update", entity=locked, metadata={"transition": "no_show"})
    return locked


def appointment_delete(*, appointment: Appointment, actor) -> None:
    with transaction.atomic():
        if appointment.status in (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW):
            raise AppointmentLocked(_("An attended or missed appointment is kept for the record."))
        audit_record(actor=actor, action="delete", entity=appointment)
        appointment.delete(actor=actor)
        appointment_changed(appointment.pk, cancellation_notice=False)


# --- Agenda: calendar feed ----------------------------------------------------------------------


def calendar_feed_get(*, practitioner) -> PractitionerCalendarFeed:
    """The practitioner's feed, made on first use."""
    feed, _created = PractitionerCalendarFeed.objects.get_or_create(practitioner=practitioner)
    return feed


def calendar_feed_rotate(*, practitioner, actor) -> PractitionerCalendarFeed:
    """A new secret token: phones subscribed with the old URL stop receiving the agenda."""
    with transaction.atomic():
        calendar_feed_get(practitioner=practitioner)
        feed = lock_row(PractitionerCalendarFeed.objects, practitioner=practitioner)
        feed.token = new_feed_token()
        feed.rotated_at = timezone.now()
        feed.save()
        audit_record(actor=actor, action="update", entity=feed, metadata={"rotated": True})
    return feed
