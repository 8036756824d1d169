"""An iCalendar (RFC 5545) feed of a practitioner's agenda, written by hand (no dependency).

It carries no clinical text: the time, the location and the patient's initials only.
"""

from collections.abc import Iterable
from datetime import UTC, datetime

from django.utils import timezone

from erp.clinical.models import Appointment, AppointmentStatus

PRODID = "-//Clinic ERP//Agenda//EN"
ICS_STATUS = {
    AppointmentStatus.SCHEDULED: "TENTATIVE",
    AppointmentStatus.CONFIRMED: "CONFIRMED",
    AppointmentStatus.ATTENDED: "CONFIRMED",
    AppointmentStatus.NO_SHOW: "CONFIRMED",
    AppointmentStatus.CANCELLED: "CANCELLED",
}


def escape_text(value: str) -> str:
    """TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never splitting a UTF-8 character;
    continuation lines start with one space (RFC 5545 §3.1)."""
    chunks, current, size, limit = [], [], 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            chunks.append("".join(current))
            current, size, limit = [" "], 1, 75
        current.append(char)
        size += width
    chunks.append("".join(current))
    return "\r\n".join(chunks)


def utc_stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def initials(appointment: Appointment) -> str:
    patient = appointment.patient
    if patient is None:
        return "—"
    letters = [name.strip()[:1].upper() for name in (patient.first_name, patient.last_name) if name and name.strip()]
    return ".".join(letters) + "." if letters else "—"


def appointment_event(appointment: Appointment, *, host: str, stamp: datetime) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{appointment.pk}@{host}",
        f"DTSTAMP:{utc_stamp(stamp)}",
        f"LAST-MODIFIED:{utc_stamp(appointment.updated_at)}",
        f"SEQUENCE:{appointment.row_version}",
        f"DTSTART:{utc_stamp(appointment.scheduled_start)}",
        f"DTEND:{utc_stamp(appointment.scheduled_end)}",
        f"SUMMARY:{escape_text('Patient ' + initials(appointment))}",
        f"STATUS:{ICS_STATUS[appointment.status]}",
        "CLASS:PRIVATE",
        "TRANSP:OPAQUE",
    ]
    if appointment.location is not None:
        lines.append(f"LOCATION:{escape_text(appointment.location.name)}")
    lines.append("END:VEVENT")
    return lines


def calendar(appointments: Iterable[Appointment], *, name: str, host: str, now: datetime | None = None) -> str:
    """The whole VCALENDAR text, CRLF line endings, folded lines."""
    stamp = now or timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-PUBLISHED-TTL:PT15M",
    ]
    for appointment in appointments:
        lines.extend(appointment_event(appointment, host=host, stamp=stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
