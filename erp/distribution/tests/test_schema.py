"""Roles and permissions as Django groups; the spec's indexes exist in the database."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from erp.distribution.models import Order, OrderLine, PointOfSaleDistributor

pytestmark = pytest.mark.django_db

SPEC_PERMISSIONS = {
    "distribution.read_orders",
    "distribution.write_orders",
    "distribution.confirm_orders",
    "distribution.deliver_orders",
    "distribution.manage_distributors",
    "commerce.change_product",
    "core.view_user",
}


def _perms(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_distribution_manager_holds_every_spec_permission():
    assert _perms("distribution_manager") >= SPEC_PERMISSIONS


def test_distributor_role_reads_writes_and_delivers_only():
    perms = _perms("distributor")
    assert {"distribution.read_orders", "distribution.write_orders", "distribution.deliver_orders"} <= perms
    assert not perms & {"distribution.confirm_orders", "distribution.manage_distributors", "commerce.change_product",
                        "core.view_user"}


def test_admin_role_holds_the_distribution_permissions():
    assert _perms("admin") >= SPEC_PERMISSIONS


def test_user_permissions_answer_from_groups(make_user):
    user = make_user("distributor", "perm@distribution.test")
    assert user.has_perm("distribution.read_orders")
    assert not user.has_perm("distribution.confirm_orders")


def _indexed_columns(table: str) -> list[list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [c["columns"] for c in constraints.values() if c["index"] or c["unique"]]


def test_order_indexes_of_the_spec():
    columns = _indexed_columns(Order._meta.db_table)
    for expected in (["distributor_id"], ["point_of_sale_id"], ["status"], ["created_on_utc"],
                     ["distributor_id", "created_on_utc"]):
        assert expected in columns, (expected, columns)


def test_order_line_indexes_of_the_spec():
    columns = _indexed_columns(OrderLine._meta.db_table)
    assert ["order_id"] in columns
    assert ["product_id"] in columns


def test_link_table_is_named_as_the_spec():
    assert PointOfSaleDistributor._meta.db_table == "point_of_sale_distributors"


def test_product_indexes_of_the_spec():
    from erp.commerce.models import Product

    columns = _indexed_columns(Product._meta.db_table)
    assert ["external_product_id"] in columns
    assert ["category_id", "is_active"] in columns
