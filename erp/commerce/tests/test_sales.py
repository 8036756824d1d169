"""Commerce II services: draft sales, totals, FEFO lots, paying, cancelling, refunding."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from erp.commerce import exceptions
from erp.commerce.inventory.selectors import stock_available
from erp.commerce.models import (
    CreditNote,
    DocumentSequence,
    FiscalEventType,
    FiscalJournalEntry,
    Invoice,
    Payment,
    PaymentKind,
    Sale,
    SaleLine,
    SaleLineLot,
    SaleStatus,
    StockBalance,
    StockMove,
    TaxRate,
)
from erp.commerce.sales import services as billing
from erp.commerce.sales.services import PaymentInput
from erp.commerce.tests.factories import (
    ClinicLocationFactory,
    InjectableFactory,
    ProductFactory,
    ServiceFactory,
    TaxRateFactory,
)
from erp.commerce.tests.sales_fixtures import make_patient, payment_methods, stock_lot, stock_plain, sumup_rule
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(make_user):
    return make_user("reception", "desk@clinic.test")


@pytest.fixture
def till(db):
    methods = payment_methods()
    rule = sumup_rule(percent="1.75")
    return methods, rule


@pytest.fixture
def shop(db, till, location):
    """A cream (20 % VAT, plain stock of 20) and a filler tracked by lot (two lots)."""
    cream = ProductFactory(name="Cream", unit_price_excl_tax=Decimal("10.00"))
    stock_plain(cream, location, 20)
    filler = InjectableFactory(name="Filler", unit_price_excl_tax=Decimal("100.00"))
    today = timezone.localdate()
    late = stock_lot(filler, location, "LATE", 5, today + timedelta(days=300))
    soon = stock_lot(filler, location, "SOON", 2, today + timedelta(days=30))
    expired = stock_lot(filler, location, "OLD", 4, today - timedelta(days=1))
    consult = ServiceFactory(name="Consultation", unit_price_excl_tax=Decimal("60.00"))
    return {"cream": cream, "filler": filler, "late": late, "soon": soon, "expired": expired, "consult": consult}


def _independent_line(price: Decimal, qty: Decimal, rate: Decimal) -> tuple[Decimal, Decimal]:
    cent = Decimal("0.01")
    net = (price * qty).quantize(cent, rounding=ROUND_HALF_UP)
    vat = (net * rate / 100).quantize(cent, rounding=ROUND_HALF_UP)
    return net, vat


# --- Buyer rule ---------------------------------------------------------------------------------


def test_sale_needs_a_patient_or_a_name(clerk, location):
    with pytest.raises(exceptions.SaleBuyerRequired):
        billing.sale_create(location=location, sold_to_name="  ", actor=clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Sale.objects.create(location=location)
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=clerk)
    assert sale.status == SaleStatus.DRAFT and sale.row_version == 1


def test_patient_sale_takes_the_referral_source(clerk, location):
    from erp.clinical.models import ReferralSource

    source = ReferralSource.objects.create(code="instagram_test", label="Instagram")
    patient = make_patient(referral_source=source)
    sale = billing.sale_create(location=location, sold_to_patient=patient, actor=clerk)
    assert sale.referral_source == source


# --- Totals -------------------------------------------------------------------------------------


def test_line_copies_the_product_and_totals_are_per_line_then_summed(clerk, shop, location):
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=clerk)
    line = billing.sale_line_add(sale=sale, product=shop["cream"], quantity=Decimal("3"), actor=clerk)
    assert line.product_type_snapshot == "product"
    assert line.description_snapshot == "Cream"
    assert line.unit_price_excl_tax_snapshot == Decimal("10.00")
    assert line.tax_rate_percent_snapshot == Decimal("20.00")
    billing.sale_line_add(sale=sale, product=shop["consult"], quantity=Decimal("1"), actor=clerk)
    sale.refresh_from_db()
    # Cream 30.00 + 6.00 VAT; the consultation is exempt: 60.00, no VAT.
    assert (sale.subtotal_excl_tax, sale.tax_total, sale.total_incl_tax) == (
        Decimal("90.00"),
        Decimal("6.00"),
        Decimal("96.00"),
    )
    # Changing the catalog price afterwards does not touch the draft's snapshot.
    shop["cream"].unit_price_excl_tax = Decimal("99.00")
    shop["cream"].save()
    line.refresh_from_db()
    assert line.unit_price_excl_tax_snapshot == Decimal("10.00")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    items=st.lists(
        st.tuples(
            st.decimals(min_value=Decimal("0.00"), max_value=Decimal("999.99"), places=2),
            st.decimals(min_value=Decimal("0.01"), max_value=Decimal("50.00"), places=2),
            st.sampled_from([Decimal("0.00"), Decimal("2.10"), Decimal("5.50"), Decimal("10.00"), Decimal("20.00")]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_totals_match_an_independent_calculation(clerk, location, items):
    sale = billing.sale_create(location=location, sold_to_name="Property", actor=clerk)
    expected_net = expected_vat = Decimal("0")
    for index, (price, qty, rate) in enumerate(items):
        tax_rate = TaxRateFactory(name=f"rate {rate}", rate_percent=rate)
        product = ServiceFactory(vat_exempt=False, unit_price_excl_tax=price, tax_rate=tax_rate, name=f"S{index}")
        billing.sale_line_add(sale=sale, product=product, quantity=qty, actor=clerk)
        net, vat = _independent_line(price, qty, rate)
        expected_net += net
        expected_vat += vat
    sale.refresh_from_db()
    assert sale.subtotal_excl_tax == expected_net
    assert sale.tax_total == expected_vat
    assert sale.total_incl_tax == expected_net + expected_vat
    assert sum(line.line_total_incl_tax for line in sale.lines.all()) == sale.total_incl_tax


def test_line_quantity_change_and_removal_recompute(clerk, shop, location):
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=clerk)
    line = billing.sale_line_add(sale=sale, product=shop["cream"], quantity=Decimal("1"), actor=clerk)
    billing.sale_line_update(line=line, quantity=Decimal("2"), actor=clerk)
    sale.refresh_from_db()
    assert sale.total_incl_tax == Decimal("24.00")
    billing.sale_line_remove(line=line, actor=clerk)
    sale.refresh_from_db()
    assert sale.total_incl_tax == Decimal("0.00")


# --- Lots ---------------------------------------------------------------------------------------


def test_fefo_proposal_skips_expired_lots_and_takes_the_soonest_first(clerk, shop, location):
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=clerk)
    line = billing.sale_line_add(sale=sale, product=shop["filler"], quantity=Decimal("3"), actor=clerk)
    allocation = [(a.lot.lot_code, a.quantity) for a in line.lots.order_by("lot__expires_at")]
    assert allocation == [("SOON", Decimal("2.00")), ("LATE", Decimal("1.00"))]


def test_fefo_ignores_other_locations(clerk, shop, location):
    elsewhere = ClinicLocationFactory(name="Lyon")
    stock_lot(shop["filler"], elsewhere, "LYON", 9, timezone.localdate() + timedelta(days=5))
    proposal = billing.lots_fefo_proposal(product=shop["filler"], quantity=Decimal("1"), location=location)
    assert [lot.lot_code for lot, _ in proposal] == ["SOON"]


def test_staff_override_of_lots_must_cover_the_line(clerk, shop, location):
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=clerk)
    line = billing.sale_line_add(sale=sale, product=shop["filler"], quantity=Decimal("3"), actor=clerk)
    with pytest.raises(exceptions.LotsDoNotCoverLine):
        billing.sale_line_lots_set(line=line, allocations=[(shop["late"], Decimal("2"))], actor=clerk)
    with pytest.raises(exceptions.LotExpired):
        billing.sale_line_lots_set(line=line, allocations=[(shop["expired"], Decimal("3"))], actor=clerk)
    billing.sale_line_lots_set(line=line, allocations=[(shop["late"], Decimal("3"))], actor=clerk)
    assert [(a.lot.lot_code, a.quantity) for a in line.lots.all()] == [("LATE", Decimal("3.00"))]


# --- Paying -------------------------------------------------------------------------------------


def _draft(clerk, shop, location, **buyer):
    sale = billing.sale_create(location=location, **(buyer or {"sold_to_name": "Walk-in"}), actor=clerk)
    billing.sale_line_add(sale=sale, product=shop["cream"], quantity=Decimal("2"), actor=clerk)  # 24.00
    billing.sale_line_add(sale=sale, product=shop["filler"], quantity=Decimal("3"), actor=clerk)  # 360.00
    billing.sale_line_add(sale=sale, product=shop["consult"], quantity=Decimal("1"), actor=clerk)  # 60.00
    sale.refresh_from_db()
    assert sale.total_incl_tax == Decimal("444.00")
    return sale


def test_pay_with_card_and_cash_records_fees_change_stock_invoice_and_journal(clerk, shop, location):
    sale = _draft(clerk, shop, location)
    invoice = billing.sale_pay(
        sale=sale,
        payments=[PaymentInput("card", Decimal("400.00")), PaymentInput("cash", Decimal("50.00"))],
        actor=clerk,
    )
    sale.refresh_from_db()
    assert sale.status == SaleStatus.PAID and sale.sold_at is not None
    assert invoice.invoice_number == "FA-000001" and invoice.sequence_number == 1
    card = Payment.objects.get(sale=sale, payment_method__code="card")
    assert (card.amount_gross, card.fee_percent, card.fee_amount, card.amount_net) == (
        Decimal("400.00"),
        Decimal("1.75"),
        Decimal("7.00"),
        Decimal("393.00"),
    )
    assert card.provider == "SumUp"
    cash = Payment.objects.get(sale=sale, payment_method__code="cash")
    assert (cash.amount_tendered, cash.change_given, cash.amount_gross) == (
        Decimal("50.00"),
        Decimal("6.00"),
        Decimal("44.00"),
    )
    assert sum(p.amount_gross for p in sale.payments.all()) == sale.total_incl_tax
    # Stock: 2 creams, the filler from SOON (2) then LATE (1); nothing for the service.
    assert stock_available(product=shop["cream"], location=location) == Decimal("18.00")
    assert stock_available(product=shop["filler"], lot=shop["soon"], location=location) == Decimal("0.00")
    assert stock_available(product=shop["filler"], lot=shop["late"], location=location) == Decimal("4.00")
    assert StockMove.objects.filter(reference_type="sale", reference_id=sale.pk).count() == 3
    events = list(FiscalJournalEntry.objects.values_list("event_type", "amount_incl_tax"))
    assert events == [
        (FiscalEventType.INVOICE_ISSUED, Decimal("444.00")),
        (FiscalEventType.PAYMENT_RECORDED, Decimal("400.00")),
        (FiscalEventType.PAYMENT_RECORDED, Decimal("44.00")),
    ]
    assert AuditLog.objects.filter(entity_id=sale.pk, metadata_json__status="paid").exists()


def test_invoice_numbers_follow_each_other(clerk, shop, location):
    numbers = []
    for _ in range(3):
        sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=clerk)
        billing.sale_line_add(sale=sale, product=shop["consult"], quantity=Decimal("1"), actor=clerk)
        numbers.append(
            billing.sale_pay(sale=sale, payments=[PaymentInput("bank_transfer", Decimal("60"))], actor=clerk)
        )
    assert [i.sequence_number for i in numbers] == [1, 2, 3]
    assert DocumentSequence.objects.get(document_type="invoice").next_number == 4


def test_payments_must_cover_the_total(clerk, shop, location):
    sale = _draft(clerk, shop, location)
    with pytest.raises(exceptions.PaymentsInsufficient):
        billing.sale_pay(sale=sale, payments=[PaymentInput("card", Decimal("443.99"))], actor=clerk)
    sale.refresh_from_db()
    assert sale.status == SaleStatus.DRAFT


def test_only_cash_may_exceed_the_total(clerk, shop, location):
    sale = _draft(clerk, shop, location)
    with pytest.raises(exceptions.ChangeNotAllowed):
        billing.sale_pay(sale=sale, payments=[PaymentInput("card", Decimal("450.00"))], actor=clerk)
    with pytest.raises(exceptions.ChangeNotAllowed):
        billing.sale_pay(
            sale=sale,
            payments=[PaymentInput("card", Decimal("445.00")), PaymentInput("cash", Decimal("10.00"))],
            actor=clerk,
        )


def test_card_fee_comes_from_the_rule_in_force_that_day(clerk, shop, location, till):
    _methods, current = till
    today = timezone.localdate()
    current.effective_to = today - timedelta(days=1)
    current.save()
    sumup_rule(percent="2.50", fixed="0.10", start=today)
    sumup_rule(percent="9.00", start=today + timedelta(days=1))  # not yet in force
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=clerk)
    billing.sale_line_add(sale=sale, product=shop["consult"], quantity=Decimal("1"), actor=clerk)
    billing.sale_pay(sale=sale, payments=[PaymentInput("card", Decimal("60.00"))], actor=clerk)
    card = Payment.objects.get(sale=sale)
    assert (card.fee_percent, card.fee_amount, card.amount_net) == (Decimal("2.50"), Decimal("1.60"), Decimal("58.40"))


def test_card_payment_without_a_rule_is_refused(clerk, shop, location, till):
    till[1].delete()
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=clerk)
    billing.sale_line_add(sale=sale, product=shop["consult"], quantity=Decimal("1"), actor=clerk)
    with pytest.raises(exceptions.CardFeeRuleMissing):
        billing.sale_pay(sale=sale, payments=[PaymentInput("card", Decimal("60.00"))], actor=clerk)


def test_not_enough_stock_refuses_the_sale(clerk, shop, location):
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=clerk)
    billing.sale_line_add(sale=sale, product=shop["filler"], quantity=Decimal("8"), actor=clerk)  # 7 in lots
    with pytest.raises(exceptions.LotsDoNotCoverLine):
        billing.sale_pay(sale=sale, payments=[PaymentInput("cash", Decimal("1000"))], actor=clerk)
    sale2 = billing.sale_create(location=location, sold_to_name="Walk-in", actor=clerk)
    billing.sale_line_add(sale=sale2, product=shop["cream"], quantity=Decimal("21"), actor=clerk)
    with pytest.raises(exceptions.StockInsufficient):
        billing.sale_pay(sale=sale2, payments=[PaymentInput("cash", Decimal("1000"))], actor=clerk)
    # The stock moves take no savepoint of their own inside paying: the refusal undoes the whole
    # payment and leaves the caller's transaction usable.
    sale2.refresh_from_db()
    assert sale2.status == SaleStatus.DRAFT
    assert not Payment.objects.filter(sale=sale2).exists()
    assert not StockMove.objects.filter(reference_id=sale2.pk).exists()


def test_empty_or_paid_sale_cannot_be_paid(clerk, shop, location):
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=clerk)
    with pytest.raises(exceptions.SaleEmpty):
        billing.sale_pay(sale=sale, payments=[], actor=clerk)
    billing.sale_line_add(sale=sale, product=shop["consult"], quantity=Decimal("1"), actor=clerk)
    billing.sale_pay(sale=sale, payments=[PaymentInput("cash", Decimal("60"))], actor=clerk)
    with pytest.raises(exceptions.SaleNotDraft):
        billing.sale_pay(sale=sale, payments=[PaymentInput("cash", Decimal("60"))], actor=clerk)
    with pytest.raises(exceptions.SaleNotDraft):
        billing.sale_line_add(sale=sale, product=shop["consult"], quantity=Decimal("1"), actor=clerk)
    with pytest.raises(exceptions.SaleNotDraft):
        billing.sale_cancel(sale=sale, actor=clerk)


@pytest.mark.parametrize(
    "target",
    [
        "_plan_payments",
        "_sale_out_moves",
        "stock_moves_record",
        "_payments_create",
        "_invoice_create",
        "document_number_next",
        "journal_append_many",
        "_journal_payments",
        "audit_record",
        "_schedule_pdf",
    ],
)
def test_a_failure_at_any_step_leaves_nothing(clerk, shop, location, monkeypatch, target):
    # A first sale makes the invoice series exist, so "no consumed number" is observable.
    first = billing.sale_create(location=location, sold_to_name="First", actor=clerk)
    billing.sale_line_add(sale=first, product=shop["consult"], quantity=Decimal("1"), actor=clerk)
    billing.sale_pay(sale=first, payments=[PaymentInput("cash", Decimal("60"))], actor=clerk)
    sale = _draft(clerk, shop, location)
    before = {
        "payments": Payment.objects.count(),
        "moves": StockMove.objects.count(),
        "invoices": Invoice.objects.count(),
        "journal": FiscalJournalEntry.objects.count(),
        "balances": sorted(StockBalance.objects.values_list("pk", "quantity")),
        "next": DocumentSequence.objects.get(document_type="invoice").next_number,
    }

    class Boom(RuntimeError):
        pass

    def explode(*args, **kwargs):
        raise Boom(target)

    monkeypatch.setattr(billing, target, explode)
    with pytest.raises(Boom):
        billing.sale_pay(
            sale=sale,
            payments=[PaymentInput("card", Decimal("400")), PaymentInput("cash", Decimal("50"))],
            actor=clerk,
        )
    after = {
        "payments": Payment.objects.count(),
        "moves": StockMove.objects.count(),
        "invoices": Invoice.objects.count(),
        "journal": FiscalJournalEntry.objects.count(),
        "balances": sorted(StockBalance.objects.values_list("pk", "quantity")),
        "next": DocumentSequence.objects.get(document_type="invoice").next_number,
    }
    assert after == before
    sale.refresh_from_db()
    assert sale.status == SaleStatus.DRAFT and sale.sold_at is None
    monkeypatch.undo()
    invoice = billing.sale_pay(sale=sale, payments=[PaymentInput("cash", Decimal("444"))], actor=clerk)
    assert invoice.sequence_number == 2


def test_cancel_a_draft(clerk, shop, location):
    sale = _draft(clerk, shop, location)
    billing.sale_cancel(sale=sale, actor=clerk)
    sale.refresh_from_db()
    assert sale.status == SaleStatus.CANCELLED
    with pytest.raises(exceptions.SaleNotDraft):
        billing.sale_pay(sale=sale, payments=[PaymentInput("cash", Decimal("444"))], actor=clerk)


def test_stale_copy_of_a_draft_cannot_win(clerk, location):
    from erp.core.exceptions import ConcurrencyConflict

    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=clerk)
    stale = Sale.objects.get(pk=sale.pk)
    billing.sale_update(sale=sale, changes={"sold_to_name": "Marie"}, actor=clerk)
    with pytest.raises(ConcurrencyConflict):
        billing.sale_update(sale=stale, changes={"sold_to_name": "Other"}, actor=clerk)


# --- Refunds ------------------------------------------------------------------------------------


def test_refund_issues_a_credit_note_negative_payments_and_returns_stock(clerk, shop, location):
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=clerk)
    billing.sale_line_add(sale=sale, product=shop["cream"], quantity=Decimal("2"), actor=clerk)
    billing.sale_line_add(sale=sale, product=shop["filler"], quantity=Decimal("3"), actor=clerk)
    injected = billing.sale_line_add(
        sale=sale, product=shop["filler"], quantity=Decimal("1"), consumed_on_patient=True, actor=clerk
    )
    billing.sale_line_add(sale=sale, product=shop["consult"], quantity=Decimal("1"), actor=clerk)
    sale.refresh_from_db()
    total = sale.total_incl_tax
    invoice = billing.sale_pay(
        sale=sale, payments=[PaymentInput("card", Decimal("300")), PaymentInput("cash", total - 300)], actor=clerk
    )
    assert injected.lots.get().lot.lot_code == "LATE"
    assert stock_available(product=shop["filler"], lot=shop["late"], location=location) == Decimal("3.00")

    credit = billing.sale_refund(sale=sale, reason="Allergy", actor=clerk)
    assert credit.credit_note_number == "AV-000001" and credit.invoice == invoice
    assert credit.total_incl_tax == total
    sale.refresh_from_db()
    assert sale.status == SaleStatus.REFUNDED
    refunds = Payment.objects.filter(sale=sale, kind=PaymentKind.REFUND)
    assert sorted(r.amount_gross for r in refunds) == sorted([Decimal("-300.00"), -(total - 300)])
    assert sum(p.amount_gross for p in sale.payments.all()) == Decimal("0.00")
    # Creams and the three fillers come back to their lots; the injected one does not.
    assert stock_available(product=shop["cream"], location=location) == Decimal("20.00")
    assert stock_available(product=shop["filler"], lot=shop["soon"], location=location) == Decimal("2.00")
    assert stock_available(product=shop["filler"], lot=shop["late"], location=location) == Decimal("4.00")
    assert FiscalJournalEntry.objects.filter(
        event_type=FiscalEventType.CREDIT_NOTE_ISSUED, amount_incl_tax=-total
    ).exists()
    with pytest.raises(exceptions.SaleNotPaid):
        billing.sale_refund(sale=sale, reason="again", actor=clerk)
    assert CreditNote.objects.count() == 1


def test_draft_sale_cannot_be_refunded(clerk, shop, location):
    sale = _draft(clerk, shop, location)
    with pytest.raises(exceptions.SaleNotPaid):
        billing.sale_refund(sale=sale, reason="x", actor=clerk)


def test_sale_line_lot_unique(clerk, shop, location):
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=clerk)
    line = billing.sale_line_add(sale=sale, product=shop["filler"], quantity=Decimal("1"), actor=clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        SaleLineLot.objects.create(sale_line=line, lot=line.lots.get().lot, quantity=Decimal("1"))
    assert SaleLine.objects.count() == 1
    assert TaxRate.objects.exists()


def test_refund_returns_only_the_lines_named(clerk, shop, location):
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=clerk)
    opened = billing.sale_line_add(sale=sale, product=shop["cream"], quantity=Decimal("2"), actor=clerk)
    sealed = billing.sale_line_add(sale=sale, product=shop["filler"], quantity=Decimal("1"), actor=clerk)
    consult = billing.sale_line_add(sale=sale, product=shop["consult"], quantity=Decimal("1"), actor=clerk)
    sale.refresh_from_db()
    billing.sale_pay(sale=sale, payments=[PaymentInput("cash", sale.total_incl_tax)], actor=clerk)
    with pytest.raises(exceptions.CreditLineInvalid) as refused:
        billing.sale_refund(sale=sale, reason="x", returned_line_ids=[consult.pk], actor=clerk)
    assert refused.value.code == "line_not_returnable"
    billing.sale_refund(sale=sale, reason="Opened cream kept", returned_line_ids=[sealed.pk], actor=clerk)
    assert stock_available(product=shop["cream"], location=location) == Decimal("18.00")
    assert stock_available(product=shop["filler"], lot=shop["soon"], location=location) == Decimal("2.00")
    assert opened.pk
