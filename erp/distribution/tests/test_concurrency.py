"""Simultaneous writes on one order (PostgreSQL row locks): the price stays the sum of the lines."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from erp.distribution import services
from erp.distribution.exceptions import OrderNotEditable
from erp.distribution.models import Order, OrderStatus
from erp.distribution.values import Quantity

pytestmark = pytest.mark.django_db(transaction=True)


def _run_together(*jobs):
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_simultaneous_line_adds_and_confirm_keep_price_consistent(order, milk, butter, manager):
    jobs = [
        lambda: services.order_line_add(order=order, product=butter, quantity=Quantity(1, "box"), actor=manager),
        lambda: services.order_line_add(order=order, product=milk, quantity=Quantity(2, "unit"), actor=manager),
        lambda: services.order_confirm(order=order, actor=manager),
    ]
    errors = _run_together(*jobs)
    assert all(isinstance(error, OrderNotEditable) for error in errors), errors
    fresh = Order.objects.get(pk=order.pk)
    assert fresh.status == OrderStatus.CONFIRMED
    assert fresh.price_amount == sum((line.sub_total_amount for line in fresh.lines.all()), Decimal("0"))
    assert fresh.lines.count() == 1 + (2 - len(errors))


@pytest.mark.django_db(transaction=True)
def test_simultaneous_confirm_and_reject_one_wins(order, manager):
    errors = _run_together(
        lambda: services.order_confirm(order=order, actor=manager),
        lambda: services.order_reject(order=order, actor=manager),
    )
    assert len(errors) == 1
    fresh = Order.objects.get(pk=order.pk)
    assert fresh.status in (OrderStatus.CONFIRMED, OrderStatus.REJECTED)
    assert (fresh.confirmed_on_utc is None) != (fresh.rejected_on_utc is None)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_invitations_of_one_address_make_one_user(distributor, manager):
    from erp.core.models import User
    from erp.distribution.models import DistributorMember

    invite = lambda: services.distributor_member_invite(  # noqa: E731
        distributor=distributor, email="same@norte.test", actor=manager
    )
    errors = _run_together(invite, invite, invite)
    assert errors == []
    assert User.objects.filter(email="same@norte.test").count() == 1
    assert DistributorMember.objects.filter(user__email="same@norte.test").count() == 1
