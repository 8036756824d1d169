"""Whatever sequence of moves is attempted, the balance equals its ledger and never goes below zero."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from erp.commerce import exceptions
from erp.commerce.inventory import services
from erp.commerce.inventory.selectors import stock_available, stock_ledger_differences
from erp.commerce.models import StockBalance, StockMove
from erp.commerce.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

quantities = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("50"), places=2)
operations = st.lists(st.tuples(st.sampled_from(["in", "out"]), quantities), min_size=1, max_size=15)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=operations)
def test_balance_always_equals_the_ledger_and_stays_non_negative(operations, location):
    product = ProductFactory()
    expected = Decimal("0.00")
    for move_type, quantity in operations:
        move = services.StockMoveInput(
            product=product,
            location=location,
            move_type=move_type,
            quantity=quantity if move_type == "in" else -quantity,
            unit_cost=Decimal("1.00") if move_type == "in" else None,
        )
        try:
            services.stock_move_record(move=move, actor=None)
        except exceptions.StockInsufficient:
            assert quantity > expected  # refused only when it would go below zero
            continue
        expected += quantity if move_type == "in" else -quantity
    assert stock_available(product=product, location=location) == expected >= 0
    assert not StockBalance.objects.filter(quantity__lt=0).exists()
    assert sum(StockMove.objects.filter(product=product).values_list("quantity", flat=True)) == expected
    assert stock_ledger_differences() == []
