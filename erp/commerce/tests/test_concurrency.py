"""Two clerks taking the last units at the same time: the balance lock lets exactly one through."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from erp.commerce import exceptions
from erp.commerce.inventory import services
from erp.commerce.inventory.services import StockMoveInput
from erp.commerce.models import StockBalance, StockMove, StockMoveType
from erp.commerce.tests.factories import ClinicLocationFactory, ProductFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_out_moves_never_oversell():
    product = ProductFactory()
    location = ClinicLocationFactory()
    services.stock_move_record(
        move=StockMoveInput(
            product=product,
            location=location,
            move_type=StockMoveType.IN,
            quantity=Decimal("5"),
            unit_cost=Decimal("1"),
        ),
        actor=None,
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def take_three():
        try:
            barrier.wait()
            services.stock_move_record(
                move=StockMoveInput(
                    product=product, location=location, move_type=StockMoveType.OUT, quantity=Decimal("-3")
                ),
                actor=None,
            )
            outcomes.append("ok")
        except exceptions.StockInsufficient:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=take_three) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ok", "refused"]
    assert StockBalance.objects.get(product=product).quantity == Decimal("2.00")
    assert StockMove.objects.filter(product=product).count() == 2


def test_concurrent_receipts_never_receive_more_than_ordered():
    from erp.commerce.models import PurchaseOrderLine
    from erp.commerce.tests.factories import SupplierFactory

    product = ProductFactory()
    order = services.purchase_order_create(supplier=SupplierFactory(), location=ClinicLocationFactory(), actor=None)
    line = services.purchase_order_line_add(
        purchase_order=order, product=product, quantity_ordered=Decimal("10"), unit_cost=Decimal("2"), actor=None
    )
    services.purchase_order_order(purchase_order=order, actor=None)
    barrier = threading.Barrier(2)
    outcomes = []

    def receive_six():
        try:
            barrier.wait()
            services.goods_receipt_receive(
                purchase_order=order, lines=[services.ReceiptLineInput(line.pk, Decimal("6"))], actor=None
            )
            outcomes.append("ok")
        except exceptions.OverReceipt:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=receive_six) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ok", "refused"]
    assert PurchaseOrderLine.objects.get(pk=line.pk).quantity_received == Decimal("6.00")
    assert StockBalance.objects.get(product=product).quantity == Decimal("6.00")
