"""Twenty buyers race for a lot of ten: exactly ten units are sold, the stock never goes below
zero, and the invoice numbers are 1..N with no gap or duplicate (real threads, real commits)."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from erp.commerce import exceptions
from erp.commerce.models import Invoice, Sale, SaleStatus, StockBalance, StockMove
from erp.commerce.sales import services as billing
from erp.commerce.sales.fiscal import fiscal_journal_verify
from erp.commerce.sales.services import PaymentInput
from erp.commerce.tests.factories import ClinicLocationFactory, InjectableFactory
from erp.commerce.tests.sales_fixtures import payment_methods, stock_lot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("no_pdf_on_commit")]


def test_twenty_buyers_race_for_a_lot_of_ten():
    payment_methods()
    location = ClinicLocationFactory()
    product = InjectableFactory(unit_price_excl_tax=Decimal("100.00"))
    lot = stock_lot(product, location, "RACE", 10, timezone.localdate() + timedelta(days=100))
    drafts = []
    for index in range(20):
        sale = billing.sale_create(location=location, sold_to_name=f"Buyer {index}", actor=None)
        billing.sale_line_add(sale=sale, product=product, quantity=Decimal("1"), actor=None)
        drafts.append(sale)
    barrier = threading.Barrier(len(drafts))
    outcomes = []
    lock = threading.Lock()

    def buy(sale):
        try:
            barrier.wait()
            billing.sale_pay(sale=sale, payments=[PaymentInput("cash", Decimal("120.00"))], actor=None)
            result = "sold"
        except exceptions.StockInsufficient:
            result = "refused"
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            result = repr(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=buy, args=(sale,)) for sale in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(set(outcomes)) == ["refused", "sold"], outcomes
    assert outcomes.count("sold") == 10
    assert Sale.objects.filter(status=SaleStatus.PAID).count() == 10
    assert Sale.objects.filter(status=SaleStatus.DRAFT).count() == 10
    assert StockBalance.objects.get(product=product, lot=lot, location=location).quantity == Decimal("0.00")
    assert sum(StockMove.objects.filter(product=product).values_list("quantity", flat=True)) == Decimal("0.00")
    numbers = sorted(Invoice.objects.values_list("sequence_number", flat=True))
    assert numbers == list(range(1, 11))
    by_time = list(Invoice.objects.order_by("issued_at", "sequence_number").values_list("sequence_number", flat=True))
    assert by_time == numbers
    assert fiscal_journal_verify().ok
