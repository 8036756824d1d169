"""Each CHECK constraint fires when the ORM's validation is bypassed; RESTRICT and CASCADE hold."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import RestrictedError

from erp.distribution.models import Order, OrderLine
from erp.distribution.tests.factories import ProductFactory


def _raw(sql, params):
    with pytest.raises(IntegrityError) as exc, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(exc.value)


def test_order_price_check(order):
    message = _raw(f"UPDATE {Order._meta.db_table} SET price_amount = -1 WHERE id = %s", [order.pk])
    assert "distribution_order_price_gte_0" in message


@pytest.mark.parametrize("status", ["Draft", "shipped", ""])
def test_order_status_check(order, status):
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Order.objects.filter(pk=order.pk).update(status=status)
    assert "distribution_order_status_valid" in str(exc.value)


def test_order_currency_check(order):
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Order.objects.filter(pk=order.pk).update(price_currency="GBP")
    assert "distribution_order_currency_valid" in str(exc.value)


@pytest.mark.parametrize("value", [0, -3])
def test_line_quantity_check(order, value):
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        OrderLine.objects.filter(order=order).update(quantity_value=value)
    assert "distribution_orderline_quantity_gt_0" in str(exc.value)


def test_line_subtotal_check(order):
    message = _raw(f"UPDATE {OrderLine._meta.db_table} SET sub_total_amount = -0.01 WHERE order_id = %s", [order.pk])
    assert "distribution_orderline_subtotal_gte_0" in message


def test_line_currency_check(order):
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        OrderLine.objects.filter(order=order).update(sub_total_currency="XXX")
    assert "distribution_orderline_currency_valid" in str(exc.value)


def test_distributor_with_orders_cannot_be_deleted(order):
    with pytest.raises(RestrictedError):
        order.distributor.delete()
    assert Order.objects.filter(pk=order.pk).exists()


def test_point_of_sale_with_orders_cannot_be_deleted(order):
    with pytest.raises(RestrictedError):
        order.point_of_sale.delete()


def test_ordered_product_cannot_be_deleted(order):
    with pytest.raises(RestrictedError):
        order.lines.get().product.delete()


def _db_delete(table, pk):
    # Plain SQL, no ORM: the foreign key itself is ON DELETE RESTRICT, refused at the statement.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])


@pytest.mark.parametrize("target", ["distributor", "point_of_sale"])
def test_database_restricts_delete_bypassing_the_orm(order, target):
    referenced = getattr(order, target)
    with pytest.raises(IntegrityError):
        _db_delete(referenced._meta.db_table, referenced.pk)


def test_database_restricts_product_delete_bypassing_the_orm(order):
    product = order.lines.get().product
    with pytest.raises(IntegrityError):
        _db_delete(product._meta.db_table, product.pk)


def test_lines_are_deleted_with_their_order(order):
    line_ids = list(order.lines.values_list("pk", flat=True))
    assert line_ids
    order.delete()
    assert not OrderLine.objects.filter(pk__in=line_ids).exists()


def test_database_cascades_lines_with_their_order_bypassing_the_orm(order):
    line_ids = list(order.lines.values_list("pk", flat=True))
    _db_delete(order._meta.db_table, order.pk)
    assert not OrderLine.objects.filter(pk__in=line_ids).exists()


def test_unordered_product_can_be_deleted(db):
    product = ProductFactory()
    product.delete()
