"""Fiscal journal services: append a chained entry, verify the chain, close a period.

Each entry's ``hash`` is SHA-256 over ``previous_hash`` followed by the canonical JSON (sorted
keys, no spaces, UTF-8) of its key data; the first entry chains to 64 zeros. Appending takes a
transaction-scoped advisory lock on PostgreSQL so that two transactions never chain to the same
previous entry; it is always the last lock a payment or a refund takes.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from erp.commerce.exceptions import ClosingInvalid, ClosingRefused
from erp.commerce.models import ClosingPeriod, FiscalClosing, FiscalEventType, FiscalJournalEntry
from erp.commerce.models.fiscal import period_label
from erp.core.chain import GENESIS_HASH, ChainReport, canonical_json, chain_append, chain_hash, chain_lock, chain_verify
from erp.core.money import ZERO, quantize_money

# Arbitrary constant key of the advisory lock serialising appends to the chain.
JOURNAL_LOCK_KEY = 0x6A6F75726E616C


def _entry_data(entry: FiscalJournalEntry) -> dict:
    return {
        "sequence": entry.sequence,
        "event_type": entry.event_type,
        "occurred_at": entry.occurred_at.astimezone(UTC).isoformat(),
        "entity_type": entry.entity_type,
        "entity_id": str(entry.entity_id),
        "document_number": entry.document_number or "",
        "amount_incl_tax": str(quantize_money(entry.amount_incl_tax)),
        "tax_total": str(quantize_money(entry.tax_total)),
        "currency": entry.currency,
        "data": entry.data,
    }


def entry_hash(entry: FiscalJournalEntry) -> str:
    return chain_hash(entry.previous_hash, _entry_data(entry))


def _lock_journal() -> None:
    chain_lock(JOURNAL_LOCK_KEY)


@dataclass(frozen=True)
class JournalEvent:
    """One fiscal event to append (see ``journal_append``)."""

    event_type: str
    entity: Any
    amount_incl_tax: Decimal
    tax_total: Decimal = ZERO
    currency: str = "EUR"
    document_number: str | None = None
    data: dict | None = None
    occurred_at: datetime | None = None


def journal_append_many(events: Sequence[JournalEvent]) -> list[FiscalJournalEntry]:
    """Append ``events`` in order at the end of the chain: one lock, one read of the head, one
    insert (inside the caller's transaction, which a failure here aborts whole: no savepoint of
    its own)."""
    for event in events:
        if event.event_type not in FiscalEventType.values:
            raise ValueError(f"Unknown fiscal event {event.event_type!r}")
    if not events:
        return []
    # Everything but the chaining is prepared before the lock, which serialises every payment.
    now = timezone.now()
    entries = [
        FiscalJournalEntry(
            event_type=event.event_type,
            occurred_at=(event.occurred_at or now).replace(microsecond=0),
            entity_type=event.entity._meta.label_lower,
            entity_id=event.entity.pk,
            document_number=event.document_number,
            amount_incl_tax=quantize_money(event.amount_incl_tax),
            tax_total=quantize_money(event.tax_total),
            currency=event.currency,
            data=json.loads(canonical_json(event.data or {})),
        )
        for event in events
    ]
    return chain_append(
        FiscalJournalEntry, entries, lock_key=JOURNAL_LOCK_KEY, previous_field="previous_hash", link_hash=entry_hash
    )


def journal_append(
    *,
    event_type: str,
    entity,
    amount_incl_tax: Decimal,
    tax_total: Decimal = ZERO,
    currency: str = "EUR",
    document_number: str | None = None,
    data: dict | None = None,
    occurred_at: datetime | None = None,
) -> FiscalJournalEntry:
    """Append one fiscal event at the end of the chain (inside the caller's transaction)."""
    event = JournalEvent(
        event_type=event_type,
        entity=entity,
        amount_incl_tax=amount_incl_tax,
        tax_total=tax_total,
        currency=currency,
        document_number=document_number,
        data=data,
        occurred_at=occurred_at,
    )
    return journal_append_many([event])[0]


def fiscal_journal_verify() -> ChainReport:
    """Recompute the chain from the first entry; name the first entry that does not match."""
    return chain_verify(FiscalJournalEntry.objects.order_by("sequence").iterator(chunk_size=2000), data=_entry_data)


# --- Closings -----------------------------------------------------------------------------------


def period_bounds(period_type: str, day: date) -> tuple[date, date]:
    if period_type == ClosingPeriod.DAY:
        return day, day
    if period_type == ClosingPeriod.MONTH:
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if period_type == ClosingPeriod.YEAR:
        return date(day.year, 1, 1), date(day.year, 12, 31)
    raise ClosingInvalid(
        gettext("Unknown period “%(period)s”: day, month or year.") % {"period": period_type}, field="period_type"
    )


def _closing_hash(closing: FiscalClosing) -> str:
    data = {
        "period_type": closing.period_type,
        "period_start": closing.period_start.isoformat(),
        "period_end": closing.period_end.isoformat(),
        "entries_count": closing.entries_count,
        "sales_total_incl_tax": str(closing.sales_total_incl_tax),
        "credit_notes_total_incl_tax": str(closing.credit_notes_total_incl_tax),
        "payments_total": str(closing.payments_total),
        "period_total_incl_tax": str(closing.period_total_incl_tax),
        "tax_total": str(closing.tax_total),
        "grand_total_incl_tax": str(closing.grand_total_incl_tax),
        "last_entry_sequence": closing.last_entry_sequence,
        "last_entry_hash": closing.last_entry_hash,
    }
    return chain_hash(closing.previous_hash, data)


def period_window(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants ``[since, until)`` of the days ``start``..``end`` in the clinic's time zone."""
    tz = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(start, time.min), tz)
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz)
    return since, until


def period_entries(closing: FiscalClosing):
    """The journal entries a closing counts (those of its days)."""
    since, until = period_window(closing.period_start, closing.period_end)
    return FiscalJournalEntry.objects.filter(occurred_at__gte=since, occurred_at__lt=until)


def _refuse_unless_next(period_type: str, start: date) -> FiscalClosing | None:
    """The previous closing of this kind, after checking that ``start`` is the period that follows
    it: closings come once each, in order, without a gap (a skipped day could never be closed)."""
    name = period_label(period_type, start)
    if FiscalClosing.objects.filter(period_type=period_type, period_start=start).exists():
        raise ClosingRefused(
            gettext("The period “%(period)s” is already closed.") % {"period": name}, code="period_already_closed"
        )
    previous = FiscalClosing.objects.filter(period_type=period_type).order_by("-period_start").first()
    if previous and previous.period_start > start:
        raise ClosingRefused(
            gettext("The period “%(period)s” cannot be closed: “%(later)s”, which comes after it, is already closed.")
            % {"period": name, "later": period_label(period_type, previous.period_start)},
            code="period_out_of_order",
        )
    if previous and previous.period_end + timedelta(days=1) < start:
        missing = previous.period_end + timedelta(days=1)
        raise ClosingRefused(
            gettext("Close “%(missing)s” first: periods are closed in order, without a gap.")
            % {"missing": period_label(period_type, period_bounds(period_type, missing)[0])},
            code="period_gap",
        )
    return previous


def fiscal_period_close(*, period_type: str, day: date, actor=None) -> FiscalClosing:
    """Close the day, month or year containing ``day``: store its totals and the running grand
    total (the previous closing of the same kind plus this period). A period closes once, only
    after it has ended, and in order without a gap."""
    start, end = period_bounds(period_type, day)
    if end >= timezone.localdate():
        raise ClosingRefused(
            gettext("The period “%(period)s” has not ended yet: a period is closed once it is over.")
            % {"period": period_label(period_type, start)},
            code="period_not_ended",
        )
    since, until = period_window(start, end)
    with transaction.atomic():
        _lock_journal()
        previous = _refuse_unless_next(period_type, start)
        entries = FiscalJournalEntry.objects.filter(occurred_at__gte=since, occurred_at__lt=until)
        sums = entries.aggregate(
            count=Count("id"),
            sales=Sum("amount_incl_tax", filter=Q(event_type=FiscalEventType.INVOICE_ISSUED)),
            credits=Sum("amount_incl_tax", filter=Q(event_type=FiscalEventType.CREDIT_NOTE_ISSUED)),
            payments=Sum("amount_incl_tax", filter=Q(event_type=FiscalEventType.PAYMENT_RECORDED)),
            tax=Sum(
                "tax_total",
                filter=Q(event_type__in=[FiscalEventType.INVOICE_ISSUED, FiscalEventType.CREDIT_NOTE_ISSUED]),
            ),
        )
        last = entries.order_by("-sequence").first()
        sales = sums["sales"] or ZERO
        credits = sums["credits"] or ZERO
        period_total = quantize_money(sales + credits)
        closing = FiscalClosing(
            period_type=period_type,
            period_start=start,
            period_end=end,
            entries_count=sums["count"],
            sales_total_incl_tax=quantize_money(sales),
            credit_notes_total_incl_tax=quantize_money(credits),
            payments_total=quantize_money(sums["payments"] or ZERO),
            period_total_incl_tax=period_total,
            tax_total=quantize_money(sums["tax"] or ZERO),
            grand_total_incl_tax=quantize_money((previous.grand_total_incl_tax if previous else ZERO) + period_total),
            last_entry_sequence=last.sequence if last else None,
            last_entry_hash=last.hash if last else "",
            previous_hash=previous.hash if previous else GENESIS_HASH,
        )
        closing.hash = _closing_hash(closing)
        closing.save()
        from erp.ops.audit import audit_record

        audit_record(actor=actor, action="create", entity=closing, metadata={"period": period_type})
        return closing


def _first_open_day(period_type: str, yesterday: date) -> date:
    """The first day of the first period of this kind still to close: the one after the last
    closing, else the one holding the first journal entry (else yesterday's)."""
    last = FiscalClosing.objects.filter(period_type=period_type).order_by("-period_start").first()
    if last is not None:
        return last.period_end + timedelta(days=1)
    first = FiscalJournalEntry.objects.order_by("sequence").values_list("occurred_at", flat=True).first()
    return min(timezone.localtime(first).date(), yesterday) if first else yesterday


def fiscal_periods_due(*, today: date | None = None) -> list[tuple[str, date, date]]:
    """Every day, month and year that has ended and is not closed yet, oldest first of each kind:
    ``(period type, first day, last day)``."""
    yesterday = (today or timezone.localdate()) - timedelta(days=1)
    due = []
    for period_type in (ClosingPeriod.DAY, ClosingPeriod.MONTH, ClosingPeriod.YEAR):
        start, end = period_bounds(period_type, _first_open_day(period_type, yesterday))
        while end <= yesterday:
            due.append((period_type, start, end))
            start, end = period_bounds(period_type, end + timedelta(days=1))
    return due


def fiscal_close_due(*, today: date | None = None, actor=None) -> list[FiscalClosing]:
    """Close every period ``fiscal_periods_due`` names, in order: the nightly task's work, and
    what "Close yesterday" does when the task missed a night (the days it missed are closed
    too, so none is skipped). All or nothing."""
    with transaction.atomic():
        _lock_journal()  # what is due is read under the lock a concurrent closing takes
        return [
            fiscal_period_close(period_type=period_type, day=start, actor=actor)
            for period_type, start, _end in fiscal_periods_due(today=today)
        ]
