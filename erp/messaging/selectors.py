"""Reads of the patient messages: the rules of when and how a patient is reached, the lists shown
on the appointment and the patient, and the no-show report per reminder channel."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from erp.clinical.agenda.selectors import appointments_due
from erp.clinical.models import AppointmentStatus, ContactMethod, Patient
from erp.clinical.selectors import patient_may_contact
from erp.core.models import AppSettings
from erp.messaging.models import REMINDER_KINDS, Message, MessageChannel, MessageKind, MessageStatus, ReminderSettings

DEFAULTS = ReminderSettings()  # the defaults of a location without its own settings (never saved)


@dataclass(frozen=True)
class Window:
    """A location's reminder offsets and quiet hours, in its own time zone."""

    tz: ZoneInfo
    first_hours: int | None
    second_hours: int | None
    quiet_start: datetime.time
    quiet_end: datetime.time

    def offsets(self) -> dict[str, datetime.timedelta]:
        hours = {MessageKind.REMINDER_FIRST: self.first_hours, MessageKind.REMINDER_SECOND: self.second_hours}
        return {kind: datetime.timedelta(hours=value) for kind, value in hours.items() if value}

    def is_quiet(self, moment: datetime.datetime) -> bool:
        local = moment.astimezone(self.tz).time()
        if self.quiet_start == self.quiet_end:
            return False
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= local < self.quiet_end
        return local >= self.quiet_start or local < self.quiet_end  # over midnight

    def quiet_ends(self, moment: datetime.datetime) -> datetime.datetime:
        """When the quiet hours around ``moment`` end."""
        local = moment.astimezone(self.tz)
        end = datetime.datetime.combine(local.date(), self.quiet_end, tzinfo=self.tz)
        return end if end > local else end + datetime.timedelta(days=1)

    def quiet_began(self, moment: datetime.datetime) -> datetime.datetime:
        """When the quiet hours around ``moment`` began."""
        local = moment.astimezone(self.tz)
        start = datetime.datetime.combine(local.date(), self.quiet_start, tzinfo=self.tz)
        return start if start <= local else start - datetime.timedelta(days=1)

    def send_time(self, due: datetime.datetime, *, appointment_start: datetime.datetime, now: datetime.datetime):
        """When a message due at ``due`` goes out: at once outside quiet hours; inside them, when
        they end if the appointment has not started by then, else just before they began (when
        that is still ahead), else now (the patient needs it more than their quiet)."""
        if not self.is_quiet(due):
            return due
        after = self.quiet_ends(due)
        if after < appointment_start:
            return after
        before = self.quiet_began(due) - datetime.timedelta(minutes=1)
        return before if before > now else max(due, now)


def window_for(location_id) -> Window:
    """The reminder window of a location (the default location, then the clinic's time zone, when
    the appointment names none)."""
    from erp.core.models import ClinicLocation

    app_settings = AppSettings.load()
    location_id = location_id or app_settings.default_location_id
    location = (
        ClinicLocation.objects.select_related("reminder_settings").filter(pk=location_id).first()
        if location_id is not None
        else None
    )
    source = getattr(location, "reminder_settings", None) or DEFAULTS
    tz_name = (location.timezone if location is not None else None) or app_settings.timezone or settings.TIME_ZONE
    return Window(
        tz=ZoneInfo(tz_name),
        first_hours=source.first_reminder_hours,
        second_hours=source.second_reminder_hours,
        quiet_start=source.quiet_hours_start,
        quiet_end=source.quiet_hours_end,
    )


def default_location():
    """Where an appointment that names no location takes place (the clinic settings say)."""
    return AppSettings.load().default_location


def contact_route(patient: Patient) -> tuple[str | None, str]:
    """``(channel, address)`` by the patient's preferred method, falling back to the other one;
    ``(None, "")`` when there is neither. WhatsApp goes by SMS (see ``sms.py``)."""
    email = (patient.email or "").strip()
    phone = patient.phone_e164 or ""
    by_phone = patient.preferred_contact_method in (ContactMethod.SMS, ContactMethod.WHATSAPP)
    order = [(MessageChannel.SMS, phone), (MessageChannel.EMAIL, email)]
    for channel, address in order if by_phone else reversed(order):
        if address:
            return channel, address
    return None, ""


def message_language(patient: Patient) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    return patient.preferred_language if patient.preferred_language in codes else settings.LANGUAGE_CODE


def patient_reachable(patient: Patient) -> bool:
    """Appointment messages are service messages, not marketing: no marketing consent is asked,
    but a patient who opted out of contact (or a merged or deleted record) gets none."""
    return patient_may_contact(patient)


def messages_of_appointment(appointment) -> QuerySet[Message]:
    return Message.objects.filter(appointment=appointment).select_related("appointment__location").order_by("-due_at")


def messages_of_patient(patient) -> QuerySet[Message]:
    return Message.objects.filter(patient=patient).select_related("appointment__location").order_by("-due_at")


# A claimed message is sent within seconds; one still ``sending`` after this lost its worker.
STUCK_AFTER = datetime.timedelta(minutes=15)


def messages_health(*, now=None) -> dict:
    """For diagnostics: failed messages (retries used up) and claimed ones never finished."""
    now = now or timezone.now()
    counts = Message.objects.aggregate(
        failed=Count("id", filter=Q(status=MessageStatus.FAILED)),
        stuck_sending=Count("id", filter=Q(status=MessageStatus.SENDING, updated_at__lt=now - STUCK_AFTER)),
        queued_overdue=Count("id", filter=Q(status=MessageStatus.QUEUED, due_at__lt=now - STUCK_AFTER)),
    )
    return counts


def no_show_rate_by_reminder(*, start=None, end=None, practitioner=None, now=None) -> dict:
    """Per (practitioner id, month): the due appointments and no-shows split by the channel of the
    reminder they got (``none`` when no reminder was sent): the rate before and after reminders."""
    reminded = Message.objects.filter(
        appointment=OuterRef("pk"),
        kind__in=REMINDER_KINDS,
        status__in=(MessageStatus.SENT, MessageStatus.DELIVERED),
    ).order_by("sent_at")
    queryset = appointments_due(start=start, end=end, practitioner=practitioner, now=now)
    rows = (
        queryset.annotate(
            month=TruncMonth("scheduled_start", tzinfo=timezone.get_current_timezone()),
            reminder_channel=Subquery(reminded.values("channel")[:1]),
        )
        .values("practitioner", "month", "reminder_channel")
        .annotate(due=Count("id"), no_shows=Count("id", filter=Q(status=AppointmentStatus.NO_SHOW)))
        .order_by("month", "reminder_channel")
    )
    found: dict = {}
    for row in rows:
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        found.setdefault((row["practitioner"], month), []).append(
            {
                "channel": row["reminder_channel"] or "none",
                "due": row["due"],
                "no_shows": row["no_shows"],
                "rate": (Decimal(row["no_shows"]) / Decimal(row["due"])).quantize(Decimal("0.0001"), ROUND_HALF_UP),
            }
        )
    return found
