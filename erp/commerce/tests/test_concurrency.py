"""Two clerks taking the last units at the same time: the balance lock lets exactly one through."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from erp.commerce import exceptions, services
from erp.commerce.models import StockBalance, StockMove, StockMoveType
from erp.commerce.services import StockMoveInput

from .factories import ClinicLocationFactory, ProductFactory

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
