"""FEC export (Fichier des Écritures Comptables, LPF art. A47 A-1; BOI-CF-IOR-60-40-20).

Built from the issued documents only (invoices, credit notes, payments and refunds), read in
date order and written line by line, so a year streams without being held in memory.

Decisions where the norm leaves a choice (see the README, "Accountant"):
- flat file, TAB-separated, CRLF line ends, ISO-8859-15 (a character outside Latin-9, e.g. a
  Cyrillic or Armenian name, is transliterated with ``anyascii``);
- amounts with a comma, no thousands separator, both Debit and Credit filled ("0,00");
- journals: VT sales (one entry per invoice), AV credit notes (their own journal, reversed
  entries), one journal per payment method for the cash-ins (CA cash, CB card, BQ bank);
- a card payment is owed by the provider (467, auxiliary = provider) and the provider keeps its
  fee (627): the bank payout is recorded by the accountant from the bank statement;
- EcritureNum runs 1, 2, 3... over the whole file in date order; the 411 lines of an invoice and
  its payments (a credit note and its refunds) are lettered with the document number, on the
  document date (a sale is paid when its invoice is issued, so they always balance);
- amounts are in euros: a document in another currency makes the export refuse (no rate known).

The account plan lives here, in ``DEFAULT_ACCOUNTS``; ``settings.FEC_ACCOUNTS`` may override any
of its top-level keys.
"""

from __future__ import annotations

import heapq
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from anyascii import anyascii
from django.conf import settings
from django.db.models import Prefetch
from django.db.models.functions import Coalesce, Collate
from django.utils import timezone
from django.utils.translation import gettext as _

from erp.commerce.exceptions import FecForeignCurrency, FecPeriodInvalid
from erp.commerce.models import CreditNote, CreditNoteLine, Invoice, Payment, PaymentKind, SaleLine
from erp.core.money import ZERO
from erp.ops.audit import audit_record

COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
SEPARATOR = "\t"
LINE_END = "\r\n"
ENCODING = "iso-8859-15"
ACCOUNTING_CURRENCY = "EUR"

# The plan of accounts (PCG). (number, label); journals are (code, label).
DEFAULT_ACCOUNTS: dict = {
    "journal_sales": ("VT", "Ventes"),
    "journal_credit_notes": ("AV", "Avoirs"),
    "customers": ("411000", "Clients"),
    # Auxiliary account of a buyer who is not a patient (walk-in, named on the sale only).
    "walk_in_customer": ("CDIVERS", "Clients divers"),
    # Revenue per product kind (``ProductType``).
    "revenue": {
        "service": ("706000", "Prestations de services"),
        "product": ("707000", "Ventes de marchandises"),
    },
    # VAT collected per rate (the rate as written on the line, two decimals).
    "vat": {
        "20.00": ("445713", "TVA collectée 20 %"),
        "10.00": ("445712", "TVA collectée 10 %"),
        "5.50": ("445711", "TVA collectée 5,5 %"),
        "2.10": ("445710", "TVA collectée 2,1 %"),
    },
    "vat_other": ("445719", "TVA collectée autres taux"),
    # Per payment method (``PaymentMethodCode``): journal code, journal label, account, label.
    "payments": {
        "cash": ("CA", "Caisse", "530000", "Caisse"),
        "card": ("CB", "Cartes bancaires", "467000", "Prestataire de paiement par carte"),
        "bank_transfer": ("BQ", "Banque", "512000", "Banque"),
        "other": ("BQ", "Banque", "511000", "Valeurs à l'encaissement"),
    },
    "card_fees": ("627800", "Frais sur paiements par carte"),
}


def accounts() -> dict:
    return {**DEFAULT_ACCOUNTS, **getattr(settings, "FEC_ACCOUNTS", {})}


# --- Period ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FecPeriod:
    date_from: date
    date_to: date

    @property
    def filename(self) -> str:
        siren = "".join(ch for ch in str(settings.SELLER_SIREN) if ch.isdigit())
        return f"{siren}FEC{self.date_to:%Y%m%d}.txt"


def fec_period(*, year: int | str | None = None, date_from=None, date_to=None) -> FecPeriod:
    """The period of an export: a calendar year (the clinic's fiscal year), or a date range."""
    if year not in (None, ""):
        if date_from or date_to:
            raise FecPeriodInvalid(_("Give a year or a date range, not both."), field="year")
        try:
            year = int(year)
        except (TypeError, ValueError) as exc:
            raise FecPeriodInvalid(_("The year is a number such as 2026."), field="year") from exc
        if not 2000 <= year <= 9999:
            raise FecPeriodInvalid(_("The year is between 2000 and 9999."), field="year")
        return FecPeriod(date(year, 1, 1), date(year, 12, 31))
    if not date_from or not date_to:
        raise FecPeriodInvalid(_("Give a year, or both dates of the range."), field="from" if not date_from else "to")
    parsed = []
    for name, value in (("from", date_from), ("to", date_to)):
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError as exc:
                raise FecPeriodInvalid(_("`%(name)s` is a date (YYYY-MM-DD).") % {"name": name}, field=name) from exc
        parsed.append(value)
    if parsed[0] > parsed[1]:
        raise FecPeriodInvalid(_("The range starts after it ends."), field="from")
    if (parsed[1] - parsed[0]).days > 731:
        raise FecPeriodInvalid(_("A range covers two years at most."), field="to")
    return FecPeriod(parsed[0], parsed[1])


def _bounds(period: FecPeriod) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(period.date_from, time.min, tzinfo=tz)
    end = datetime.combine(period.date_to + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


# --- Entries --------------------------------------------------------------------------------------


@dataclass
class FecLine:
    account: tuple[str, str]
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    auxiliary: tuple[str, str] = ("", "")
    lettered: bool = False


@dataclass
class FecEntry:
    """One piece: balanced lines in one journal, on one day."""

    sort_key: tuple
    journal: tuple[str, str]
    day: date
    piece_ref: str
    label: str
    letter: str
    lines: list[FecLine] = field(default_factory=list)


def _signed(account, amount: Decimal, **extra) -> FecLine:
    """A debit when ``amount`` is positive, a credit when negative."""
    if amount >= 0:
        return FecLine(account=account, debit=amount, **extra)
    return FecLine(account=account, credit=-amount, **extra)


def _customer(sale) -> tuple[str, str]:
    if sale.sold_to_patient_id:
        patient = sale.sold_to_patient
        name = f"{patient.last_name} {patient.first_name}".strip()
        # 64 bits of the patient's id: stable, unique in practice, short enough for accounting tools.
        return f"P{patient.pk.hex[:16].upper()}", name
    number, label = accounts()["walk_in_customer"]
    return number, label


def _sale_lines(sale_lines, sign: int) -> list[FecLine]:
    """Revenue per product kind and VAT per rate of invoice or credit-note lines, signed (+1
    credits revenue: an invoice)."""
    plan = accounts()
    revenue: dict[str, Decimal] = {}
    vat: dict[Decimal, Decimal] = {}
    for line in sale_lines:
        kind = line.product_type_snapshot
        revenue[kind] = revenue.get(kind, ZERO) + line.line_subtotal_excl_tax
        rate = line.tax_rate_percent_snapshot
        vat[rate] = vat.get(rate, ZERO) + line.line_tax_amount
    lines = []
    for kind in sorted(revenue):
        account = plan["revenue"].get(kind) or plan["revenue"]["product"]
        lines.append(_signed(account, -sign * revenue[kind]))
    for rate in sorted(vat):
        if not vat[rate]:
            continue
        key = f"{rate:.2f}"
        account = plan["vat"].get(key)
        if account is None:
            number, _label = plan["vat_other"]
            account = (number, f"TVA collectée {key.replace('.', ',')} %")
        lines.append(_signed(account, -sign * vat[rate]))
    return lines


def _invoice_entry(invoice: Invoice) -> FecEntry:
    sale = invoice.sale
    day = timezone.localdate(invoice.issued_at)
    customer = _customer(sale)
    plan = accounts()
    lines = [_signed(plan["customers"], sale.total_incl_tax, auxiliary=customer, lettered=True)]
    lines += _sale_lines(sale.lines.all(), +1)
    return FecEntry(
        sort_key=(invoice.issued_at, invoice.invoice_number, 0),
        journal=plan["journal_sales"],
        day=day,
        piece_ref=invoice.invoice_number,
        label=f"Facture {invoice.invoice_number} {invoice.billing_name}",
        letter=invoice.invoice_number,
        lines=lines,
    )


def _credit_note_entry(credit_note: CreditNote) -> FecEntry:
    """A credit note reverses what it credits: its own lines (a quantity of some of the sale's
    lines, or all of them), revenue per kind and VAT per rate."""
    sale = credit_note.sale
    day = timezone.localdate(credit_note.issued_at)
    plan = accounts()
    lines = [_signed(plan["customers"], -credit_note.total_incl_tax, auxiliary=_customer(sale), lettered=True)]
    lines += _sale_lines(credit_note.lines.all(), -1)
    return FecEntry(
        sort_key=(credit_note.issued_at, credit_note.credit_note_number, 0),
        journal=plan["journal_credit_notes"],
        day=day,
        piece_ref=credit_note.credit_note_number,
        label=f"Avoir {credit_note.credit_note_number} sur {credit_note.invoice.invoice_number} "
        f"{credit_note.billing_name}",
        letter=credit_note.credit_note_number,
        lines=lines,
    )


METHOD_LABELS = {"cash": "espèces", "card": "carte", "bank_transfer": "virement", "other": "autre"}


def _payment_entry(payment: Payment) -> FecEntry:
    """The buyer's debt settled (411 credited) by the cash, bank or card provider account; the
    card provider's fee is a charge (627) it keeps."""
    plan = accounts()
    method = payment.payment_method.code
    journal_code, journal_label, number, label = plan["payments"].get(method) or plan["payments"]["other"]
    refund = payment.kind == PaymentKind.REFUND
    piece = payment.credit_note.credit_note_number if refund else payment.sale.invoice.invoice_number
    gross = payment.amount_gross
    auxiliary = ("", "")
    if method == "card":
        provider = (payment.provider or "CARTE").strip()
        auxiliary = ("".join(ch for ch in provider.upper() if ch.isalnum())[:17] or "CARTE", provider)
    lines = [
        _signed((number, label), gross, auxiliary=auxiliary),
        _signed(plan["customers"], -gross, auxiliary=_customer(payment.sale), lettered=True),
    ]
    if payment.fee_amount:
        lines += [
            _signed(plan["card_fees"], payment.fee_amount),
            _signed((number, label), -payment.fee_amount, auxiliary=auxiliary),
        ]
    verb = "Remboursement" if refund else "Encaissement"
    return FecEntry(
        sort_key=(payment.paid_at, piece, 1, payment.created_at, str(payment.pk)),
        journal=(journal_code, journal_label),
        day=timezone.localdate(payment.paid_at),
        piece_ref=piece,
        label=f"{verb} {METHOD_LABELS.get(method, method)} {piece}",
        letter=piece,
        lines=lines,
    )


# --- Reading the documents ------------------------------------------------------------------------
# Each query orders like its entries' ``sort_key`` (text in the "C" collation, as Python compares
# strings), so that merging the three keeps the file in order.

CHUNK = 500


def _lines_prefetch(lookup: str = "sale__lines", model=SaleLine) -> Prefetch:
    return Prefetch(lookup, queryset=model.objects.order_by("created_at", "id"))


def _invoices(start, end):
    return (
        Invoice.objects.filter(issued_at__gte=start, issued_at__lt=end)
        .select_related("sale__sold_to_patient")
        .prefetch_related(_lines_prefetch())
        .order_by("issued_at", Collate("invoice_number", "C"))
    )


def _credit_notes(start, end):
    return (
        CreditNote.objects.filter(issued_at__gte=start, issued_at__lt=end)
        .select_related("sale__sold_to_patient", "invoice")
        .prefetch_related(_lines_prefetch("lines", CreditNoteLine))
        .order_by("issued_at", Collate("credit_note_number", "C"))
    )


def _payments(start, end):
    return (
        Payment.objects.filter(paid_at__gte=start, paid_at__lt=end)
        .select_related("payment_method", "sale__sold_to_patient", "sale__invoice", "credit_note")
        .annotate(piece=Coalesce("credit_note__credit_note_number", "sale__invoice__invoice_number"))
        .order_by("paid_at", Collate("piece", "C"), "created_at", "id")
    )


def fec_check(period: FecPeriod) -> None:
    """Refuse, before anything is written, what the file cannot represent."""
    start, end = _bounds(period)
    foreign = [
        *_invoices(start, end).exclude(sale__currency=ACCOUNTING_CURRENCY).values_list("invoice_number", flat=True),
        *_credit_notes(start, end)
        .exclude(sale__currency=ACCOUNTING_CURRENCY)
        .values_list("credit_note_number", flat=True),
    ]
    if foreign:
        raise FecForeignCurrency(
            _("Documents in another currency than the euro cannot go in a FEC: %(foreign)s.")
            % {"foreign": ", ".join(foreign[:10])},
            extra={"documents": foreign[:50]},
        )


def fec_entries(period: FecPeriod) -> Iterator[FecEntry]:
    """Every piece of the period in date order (invoices, then their payments; credit notes,
    then their refunds), read in chunks."""
    start, end = _bounds(period)
    streams = [
        map(_invoice_entry, _invoices(start, end).iterator(chunk_size=CHUNK)),
        map(_credit_note_entry, _credit_notes(start, end).iterator(chunk_size=CHUNK)),
        map(_payment_entry, _payments(start, end).iterator(chunk_size=CHUNK)),
    ]
    # Each stream is sorted by its own key: merging keeps the whole file in date order.
    yield from heapq.merge(*streams, key=lambda entry: entry.sort_key)


# --- Writing --------------------------------------------------------------------------------------


def _amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _text(value: str) -> str:
    """One field: no separator or line break inside, Latin-9 only."""
    value = " ".join(str(value or "").split())
    try:
        value.encode(ENCODING)
    except UnicodeEncodeError:
        value = "".join(ch if _latin9(ch) else anyascii(ch) for ch in value)
    return value


def _latin9(ch: str) -> bool:
    try:
        ch.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def _row(values) -> bytes:
    return (SEPARATOR.join(values) + LINE_END).encode(ENCODING)


def fec_rows(period: FecPeriod) -> Iterator[bytes]:
    """The file, row by row (encoded): the header, then each line of each entry."""
    yield _row(COLUMNS)
    number = 0
    for entry in fec_entries(period):
        number += 1
        day = f"{entry.day:%Y%m%d}"
        debits = sum((line.debit for line in entry.lines), ZERO)
        credits = sum((line.credit for line in entry.lines), ZERO)
        if debits != credits:  # cannot happen with frozen documents; never write an unbalanced piece
            raise AssertionError(f"FEC entry {entry.piece_ref} does not balance ({debits} / {credits}).")
        for line in entry.lines:
            if not line.debit and not line.credit:
                continue
            yield _row(
                (
                    entry.journal[0],
                    _text(entry.journal[1]),
                    str(number),
                    day,
                    line.account[0],
                    _text(line.account[1]),
                    _text(line.auxiliary[0]),
                    _text(line.auxiliary[1]),
                    _text(entry.piece_ref),
                    day,
                    _text(entry.label),
                    _amount(line.debit),
                    _amount(line.credit),
                    _text(entry.letter) if line.lettered else "",
                    day if line.lettered else "",
                    day,
                    "",
                    "",
                )
            )


def fec_export_audit(*, period: FecPeriod, actor, channel: str) -> None:
    """Record who exported which FEC (the whole sales ledger of the period leaves the system)."""
    audit_record(
        actor=actor,
        action="export",
        entity_type="commerce.invoice",
        # No single record is exported: the entry names the file, stable for a given period.
        entity_id=uuid.uuid5(uuid.NAMESPACE_URL, f"fec:{period.filename}:{period.date_from}"),
        metadata={
            "fec": period.filename,
            "from": str(period.date_from),
            "to": str(period.date_to),
            "channel": channel,
        },
    )
