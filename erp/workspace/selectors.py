"""Reads of the staff dashboards: each one or two queries, already joined for its panel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cms.website.models import PublicLead
from cms.website.selectors import translation_status
from erp.clinical.models import Appointment, AppointmentStatus, ClinicalPhoto, Encounter, EncounterStatus
from erp.commerce.models import ClosingPeriod, CreditNote, Payment, PaymentMethodCode, Sale, SaleStatus
from erp.commerce.sales.fiscal import fiscal_periods_due
from erp.core.models import ClinicLocation, Practitioner
from erp.core.zones import location_zone

ZERO = Decimal("0.00")
_AMOUNT = DecimalField(max_digits=14, decimal_places=2)


def _around_today(now: datetime) -> tuple[datetime, datetime]:
    # Wide enough to hold "today" in any time zone a location may use (UTC-12 to UTC+14).
    return now - timedelta(hours=38), now + timedelta(hours=38)


def _on_local_today(appointments, now: datetime) -> list[Appointment]:
    """Keep the appointments that start today in their location's own time zone; each gets
    ``local_start``/``local_end``: the wall-clock times there, naive, so that templates show them
    as they are instead of converting them to the admin's time zone."""
    kept = []
    for appointment in appointments:
        zone = location_zone(appointment.location)
        local_start = appointment.scheduled_start.astimezone(zone)
        if local_start.date() != now.astimezone(zone).date():
            continue
        appointment.local_start = local_start.replace(tzinfo=None)
        appointment.local_end = appointment.scheduled_end.astimezone(zone).replace(tzinfo=None)
        kept.append(appointment)
    return kept


@dataclass
class LocationDay:
    location: ClinicLocation | None
    appointments: list[Appointment] = field(default_factory=list)


def appointments_today(*, now: datetime | None = None, practitioner: Practitioner | None = None) -> list[Appointment]:
    """Today's appointments (not cancelled), in start order; "today" and the times are each
    location's own. One query."""
    now = now or timezone.now()
    start, end = _around_today(now)
    queryset = (
        Appointment.objects.filter(scheduled_start__gte=start, scheduled_start__lt=end)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("patient", "practitioner", "location", "encounter")
        .order_by("scheduled_start", "id")
    )
    if practitioner is not None:
        queryset = queryset.filter(practitioner=practitioner)
    return _on_local_today(queryset, now)


def appointments_today_by_location(*, now: datetime | None = None) -> list[LocationDay]:
    """Today's appointments grouped by location (locations by name, "no location" last)."""
    days: dict = {}
    for appointment in appointments_today(now=now):
        days.setdefault(appointment.location_id, LocationDay(appointment.location)).appointments.append(appointment)
    return sorted(days.values(), key=lambda day: (day.location is None, day.location.name if day.location else ""))


def sales_draft(*, limit: int = 8) -> list[Sale]:
    """Sales opened at the till and not paid yet, newest first."""
    return list(
        Sale.objects.filter(status=SaleStatus.DRAFT)
        .select_related("sold_to_patient", "location")
        .order_by("-created_at")[:limit]
    )


def leads_new(*, limit: int = 6) -> tuple[list[PublicLead], int]:
    """The newest unhandled leads and how many there are in all. Two queries."""
    queryset = PublicLead.objects.filter(status=PublicLead.Status.NEW)
    return list(queryset.order_by("-created_at")[:limit]), queryset.count()


def encounters_draft(*, practitioner: Practitioner, limit: int = 10) -> list[Encounter]:
    """The practitioner's encounters still in draft, oldest first (those are the ones to finish)."""
    return list(
        Encounter.objects.filter(practitioner=practitioner, status=EncounterStatus.DRAFT)
        .select_related("patient", "location")
        .order_by("occurred_at")[:limit]
    )


def photos_without_thumbnail(*, limit: int = 10) -> list[ClinicalPhoto]:
    """Clinical photos whose thumbnail the background task has not made yet, oldest first."""
    return list(
        ClinicalPhoto.objects.filter(thumbnail_object_key__isnull=True)
        .select_related("patient")
        .order_by("created_at")[:limit]
    )


@dataclass
class Takings:
    rows: list[dict]  # {"method": code, "label": ..., "gross", "fees", "net", "count"}
    gross: Decimal
    fees: Decimal
    net: Decimal


def takings_on(day: date) -> Takings:
    """Payments (refunds negative) received on ``day`` per payment method, with card fees. One query."""
    rows = (
        Payment.objects.filter(paid_at__date=day)
        .values("payment_method__code")
        .annotate(
            gross=Coalesce(Sum("amount_gross"), Value(ZERO), output_field=_AMOUNT),
            fees=Coalesce(Sum("fee_amount"), Value(ZERO), output_field=_AMOUNT),
            net=Coalesce(Sum("amount_net"), Value(ZERO), output_field=_AMOUNT),
            count=Count("id"),
        )
        .order_by("payment_method__code")
    )
    labels = dict(PaymentMethodCode.choices)
    result = [
        {**row, "method": row["payment_method__code"], "label": labels.get(row["payment_method__code"], "")}
        for row in rows
    ]
    return Takings(
        rows=result,
        gross=sum((row["gross"] for row in result), ZERO),
        fees=sum((row["fees"] for row in result), ZERO),
        net=sum((row["net"] for row in result), ZERO),
    )


def days_not_closed(*, today: date | None = None) -> list[date]:
    """Ended days that have no fiscal closing yet, oldest first."""
    return [start for period_type, start, _end in fiscal_periods_due(today=today) if period_type == ClosingPeriod.DAY]


def credit_notes_recent(*, since: date, limit: int = 8) -> list[CreditNote]:
    """Credit notes issued since ``since`` (a local day), newest first."""
    return list(
        CreditNote.objects.filter(issued_at__date__gte=since)
        .select_related("invoice", "sale")
        .order_by("-issued_at")[:limit]
    )


@dataclass
class OutdatedTranslation:
    page: object
    languages: list[str]  # language codes whose translation is older than the source
    missing: list[str]


def translations_out_of_date(*, limit: int = 10) -> list[OutdatedTranslation]:
    """Source pages with a translation older than the page itself (the website's report's rows)."""
    result = []
    for row in translation_status():
        outdated = [cell.language for cell in row.cells if cell.state == "outdated"]
        if outdated:
            missing = [cell.language for cell in row.cells if cell.state == "missing"]
            result.append(OutdatedTranslation(page=row.page, languages=outdated, missing=missing))
    return result[:limit]


def pages_scheduled(*, now: datetime | None = None, limit: int = 10):
    """Pages set to go live later (scheduled publishing), soonest first."""
    from wagtail.models import Page

    now = now or timezone.now()
    return list(Page.objects.filter(Q(go_live_at__gt=now)).select_related("locale").order_by("go_live_at")[:limit])


def social_posts_scheduled(*, now: datetime | None = None, limit: int = 10):
    """Instagram posts scheduled for later, soonest first."""
    from erp.social.models import SocialPost, SocialPostStatus

    now = now or timezone.now()
    return list(
        SocialPost.objects.filter(status=SocialPostStatus.SCHEDULED, scheduled_at__gt=now).order_by("scheduled_at")[
            :limit
        ]
    )
