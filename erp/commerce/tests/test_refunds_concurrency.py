"""Two accountants credit the same line at once (real threads, real commits): the sale's lock
serialises them, so one credit note is issued and the other is refused; never over-credited."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from erp.commerce import exceptions
from erp.commerce.models import CreditNote, CreditNoteLine, Payment, StockBalance
from erp.commerce.sales import services as billing
from erp.commerce.sales.fiscal import fiscal_journal_verify
from erp.commerce.sales.services import CreditLineInput, PaymentInput
from erp.commerce.tests.factories import ClinicLocationFactory, ProductFactory
from erp.commerce.tests.sales_fixtures import payment_methods, stock_plain

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("no_pdf_on_commit")]


def test_two_partial_credits_of_one_line_at_once_cannot_over_credit():
    payment_methods()
    location = ClinicLocationFactory()
    cream = ProductFactory(unit_price_excl_tax=Decimal("10.00"))
    stock_plain(cream, location, 10)
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=None)
    line = billing.sale_line_add(sale=sale, product=cream, quantity=Decimal("3"), actor=None)
    billing.sale_pay(sale=sale, payments=[PaymentInput("cash", Decimal("36.00"))], actor=None)
    barrier = threading.Barrier(2)
    outcomes = []
    lock = threading.Lock()

    def credit():
        try:
            barrier.wait()
            billing.sale_refund(
                sale=sale, reason="Returned", lines=[CreditLineInput(line.pk, Decimal("2"))], actor=None
            )
            result = "credited"
        except exceptions.CreditExceedsSold:
            result = "refused"
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            result = repr(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=credit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["credited", "refused"], outcomes
    assert CreditNote.objects.count() == 1
    assert sum(CreditNoteLine.objects.values_list("quantity", flat=True)) == Decimal("2.00")
    assert sum(Payment.objects.filter(sale=sale).values_list("amount_gross", flat=True)) == Decimal("12.00")
    assert StockBalance.objects.get(product=cream, location=location).quantity == Decimal("9.00")
    assert fiscal_journal_verify().ok
