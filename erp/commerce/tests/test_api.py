from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework.test import APIClient

from erp.commerce.inventory import services
from erp.commerce.models import GoodsReceipt, PurchaseOrderStatus, StockMove
from erp.commerce.roles import PERMISSIONS
from erp.commerce.tests.factories import (
    InventoryLotFactory,
    ProductFactory,
    ServiceFactory,
    SupplierFactory,
    TaxRateFactory,
)
from erp.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

D = Decimal
NEXT_YEAR = (timezone.localdate() + timedelta(days=365)).isoformat()


@pytest.fixture
def client_for(make_user):
    def make(role: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(make_user(role, f"{role}-api@clinic.test"))
        return client

    return make


@pytest.fixture
def accounting(client_for):
    return client_for("accounting")


def test_product_create_and_model_rules_are_checked(accounting):
    tax = TaxRateFactory()
    response = accounting.post(
        "/api/v1/products/",
        {
            "name": "Injection acide hyaluronique",
            "type": "service",
            "unit_price_excl_tax": "250.00",
            "tax_rate": str(tax.pk),
            "vat_exempt": True,
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["vat_exemption_mention"].endswith("article 261-4-1° du CGI")

    refused = accounting.post(
        "/api/v1/products/",
        {"name": "Bad", "type": "service", "unit_price_excl_tax": "1.00", "tax_rate": str(tax.pk), "track_lots": True},
    )
    assert refused.status_code == 400
    assert "track_lots" in refused.json()["errors"]


def test_product_list_filters_by_type_and_searches(accounting):
    ProductFactory(name="Crème apaisante", sku="CR-1")
    ServiceFactory(name="Peeling")
    response = accounting.get("/api/v1/products/", {"type": "service"})
    assert [p["name"] for p in response.json()["results"]] == ["Peeling"]
    response = accounting.get("/api/v1/products/", {"search": "CR-1"})
    assert [p["name"] for p in response.json()["results"]] == ["Crème apaisante"]


def test_the_catalog_list_reads_products_in_name_order_from_an_index(accounting):
    """The catalog's first page comes in name order from the name index: no sort of every product."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(60):
        ProductFactory(name=f"Product {59 - n:02d}")
    with CaptureQueriesContext(connection) as captured:
        names = [p["name"] for p in accounting.get("/api/v1/products/").json()["results"]]
    assert names == [f"Product {n:02d}" for n in range(50)]
    page = next(q["sql"] for q in captured if q["sql"].startswith('SELECT "commerce_product"."id"'))
    with connection.cursor() as cursor:
        # 60 rows: a scan, or a sort of the few rows the statistics know of (autovacuum may have
        # analyzed the table during the suite), would be cheapest; what is checked is that the
        # name index can give the page in order.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + page)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "commerce_product_name" in plan and "Sort" not in plan, plan


def test_purchase_order_flow_through_the_api(accounting, location, cream, filler):
    supplier = SupplierFactory()
    created = accounting.post(
        "/api/v1/purchase-orders/", {"supplier": str(supplier.pk), "location": str(location.pk), "reference": "PO-1"}
    )
    assert created.status_code == 201, created.json()
    order_id = created.json()["id"]
    assert created.json()["status"] == "draft"

    service_line = accounting.post(
        "/api/v1/purchase-order-lines/",
        {"purchase_order": order_id, "product": str(ServiceFactory().pk), "quantity_ordered": "1", "unit_cost": "1"},
    )
    assert service_line.status_code == 400
    assert service_line.json()["code"] == "product_is_service"

    cream_line = accounting.post(
        "/api/v1/purchase-order-lines/",
        {"purchase_order": order_id, "product": str(cream.pk), "quantity_ordered": "10", "unit_cost": "6.00"},
    ).json()
    filler_line = accounting.post(
        "/api/v1/purchase-order-lines/",
        {"purchase_order": order_id, "product": str(filler.pk), "quantity_ordered": "2", "unit_cost": "90.00"},
    ).json()
    assert cream_line["tax_rate_percent"] == "20.00"

    patched = accounting.patch(f"/api/v1/purchase-orders/{order_id}/", {"notes": "Livraison matin"})
    assert patched.status_code == 200 and patched.json()["notes"] == "Livraison matin"

    ordered = accounting.post(f"/api/v1/purchase-orders/{order_id}/order/")
    assert ordered.status_code == 200 and ordered.json()["status"] == "ordered"
    assert accounting.patch(f"/api/v1/purchase-orders/{order_id}/", {"notes": "x"}).status_code == 409

    missing_lot = accounting.post(
        f"/api/v1/purchase-orders/{order_id}/receive/",
        {"lines": [{"purchase_order_line": filler_line["id"], "quantity": "1", "expires_at": NEXT_YEAR}]},
    )
    assert missing_lot.status_code == 400
    assert missing_lot.json()["code"] == "lot_code_required"

    received = accounting.post(
        f"/api/v1/purchase-orders/{order_id}/receive/",
        {
            "notes": "Carton 1/2",
            "lines": [
                {"purchase_order_line": cream_line["id"], "quantity": "4"},
                {
                    "purchase_order_line": filler_line["id"],
                    "quantity": "2",
                    "lot_code": "HA-1",
                    "expires_at": NEXT_YEAR,
                },
            ],
        },
    )
    assert received.status_code == 201, received.json()
    assert {line["lot_code"] for line in received.json()["lines"]} == {None, "HA-1"}
    assert StockMove.objects.count() == 2

    over = accounting.post(
        f"/api/v1/purchase-orders/{order_id}/receive/",
        {"lines": [{"purchase_order_line": cream_line["id"], "quantity": "7"}]},
    )
    assert over.status_code == 422
    assert over.json()["code"] == "over_receipt"
    assert over.json()["quantity_remaining"] == "6.00"
    assert "Il ne reste que 6.00" in over.json()["detail"]

    cancel = accounting.post(f"/api/v1/purchase-orders/{order_id}/cancel/")
    assert cancel.status_code == 409
    detail = accounting.get(f"/api/v1/purchase-orders/{order_id}/").json()
    assert detail["status"] == "partially_received"
    assert [line["quantity_remaining"] for line in detail["lines"]] == ["6.00", "0.00"]

    stock = accounting.get("/api/v1/stock-on-hand/", {"product": str(cream.pk)}).json()["results"]
    assert [(row["quantity"], row["location_name"]) for row in stock] == [("4.00", "Paris")]
    receipts = accounting.get("/api/v1/goods-receipts/", {"purchase_order": order_id}).json()["results"]
    assert len(receipts) == 1 and receipts[0]["notes"] == "Carton 1/2"


def test_purchase_orders_cannot_be_deleted(accounting, buyer):
    order = services.purchase_order_create(supplier=SupplierFactory(), actor=buyer)
    assert accounting.delete(f"/api/v1/purchase-orders/{order.pk}/").status_code == 405


def test_stock_adjust_through_the_api(accounting, cream, location, buyer, ordered_po):
    cream_line = ordered_po.lines.get(product=cream)
    services.goods_receipt_receive(
        purchase_order=ordered_po, lines=[services.ReceiptLineInput(cream_line, D("5"))], actor=buyer
    )
    response = accounting.post(
        "/api/v1/stock-moves/adjust/",
        {
            "product": str(cream.pk),
            "location": str(location.pk),
            "adjustment_kind": "count",
            "counted_quantity": "3",
            "reason": "Inventaire",
        },
    )
    assert response.status_code == 200, response.json()
    assert response.json()["quantity_on_hand"] == "3.00"
    assert response.json()["move"]["quantity"] == "-2.00"
    too_much = accounting.post(
        "/api/v1/stock-moves/adjust/",
        {
            "product": str(cream.pk),
            "location": str(location.pk),
            "adjustment_kind": "breakage",
            "quantity": "4",
            "reason": "Casse",
        },
    )
    assert too_much.status_code == 422
    assert too_much.json()["code"] == "stock_insufficient"
    moves = accounting.get("/api/v1/stock-moves/", {"move_type": "adjustment"}).json()["results"]
    assert [m["adjustment_kind"] for m in moves] == ["count"]


def test_expiring_and_expired_lots_endpoints(accounting, filler, location, buyer):
    today = timezone.localdate()
    soon = InventoryLotFactory(product=filler, lot_code="SOON", expires_at=today + timedelta(days=5))
    old = InventoryLotFactory(product=filler, lot_code="OLD", expires_at=today - timedelta(days=5))
    for lot in (soon, old):
        services.stock_move_record(
            move=services.StockMoveInput(
                product=filler, lot=lot, location=location, move_type="in", quantity=D("2"), unit_cost=D("1")
            ),
            actor=buyer,
        )
    expiring = accounting.get("/api/v1/lots/expiring/", {"within_days": 10}).json()
    assert [(lot["lot_code"], lot["quantity_on_hand"]) for lot in expiring] == [("SOON", "2.00")]
    assert [lot["lot_code"] for lot in accounting.get("/api/v1/lots/expired/").json()] == ["OLD"]
    assert accounting.get("/api/v1/lots/expiring/", {"within_days": "x"}).status_code == 400


def test_valuation_endpoint(accounting, client_for, cream, location, buyer):
    for quantity, cost in (("10", "12.00"), ("5", "15.00")):
        services.stock_move_record(
            move=services.StockMoveInput(
                product=cream, location=location, move_type="in", quantity=D(quantity), unit_cost=D(cost)
            ),
            actor=buyer,
        )
    body = accounting.get("/api/v1/stock-on-hand/valuation/").json()
    assert body["total_value"] == "195.00"
    assert body["rows"][0]["average_unit_cost"] == "13.00"
    assert client_for("reception").get("/api/v1/stock-on-hand/valuation/").status_code == 403


@pytest.mark.parametrize("role", ["reception", "practitioner"])
def test_reception_and_practitioners_read_stock_but_do_not_purchase_or_adjust(role, client_for, cream):
    client = client_for(role)
    assert client.get("/api/v1/stock-on-hand/").status_code == 200
    assert client.get("/api/v1/lots/").status_code == 200
    assert client.get("/api/v1/products/").status_code == 200
    assert client.get("/api/v1/purchase-orders/").status_code == 403
    assert client.post("/api/v1/purchase-orders/", {"supplier": str(SupplierFactory().pk)}).status_code == 403
    adjust = client.post(
        "/api/v1/stock-moves/adjust/",
        {"product": str(cream.pk), "adjustment_kind": "other", "quantity": "1", "reason": "x"},
    )
    assert adjust.status_code == 403


def test_marketing_sees_nothing_of_commerce(client_for):
    client = client_for("marketing")
    for url in ("/api/v1/products/", "/api/v1/stock-on-hand/", "/api/v1/suppliers/", "/api/v1/lots/"):
        assert client.get(url).status_code == 403
    granted = {p.content_type.app_label for p in Group.objects.get(name="marketing").permissions.all()}
    assert "commerce" not in granted
    assert "marketing" not in PERMISSIONS


def test_accounting_role_has_the_purchasing_permissions():
    granted = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name="accounting").permissions.select_related("content_type")
    }
    assert {"commerce.add_purchaseorder", "commerce.add_goodsreceipt", "commerce.adjust_stock"} <= granted


def test_order_status_flow_leaves_receipt_on_received(accounting, ordered_po):
    lines = list(ordered_po.lines.all())
    body = {
        "lines": [
            {
                "purchase_order_line": str(line.pk),
                "quantity": str(line.quantity_ordered),
                **({"lot_code": "L9", "expires_at": NEXT_YEAR} if line.product.track_lots else {}),
            }
            for line in lines
        ]
    }
    assert accounting.post(f"/api/v1/purchase-orders/{ordered_po.pk}/receive/", body).status_code == 201
    ordered_po.refresh_from_db()
    assert ordered_po.status == PurchaseOrderStatus.RECEIVED
    assert GoodsReceipt.objects.filter(purchase_order=ordered_po).count() == 1


def test_blank_sku_and_barcode_are_stored_as_null_so_they_do_not_collide(accounting):
    tax = TaxRateFactory()
    for name in ("A", "B"):
        response = accounting.post(
            "/api/v1/products/",
            {"name": name, "sku": "", "barcode": " ", "unit_price_excl_tax": "1.00", "tax_rate": str(tax.pk)},
        )
        assert response.status_code == 201, response.json()
        assert response.json()["sku"] is None and response.json()["barcode"] is None
    duplicate = accounting.post(
        "/api/v1/products/", {"name": "C", "sku": "SKU-X", "unit_price_excl_tax": "1.00", "tax_rate": str(tax.pk)}
    )
    assert duplicate.status_code == 201
    again = accounting.post(
        "/api/v1/products/", {"name": "D", "sku": "SKU-X", "unit_price_excl_tax": "1.00", "tax_rate": str(tax.pk)}
    )
    assert again.status_code == 400
    assert "sku" in again.json()["errors"]


def test_supplier_and_tax_rate_crud_is_audited(accounting):
    from erp.ops.models import AuditLog

    supplier = accounting.post("/api/v1/suppliers/", {"name": "Pharma Sud", "country_code": "FR"})
    assert supplier.status_code == 201
    rate = accounting.post("/api/v1/tax-rates/", {"name": "TVA test", "country_code": "FR", "rate_percent": "2.10"})
    assert rate.status_code == 201
    assert AuditLog.objects.filter(entity_id=supplier.json()["id"], action="create").exists()
    assert AuditLog.objects.filter(entity_id=rate.json()["id"], action="create").exists()
    invalid = accounting.post("/api/v1/tax-rates/", {"name": "Bad", "country_code": "FR", "rate_percent": "120"})
    assert invalid.status_code == 400


def test_a_tax_rate_in_use_cannot_be_deleted(accounting, cream):
    response = accounting.delete(f"/api/v1/tax-rates/{cream.tax_rate_id}/")
    assert response.status_code == 409
    assert response.json()["code"] == "protected"


def test_product_external_id_and_currency_for_distribution(db):
    from rest_framework.test import APIClient

    from erp.commerce.models import Product

    admin = UserFactory(role="admin", email="catalog-admin@clinic.test")
    client = APIClient()
    client.force_authenticate(admin)
    tax = client.post("/api/v1/tax-rates/", {"name": "TVA 20", "rate_percent": "20.00", "country_code": "FR",
                                              "is_active": True}, format="json").json()
    created = client.post("/api/v1/products/", {
        "name": "Crème", "type": "product", "unit_price_excl_tax": "12.00", "tax_rate": tax["id"],
        "external_product_id": " ERP-001 ", "currency": "UYU",
    }, format="json")
    assert created.status_code == 201, created.json()
    product = Product.objects.get(pk=created.json()["id"])
    assert (product.external_product_id, product.currency) == ("ERP-001", "UYU")
    blank = client.post("/api/v1/products/", {
        "name": "Gel", "type": "product", "unit_price_excl_tax": "5.00", "tax_rate": tax["id"],
        "external_product_id": "", "currency": "EUR",
    }, format="json")
    assert blank.status_code == 201 and Product.objects.get(pk=blank.json()["id"]).external_product_id is None
    duplicate = client.post("/api/v1/products/", {
        "name": "Gel 2", "type": "product", "unit_price_excl_tax": "5.00", "tax_rate": tax["id"],
        "external_product_id": "ERP-001",
    }, format="json")
    assert duplicate.status_code == 400
    assert client.post("/api/v1/products/", {
        "name": "Gel 3", "type": "product", "unit_price_excl_tax": "5.00", "tax_rate": tax["id"], "currency": "GBP",
    }, format="json").status_code == 400
