"""The first page of the main API lists costs the same number of queries whatever its size: no
query per row (patients, sales with their lines, lots and payments, products, distribution orders
with their lines)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from bench.scale import seed_scale
from erp.core.models import User

pytestmark = pytest.mark.django_db

LISTS = {
    "patients": "/api/v1/patients/",
    "sales": "/api/v1/sales/",
    "products": "/api/v1/products/",
    "orders": "/api/v1/distribution/orders/",
}


@pytest.fixture
def api(db):
    # A tiny scale data set: patients, paid sales with lines, lots, payments and invoices, products.
    seed_scale(scale=0.0001, stages=["base", "patients", "catalog", "stock", "sales"], out=lambda _line: None)
    from erp.distribution import seed as distribution_seed
    from erp.distribution import services as distribution_services
    from erp.distribution.models import Order, PointOfSaleDistributor
    from erp.distribution.values import Quantity

    distribution_seed.seed(lambda _line: None)
    products = distribution_seed._products()
    manager = distribution_seed._user("distribution_manager")
    links = list(PointOfSaleDistributor.objects.select_related("distributor", "point_of_sale"))
    for n in range(8 - Order.objects.count()):
        link = links[n % len(links)]
        distribution_services.order_create(
            distributor=link.distributor, point_of_sale=link.point_of_sale, actor=manager,
            lines=[(product, Quantity(1 + n, "carton")) for product in list(products.values())[: 1 + n % 3]],
        )  # fmt: skip
    client = APIClient()
    client.force_authenticate(User.objects.create_superuser("lists@clinic.test", password=None))
    return client


def _count(api, url, size):
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url, {"page_size": size})
    assert response.status_code == 200, response.content
    return len(captured), len(response.json()["results"])


@pytest.mark.parametrize("name", list(LISTS))
def test_first_page_query_count_is_flat_in_page_size(api, name):
    url = LISTS[name]
    api.get(url, {"page_size": 5})  # per-process lookups (content types, permissions) out of the count
    small, small_rows = _count(api, url, 5)
    large, large_rows = _count(api, url, 50)
    assert small_rows == 5 and large_rows > 5  # the two pages really differ in size
    assert small == large, f"{name}: {small} queries for 5 rows, {large} for {large_rows}"


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_the_lists_write_the_documents_drf_writes(api):
    """The lists' shortcuts change no document (one test: the data set takes a minute to load).

    - The sales list reads lines and payments from ``prefetch_list``'s lists, and the lots' codes,
      payment methods and invoice numbers from the columns its query adds; a sale read without them
      (as after a create or an update) goes through the relations: same document. The list's lines
      leave out their lots; the sale's own document shows them, and otherwise the same lines.
    - Every serializer with ``ListedRows`` writes, row for row, what DRF's own
      ``ModelSerializer.to_representation`` writes.
    """
    import json

    from rest_framework import serializers
    from rest_framework.renderers import JSONRenderer

    from erp.commerce.models import Sale
    from erp.commerce.sales.api.serializers import ListedSaleSerializer, SaleSerializer

    def plain_document(serializer, sale_id):
        plain = Sale.objects.get(pk=sale_id)
        assert not hasattr(plain, "_prefetched_lines") and "invoice_number" not in plain.__dict__
        return json.loads(JSONRenderer().render(serializer(plain).data))

    listed = api.get(LISTS["sales"], {"page_size": 50}).json()["results"]
    assert any(sale["lines"] and sale["payments"] and sale["invoice_number"] for sale in listed)
    with_lots = 0
    for sale in listed:
        assert plain_document(ListedSaleSerializer, sale["id"]) == sale
        detail = api.get(f"{LISTS['sales']}{sale['id']}/").json()
        assert detail == plain_document(SaleSerializer, sale["id"])
        assert [{k: v for k, v in line.items() if k != "lots"} for line in detail["lines"]] == sale["lines"]
        with_lots += sum(bool(line["lots"]) for line in detail["lines"])
    assert with_lots

    from erp.clinical.api import serializers as _clinical  # noqa: F401  (the modules that use it)
    from erp.commerce.inventory.api import serializers as _commerce  # noqa: F401
    from erp.commerce.sales.api import serializers as _sales  # noqa: F401
    from erp.core.api.fields import ListedRows
    from erp.distribution.api import serializers as _distribution  # noqa: F401

    def document(serializer, rows):
        return json.loads(JSONRenderer().render(serializer(rows, many=True).data))

    classes = [cls for cls in _subclasses(ListedRows) if hasattr(cls, "Meta")]  # not abstract bases
    for cls in classes:
        rows = list(cls.Meta.model._default_manager.all()[:30])
        if not rows and cls.Meta.model.__name__ == "CreditNoteLine":
            continue  # the scale data set issues no credit note
        assert rows, cls
        drf = type(f"Plain{cls.__name__}", (cls,), {"to_representation": serializers.ModelSerializer.to_representation})
        assert document(cls, rows) == document(drf, rows), cls
    names = {cls.__name__ for cls in classes}
    assert {"PatientSerializer", "SaleSerializer", "SaleLineSerializer", "ProductSerializer", "OrderSerializer"} <= (
        names
    )
