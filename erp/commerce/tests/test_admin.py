from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from erp.commerce.models import GoodsReceipt, InventoryLot, PurchaseOrder, PurchaseOrderStatus, StockMove
from erp.commerce.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db

INDEXES = [
    "commerce_product:index",
    "commerce_productcategory:index",
    "commerce_taxrate:index",
    "commerce_supplier:index",
    "commerce_purchaseorder:index",
    "commerce_inventorylot:index",
    "commerce_stockbalance:index",
    "commerce_expiring_lots:index",
    "commerce_stock_valuation:index",
    "commerce_stock_adjust:index",
    "commerce_stockmove:index",
]


@pytest.fixture
def admin_client_for(make_user):
    def make(role):
        client = Client()
        client.force_login(make_user(role, f"{role}-admin@clinic.test"))
        return client

    return make


@pytest.mark.parametrize("url_name", INDEXES)
def test_commerce_screens_open_for_accounting(url_name, admin_client_for, ordered_po):
    response = admin_client_for("accounting").get(reverse(url_name))
    assert response.status_code == 200


def test_purchase_order_admin_create_lines_order_and_receive(admin_client_for, location, cream, filler):
    client = admin_client_for("accounting")
    supplier = SupplierFactory()
    response = client.post(
        reverse("commerce_purchaseorder:add"),
        {"supplier": supplier.pk, "location": location.pk, "currency": "EUR", "reference": "PO-ADM"},
    )
    assert response.status_code == 302, response.content[:2000]
    order = PurchaseOrder.objects.get(reference="PO-ADM")
    manage = reverse("commerce_purchaseorder:manage", args=[order.pk])
    assert response.url == manage

    for product, quantity, cost in ((cream, "5", "6.00"), (filler, "2", "90.00")):
        client.post(
            manage, {"operation": "add_line", "product": product.pk, "quantity_ordered": quantity, "unit_cost": cost}
        )
    assert order.lines.count() == 2
    page = client.get(manage)
    assert page.status_code == 200 and b"Filler 1ml" in page.content

    client.post(manage, {"operation": "order"})
    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.ORDERED

    receive_url = reverse("commerce_purchaseorder:receive", args=[order.pk])
    form_page = client.get(receive_url)
    assert form_page.status_code == 200
    cream_line = order.lines.get(product=cream)
    filler_line = order.lines.get(product=filler)
    expiry = (timezone.localdate() + timedelta(days=300)).isoformat()
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-0-line_id": str(cream_line.pk),
        "form-0-quantity": "5",
        "form-0-unit_cost": "6.00",
        "form-1-line_id": str(filler_line.pk),
        "form-1-quantity": "2",
        "form-1-lot_code": "",
        "form-1-expires_at": expiry,
        "form-1-unit_cost": "90.00",
    }
    refused = client.post(receive_url, data)
    assert refused.status_code == 200  # the lot code is missing: the form comes back with the error
    assert "numéro de lot".encode() in refused.content
    assert not GoodsReceipt.objects.exists()

    data["form-1-lot_code"] = "HA-ADM"
    done = client.post(receive_url, data)
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.RECEIVED
    assert InventoryLot.objects.filter(lot_code="HA-ADM").exists()
    assert StockMove.objects.filter(reference_id=GoodsReceipt.objects.get().pk).count() == 2
    assert sorted(StockMove.objects.values_list("quantity", flat=True)) == [Decimal("2.00"), Decimal("5.00")]


def test_editing_an_ordered_purchase_order_is_refused(admin_client_for, ordered_po):
    client = admin_client_for("accounting")
    response = client.post(
        reverse("commerce_purchaseorder:edit", args=[ordered_po.pk]),
        {"supplier": ordered_po.supplier_id, "currency": "EUR", "reference": "changed"},
    )
    assert response.status_code == 302
    ordered_po.refresh_from_db()
    assert ordered_po.reference != "changed"


def test_reception_reads_stock_but_cannot_run_purchasing_operations(admin_client_for, ordered_po):
    client = admin_client_for("reception")
    assert client.get(reverse("commerce_stockbalance:index")).status_code == 200
    assert client.get(reverse("commerce_expiring_lots:index")).status_code == 200
    # Purchasing is not in reception's rows of the access matrix (erp/core/access.py): 403.
    denied = client.get(reverse("commerce_purchaseorder:manage", args=[ordered_po.pk]))
    assert denied.status_code == 403
    denied = client.post(reverse("commerce_purchaseorder:manage", args=[ordered_po.pk]), {"operation": "cancel"})
    assert denied.status_code == 403
    ordered_po.refresh_from_db()
    assert ordered_po.status == PurchaseOrderStatus.ORDERED


def test_marketing_cannot_open_commerce_screens(admin_client_for):
    client = admin_client_for("marketing")
    for url_name in INDEXES:
        response = client.get(reverse(url_name))
        assert response.status_code == 403  # the access matrix


def test_read_only_records_can_be_inspected_but_not_edited(admin_client_for, ordered_po, buyer):
    from erp.commerce.inventory import services

    cream_line = ordered_po.lines.get(product__track_lots=False)
    services.goods_receipt_receive(
        purchase_order=ordered_po, lines=[services.ReceiptLineInput(cream_line, Decimal("1"))], actor=buyer
    )
    move = StockMove.objects.get()
    client = admin_client_for("accounting")
    assert client.get(reverse("commerce_stockmove:inspect", args=[move.pk])).status_code == 200
    denied = client.get(reverse("commerce_stockmove:edit", args=[move.pk]))
    assert (denied.status_code, denied.url) == (302, "/admin/")
    denied = client.get(reverse("commerce_stockmove:add"))
    assert (denied.status_code, denied.url) == (302, "/admin/")
    stock = client.get(reverse("commerce_stockbalance:index"))
    assert stock.status_code == 200 and cream_line.product.name.encode() in stock.content
    index = client.get(reverse("commerce_purchaseorder:index"))
    assert reverse("commerce_purchaseorder:manage", args=[ordered_po.pk]).encode() in index.content


def test_stock_valuation_screen_shows_the_figures_and_is_closed_to_reception(admin_client_for, ordered_po, buyer):
    from erp.commerce.inventory import services

    cream_line = ordered_po.lines.get(product__track_lots=False)
    services.goods_receipt_receive(
        purchase_order=ordered_po, lines=[services.ReceiptLineInput(cream_line, Decimal("3"))], actor=buyer
    )
    client = admin_client_for("accounting")
    page = client.get(reverse("commerce_stock_valuation:index"))
    assert page.status_code == 200
    assert page.context["valuation"].total_value == Decimal("18.00")  # 3 x 6.00
    assert b"18,00" in page.content  # the admin speaks French here
    page = client.get(reverse("commerce_stock_valuation:index"), {"location": str(ordered_po.location_id)})
    assert page.context["location"] == ordered_po.location
    assert page.context["valuation"].total_value == Decimal("18.00")
    denied = admin_client_for("reception").get(reverse("commerce_stock_valuation:index"))
    assert denied.status_code == 403  # the access matrix


def test_stock_adjust_screen_records_a_count_and_shows_refusals(admin_client_for, cream, location, buyer):
    from erp.commerce.inventory import services

    services.stock_move_record(
        move=services.StockMoveInput(
            product=cream, location=location, move_type="in", quantity=Decimal("5"), unit_cost=Decimal("1")
        ),
        actor=buyer,
    )
    client = admin_client_for("accounting")
    url = reverse("commerce_stock_adjust:index")
    assert client.get(url).status_code == 200
    done = client.post(
        url,
        {
            "product": cream.pk,
            "location": location.pk,
            "kind": "count",
            "counted_quantity": "4",
            "reason": "Inventaire",
        },
    )
    assert done.status_code == 302
    assert StockMove.objects.filter(move_type="adjustment").get().quantity == Decimal("-1.00")
    refused = client.post(
        url, {"product": cream.pk, "location": location.pk, "kind": "breakage", "quantity": "9", "reason": "Casse"}
    )
    assert refused.status_code == 200
    assert "quantity" in refused.context["form"].errors
    assert StockMove.objects.filter(move_type="adjustment").count() == 1
    denied = admin_client_for("reception").get(url)
    assert denied.status_code == 403  # the access matrix


def test_catalog_writes_in_the_admin_are_audited_and_protected_deletes_refused(admin_client_for, cream):
    from erp.ops.models import AuditLog

    client = admin_client_for("accounting")
    response = client.post(reverse("commerce_supplier:add"), {"name": "Laboratoire Nord", "is_active": "on"})
    assert response.status_code == 302
    from erp.commerce.models import Supplier, TaxRate

    supplier = Supplier.objects.get(name="Laboratoire Nord")
    assert AuditLog.objects.filter(entity_id=supplier.pk, action="create").exists()
    response = client.post(
        reverse("commerce_supplier:edit", args=[supplier.pk]), {"name": "Laboratoire Nord SAS", "is_active": "on"}
    )
    assert response.status_code == 302
    entry = AuditLog.objects.get(entity_id=supplier.pk, action="update")
    assert entry.metadata_json["fields_changed"] == ["name"]

    admin = admin_client_for("admin")
    response = admin.post(reverse("commerce_taxrate:delete", args=[cream.tax_rate_id]))
    assert response.status_code == 302
    assert TaxRate.objects.filter(pk=cream.tax_rate_id).exists()
    assert not AuditLog.objects.filter(entity_id=cream.tax_rate_id, action="delete").exists()
