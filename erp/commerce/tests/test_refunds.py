"""Partial refunds: credit notes of chosen lines and quantities, several per invoice until every
line is credited, never more than sold; exact totals and VAT per rate; lots back to stock; the
refund follows the payments; Factur-X 381; the seller frozen on each document."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from erp.commerce import exceptions
from erp.commerce.inventory.selectors import stock_available
from erp.commerce.models import (
    CreditNote,
    CreditNoteLine,
    DocumentSequence,
    FiscalEventType,
    FiscalJournalEntry,
    Invoice,
    Payment,
    SaleStatus,
    StockMove,
)
from erp.commerce.sales import invoice_pdf
from erp.commerce.sales import services as billing
from erp.commerce.sales.services import CreditLineInput, PaymentInput
from erp.commerce.tests.factories import InjectableFactory, ProductFactory, ServiceFactory, TaxRateFactory
from erp.commerce.tests.sales_fixtures import payment_methods, seller_complete, stock_lot, stock_plain, sumup_rule
from erp.core.exceptions import DomainError
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db, location):
    payment_methods()
    sumup_rule(percent="1.75")
    cream = ProductFactory(name="Cream", unit_price_excl_tax=Decimal("10.00"))
    stock_plain(cream, location, 20)
    filler = InjectableFactory(name="Filler", unit_price_excl_tax=Decimal("100.00"))
    today = timezone.localdate()
    late = stock_lot(filler, location, "LATE", 5, today + timedelta(days=300))
    soon = stock_lot(filler, location, "SOON", 2, today + timedelta(days=30))
    consult = ServiceFactory(name="Consultation", unit_price_excl_tax=Decimal("60.00"))
    return {"cream": cream, "filler": filler, "late": late, "soon": soon, "consult": consult}


def _paid(location, items, payments=None):
    """A paid sale of ``items`` ((product, quantity[, consumed]) ...), paid cash by default."""
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=None)
    lines = []
    for product, quantity, *consumed in items:
        lines.append(
            billing.sale_line_add(
                sale=sale, product=product, quantity=Decimal(quantity), consumed_on_patient=bool(consumed), actor=None
            )
        )
    sale.refresh_from_db()
    invoice = billing.sale_pay(
        sale=sale, payments=payments or [PaymentInput("cash", sale.total_incl_tax)], actor=None
    )
    return invoice, lines


def _credit(invoice, *lines, reason="Returned"):
    return billing.sale_refund(
        sale=invoice.sale, reason=reason, lines=[CreditLineInput(*line) for line in lines], actor=None
    )


def test_partial_credit_note_credits_the_lines_chosen_and_returns_their_lots(shop, location):
    invoice, (cream, filler, consult) = _paid(
        location, [(shop["cream"], 3), (shop["filler"], 3), (shop["consult"], 1)]
    )
    assert [(a.lot.lot_code, a.quantity) for a in filler.lots.all()] == [("SOON", 2), ("LATE", 1)]

    credit = _credit(invoice, (cream.pk, "1"), (filler.pk, "2"))

    assert credit.credit_note_number == "AV-000001" and credit.invoice == invoice
    rows = {row.sale_line_id: row for row in credit.lines.all()}
    assert rows[cream.pk].quantity == 1 and rows[cream.pk].line_subtotal_excl_tax == Decimal("10.00")
    assert rows[filler.pk].line_subtotal_excl_tax == Decimal("200.00")
    assert rows[filler.pk].line_tax_amount == Decimal("40.00") and rows[filler.pk].quantity_returned == 2
    assert (credit.subtotal_excl_tax, credit.tax_total, credit.total_incl_tax) == (
        Decimal("210.00"), Decimal("42.00"), Decimal("252.00"),
    )  # fmt: skip
    # The fillers go back to the lots they left from, first expiry first; one cream comes back.
    assert [(x.lot.lot_code, x.quantity) for x in rows[filler.pk].lots.all()] == [("SOON", 2)]
    assert stock_available(product=shop["filler"], lot=shop["soon"], location=location) == Decimal("2.00")
    assert stock_available(product=shop["filler"], lot=shop["late"], location=location) == Decimal("4.00")
    assert stock_available(product=shop["cream"], location=location) == Decimal("18.00")
    # Refunded the way it was paid; the sale stays paid while lines are left to credit.
    refunds = Payment.objects.filter(credit_note=credit)
    assert [(r.payment_method.code, r.amount_gross) for r in refunds] == [("cash", Decimal("-252.00"))]
    invoice.sale.refresh_from_db()
    assert invoice.sale.status == SaleStatus.PAID
    entry = FiscalJournalEntry.objects.get(event_type=FiscalEventType.CREDIT_NOTE_ISSUED)
    assert entry.amount_incl_tax == Decimal("-252.00")
    assert entry.data["vat"] == {"20.00": {"base": "210.00", "tax": "42.00"}}
    assert AuditLog.objects.filter(entity_id=credit.pk, action="create").exists()


def test_credit_notes_follow_until_every_line_is_credited_and_add_up_to_the_invoice(location):
    payment_methods()
    rate = TaxRateFactory(name="Reduced", rate_percent=Decimal("5.50"))
    balm = ProductFactory(name="Balm", unit_price_excl_tax=Decimal("3.33"), tax_rate=rate)
    stock_plain(balm, location, 10)
    invoice, (line,) = _paid(location, [(balm, 3)])
    assert (line.line_subtotal_excl_tax, line.line_tax_amount) == (Decimal("9.99"), Decimal("0.55"))

    first = _credit(invoice, (line.pk, "1"))
    second = _credit(invoice, (line.pk, "1"))
    invoice.sale.refresh_from_db()
    assert invoice.sale.status == SaleStatus.PAID
    last = _credit(invoice, (line.pk, "1"))

    # 3.33 at 5.5 % is 0.18 of VAT a unit; the last credit takes what is left (0.19), so the three
    # credit notes give back exactly what the invoice charged.
    assert [c.tax_total for c in (first, second, last)] == [Decimal("0.18"), Decimal("0.18"), Decimal("0.19")]
    assert sum(c.subtotal_excl_tax for c in (first, second, last)) == Decimal("9.99")
    assert sum(c.total_incl_tax for c in (first, second, last)) == invoice.sale.total_incl_tax
    assert [c.credit_note_number for c in (first, second, last)] == ["AV-000001", "AV-000002", "AV-000003"]
    invoice.sale.refresh_from_db()
    assert invoice.sale.status == SaleStatus.REFUNDED
    assert sum(p.amount_gross for p in invoice.sale.payments.all()) == Decimal("0.00")
    with pytest.raises(exceptions.SaleNotPaid):
        _credit(invoice, (line.pk, "1"))


def test_a_quantity_credited_twice_is_refused_and_nothing_is_written(shop, location):
    invoice, (cream,) = _paid(location, [(shop["cream"], 3)])
    _credit(invoice, (cream.pk, "2"))
    counts = (CreditNote.objects.count(), Payment.objects.count(), StockMove.objects.count())
    sequence = DocumentSequence.objects.get(document_type="credit_note").next_number

    with pytest.raises(exceptions.CreditExceedsSold) as refused:
        _credit(invoice, (cream.pk, "2"))
    assert refused.value.code == "credit_exceeds_sold" and refused.value.field == "lines[0].quantity"
    assert "3" in refused.value.message and "at most 1" in refused.value.message
    assert (CreditNote.objects.count(), Payment.objects.count(), StockMove.objects.count()) == counts
    assert DocumentSequence.objects.get(document_type="credit_note").next_number == sequence
    assert _credit(invoice, (cream.pk, "1")).total_incl_tax == Decimal("12.00")


def test_refusals_of_a_credit_line(shop, location):
    invoice, (cream, injected, consult) = _paid(
        location, [(shop["cream"], 2), (shop["filler"], 1, True), (shop["consult"], 1)]
    )
    other, (foreign,) = _paid(location, [(shop["cream"], 1)])
    cases = [
        ([(foreign.pk, "1")], "credit_line_unknown"),
        ([(cream.pk, "1"), (cream.pk, "1")], "credit_line_twice"),
        ([(cream.pk, "0")], "invalid_quantity"),
        ([(consult.pk, "1", True)], "line_not_returnable"),  # a service never comes back
        ([(injected.pk, "1", True)], "line_not_returnable"),  # used on the patient
        ([], "credit_note_empty"),
    ]
    for lines, code in cases:
        with pytest.raises(DomainError) as refused:
            _credit(invoice, *lines)
        assert refused.value.code == code, (lines, refused.value)
    with pytest.raises(exceptions.PaymentInvalid):
        _credit(invoice, (cream.pk, "1"), reason=" ")
    assert CreditNote.objects.count() == 0


def test_goods_not_back_and_used_ones_stay_out_of_stock(shop, location):
    invoice, (cream, injected) = _paid(location, [(shop["cream"], 2), (shop["filler"], 1, True)])
    credit = _credit(invoice, (cream.pk, "2", False), (injected.pk, "1"))
    assert stock_available(product=shop["cream"], location=location) == Decimal("18.00")
    assert stock_available(product=shop["filler"], lot=shop["soon"], location=location) == Decimal("1.00")
    assert {row.quantity_returned for row in credit.lines.all()} == {Decimal("0.00")}
    invoice.sale.refresh_from_db()
    assert invoice.sale.status == SaleStatus.REFUNDED


def test_the_refund_follows_the_payments_the_last_method_first(shop, location):
    invoice, (filler,) = _paid(
        location, [(shop["filler"], 3)], payments=[PaymentInput("card", Decimal("300")), PaymentInput("cash", "60")]
    )
    first = _credit(invoice, (filler.pk, "1"))  # 120.00: the 60 paid cash, then 60 on the card
    assert sorted((p.payment_method.code, p.amount_gross) for p in first.payments.all()) == [
        ("card", Decimal("-60.00")), ("cash", Decimal("-60.00")),
    ]  # fmt: skip
    second = _credit(invoice, (filler.pk, "2"))
    assert [(p.payment_method.code, p.amount_gross) for p in second.payments.all()] == [("card", Decimal("-240.00"))]


def test_the_whole_refund_is_what_is_left(shop, location):
    invoice, (cream, filler) = _paid(location, [(shop["cream"], 2), (shop["filler"], 1)])
    _credit(invoice, (cream.pk, "1"))
    rest = billing.sale_refund(sale=invoice.sale, reason="Everything else", actor=None)
    assert {(row.sale_line_id, row.quantity) for row in rest.lines.all()} == {
        (cream.pk, Decimal("1.00")), (filler.pk, Decimal("1.00")),
    }  # fmt: skip
    assert rest.total_incl_tax == Decimal("132.00")
    assert stock_available(product=shop["cream"], location=location) == Decimal("20.00")


def test_credit_note_pdf_is_a_factur_x_381_of_its_own_lines(shop, location, settings):
    import facturx
    from pypdf import PdfReader

    seller_complete(settings)
    invoice, (cream, filler) = _paid(location, [(shop["cream"], 2), (shop["filler"], 1)])
    credit = _credit(invoice, (cream.pk, "1"), reason="Pot abîmé")
    rendered = invoice_pdf.credit_note_render(credit)
    assert rendered.filename == "AV-000001.pdf"
    facturx.xml_check_xsd(rendered.xml, flavor="factur-x", level="en16931")
    _name, xml = facturx.get_xml_from_pdf(rendered.pdf, check_xsd=True)
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml
    assert b"<ram:GrandTotalAmount>12.00</ram:GrandTotalAmount>" in xml
    assert xml.count(b"<ram:IncludedSupplyChainTradeLineItem>") == 1 and b"Filler" not in xml
    assert f"<ram:IssuerAssignedID>{invoice.invoice_number}</ram:IssuerAssignedID>".encode() in xml
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(rendered.pdf)).pages)
    assert "Avoir AV-000001" in text and "Pot abîmé" in text and "12,00" in text and "Filler" not in text


# --- The seller ---------------------------------------------------------------------------------


def test_the_seller_comes_from_the_website_settings_and_is_frozen_on_the_invoice(shop, location, settings):
    from cms.website.models import WebsiteSettings

    seller_complete(settings, name="Clinique du Parc", address="3 allée des Tilleuls", city="Lyon")
    invoice, (cream,) = _paid(location, [(shop["cream"], 1)])
    assert invoice.seller["name"] == "Clinique du Parc" and invoice.seller["city"] == "Lyon"
    assert invoice.seller["siren"] == "123456789" and invoice.seller["vat_number"] == "FR12123456789"
    WebsiteSettings.objects.update(address_line1="1 place Neuve")  # the clinic moves later
    xml = invoice_pdf.invoice_render(Invoice.objects.get(pk=invoice.pk)).xml
    assert b"3 all\xc3\xa9e des Tilleuls" in xml and b"1 place Neuve" not in xml
    assert _credit(invoice, (cream.pk, "1")).seller["address_line1"] == "1 place Neuve"


@pytest.mark.parametrize("missing", ["SELLER_SIREN", "SELLER_SIRET", "SELLER_VAT_NUMBER"])
def test_production_refuses_to_issue_without_the_legal_identifiers(shop, location, settings, missing):
    seller_complete(settings)
    invoice, (cream,) = _paid(location, [(shop["cream"], 2)])
    setattr(settings, missing, "")
    settings.SELLER_IDENTITY_REQUIRED = True
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=None)
    billing.sale_line_add(sale=sale, product=shop["cream"], quantity=Decimal("1"), actor=None)
    invoices = Invoice.objects.count()
    with pytest.raises(exceptions.SellerIdentityMissing) as refused:
        billing.sale_pay(sale=sale, payments=[PaymentInput("cash", Decimal("12"))], actor=None)
    assert refused.value.code == "seller_identity_missing" and missing.removeprefix("SELLER_") in refused.value.message
    assert Invoice.objects.count() == invoices and Payment.objects.filter(sale=sale).count() == 0
    with pytest.raises(exceptions.SellerIdentityMissing):
        _credit(invoice, (cream.pk, "1"))
    assert CreditNoteLine.objects.count() == 0
    # Development (the flag off) issues without them.
    settings.SELLER_IDENTITY_REQUIRED = False
    assert billing.sale_pay(sale=sale, payments=[PaymentInput("cash", Decimal("12"))], actor=None).seller[
        missing.removeprefix("SELLER_").lower()
    ] == ""


def test_production_refuses_to_issue_without_the_website_address(shop, location, settings):
    seller_complete(settings, address="")
    settings.SELLER_IDENTITY_REQUIRED = True
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=None)
    billing.sale_line_add(sale=sale, product=shop["cream"], quantity=Decimal("1"), actor=None)
    with pytest.raises(exceptions.SellerIdentityMissing) as refused:
        billing.sale_pay(sale=sale, payments=[PaymentInput("cash", Decimal("12"))], actor=None)
    assert refused.value.extra["missing"] == ["address_line1"]


def test_production_settings_require_the_seller_and_development_does_not():
    from erp.testing.production import production_env, run_python

    script = (
        "import json\nfrom erp.bootstrap import make_site_importable\nmake_site_importable()\n"
        "from django.conf import settings\nprint(json.dumps({'required': settings.SELLER_IDENTITY_REQUIRED}))\n"
    )
    env = production_env()
    assert run_python(script, env=env)["required"] is True
    assert run_python(script, env=env | {"DEBUG": "1"})["required"] is False
