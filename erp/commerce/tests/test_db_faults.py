"""PostgreSQL drops the connection in the middle of paying a sale or receiving goods: nothing
partial is left, and the same operation succeeds when tried again (real threads, real kills)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from erp.commerce.inventory import services
from erp.commerce.inventory.services import ReceiptLineInput
from erp.commerce.models import (
    FiscalJournalEntry,
    GoodsReceipt,
    GoodsReceiptLine,
    InventoryLot,
    Invoice,
    Payment,
    PurchaseOrderStatus,
    Sale,
    SaleStatus,
    StockBalance,
    StockMove,
)
from erp.commerce.sales import services as billing
from erp.commerce.sales.fiscal import fiscal_journal_verify
from erp.commerce.sales.services import PaymentInput
from erp.commerce.tests.factories import ClinicLocationFactory, InjectableFactory, ProductFactory, SupplierFactory
from erp.commerce.tests.sales_fixtures import payment_methods, stock_lot
from erp.ops.models import AuditLog
from erp.testing.faults import run_and_kill_midway

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_pdf_on_commit(transactional_db, settings):
    settings.COMMERCE_RENDER_PDF_ON_COMMIT = False


def test_sale_pay_connection_lost_before_the_invoice_leaves_the_sale_unpaid():
    payment_methods()
    location = ClinicLocationFactory()
    product = InjectableFactory(unit_price_excl_tax=Decimal("100.00"))
    lot = stock_lot(product, location, "KILL", 5, timezone.localdate() + timedelta(days=100))
    sale = billing.sale_create(location=location, sold_to_name="Buyer", actor=None)
    billing.sale_line_add(sale=sale, product=product, quantity=Decimal("2"), actor=None)
    moves_before = StockMove.objects.count()
    journal_before = FiscalJournalEntry.objects.count()
    audit_before = AuditLog.objects.count()

    # Stock moves and payments are already written in the transaction when the invoice INSERT runs.
    outcome = run_and_kill_midway(
        lambda: billing.sale_pay(sale=sale, payments=[PaymentInput("cash", Decimal("240.00"))], actor=None),
        before=r'^INSERT INTO "commerce_invoice"',
    )

    assert isinstance(outcome.error, (OperationalError, InterfaceError)), outcome.error
    for table in ("commerce_stockmove", "commerce_payment", "commerce_sale"):
        assert outcome.pause.wrote_before(table), table
    sale.refresh_from_db()
    assert sale.status == SaleStatus.DRAFT and sale.sold_at is None
    assert not Payment.objects.exists()
    assert not Invoice.objects.exists()
    assert StockMove.objects.count() == moves_before
    assert FiscalJournalEntry.objects.count() == journal_before
    assert AuditLog.objects.count() == audit_before
    assert StockBalance.objects.get(product=product, lot=lot, location=location).quantity == Decimal("5.00")

    invoice = billing.sale_pay(sale=sale, payments=[PaymentInput("cash", Decimal("240.00"))], actor=None)
    assert invoice.sequence_number == 1
    assert Sale.objects.get(pk=sale.pk).status == SaleStatus.PAID
    assert StockBalance.objects.get(product=product, lot=lot, location=location).quantity == Decimal("3.00")
    assert fiscal_journal_verify().ok


def test_goods_receipt_connection_lost_midway_leaves_no_lot_move_or_balance():
    location = ClinicLocationFactory()
    cream = ProductFactory(name="Cream", unit_price_excl_tax=Decimal("18.00"))
    filler = InjectableFactory(name="Filler")
    order = services.purchase_order_create(supplier=SupplierFactory(), location=location, actor=None)
    cream_line = services.purchase_order_line_add(
        purchase_order=order, product=cream, quantity_ordered=Decimal("10"), unit_cost=Decimal("6.00"), actor=None
    )
    filler_line = services.purchase_order_line_add(
        purchase_order=order, product=filler, quantity_ordered=Decimal("4"), unit_cost=Decimal("90.00"), actor=None
    )
    order = services.purchase_order_order(purchase_order=order, actor=None)
    lines = [
        ReceiptLineInput(cream_line.pk, Decimal("10")),
        ReceiptLineInput(
            filler_line.pk, Decimal("4"), lot_code="F-1", expires_at=timezone.localdate() + timedelta(days=300)
        ),
    ]

    # The cream's line, lot-less move and balance, and the filler's lot are written; the filler's
    # receipt line is the statement that meets the dead connection.
    outcome = run_and_kill_midway(
        lambda: services.goods_receipt_receive(purchase_order=order, lines=lines, actor=None),
        before=r'^INSERT INTO "commerce_inventorylot"',
    )
    for table in ("commerce_goodsreceipt", "commerce_goodsreceiptline", "commerce_stockmove"):
        assert outcome.pause.wrote_before(table), table

    assert isinstance(outcome.error, (OperationalError, InterfaceError)), outcome.error
    assert not GoodsReceipt.objects.exists()
    assert not GoodsReceiptLine.objects.exists()
    assert not InventoryLot.objects.exists()
    assert not StockMove.objects.exists()
    assert not StockBalance.objects.exists()
    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.ORDERED
    cream_line.refresh_from_db()
    assert cream_line.quantity_received == 0

    receipt = services.goods_receipt_receive(purchase_order=order, lines=lines, actor=None)
    assert receipt.lines.count() == 2
    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.RECEIVED
    assert StockBalance.objects.get(product=cream, location=location).quantity == Decimal("10.00")
