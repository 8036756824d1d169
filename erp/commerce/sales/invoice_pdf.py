"""Invoice and credit note PDFs: WeasyPrint from a Django template, turned into a Factur-X file
(PDF/A-3 with the EN 16931 CII XML embedded) by ``factur-x``; type 380 for an invoice, 381 for a
credit note (its own lines only).

The document is in French, its legal language: each label carries the buyer's language on a second
line when it is not French. Amounts and dates are written the French way (``1 234,50 €``).

Rendering is deterministic: every date written into the file (PDF info, XMP metadata, the
attachment's dates) is the document's issue date, so rendering twice gives the same bytes.

The seller is the one frozen on the document when it was issued (``erp.commerce.sales.seller``).
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal
from unittest import mock

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html

from erp.commerce.models import CreditNote, CreditNoteLineLot, Invoice, PaymentKind, SaleLineLot
from erp.commerce.sales.seller import seller_info
from erp.core.locking import lock_row
from erp.core.money import format_money, format_number
from erp.core.storage import signed_url, storage_discard, storage_save
from erp.core.zones import location_zone

# UNTDID 4461 payment means codes.
PAYMENT_MEANS = {"cash": "10", "card": "48", "bank_transfer": "30", "other": "1"}

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "invoice": "Facture",
        "credit_note": "Avoir",
        "issue_date": "Date d'émission",
        "refers_to": "se rapporte à la facture",
        "seller": "Vendeur",
        "buyer": "Client",
        "vat_number": "N° TVA",
        "description": "Désignation",
        "quantity": "Qté",
        "unit_price": "PU HT",
        "vat_rate": "TVA",
        "line_total": "Total HT",
        "lots": "Lots",
        "vat_by_rate": "TVA par taux",
        "vat": "TVA",
        "base": "base",
        "total_excl": "Total HT",
        "total_vat": "Total TVA",
        "total_incl": "Total TTC",
        "payments": "Règlements",
        "reason": "Motif",
        "paid_note": "Facture acquittée.",
        "cash": "Espèces",
        "card": "Carte bancaire",
        "bank_transfer": "Virement",
        "other": "Autre",
        "refunded_note": "Avoir remboursé selon les règlements ci-dessus.",
        "refunds": "Remboursements",
    },
    "en": {
        "invoice": "Invoice",
        "credit_note": "Credit note",
        "issue_date": "Issue date",
        "refers_to": "refers to invoice",
        "seller": "Seller",
        "buyer": "Customer",
        "vat_number": "VAT number",
        "description": "Description",
        "quantity": "Qty",
        "unit_price": "Unit price excl. VAT",
        "vat_rate": "VAT",
        "line_total": "Total excl. VAT",
        "lots": "Lots",
        "vat_by_rate": "VAT per rate",
        "vat": "VAT",
        "base": "base",
        "total_excl": "Total excl. VAT",
        "total_vat": "Total VAT",
        "total_incl": "Total incl. VAT",
        "payments": "Payments",
        "reason": "Reason",
        "paid_note": "Invoice paid.",
        "cash": "Cash",
        "card": "Card",
        "bank_transfer": "Bank transfer",
        "other": "Other",
        "refunded_note": "Credit note refunded as shown above.",
        "refunds": "Refunds",
    },
    "ru": {
        "invoice": "Счёт-фактура",
        "credit_note": "Кредит-нота",
        "issue_date": "Дата выставления",
        "refers_to": "к счёту",
        "seller": "Продавец",
        "buyer": "Покупатель",
        "vat_number": "Номер НДС",
        "description": "Наименование",
        "quantity": "Кол-во",
        "unit_price": "Цена без НДС",
        "vat_rate": "НДС",
        "line_total": "Сумма без НДС",
        "lots": "Партии",
        "vat_by_rate": "НДС по ставкам",
        "vat": "НДС",
        "base": "база",
        "total_excl": "Итого без НДС",
        "total_vat": "Итого НДС",
        "total_incl": "Итого с НДС",
        "payments": "Оплата",
        "reason": "Причина",
        "paid_note": "Счёт оплачен.",
        "cash": "Наличные",
        "card": "Карта",
        "bank_transfer": "Банковский перевод",
        "other": "Другое",
        "refunded_note": "Сумма возвращена, как указано выше.",
        "refunds": "Возвраты",
    },
    "uk": {
        "invoice": "Рахунок-фактура",
        "credit_note": "Кредит-нота",
        "issue_date": "Дата виставлення",
        "refers_to": "до рахунку",
        "seller": "Продавець",
        "buyer": "Покупець",
        "vat_number": "Номер ПДВ",
        "description": "Найменування",
        "quantity": "К-сть",
        "unit_price": "Ціна без ПДВ",
        "vat_rate": "ПДВ",
        "line_total": "Сума без ПДВ",
        "lots": "Партії",
        "vat_by_rate": "ПДВ за ставками",
        "vat": "ПДВ",
        "base": "база",
        "total_excl": "Разом без ПДВ",
        "total_vat": "Разом ПДВ",
        "total_incl": "Разом з ПДВ",
        "payments": "Оплата",
        "reason": "Причина",
        "paid_note": "Рахунок оплачено.",
        "cash": "Готівка",
        "card": "Картка",
        "bank_transfer": "Банківський переказ",
        "other": "Інше",
        "refunded_note": "Суму повернено, як зазначено вище.",
        "refunds": "Повернення",
    },
    "hy": {
        "invoice": "Հաշիվ-ապրանքագիր",
        "credit_note": "Վարկային նշում",
        "issue_date": "Տրման ամսաթիվ",
        "refers_to": "վերաբերում է հաշվին",
        "seller": "Վաճառող",
        "buyer": "Գնորդ",
        "vat_number": "ԱԱՀ համար",
        "description": "Անվանում",
        "quantity": "Քանակ",
        "unit_price": "Գին առանց ԱԱՀ",
        "vat_rate": "ԱԱՀ",
        "line_total": "Գումար առանց ԱԱՀ",
        "lots": "Խմբաքանակներ",
        "vat_by_rate": "ԱԱՀ ըստ դրույքի",
        "vat": "ԱԱՀ",
        "base": "հիմք",
        "total_excl": "Ընդամենը առանց ԱԱՀ",
        "total_vat": "Ընդամենը ԱԱՀ",
        "total_incl": "Ընդամենը ԱԱՀ-ով",
        "payments": "Վճարումներ",
        "reason": "Պատճառ",
        "paid_note": "Հաշիվը վճարված է։",
        "cash": "Կանխիկ",
        "card": "Քարտ",
        "bank_transfer": "Բանկային փոխանցում",
        "other": "Այլ",
        "refunded_note": "Գումարը վերադարձված է, ինչպես նշված է վերևում։",
        "refunds": "Վերադարձներ",
    },
    "es": {
        "invoice": "Factura",
        "credit_note": "Nota de crédito",
        "issue_date": "Fecha de emisión",
        "refers_to": "relativa a la factura",
        "seller": "Vendedor",
        "buyer": "Cliente",
        "vat_number": "N.º IVA",
        "description": "Descripción",
        "quantity": "Cant.",
        "unit_price": "Precio unit. sin IVA",
        "vat_rate": "IVA",
        "line_total": "Total sin IVA",
        "lots": "Lotes",
        "vat_by_rate": "IVA por tipo",
        "vat": "IVA",
        "base": "base",
        "total_excl": "Total sin IVA",
        "total_vat": "Total IVA",
        "total_incl": "Total con IVA",
        "payments": "Pagos",
        "reason": "Motivo",
        "paid_note": "Factura pagada.",
        "cash": "Efectivo",
        "card": "Tarjeta",
        "bank_transfer": "Transferencia",
        "other": "Otro",
        "refunded_note": "Nota de crédito reembolsada según lo indicado.",
        "refunds": "Reembolsos",
    },
}


@dataclass(frozen=True)
class RenderedDocument:
    pdf: bytes
    xml: bytes
    filename: str


def _money(value: Decimal) -> str:
    """An amount as the CII XML writes it (dot, two places)."""
    return f"{value:.2f}"


def bilingual_labels(language: str) -> dict[str, str]:
    """Each label in French, with the buyer's language under it when that is not French (HTML)."""
    french = LABELS["fr"]
    other = LABELS.get(language) if language != "fr" else None
    labels = {}
    for key, text in french.items():
        second = other.get(key) if other else None
        if second and second != text:
            labels[key] = format_html('{}<span class="tr">{}</span>', text, second)
        else:
            labels[key] = format_html("{}", text)
    return labels


def _line_rows(lines, currency: str) -> tuple[list[dict], list[dict], list[str]]:
    """Printed rows, VAT per rate and exemption mentions of sale or credit-note lines (with
    their lots prefetched)."""
    rows = []
    vat: dict[tuple[Decimal, str], list] = {}
    exemptions = []
    for line in lines:
        exempt = line.vat_exempt_snapshot
        rate = line.tax_rate_percent_snapshot
        category = "E" if exempt else ("S" if rate > 0 else "Z")
        mention = line.vat_exemption_mention_snapshot if exempt else ""
        rows.append(
            {
                "description": line.description_snapshot or "",
                "quantity": _money(line.quantity),
                "quantity_display": format_number(line.quantity, language="fr"),
                "unit_price": _money(line.unit_price_excl_tax_snapshot),
                "unit_price_display": format_money(line.unit_price_excl_tax_snapshot, currency, language="fr"),
                "rate": _money(rate),
                "rate_display": format_number(rate, language="fr"),
                "net": _money(line.line_subtotal_excl_tax),
                "net_display": format_money(line.line_subtotal_excl_tax, currency, language="fr"),
                "category": category,
                "exemption": mention,
                "lots": ", ".join(a.lot.lot_code for a in line.lots.all()),
            }
        )
        if mention and mention not in exemptions:
            exemptions.append(mention)
        base, tax, kept = vat.get((rate, category), [Decimal("0"), Decimal("0"), ""])
        vat[(rate, category)] = [base + line.line_subtotal_excl_tax, tax + line.line_tax_amount, kept or mention]
    vat_rows = [
        {
            "rate": _money(rate),
            "rate_display": format_number(rate, language="fr"),
            "category": category,
            "base": _money(base),
            "base_display": format_money(base, currency, language="fr"),
            "tax": _money(tax),
            "tax_display": format_money(tax, currency, language="fr"),
            "exemption": mention,
        }
        for (rate, category), (base, tax, mention) in sorted(vat.items())
    ]
    return rows, vat_rows, exemptions


def _context(*, kind: str, number: str, document, sale, lines, totals, reason=None, reference_number=None, payments=()):
    """What the HTML and the XML print. ``document`` is the invoice or credit note (billing and
    seller frozen on it); ``totals`` its (net, VAT, total incl. VAT)."""
    language = document.language if document.language in LABELS else "fr"
    currency = sale.currency
    rows, vat_rows, exemptions = _line_rows(lines, currency)
    subtotal, tax_total, total = totals
    issued_at = document.issued_at
    issued_utc = issued_at.astimezone(UTC)
    # The date printed is the calendar day at the location of the sale.
    issued_local = timezone.localtime(issued_at, location_zone(sale.location))
    title = LABELS["fr"][kind]
    labels = bilingual_labels(language)
    return {
        "lang": "fr",
        "labels": labels,
        "title": title,
        "title_html": labels[kind],
        "type_code": "380" if kind == "invoice" else "381",
        "is_credit_note": kind == "credit_note",
        "number": number,
        "issued_iso": issued_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "issued_date": issued_local.date().isoformat(),
        "issued_display": issued_local.strftime("%d/%m/%Y"),
        "issued_102": issued_local.strftime("%Y%m%d"),
        "seller": document.seller or seller_info(),
        "billing": document,
        "lines": rows,
        "vat_rows": vat_rows,
        "exemptions": exemptions,
        "subtotal": _money(subtotal),
        "tax_total": _money(tax_total),
        "total": _money(total),
        "subtotal_display": format_money(subtotal, currency, language="fr"),
        "tax_total_display": format_money(tax_total, currency, language="fr"),
        "total_display": format_money(total, currency, language="fr"),
        "currency": currency,
        "payments": [
            {
                "method": labels.get(p.payment_method.code, p.payment_method.name),
                "amount": _money(abs(p.amount_gross)),
                "amount_display": format_money(abs(p.amount_gross), currency, language="fr"),
                "uncl4461": PAYMENT_MEANS.get(p.payment_method.code, "1"),
            }
            for p in payments
        ],
        "reason": reason,
        "reference_number": reference_number,
    }


_FACTURX_LOCK = threading.Lock()


@contextmanager
def _fixed_clock(moment):
    """factur-x stamps the current time into the PDF info, the XMP metadata and the attachment;
    pin them to the issue date so the output depends only on the document."""
    from facturx import facturx as fx

    utc = moment.astimezone(UTC)
    with (
        _FACTURX_LOCK,
        mock.patch.object(fx, "_get_pdf_timestamp", lambda date=None: utc.strftime("D:%Y%m%d%H%M%S+00'00'")),
        mock.patch.object(fx, "_get_metadata_timestamp", lambda: utc.strftime("%Y-%m-%dT%H:%M:%S+00:00")),
    ):
        yield


def _render(context: dict, filename: str, issued_at) -> RenderedDocument:
    import facturx
    from weasyprint import HTML

    html = render_to_string("commerce/invoice/document.html", context)
    xml = render_to_string("commerce/invoice/cii.xml", context).encode("utf-8")
    facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    base_pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_variant="pdf/a-3b", pdf_identifier=hashlib.md5(context["number"].encode(), usedforsecurity=False).digest()
    )
    seller = context["seller"]
    metadata = {
        "author": seller["name"],
        "keywords": "Factur-X",
        "title": f"{seller['name']}: {context['title']} {context['number']}",
        "subject": f"{context['title']} {context['number']} {context['issued_date']}",
    }
    with _fixed_clock(issued_at):
        pdf = facturx.generate_from_binary(
            base_pdf,
            xml,
            flavor="factur-x",
            level="en16931",
            check_xsd=False,
            pdf_metadata=metadata,
            lang=context["lang"],
        )
    return RenderedDocument(pdf=pdf, xml=xml, filename=filename)


def invoice_render(invoice: Invoice) -> RenderedDocument:
    sale = invoice.sale
    payments = sale.payments.filter(kind=PaymentKind.PAYMENT).select_related("payment_method").order_by("paid_at", "pk")
    lots = Prefetch("lots", queryset=SaleLineLot.objects.select_related("lot"))
    context = _context(
        kind="invoice",
        number=invoice.invoice_number,
        document=invoice,
        sale=sale,
        lines=sale.lines.prefetch_related(lots),
        totals=(sale.subtotal_excl_tax, sale.tax_total, sale.total_incl_tax),
        payments=payments,
    )
    return _render(context, f"{invoice.invoice_number}.pdf", invoice.issued_at)


def credit_note_render(credit_note: CreditNote) -> RenderedDocument:
    """The credit note's own lines (what it credits), totals and refunds; it names its invoice."""
    payments = credit_note.payments.select_related("payment_method").order_by("paid_at", "pk")
    lots = Prefetch("lots", queryset=CreditNoteLineLot.objects.select_related("lot"))
    context = _context(
        kind="credit_note",
        number=credit_note.credit_note_number,
        document=credit_note,
        sale=credit_note.sale,
        lines=credit_note.lines.prefetch_related(lots),
        totals=(credit_note.subtotal_excl_tax, credit_note.tax_total, credit_note.total_incl_tax),
        reason=credit_note.reason,
        reference_number=credit_note.invoice.invoice_number,
        payments=payments,
    )
    return _render(context, f"{credit_note.credit_note_number}.pdf", credit_note.issued_at)


def _record(stored_key: str, rendered: RenderedDocument, *, billed, actor):
    """The PDF's Document row (a patient document) and its link from ``billed`` (the invoice or
    credit note): two audited writes, the document created and the ``document`` set."""
    from erp.clinical.models import Document, DocumentKind
    from erp.ops.audit import audit_record

    document = Document.objects.create(
        object_key=stored_key,
        content_type="application/pdf",
        size_bytes=len(rendered.pdf),
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        title=rendered.filename,
        patient=billed.sale.sold_to_patient,
        kind=DocumentKind.OTHER,
    )
    type(billed).objects.filter(pk=billed.pk).update(document=document)
    audit_record(actor=actor, action="create", entity=document, metadata={"rendered_for": str(billed)})
    audit_record(actor=actor, action="update", entity=billed, metadata={"fields_changed": ["document"]})
    return document


def _pdf_store(record, rendered: RenderedDocument, *, actor):
    """Object first, then the Document row and the link in one transaction; the object is removed
    again when that transaction fails or another worker linked a PDF first."""
    from erp.clinical.models import Document

    model = type(record)
    stored_key = storage_save(Document.BUCKET, f"documents/{uuid.uuid4()}.pdf", rendered.pdf)
    try:
        with transaction.atomic():
            locked = lock_row(model.objects, pk=record.pk)
            if locked.document_id:
                storage_discard(Document.BUCKET, stored_key)
                return locked.document
            document = _record(stored_key, rendered, billed=record, actor=actor)
    except BaseException:
        storage_discard(Document.BUCKET, stored_key)
        raise
    record.document = document
    return document


def invoice_pdf_store(*, invoice: Invoice, actor=None):
    """Render the invoice and keep it in the documents bucket (once: later calls return it)."""
    if invoice.document_id:
        return invoice.document
    return _pdf_store(invoice, invoice_render(invoice), actor=actor)


def credit_note_pdf_store(*, credit_note: CreditNote, actor=None):
    if credit_note.document_id:
        return credit_note.document
    return _pdf_store(credit_note, credit_note_render(credit_note), actor=actor)


def billed_download_url(billed: Invoice | CreditNote, *, actor, expires_in: int | None = None) -> str:
    """A signed link to the PDF of an invoice or credit note (rendered now if its task has not run
    yet), downloaded under the document's number (``FA-000004.pdf``). The caller checks the
    permission and audits the download."""
    if isinstance(billed, Invoice):
        document = invoice_pdf_store(invoice=billed, actor=actor)
    else:
        document = credit_note_pdf_store(credit_note=billed, actor=actor)
    return signed_url("documents", document.object_key, expires_in=expires_in, filename=f"{billed}.pdf")
