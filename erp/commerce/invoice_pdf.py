"""Invoice and credit note PDFs: WeasyPrint from a Django template, in the buyer's language,
turned into a Factur-X file (PDF/A-3 with the EN 16931 CII XML embedded) by ``factur-x``.

Rendering is deterministic: every date written into the file (PDF info, XMP metadata, the
attachment's dates) is the document's issue date, so rendering twice gives the same bytes.

Seller details come from settings (with placeholders): ``SELLER_NAME``, ``SELLER_ADDRESS_LINE1``,
``SELLER_POSTAL_CODE``, ``SELLER_CITY``, ``SELLER_COUNTRY_CODE``, ``SELLER_SIREN``,
``SELLER_SIRET``, ``SELLER_VAT_NUMBER``.
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
from django.template.loader import render_to_string
from django.utils import timezone

from erp.core.storage import storage_discard, storage_save

from .models import CreditNote, Invoice, PaymentKind, SaleLine

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
    },
}


def seller_info() -> dict[str, str]:
    return {
        "name": getattr(settings, "SELLER_NAME", "Clinique Dermatologique"),
        "address_line1": getattr(settings, "SELLER_ADDRESS_LINE1", "1 rue de la Paix"),
        "postal_code": getattr(settings, "SELLER_POSTAL_CODE", "75002"),
        "city": getattr(settings, "SELLER_CITY", "Paris"),
        "country_code": getattr(settings, "SELLER_COUNTRY_CODE", "FR"),
        "siren": getattr(settings, "SELLER_SIREN", "000000000"),
        "siret": getattr(settings, "SELLER_SIRET", "00000000000000"),
        "vat_number": getattr(settings, "SELLER_VAT_NUMBER", "FR00000000000"),
    }


@dataclass(frozen=True)
class RenderedDocument:
    pdf: bytes
    xml: bytes
    filename: str


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _context(*, kind: str, number: str, issued_at, billing, sale, reason=None, reference_number=None, payments=()):
    lang = billing.language if billing.language in LABELS else "fr"
    labels = LABELS[lang]
    lines: list[SaleLine] = list(sale.lines.select_related("product").prefetch_related("lots__lot"))
    rows = []
    vat: dict[tuple[Decimal, bool], list] = {}
    exemptions = []
    for line in lines:
        exempt = line.vat_exempt_snapshot
        rate = line.tax_rate_percent_snapshot
        category = "E" if exempt else ("S" if rate > 0 else "Z")
        rows.append(
            {
                "description": line.description_snapshot or str(line.product),
                "quantity": _money(line.quantity),
                "unit_price": _money(line.unit_price_excl_tax_snapshot),
                "rate": _money(rate),
                "net": _money(line.line_subtotal_excl_tax),
                "category": category,
                "exemption": line.vat_exemption_mention_snapshot if exempt else "",
                "lots": ", ".join(a.lot.lot_code for a in line.lots.all()),
            }
        )
        if exempt and line.vat_exemption_mention_snapshot not in exemptions:
            exemptions.append(line.vat_exemption_mention_snapshot)
        key = (rate, category)
        base, tax, mention = vat.get(key, [Decimal("0"), Decimal("0"), ""])
        vat[key] = [base + line.line_subtotal_excl_tax, tax + line.line_tax_amount, mention or rows[-1]["exemption"]]
    vat_rows = [
        {"rate": _money(rate), "category": category, "base": _money(base), "tax": _money(tax), "exemption": mention}
        for (rate, category), (base, tax, mention) in sorted(vat.items(), key=lambda item: (item[0][0], item[0][1]))
    ]
    issued_utc = issued_at.astimezone(UTC)
    issued_local = timezone.localtime(issued_at)  # the date printed is the clinic's calendar day
    return {
        "lang": lang,
        "labels": labels,
        "title": labels[kind],
        "type_code": "380" if kind == "invoice" else "381",
        "number": number,
        "issued_iso": issued_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "issued_date": issued_local.date().isoformat(),
        "issued_102": issued_local.strftime("%Y%m%d"),
        "seller": seller_info(),
        "billing": billing,
        "lines": rows,
        "vat_rows": vat_rows,
        "exemptions": exemptions,
        "subtotal": _money(sale.subtotal_excl_tax),
        "tax_total": _money(sale.tax_total),
        "total": _money(sale.total_incl_tax),
        "currency": sale.currency,
        "payments": [
            {
                "method": labels.get(p.payment_method.code, p.payment_method.name),
                "amount": _money(abs(p.amount_gross)),
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
    context = _context(
        kind="invoice",
        number=invoice.invoice_number,
        issued_at=invoice.issued_at,
        billing=invoice,
        sale=sale,
        payments=payments,
    )
    return _render(context, f"{invoice.invoice_number}.pdf", invoice.issued_at)


def credit_note_render(credit_note: CreditNote) -> RenderedDocument:
    sale = credit_note.sale
    payments = credit_note.payments.select_related("payment_method").order_by("paid_at", "pk")
    context = _context(
        kind="credit_note",
        number=credit_note.credit_note_number,
        issued_at=credit_note.issued_at,
        billing=credit_note,
        sale=sale,
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
            locked = model.objects.select_for_update().get(pk=record.pk)
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
