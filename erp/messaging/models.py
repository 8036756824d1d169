"""Patient messages about appointments (issue 29): confirmations, reminders, cancellation and
reschedule notices, each kept with its channel, language and delivery state, and the reminder
settings of each clinic location."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.core.models import BaseModel


class MessageKind(models.TextChoices):
    CONFIRMATION = "confirmation", _("Booking confirmation")
    REMINDER_FIRST = "reminder_first", _("First reminder")
    REMINDER_SECOND = "reminder_second", _("Second reminder")
    RESCHEDULE = "reschedule", _("Reschedule notice")
    CANCELLATION = "cancellation", _("Cancellation notice")


REMINDER_KINDS = (MessageKind.REMINDER_FIRST, MessageKind.REMINDER_SECOND)
# Kinds about a booking that still stands: never sent once the appointment is cancelled.
LIVE_APPOINTMENT_KINDS = (*REMINDER_KINDS, MessageKind.CONFIRMATION, MessageKind.RESCHEDULE)


class MessageChannel(models.TextChoices):
    EMAIL = "email", pgettext_lazy("patient message", "E-mail")
    SMS = "sms", pgettext_lazy("patient message", "SMS")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("patient message", "Queued")
    # Claimed by one worker (select_for_update skip_locked): no other worker sends it.
    SENDING = "sending", pgettext_lazy("patient message", "Sending")
    SENT = "sent", pgettext_lazy("patient message", "Sent")
    DELIVERED = "delivered", pgettext_lazy("patient message", "Delivered")
    FAILED = "failed", pgettext_lazy("patient message", "Failed")
    # Not sent, on purpose (skip_reason): cancelled, moved, patient not to be contacted...
    SKIPPED = "skipped", pgettext_lazy("patient message", "Not sent")


class SkipReason(models.TextChoices):
    NOT_CONTACTABLE = "not_contactable", _("The patient is not to be contacted")
    NO_ADDRESS = "no_address", _("No e-mail or mobile phone")
    CANCELLED = "cancelled", _("The appointment was cancelled")
    MOVED = "moved", _("The appointment was moved")
    TOO_LATE = "too_late", _("The appointment had already started")


class Message(BaseModel):
    """One message to a patient about one appointment. At most one of each kind per time slot of
    the appointment (the database says so): a reminder is never sent twice."""

    appointment = models.ForeignKey(
        "clinical.Appointment", on_delete=models.PROTECT, related_name="messages", editable=False,
        verbose_name=pgettext_lazy("patient message", "appointment"),
    )
    patient = models.ForeignKey(
        "clinical.Patient",
        on_delete=models.PROTECT,
        related_name="messages",
        editable=False,
        verbose_name=pgettext_lazy("patient message", "patient"),
    )
    kind = models.CharField(pgettext_lazy("patient message", "message"), max_length=20, choices=MessageKind.choices)
    # The appointment's start when the message was planned: a moved appointment gets new messages.
    slot_start = models.DateTimeField(pgettext_lazy("patient message", "appointment time"))
    channel = models.CharField(
        pgettext_lazy("patient message", "channel"),
        max_length=10,
        choices=MessageChannel.choices,
        null=True,
        blank=True,
    )
    language = models.CharField(pgettext_lazy("patient message", "language"), max_length=2)
    recipient = models.CharField(pgettext_lazy("patient message", "recipient"), max_length=254, blank=True, default="")
    status = models.CharField(
        pgettext_lazy("patient message", "status"),
        max_length=10,
        choices=MessageStatus.choices,
        default=MessageStatus.QUEUED,
    )
    skip_reason = models.CharField(
        pgettext_lazy("patient message", "why not sent"),
        max_length=20,
        choices=SkipReason.choices,
        null=True,
        blank=True,
    )
    due_at = models.DateTimeField(pgettext_lazy("patient message", "due at"))
    sent_at = models.DateTimeField(pgettext_lazy("patient message", "sent at"), null=True, blank=True)
    provider_id = models.CharField(
        pgettext_lazy("patient message", "provider id"),
        max_length=255,
        null=True,
        blank=True,
    )
    attempts = models.PositiveIntegerField(pgettext_lazy("patient message", "attempts"), default=0)
    last_error = models.TextField(pgettext_lazy("patient message", "last error"), null=True, blank=True)
    # The confirm/cancel link of this message: used once.
    link_used_at = models.DateTimeField(pgettext_lazy("patient message", "answered at"), null=True, blank=True)
    link_action = models.CharField(
        pgettext_lazy("patient message", "patient's answer"),
        max_length=10,
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["-due_at"]
        verbose_name = _("patient message")
        verbose_name_plural = _("patient messages")
        constraints = [
            models.UniqueConstraint(fields=["appointment", "kind", "slot_start"], name="messaging_message_once"),
            models.CheckConstraint(
                condition=~Q(status="skipped") | Q(skip_reason__isnull=False), name="messaging_skipped_has_reason"
            ),
        ]
        indexes = [
            # The dispatcher's scan: queued messages by due time (a partial index stays small).
            models.Index(fields=["due_at"], condition=Q(status="queued"), name="messaging_message_due_idx"),
            models.Index(fields=["patient", "-due_at"], name="messaging_message_patient_idx"),
            models.Index(fields=["appointment", "-due_at"], name="messaging_message_appt_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"


class ReminderSettings(BaseModel):
    """When a location's patients are reminded, and when they are left alone (its own time zone).
    A location without a row uses the defaults below."""

    location = models.OneToOneField(
        "core.ClinicLocation",
        on_delete=models.CASCADE,
        related_name="reminder_settings",
        verbose_name=pgettext_lazy("patient message", "location"),
    )
    first_reminder_hours = models.PositiveIntegerField(
        _("first reminder (hours before)"), null=True, blank=True, default=48,
        help_text=_("48 = two days before (J-2). Empty: no first reminder."),
    )
    second_reminder_hours = models.PositiveIntegerField(
        _("second reminder (hours before)"), null=True, blank=True, default=3,
        help_text=_("3 = three hours before (H-3). Empty: no second reminder."),
    )
    quiet_hours_start = models.TimeField(
        _("quiet hours start"), default=datetime.time(20, 0),
        help_text=_("No message is sent from this time (the location's time zone)..."),
    )
    quiet_hours_end = models.TimeField(
        _("quiet hours end"), default=datetime.time(8, 0), help_text=_("...until this time. Same time: none.")
    )

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")

    def __str__(self) -> str:
        return str(self.location)
