"""The Z-report of a closed day: the printed summary of a day closing, read back from the fiscal
journal entries the closing counted (so it can be printed again, identical, at any time).

It shows the totals by payment method (takings, refunds, net), VAT per rate (invoices less credit
notes), the credit notes issued, the range of invoice numbers, the closing's totals, running
grand total and hash. It is in French (the clinic's legal language); the seller is the one the
invoices print (``seller.seller_info``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from erp.commerce.exceptions import ClosingInvalid
from erp.commerce.models import ClosingPeriod, CreditNote, FiscalClosing, FiscalEventType, PaymentMethodCode, SaleLine
from erp.commerce.sales import fiscal
from erp.commerce.sales.seller import seller_info
from erp.core.money import ZERO, quantize_money
from erp.ops.audit import audit_record

LANGUAGE = "fr"


@dataclass(frozen=True)
class ZReport:
    closing: FiscalClosing
    seller: dict[str, str]
    payments: list[dict]  # per method: label, count, takings, refunds, net
    payments_total: dict[str, Decimal]
    vat: list[dict]  # per rate: rate, base, tax
    vat_total: dict[str, Decimal]
    invoices_count: int
    first_invoice: str | None
    last_invoice: str | None
    credit_notes: list[dict]  # number, invoice, amount, reason

    @property
    def filename(self) -> str:
        return f"Z-{self.closing.period_start.isoformat()}.pdf"


def _credit_notes_vat(entries) -> dict:
    """VAT per rate of each credit note entry: as the entry states it, else (a whole refund) the
    lines of the sale it credits, read for all of them in two queries."""
    vat = {entry.pk: entry.data["vat"] for entry in entries if entry.data.get("vat")}
    missing = [entry for entry in entries if entry.pk not in vat]
    sale_of = dict(
        CreditNote.objects.filter(pk__in=[entry.entity_id for entry in missing]).values_list("pk", "sale_id")
    )
    rates: dict = defaultdict(lambda: defaultdict(lambda: [ZERO, ZERO]))
    lines = SaleLine.objects.filter(sale_id__in=sale_of.values()).values_list(
        "sale_id", "tax_rate_percent_snapshot", "line_subtotal_excl_tax", "line_tax_amount"
    )
    for sale_id, rate, base, tax in lines:
        rates[sale_id][str(rate)][0] += base
        rates[sale_id][str(rate)][1] += tax
    for entry in missing:
        by_rate = rates[sale_of.get(entry.entity_id)]
        vat[entry.pk] = {rate: {"base": str(base), "tax": str(tax)} for rate, (base, tax) in by_rate.items()}
    return vat


def z_report(closing: FiscalClosing) -> ZReport:
    """The Z-report of a day closing (a month or a year has its closing, not a Z-report)."""
    if closing.period_type != ClosingPeriod.DAY:
        raise ClosingInvalid(gettext("A Z-report is printed for a closed day."), field="period_type")
    entries = fiscal.period_entries(closing).order_by("sequence")
    entries = list(entries.filter(sequence__lte=closing.last_entry_sequence or 0))
    credit_vat = _credit_notes_vat([e for e in entries if e.event_type == FiscalEventType.CREDIT_NOTE_ISSUED])
    methods: dict[str, dict] = {}
    vat: dict[Decimal, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    invoices: list[str] = []
    credit_notes: list[dict] = []
    for entry in entries:
        if entry.event_type == FiscalEventType.PAYMENT_RECORDED:
            code = entry.data.get("method", "other")
            row = methods.setdefault(code, {"count": 0, "takings": ZERO, "refunds": ZERO})
            row["count"] += 1
            row["takings" if entry.amount_incl_tax >= 0 else "refunds"] += entry.amount_incl_tax
        elif entry.event_type == FiscalEventType.INVOICE_ISSUED:
            invoices.append(entry.document_number)
            for rate, amounts in entry.data.get("vat", {}).items():
                vat[Decimal(rate)][0] += Decimal(amounts["base"])
                vat[Decimal(rate)][1] += Decimal(amounts["tax"])
        elif entry.event_type == FiscalEventType.CREDIT_NOTE_ISSUED:
            credit_notes.append(
                {
                    "number": entry.document_number,
                    "invoice": entry.data.get("invoice", ""),
                    "amount": entry.amount_incl_tax,
                    "reason": entry.data.get("reason", ""),
                }
            )
            for rate, amounts in credit_vat[entry.pk].items():
                # A credit note takes its VAT back, whichever sign its entry wrote it with.
                vat[Decimal(rate)][0] -= abs(Decimal(amounts["base"]))
                vat[Decimal(rate)][1] -= abs(Decimal(amounts["tax"]))
    labels = dict(PaymentMethodCode.choices)
    payments = [
        {"label": labels.get(code, code), **row, "net": quantize_money(row["takings"] + row["refunds"])}
        for code, row in sorted(methods.items())
    ]
    vat_rows = [
        {"rate": rate, "base": quantize_money(base), "tax": quantize_money(tax)}
        for rate, (base, tax) in sorted(vat.items())
    ]
    return ZReport(
        closing=closing,
        seller=seller_info(),
        payments=payments,
        payments_total={key: sum((row[key] for row in payments), ZERO) for key in ("takings", "refunds", "net")},
        vat=vat_rows,
        vat_total={key: sum((row[key] for row in vat_rows), ZERO) for key in ("base", "tax")},
        invoices_count=len(invoices),
        first_invoice=invoices[0] if invoices else None,
        last_invoice=invoices[-1] if invoices else None,
        credit_notes=credit_notes,
    )


def z_report_pdf(report: ZReport) -> bytes:
    """The Z-report as a PDF (WeasyPrint), in French."""
    from weasyprint import HTML

    with translation.override(LANGUAGE):
        html = render_to_string(
            "commerce/fiscal/z_report.html",
            {"report": report, "closing": report.closing, "printed_at": timezone.localtime()},
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def z_report_download(*, closing: FiscalClosing, actor, channel: str) -> tuple[ZReport, bytes]:
    """The Z-report of ``closing`` and its PDF; who printed it is audited."""
    report = z_report(closing)
    pdf = z_report_pdf(report)
    audit_record(
        actor=actor,
        action="export",
        entity=closing,
        metadata={"z_report": report.filename, "channel": channel},
    )
    return report, pdf
