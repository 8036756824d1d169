"""Paying a sale through the API costs a fixed number of queries (issue 11: the pay benchmark is
bound by its round trips): the count is asserted exactly so that a regression fails, and it does
not grow with the number of payments (payments and journal entries are written in batches)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from erp.commerce.models import FiscalJournalEntry, Payment, Sale, SaleStatus, StockBalance
from erp.commerce.sales import services as billing
from erp.commerce.sales.fiscal import fiscal_journal_verify
from erp.commerce.tests.factories import InjectableFactory
from erp.commerce.tests.sales_fixtures import payment_methods, stock_lot
from erp.ops.audit import audit_chain_verify

pytestmark = pytest.mark.django_db

# Token or session auth and the role lookup are per request and not counted here: the client is
# force-authenticated. Inside the test's transaction each atomic block is a savepoint (two queries).
# 22: the seller frozen on the invoice reads the website settings (one query).
PAY_QUERIES = 22


@pytest.fixture
def desk(make_user, settings):
    settings.COMMERCE_RENDER_PDF_ON_COMMIT = False
    client = APIClient()
    client.force_authenticate(make_user("reception", "desk@clinic.test"))
    return client


@pytest.fixture
def filler(location):
    payment_methods()
    product = InjectableFactory(name="Filler", unit_price_excl_tax=Decimal("100.00"))
    stock_lot(product, location, "LOT-A", 50, timezone.localdate() + timedelta(days=200))
    return product


def _draft(location, product) -> Sale:
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=None)
    billing.sale_line_add(sale=sale, product=product, quantity=Decimal("1"), actor=None)
    return sale


def _pay(client, sale, payments) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.post(f"/api/v1/sales/{sale.pk}/pay/", {"payments": payments}, format="json")
    assert response.status_code == 200, response.content
    return len(captured)


def test_sale_pay_query_count(desk, location, filler):
    _pay(desk, _draft(location, filler), [{"method": "cash", "amount": "120.00"}])  # per-process lookups
    sale = _draft(location, filler)
    version = Sale.objects.get(pk=sale.pk).row_version

    assert _pay(desk, sale, [{"method": "cash", "amount": "120.00"}]) == PAY_QUERIES

    paid = Sale.objects.get(pk=sale.pk)
    assert paid.status == SaleStatus.PAID and paid.row_version == version + 1
    assert StockBalance.objects.get(product=filler).quantity == Decimal("48.00")
    assert fiscal_journal_verify().ok and audit_chain_verify().ok


def test_sale_pay_query_count_does_not_grow_with_the_payments(desk, location, filler):
    _pay(desk, _draft(location, filler), [{"method": "cash", "amount": "120.00"}])
    one = _pay(desk, _draft(location, filler), [{"method": "cash", "amount": "120.00"}])
    sale = _draft(location, filler)
    three = _pay(desk, sale, [{"method": "cash", "amount": amount} for amount in ("20.00", "50.00", "60.00")])
    assert three == one
    assert Payment.objects.filter(sale=sale).count() == 3
    assert FiscalJournalEntry.objects.filter(data__sale_id=str(sale.pk)).count() == 4
    assert fiscal_journal_verify().ok
