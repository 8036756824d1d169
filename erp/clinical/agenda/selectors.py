"""Read queries of the agenda: a period's appointments, the calendar feed, the no-show rate."""


def agenda(*, start, end, practitioner=None, location=None, include_cancelled: bool = True):
    """Appointments starting in [start, end), optionally of one practitioner or location."""
    from erp.clinical.models import Appointment, AppointmentStatus

    queryset = Appointment.objects.filter(scheduled_start__gte=start, scheduled_start__lt=end).select_related(
        "patient", "practitioner", "location"
    )
    if practitioner is not None:
        queryset = queryset.filter(practitioner=practitioner)
    if location is not None:
        queryset = queryset.filter(location=location)
    if not include_cancelled:
        queryset = queryset.exclude(status=AppointmentStatus.CANCELLED)
    return queryset.order_by("scheduled_start", "id")


def feed_appointments(practitioner, *, now=None, past_days: int = 30, future_days: int = 365):
    """What a practitioner's calendar feed carries: a month back, a year ahead."""
    from datetime import timedelta

    from django.utils import timezone

    now = now or timezone.now()
    return agenda(
        start=now - timedelta(days=past_days), end=now + timedelta(days=future_days), practitioner=practitioner
    ).select_related("patient", "location")


def appointments_due(*, start=None, end=None, practitioner=None, now=None):
    """What a no-show rate counts: appointments not cancelled whose start has passed, in
    [start, end), optionally of one practitioner."""
    from django.utils import timezone

    from erp.clinical.models import Appointment, AppointmentStatus

    queryset = Appointment.objects.exclude(status=AppointmentStatus.CANCELLED).filter(
        scheduled_start__lte=now or timezone.now()
    )
    if start is not None:
        queryset = queryset.filter(scheduled_start__gte=start)
    if end is not None:
        queryset = queryset.filter(scheduled_start__lt=end)
    if practitioner is not None:
        queryset = queryset.filter(practitioner=practitioner)
    return queryset


def no_show_rate(*, start=None, end=None, practitioner=None, now=None) -> list[dict]:
    """Per practitioner and month (clinic time): appointments due (not cancelled, start passed),
    no-shows among them, and the rate (Decimal, 4 places; None when nothing was due)."""
    from decimal import ROUND_HALF_UP, Decimal

    from django.db.models import Count, Q
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    from erp.clinical.models import AppointmentStatus

    queryset = appointments_due(start=start, end=end, practitioner=practitioner, now=now)
    rows = (
        queryset.annotate(month=TruncMonth("scheduled_start", tzinfo=timezone.get_current_timezone()))
        .values("practitioner", "practitioner__display_name", "month")
        .annotate(due=Count("id"), no_shows=Count("id", filter=Q(status=AppointmentStatus.NO_SHOW)))
        .order_by("month", "practitioner__display_name")
    )
    return [
        {
            "practitioner": row["practitioner"],
            "practitioner_name": row["practitioner__display_name"],
            "month": row["month"].date() if hasattr(row["month"], "date") else row["month"],
            "due": row["due"],
            "no_shows": row["no_shows"],
            "rate": (Decimal(row["no_shows"]) / Decimal(row["due"])).quantize(Decimal("0.0001"), ROUND_HALF_UP)
            if row["due"]
            else None,
        }
        for row in rows
    ]
