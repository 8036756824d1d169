"""The agenda (spec 000 §7): appointments booked by hand or through Calendly, the Calendly
deliveries as received, and each practitioner's calendar feed token."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from erp.clinical.models import EncounterType  # defined in the package before it imports this module
from erp.core.models import BaseModel, CreatedByModel, SoftDeleteModel, VersionedModel


class AppointmentSource(models.TextChoices):
    CALENDLY = "calendly", _("Calendly")
    MANUAL = "manual", _("Manual")


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CONFIRMED = "confirmed", _("Confirmed")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


class Appointment(BaseModel, SoftDeleteModel, CreatedByModel, VersionedModel):
    # Statuses that hold the practitioner's time: a new booking may not overlap them.
    BLOCKING_STATUSES = (
        AppointmentStatus.SCHEDULED,
        AppointmentStatus.CONFIRMED,
        AppointmentStatus.ATTENDED,
        AppointmentStatus.NO_SHOW,
    )

    patient = models.ForeignKey(
        "clinical.Patient",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("patient"),
    )
    practitioner = models.ForeignKey(
        "core.Practitioner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("practitioner"),
    )
    location = models.ForeignKey(
        "core.ClinicLocation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("location"),
    )
    encounter = models.ForeignKey(
        "clinical.Encounter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("encounter"),
    )
    source = models.CharField(
        max_length=10, choices=AppointmentSource.choices, default=AppointmentSource.MANUAL, verbose_name=_("source")
    )
    # Calendly: the invitee URI (``payload.uri``), unique so concurrent deliveries give one row.
    external_id = models.CharField(
        max_length=500, null=True, blank=True, unique=True, editable=False, verbose_name=_("external id")
    )
    status = models.CharField(
        max_length=10,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.SCHEDULED,
        editable=False,
        verbose_name=_("status"),
    )
    scheduled_start = models.DateTimeField(verbose_name=_("scheduled start"))
    scheduled_end = models.DateTimeField(verbose_name=_("scheduled end"))
    notes = models.TextField(null=True, blank=True, verbose_name=_("notes"))
    # What the visit is for, chosen when booking from the agenda (the encounter opened at arrival).
    encounter_type = models.CharField(
        max_length=20, choices=EncounterType.choices, null=True, blank=True, verbose_name=_("encounter type")
    )
    cancellation_reason = models.TextField(null=True, blank=True, editable=False, verbose_name=_("cancellation reason"))
    no_show_reason = models.TextField(null=True, blank=True, editable=False, verbose_name=_("no show reason"))
    # Not in the spec's table: the Calendly side of a reschedule (old invitee -> new invitee).
    rescheduled_from = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rescheduled_to",
        editable=False,
        verbose_name=_("rescheduled from"),
    )
    # Calendly's scheduled event URI (the invitee's meeting), kept for reference.
    external_event_uri = models.CharField(
        max_length=500, null=True, blank=True, editable=False, verbose_name=_("external event uri")
    )
    # ``created_at`` of the last no-show event applied: an older one arriving late is ignored.
    no_show_event_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("no show event at"))
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("status changed at"))

    class Meta:
        ordering = ["scheduled_start"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [
            models.Index(fields=["practitioner", "scheduled_start"], name="clinical_appt_practitioner_idx"),
            models.Index(fields=["location", "scheduled_start"], name="clinical_appt_location_idx"),
            models.Index(fields=["patient", "scheduled_start"], name="clinical_appt_patient_idx"),
            models.Index(fields=["status", "scheduled_start"], name="clinical_appt_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(scheduled_end__gt=models.F("scheduled_start")), name="clinical_appt_end_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | (Q(cancellation_reason__isnull=False) & ~Q(cancellation_reason="")),
                name="clinical_appt_cancel_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(source="manual") | Q(external_id__isnull=False), name="clinical_appt_calendly_has_id"
            ),
        ]
        permissions = [
            ("confirm_appointment", "Can confirm an appointment"),
            ("attend_appointment", "Can mark an appointment attended"),
            ("cancel_appointment", "Can cancel an appointment"),
            ("no_show_appointment", "Can mark an appointment as a no-show"),
            ("view_agenda_report", "Can view agenda reports (no-show rate)"),
        ]

    def __str__(self) -> str:
        return f"{self.scheduled_start:%Y-%m-%d %H:%M} {self.get_status_display()}"


class CalendlyOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    PROCESSED = "processed", _("Processed")
    DUPLICATE = "duplicate", _("Duplicate")
    IGNORED = "ignored", _("Ignored")
    FAILED = "failed", _("Failed")
    # Signed, but not a JSON object PostgreSQL can store: kept as bytes only, answered 400.
    INVALID = "invalid", _("Invalid payload")


class CalendlyDelivery(BaseModel):
    """One signed webhook delivery as received, stored before it is processed (replayable)."""

    event_type = models.CharField(max_length=100, verbose_name=_("event type"))
    # The parsed body; None when the body is not a JSON object PostgreSQL can store (``invalid``).
    payload = models.JSONField(null=True, blank=True, verbose_name=_("payload"))
    # The body's bytes exactly as received (whatever they hold); None on deliveries stored before.
    raw_body = models.BinaryField(null=True, blank=True, editable=False, verbose_name=_("raw body"))
    received_at = models.DateTimeField(verbose_name=_("received at"))
    outcome = models.CharField(
        max_length=10, choices=CalendlyOutcome.choices, default=CalendlyOutcome.PENDING, verbose_name=_("outcome")
    )
    error = models.TextField(null=True, blank=True, verbose_name=_("error"))
    processed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("processed at"))
    # The same Calendly event delivered twice has the same key (event, created_at, invitee).
    dedup_key = models.CharField(max_length=64, db_index=True, verbose_name=_("dedup key"))
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("attempts"))
    appointment = models.ForeignKey(
        Appointment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calendly_deliveries",
        verbose_name=_("appointment"),
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("Calendly delivery")
        verbose_name_plural = _("Calendly deliveries")
        indexes = [models.Index(fields=["outcome", "-received_at"], name="clinical_calendly_outcome_idx")]
        permissions = [("replay_calendlydelivery", "Can replay a Calendly delivery")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.received_at:%Y-%m-%d %H:%M:%S} ({self.outcome})"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class PractitionerCalendarFeed(BaseModel):
    """The secret of a practitioner's iCalendar subscription; rotating it cuts old subscribers off."""

    practitioner = models.OneToOneField(
        "core.Practitioner", on_delete=models.CASCADE, related_name="calendar_feed", verbose_name=_("practitioner")
    )
    token = models.CharField(
        max_length=64, unique=True, default=new_feed_token, editable=False, verbose_name=_("token")
    )
    rotated_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("rotated at"))

    class Meta:
        verbose_name = _("practitioner calendar feed")
        verbose_name_plural = _("practitioner calendar feeds")

    def __str__(self) -> str:
        return _("Calendar feed of %(practitioner)s") % {"practitioner": self.practitioner}
