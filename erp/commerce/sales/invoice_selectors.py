"""Reads of the invoice page (admin and API): an invoice with its lines and what each credit note
took of them, its payments and refunds, its credit notes."""

from __future__ import annotations

from django.db.models import Prefetch, Sum

from erp.commerce.models import CreditNote, CreditNoteLine, CreditNoteLineLot, Invoice, Payment, SaleLineLot
from erp.commerce.sales.services import LineCredited, sale_lines_credited
from erp.core.money import ZERO


def credit_notes_of(invoice_id):
    """The credit notes of an invoice, oldest first, with their lines and the lots returned."""
    lots = Prefetch("lots", queryset=CreditNoteLineLot.objects.select_related("lot"))
    return (
        CreditNote.objects.filter(invoice_id=invoice_id)
        .prefetch_related(Prefetch("lines", queryset=CreditNoteLine.objects.prefetch_related(lots)))
        .order_by("issued_at", "sequence_number")
    )


def invoice_detail(invoice: Invoice, *, with_credit_notes: bool) -> Invoice:
    """``invoice`` with ``page_lines`` (each with ``credited_quantity`` and
    ``creditable_quantity``), ``page_payments``, ``page_credit_notes`` (empty unless
    ``with_credit_notes``) and ``credited_total_incl_tax``: five queries."""
    sale = invoice.sale
    credited = sale_lines_credited(sale.pk)
    lots = Prefetch("lots", queryset=SaleLineLot.objects.select_related("lot"))
    lines = list(sale.lines.select_related("product").prefetch_related(lots))
    for line in lines:
        done = credited.get(line.pk, LineCredited())
        line.credited_quantity = done.quantity
        line.creditable_quantity = line.quantity - done.quantity
        line.credited_returned = done.returned
    invoice.page_lines = lines
    invoice.page_payments = list(
        Payment.objects.filter(sale_id=sale.pk)
        .select_related("payment_method", "credit_note")
        .order_by("paid_at", "created_at")
    )
    invoice.page_credit_notes = list(credit_notes_of(invoice.pk)) if with_credit_notes else []
    invoice.credited_total_incl_tax = (
        CreditNote.objects.filter(invoice_id=invoice.pk).aggregate(total=Sum("total_incl_tax"))["total"] or ZERO
    )
    invoice.fully_credited = all(line.creditable_quantity <= 0 for line in lines)
    return invoice
