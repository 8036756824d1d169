from decimal import Decimal

import pytest
from django.core.management import call_command

from erp.commerce import models, seed
from erp.commerce.inventory.selectors import stock_ledger_differences
from erp.core import seed as core_seed

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            models.TaxRate, models.ProductCategory, models.Product, models.Supplier, models.PurchaseOrder,
            models.PurchaseOrderLine, models.GoodsReceipt, models.GoodsReceiptLine, models.InventoryLot,
            models.StockMove, models.StockBalance, models.PaymentMethod, models.CardFeeRule, models.Sale,
            models.Payment, models.Invoice, models.FiscalJournalEntry,
        )
    }  # fmt: skip


def test_seed_is_idempotent_and_leaves_a_consistent_ledger():
    core_seed.seed(lambda line: None)
    seed.seed(lambda line: None)
    first = counts()
    seed.seed(lambda line: None)
    assert counts() == first
    assert first["TaxRate"] == 4
    assert sorted(models.TaxRate.objects.values_list("rate_percent", flat=True)) == [
        Decimal("0.00"), Decimal("5.50"), Decimal("10.00"), Decimal("20.00"),
    ]  # fmt: skip
    assert models.PurchaseOrder.objects.get().status == models.PurchaseOrderStatus.RECEIVED
    assert models.Product.objects.filter(type="service", vat_exempt=True).count() == 2
    assert models.InventoryLot.objects.filter(expires_at__isnull=False).count() == 2
    assert first["StockMove"] == 5 + 3  # the receipt, then the products of the demo sales
    assert first["PaymentMethod"] == 4 and first["CardFeeRule"] == 1
    assert first["Invoice"] == first["Sale"] == 3
    assert models.Sale.objects.filter(status="paid").count() == 3
    assert stock_ledger_differences() == []
    call_command("stock_check")
