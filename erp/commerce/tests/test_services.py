from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone

from erp.commerce import exceptions
from erp.commerce.inventory import selectors, services
from erp.commerce.inventory.services import ReceiptLineInput, StockMoveInput
from erp.commerce.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    InventoryLot,
    ProductType,
    PurchaseOrderStatus,
    StockBalance,
    StockMove,
    StockMoveType,
    StockReferenceType,
)
from erp.commerce.tests.factories import (
    InjectableFactory,
    InventoryLotFactory,
    ProductFactory,
    PurchaseOrderFactory,
    ServiceFactory,
    SupplierFactory,
    TaxRateFactory,
)
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db

D = Decimal
NEXT_YEAR = timezone.localdate() + timedelta(days=365)


def lines_of(order):
    cream_line, filler_line = order.lines.order_by("unit_cost")
    return cream_line, filler_line


# --- Purchase order status flow -----------------------------------------------------------------


def test_purchase_order_create_starts_as_draft_with_creator_and_audit(buyer, location):
    order = services.purchase_order_create(supplier=SupplierFactory(), location=location, actor=buyer)
    assert order.status == PurchaseOrderStatus.DRAFT
    assert order.created_by == buyer
    assert order.currency == "EUR"
    assert AuditLog.objects.filter(entity_id=order.pk, action="create", actor=buyer).exists()


def test_purchase_order_order_moves_draft_to_ordered_and_is_idempotent(ordered_po, buyer):
    assert ordered_po.status == PurchaseOrderStatus.ORDERED
    first_ordered_at = ordered_po.ordered_at
    assert first_ordered_at is not None
    again = services.purchase_order_order(purchase_order=ordered_po, actor=buyer)
    assert again.status == PurchaseOrderStatus.ORDERED
    assert again.ordered_at == first_ordered_at


def test_purchase_order_order_refuses_an_empty_order(buyer):
    order = services.purchase_order_create(supplier=SupplierFactory(), actor=buyer)
    with pytest.raises(exceptions.PurchaseOrderEmpty):
        services.purchase_order_order(purchase_order=order, actor=buyer)
    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.DRAFT


@pytest.mark.parametrize("start", ["draft", "ordered"])
def test_purchase_order_cancel_from_draft_or_ordered(start, buyer, cream):
    order = services.purchase_order_create(supplier=SupplierFactory(), actor=buyer)
    services.purchase_order_line_add(
        purchase_order=order, product=cream, quantity_ordered=D("1"), unit_cost=D("1.00"), actor=buyer
    )
    if start == "ordered":
        services.purchase_order_order(purchase_order=order, actor=buyer)
    cancelled = services.purchase_order_cancel(purchase_order=order, actor=buyer)
    assert cancelled.status == PurchaseOrderStatus.CANCELLED


def test_purchase_order_cancel_refused_once_goods_were_received(ordered_po, buyer):
    cream_line, _ = lines_of(ordered_po)
    services.goods_receipt_receive(purchase_order=ordered_po, lines=[ReceiptLineInput(cream_line, D("2"))], actor=buyer)
    with pytest.raises(exceptions.PurchaseOrderTransitionRefused) as caught:
        services.purchase_order_cancel(purchase_order=ordered_po, actor=buyer)
    assert caught.value.code == "purchase_order_invalid_transition"
    ordered_po.refresh_from_db()
    assert ordered_po.status == PurchaseOrderStatus.PARTIALLY_RECEIVED


def test_purchase_order_illegal_transitions(buyer, cream):
    order = services.purchase_order_create(supplier=SupplierFactory(), actor=buyer)
    services.purchase_order_line_add(
        purchase_order=order, product=cream, quantity_ordered=D("1"), unit_cost=D("1.00"), actor=buyer
    )
    # A draft cannot be received.
    line = order.lines.get()
    with pytest.raises(exceptions.PurchaseOrderNotReceivable):
        services.goods_receipt_receive(purchase_order=order, lines=[ReceiptLineInput(line, D("1"))], actor=buyer)
    services.purchase_order_cancel(purchase_order=order, actor=buyer)
    # A cancelled order can be neither ordered, nor received, nor edited.
    with pytest.raises(exceptions.PurchaseOrderTransitionRefused):
        services.purchase_order_order(purchase_order=order, actor=buyer)
    with pytest.raises(exceptions.PurchaseOrderNotReceivable):
        services.goods_receipt_receive(purchase_order=order, lines=[ReceiptLineInput(line, D("1"))], actor=buyer)
    with pytest.raises(exceptions.PurchaseOrderNotEditable):
        services.purchase_order_line_add(
            purchase_order=order, product=cream, quantity_ordered=D("1"), unit_cost=D("1"), actor=buyer
        )
    with pytest.raises(exceptions.PurchaseOrderNotEditable):
        services.purchase_order_update(purchase_order=order, changes={"notes": "x"}, actor=buyer)


def test_received_order_can_be_neither_cancelled_nor_received_again(ordered_po, buyer):
    cream_line, filler_line = lines_of(ordered_po)
    services.goods_receipt_receive(
        purchase_order=ordered_po,
        lines=[
            ReceiptLineInput(cream_line, D("10")),
            ReceiptLineInput(filler_line, D("4"), lot_code="F1", expires_at=NEXT_YEAR),
        ],
        actor=buyer,
    )
    ordered_po.refresh_from_db()
    assert ordered_po.status == PurchaseOrderStatus.RECEIVED
    with pytest.raises(exceptions.PurchaseOrderTransitionRefused):
        services.purchase_order_cancel(purchase_order=ordered_po, actor=buyer)
    with pytest.raises(exceptions.PurchaseOrderNotReceivable):
        services.goods_receipt_receive(
            purchase_order=ordered_po, lines=[ReceiptLineInput(cream_line, D("1"))], actor=buyer
        )


def test_purchase_order_line_add_refuses_a_service(buyer):
    order = services.purchase_order_create(supplier=SupplierFactory(), actor=buyer)
    with pytest.raises(exceptions.ProductNotStockable) as caught:
        services.purchase_order_line_add(
            purchase_order=order, product=ServiceFactory(), quantity_ordered=D("1"), unit_cost=D("1"), actor=buyer
        )
    assert caught.value.status_code == 400
    assert caught.value.code == "product_is_service"
    assert not order.lines.exists()


def test_purchase_order_line_add_copies_the_tax_rate_and_keeps_it(buyer):
    product = ProductFactory(tax_rate=TaxRateFactory(name="TVA réduite", rate_percent=D("5.50")))
    order = services.purchase_order_create(supplier=SupplierFactory(), actor=buyer)
    line = services.purchase_order_line_add(
        purchase_order=order, product=product, quantity_ordered=D("3"), unit_cost=D("2.345"), actor=buyer
    )
    assert line.tax_rate_percent == D("5.50")
    assert line.unit_cost == D("2.35")  # rounded half up
    product.tax_rate = TaxRateFactory(name="TVA normale", rate_percent=D("20.00"))
    product.save()
    line.refresh_from_db()
    assert line.tax_rate_percent == D("5.50")


def test_purchase_order_line_add_refuses_zero_quantity(buyer, cream):
    order = services.purchase_order_create(supplier=SupplierFactory(), actor=buyer)
    with pytest.raises(exceptions.InvalidQuantity):
        services.purchase_order_line_add(
            purchase_order=order, product=cream, quantity_ordered=D("0"), unit_cost=D("1"), actor=buyer
        )


def test_purchase_order_line_remove_only_in_draft(ordered_po, buyer):
    line = ordered_po.lines.first()
    with pytest.raises(exceptions.PurchaseOrderNotEditable):
        services.purchase_order_line_remove(line=line, actor=buyer)
    draft = services.purchase_order_create(supplier=SupplierFactory(), actor=buyer)
    draft_line = services.purchase_order_line_add(
        purchase_order=draft, product=line.product, quantity_ordered=D("1"), unit_cost=D("1"), actor=buyer
    )
    services.purchase_order_line_remove(line=draft_line, actor=buyer)
    assert not draft.lines.exists()


# --- Goods receipts -----------------------------------------------------------------------------


def test_goods_receipt_receive_creates_lines_lots_moves_balances_and_statuses(ordered_po, buyer, location):
    cream_line, filler_line = lines_of(ordered_po)
    receipt = services.goods_receipt_receive(
        purchase_order=ordered_po,
        lines=[
            ReceiptLineInput(cream_line, D("4")),
            ReceiptLineInput(filler_line, D("3"), lot_code="HA-2026-01", expires_at=NEXT_YEAR, unit_cost=D("88.50")),
        ],
        actor=buyer,
    )
    assert receipt.received_by == buyer
    assert receipt.lines.count() == 2
    lot = InventoryLot.objects.get(product=filler_line.product, lot_code="HA-2026-01")
    assert lot.expires_at == NEXT_YEAR
    moves = StockMove.objects.filter(reference_type=StockReferenceType.GOODS_RECEIPT, reference_id=receipt.pk)
    assert sorted((m.product_id, m.lot_id, m.quantity, m.unit_cost, m.move_type) for m in moves) == sorted(
        [
            (cream_line.product_id, None, D("4.00"), D("6.00"), StockMoveType.IN),
            (filler_line.product_id, lot.pk, D("3.00"), D("88.50"), StockMoveType.IN),
        ]
    )
    assert all(m.location_id == location.pk and m.created_by == buyer for m in moves)
    assert selectors.stock_available(product=cream_line.product, location=location) == D("4.00")
    assert selectors.stock_available(product=filler_line.product, lot=lot, location=location) == D("3.00")
    cream_line.refresh_from_db()
    filler_line.refresh_from_db()
    assert (cream_line.quantity_received, filler_line.quantity_received) == (D("4.00"), D("3.00"))
    ordered_po.refresh_from_db()
    assert ordered_po.status == PurchaseOrderStatus.PARTIALLY_RECEIVED
    assert AuditLog.objects.filter(entity_id=receipt.pk, action="create").exists()

    # The rest arrives: the existing lot is reused, the order is received.
    services.goods_receipt_receive(
        purchase_order=ordered_po,
        lines=[
            ReceiptLineInput(cream_line.pk, D("6")),
            ReceiptLineInput(filler_line.pk, D("1"), lot_code="HA-2026-01", expires_at=NEXT_YEAR),
        ],
        actor=buyer,
    )
    assert InventoryLot.objects.filter(product=filler_line.product).count() == 1
    assert selectors.stock_available(product=filler_line.product, lot=lot, location=location) == D("4.00")
    assert selectors.stock_available(product=cream_line.product, location=location) == D("10.00")
    ordered_po.refresh_from_db()
    assert ordered_po.status == PurchaseOrderStatus.RECEIVED
    assert selectors.stock_ledger_differences() == []


def test_goods_receipt_receive_refuses_more_than_remains_with_the_remaining_quantity(ordered_po, buyer):
    cream_line, _ = lines_of(ordered_po)
    services.goods_receipt_receive(purchase_order=ordered_po, lines=[ReceiptLineInput(cream_line, D("7"))], actor=buyer)
    with pytest.raises(exceptions.OverReceipt) as caught:
        services.goods_receipt_receive(
            purchase_order=ordered_po, lines=[ReceiptLineInput(cream_line, D("4"))], actor=buyer
        )
    assert "Il ne reste que 3.00" in caught.value.message
    assert caught.value.extra["quantity_remaining"] == "3.00"
    assert caught.value.status_code == 422
    cream_line.refresh_from_db()
    assert cream_line.quantity_received == D("7.00")


def test_goods_receipt_receive_counts_a_line_named_twice_against_what_remains(ordered_po, buyer):
    cream_line, _ = lines_of(ordered_po)
    with pytest.raises(exceptions.OverReceipt):
        services.goods_receipt_receive(
            purchase_order=ordered_po,
            lines=[ReceiptLineInput(cream_line, D("6")), ReceiptLineInput(cream_line, D("5"))],
            actor=buyer,
        )
    assert not GoodsReceipt.objects.exists()


def test_goods_receipt_receive_requires_lot_code_for_lot_tracked_products(ordered_po, buyer):
    _, filler_line = lines_of(ordered_po)
    with pytest.raises(exceptions.LotCodeRequired) as caught:
        services.goods_receipt_receive(
            purchase_order=ordered_po, lines=[ReceiptLineInput(filler_line, D("1"), expires_at=NEXT_YEAR)], actor=buyer
        )
    assert caught.value.code == "lot_code_required"
    assert not GoodsReceipt.objects.exists()


def test_goods_receipt_receive_requires_expiry_for_expiry_tracked_products(ordered_po, buyer):
    _, filler_line = lines_of(ordered_po)
    with pytest.raises(exceptions.ExpiryRequired) as caught:
        services.goods_receipt_receive(
            purchase_order=ordered_po, lines=[ReceiptLineInput(filler_line, D("1"), lot_code="L1")], actor=buyer
        )
    assert caught.value.code == "expires_at_required"
    assert not InventoryLot.objects.exists()


def test_goods_receipt_receive_refuses_a_known_lot_with_another_expiry(ordered_po, buyer):
    _, filler_line = lines_of(ordered_po)
    InventoryLotFactory(product=filler_line.product, lot_code="L1", expires_at=NEXT_YEAR)
    with pytest.raises(exceptions.LotExpiryMismatch):
        services.goods_receipt_receive(
            purchase_order=ordered_po,
            lines=[ReceiptLineInput(filler_line, D("1"), lot_code="L1", expires_at=NEXT_YEAR + timedelta(days=1))],
            actor=buyer,
        )


def test_goods_receipt_receive_refuses_a_line_of_another_order(ordered_po, buyer, cream):
    other = PurchaseOrderFactory()
    foreign = other.lines.create(product=cream, quantity_ordered=D("5"), unit_cost=D("1"), tax_rate_percent=D("20"))
    with pytest.raises(exceptions.ReceiptLineInvalid):
        services.goods_receipt_receive(
            purchase_order=ordered_po, lines=[ReceiptLineInput(foreign, D("1"))], actor=buyer
        )


def test_goods_receipt_receive_failure_midway_leaves_no_rows(ordered_po, buyer, monkeypatch, location):
    cream_line, filler_line = lines_of(ordered_po)
    real_record = services.stock_move_record
    calls = []

    def failing_on_second_line(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_record(**kwargs)

    monkeypatch.setattr(services, "stock_move_record", failing_on_second_line)
    with pytest.raises(RuntimeError):
        services.goods_receipt_receive(
            purchase_order=ordered_po,
            lines=[
                ReceiptLineInput(cream_line, D("4")),
                ReceiptLineInput(filler_line, D("2"), lot_code="NEW-LOT", expires_at=NEXT_YEAR),
            ],
            actor=buyer,
        )
    assert len(calls) == 2  # the first line went all the way through before the failure
    assert not GoodsReceipt.objects.exists()
    assert not GoodsReceiptLine.objects.exists()
    assert not InventoryLot.objects.exists()
    assert not StockMove.objects.exists()
    assert not StockBalance.objects.exists()
    cream_line.refresh_from_db()
    filler_line.refresh_from_db()
    assert cream_line.quantity_received == filler_line.quantity_received == D("0.00")
    ordered_po.refresh_from_db()
    assert ordered_po.status == PurchaseOrderStatus.ORDERED


# --- Ledger and balances ------------------------------------------------------------------------


def receive(product, quantity, unit_cost, *, location, actor, lot=None):
    return services.stock_move_record(
        move=StockMoveInput(
            product=product,
            move_type=StockMoveType.IN,
            quantity=D(quantity),
            unit_cost=D(unit_cost),
            lot=lot,
            location=location,
            reference_type=StockReferenceType.OTHER,
        ),
        actor=actor,
    )


def take_out(product, quantity, *, location, actor, lot=None):
    return services.stock_move_record(
        move=StockMoveInput(
            product=product,
            move_type=StockMoveType.OUT,
            quantity=-D(quantity),
            lot=lot,
            location=location,
            reference_type=StockReferenceType.SALE,
        ),
        actor=actor,
    )


def test_stock_out_move_refused_when_stock_is_insufficient(cream, location, buyer):
    receive(cream, "3", "5.00", location=location, actor=buyer)
    with pytest.raises(exceptions.StockInsufficient) as caught:
        take_out(cream, "4", location=location, actor=buyer)
    assert caught.value.extra["available"] == "3.00"
    assert StockMove.objects.count() == 1
    take_out(cream, "3", location=location, actor=buyer)
    assert selectors.stock_available(product=cream, location=location) == D("0.00")


def test_stock_moves_record_several_moves_is_all_or_nothing(cream, location, buyer):
    other = ProductFactory()
    receive(cream, "5", "1.00", location=location, actor=buyer)
    with pytest.raises(exceptions.StockInsufficient):
        services.stock_moves_record(
            moves=[
                StockMoveInput(product=cream, move_type=StockMoveType.OUT, quantity=D("-2"), location=location),
                StockMoveInput(product=other, move_type=StockMoveType.OUT, quantity=D("-1"), location=location),
            ],
            actor=buyer,
        )
    assert selectors.stock_available(product=cream, location=location) == D("5.00")
    assert StockMove.objects.count() == 1


def test_stock_balance_check_constraint_fires_when_code_is_bypassed(cream, location, buyer):
    receive(cream, "2", "1.00", location=location, actor=buyer)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBalance.objects.filter(product=cream).update(quantity=D("-1"))


@pytest.mark.parametrize("with_lot", [False, True])
@pytest.mark.parametrize("with_location", [False, True])
def test_stock_balance_is_unique_per_key_even_with_null_lot_or_location(with_lot, with_location, filler, location):
    key = {
        "product": filler,
        "lot": InventoryLotFactory(product=filler) if with_lot else None,
        "location": location if with_location else None,
    }
    StockBalance.objects.create(**key, quantity=D("1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBalance.objects.create(**key, quantity=D("2"))
    # Another key next to it is fine.
    StockBalance.objects.create(**{**key, "product": ProductFactory()}, quantity=D("1"))


def test_stock_move_quantity_sign_is_enforced_by_the_database(cream, location, buyer):
    move = receive(cream, "2", "1.00", location=location, actor=buyer)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockMove.objects.bulk_create(
            [StockMove(product=cream, move_type=StockMoveType.OUT, quantity=D("3"), occurred_at=move.occurred_at)]
        )


def test_stock_moves_are_append_only(cream, location, buyer):
    move = receive(cream, "2", "1.00", location=location, actor=buyer)
    with pytest.raises(exceptions.LedgerImmutable):
        move.save()
    with pytest.raises(exceptions.LedgerImmutable):
        move.delete()
    with pytest.raises(exceptions.LedgerImmutable):
        StockMove.objects.filter(pk=move.pk).update(quantity=D("9"))


def test_stock_move_refused_for_a_service_and_for_a_lot_product_without_lot(location, buyer, filler):
    with pytest.raises(exceptions.ProductNotStockable):
        receive(ServiceFactory(), "1", "1.00", location=location, actor=buyer)
    with pytest.raises(exceptions.LotCodeRequired):
        receive(filler, "1", "1.00", location=location, actor=buyer)


# --- Adjustments --------------------------------------------------------------------------------


def test_stock_adjust_count_records_the_difference(cream, location, buyer):
    receive(cream, "10", "2.00", location=location, actor=buyer)
    result = services.stock_adjust(
        product=cream,
        location=location,
        kind="count",
        counted_quantity=D("8"),
        reason="Inventaire mensuel",
        actor=buyer,
    )
    assert result.move.quantity == D("-2.00")
    assert result.move.move_type == StockMoveType.ADJUSTMENT
    assert result.move.adjustment_kind == "count"
    assert result.move.reference_type == StockReferenceType.ADJUSTMENT
    assert result.quantity_on_hand == D("8.00")
    same = services.stock_adjust(
        product=cream, location=location, kind="count", counted_quantity=D("8"), reason="Recount", actor=buyer
    )
    assert same.move is None and same.quantity_on_hand == D("8.00")
    assert AuditLog.objects.filter(entity_id=result.move.pk, action="create").exists()


def test_stock_adjust_breakage_removes_stock_and_cannot_go_negative(cream, location, buyer):
    receive(cream, "3", "2.00", location=location, actor=buyer)
    result = services.stock_adjust(
        product=cream, location=location, kind="breakage", quantity=D("1"), reason="Flacon cassé", actor=buyer
    )
    assert result.quantity_on_hand == D("2.00")
    with pytest.raises(exceptions.StockInsufficient):
        services.stock_adjust(
            product=cream, location=location, kind="breakage", quantity=D("5"), reason="Flacon cassé", actor=buyer
        )


def test_stock_adjust_requires_a_reason(cream, location, buyer):
    with pytest.raises(exceptions.AdjustmentInvalid) as caught:
        services.stock_adjust(product=cream, location=location, kind="other", quantity=D("1"), reason=" ", actor=buyer)
    assert caught.value.code == "adjustment_reason_required"


def test_stock_adjust_expiry_write_off_needs_an_expired_lot(filler, location, buyer):
    fresh = InventoryLotFactory(product=filler, lot_code="FRESH", expires_at=NEXT_YEAR)
    old = InventoryLotFactory(product=filler, lot_code="OLD", expires_at=date(2020, 1, 1))
    receive(filler, "2", "90.00", location=location, actor=buyer, lot=fresh)
    receive(filler, "2", "90.00", location=location, actor=buyer, lot=old)
    with pytest.raises(exceptions.AdjustmentInvalid) as caught:
        services.stock_adjust(
            product=filler,
            lot=fresh,
            location=location,
            kind="expiry_write_off",
            quantity=D("2"),
            reason="x",
            actor=buyer,
        )
    assert caught.value.code == "lot_not_expired"
    result = services.stock_adjust(
        product=filler,
        lot=old,
        location=location,
        kind="expiry_write_off",
        quantity=D("2"),
        reason="Périmé",
        actor=buyer,
    )
    assert result.quantity_on_hand == D("0.00")


# --- Reports ------------------------------------------------------------------------------------


def test_lots_expiring_and_expired(filler, location, buyer):
    today = date(2026, 6, 1)
    soon = InventoryLotFactory(product=filler, lot_code="SOON", expires_at=today + timedelta(days=10))
    later = InventoryLotFactory(product=filler, lot_code="LATER", expires_at=today + timedelta(days=200))
    gone = InventoryLotFactory(product=filler, lot_code="GONE", expires_at=today - timedelta(days=1))
    empty = InventoryLotFactory(product=filler, lot_code="EMPTY", expires_at=today + timedelta(days=5))
    for lot in (soon, later, gone):
        receive(filler, "2", "90.00", location=location, actor=buyer, lot=lot)
    StockBalance.objects.create(product=filler, lot=empty, location=location, quantity=D("0"))
    expiring = list(selectors.lots_expiring(within_days=30, today=today))
    assert [lot.lot_code for lot in expiring] == ["SOON"]
    assert expiring[0].quantity_on_hand == D("2.00")
    assert [lot.lot_code for lot in selectors.lots_expired(today=today)] == ["GONE"]


def test_stock_valuation_at_weighted_average_cost_worked_example(location, buyer):
    """Serum: in 10 @ 12.00 and 5 @ 15.00 -> average 195.00 / 15 = 13.00; 4 sold -> 11 × 13.00 = 143.00.
    Mask: in 3 @ 10.00 and 4 @ 11.00 -> 74.00 / 7 = 10.571428… shown 10.57; 7 on hand -> 74.00
    (not 7 × 10.57 = 73.99: the value uses the unrounded average). Total 217.00."""
    serum = ProductFactory(name="Serum")
    mask = ProductFactory(name="Mask")
    receive(serum, "10", "12.00", location=location, actor=buyer)
    receive(serum, "5", "15.00", location=location, actor=buyer)
    take_out(serum, "4", location=location, actor=buyer)
    receive(mask, "3", "10.00", location=location, actor=buyer)
    receive(mask, "4", "11.00", location=location, actor=buyer)
    valuation = selectors.stock_valuation()
    rows = {row.product.name: row for row in valuation.rows}
    assert (rows["Serum"].quantity_on_hand, rows["Serum"].average_unit_cost, rows["Serum"].value) == (
        D("11.00"),
        D("13.00"),
        D("143.00"),
    )
    assert (rows["Mask"].quantity_on_hand, rows["Mask"].average_unit_cost, rows["Mask"].value) == (
        D("7.00"),
        D("10.57"),
        D("74.00"),
    )
    assert valuation.total_value == D("217.00")


def test_stock_valuation_per_location(location, buyer):
    from erp.commerce.tests.factories import ClinicLocationFactory

    lyon = ClinicLocationFactory(name="Lyon")
    serum = ProductFactory(name="Serum")
    receive(serum, "10", "12.00", location=location, actor=buyer)
    receive(serum, "2", "18.00", location=lyon, actor=buyer)
    # Average over every purchase: (120 + 36) / 12 = 13.00.
    valuation = selectors.stock_valuation(location=lyon)
    assert [(r.quantity_on_hand, r.average_unit_cost, r.value) for r in valuation.rows] == [
        (D("2.00"), D("13.00"), D("26.00"))
    ]


# --- Consistency command ------------------------------------------------------------------------


def test_stock_check_passes_on_a_consistent_ledger_and_fails_on_a_drifted_balance(ordered_po, buyer, capsys):
    cream_line, filler_line = lines_of(ordered_po)
    services.goods_receipt_receive(
        purchase_order=ordered_po,
        lines=[
            ReceiptLineInput(cream_line, D("10")),
            ReceiptLineInput(filler_line, D("4"), lot_code="F1", expires_at=NEXT_YEAR),
        ],
        actor=buyer,
    )
    call_command("stock_check")
    assert "matches" in capsys.readouterr().out

    StockBalance.objects.filter(product=cream_line.product).update(quantity=D("9"))
    with pytest.raises(CommandError) as caught:
        call_command("stock_check")
    assert "1 stock balance" in str(caught.value)
    output = capsys.readouterr().out
    assert f"product={cream_line.product_id}" in output
    assert "ledger 10.00, balance 9.00" in output


def test_stock_check_reports_a_ledger_entry_without_balance(cream, location, buyer):
    receive(cream, "2", "1.00", location=location, actor=buyer)
    StockBalance.objects.all().delete()
    diffs = selectors.stock_ledger_differences()
    assert [(d.product_id, d.ledger_quantity, d.balance_quantity) for d in diffs] == [(cream.pk, D("2.00"), D("0.00"))]


# --- Catalog rules ------------------------------------------------------------------------------


def test_a_service_cannot_track_lots_even_bypassing_validation():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(type=ProductType.SERVICE, track_lots=True)


def test_only_a_service_can_be_vat_exempt_and_it_carries_the_legal_mention():
    service = ServiceFactory()
    assert service.vat_exempt
    assert "261-4-1°" in service.vat_exemption_mention
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(vat_exempt=True)


def test_sku_and_barcode_are_unique_when_present():
    ProductFactory(sku=None, barcode=None)
    ProductFactory(sku=None, barcode=None)
    ProductFactory(barcode="3401")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(barcode="3401")


def test_lot_is_unique_per_product_and_code():
    lot = InventoryLotFactory(lot_code="A")
    InventoryLotFactory(lot_code="A")  # same code, another product
    with pytest.raises(IntegrityError), transaction.atomic():
        InventoryLotFactory(product=lot.product, lot_code="A")


def test_injectable_factory_tracks_lots_and_expiry():
    product = InjectableFactory()
    assert product.track_lots and product.track_expiry


def test_the_database_refuses_to_change_or_delete_a_stock_move(cream, location, buyer):
    from django.db import connection

    move = receive(cream, "2", "1.00", location=location, actor=buyer)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE commerce_stockmove SET quantity = 9 WHERE id = %s", [move.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM commerce_stockmove WHERE id = %s", [move.pk])
    assert StockMove.objects.get(pk=move.pk).quantity == D("2.00")


def test_an_expired_lot_cannot_leave_as_a_sale(filler, location, buyer):
    old = InventoryLotFactory(product=filler, lot_code="OLD", expires_at=date(2020, 1, 1))
    receive(filler, "2", "90.00", location=location, actor=buyer, lot=old)
    with pytest.raises(exceptions.LotExpired) as caught:
        take_out(filler, "1", location=location, actor=buyer, lot=old)
    assert caught.value.code == "lot_expired"
    assert selectors.stock_available(product=filler, lot=old, location=location) == D("2.00")


def test_stock_available_reads_one_row_whatever_the_ledger_size(cream, location, buyer, django_assert_num_queries):
    for _ in range(30):
        receive(cream, "1", "1.00", location=location, actor=buyer)
    with django_assert_num_queries(1) as captured:
        assert selectors.stock_available(product=cream, location=location) == D("30.00")
    assert "commerce_stockmove" not in captured.captured_queries[0]["sql"]


def test_a_user_who_recorded_moves_cannot_be_deleted(cream, location, make_user):
    from django.db.models import ProtectedError

    clerk = make_user("accounting", "clerk@clinic.test")
    receive(cream, "1", "1.00", location=location, actor=clerk)
    with pytest.raises(ProtectedError), transaction.atomic():
        clerk.delete()


@pytest.mark.parametrize(
    "move_type, quantity, extra",
    [
        ("in", "-1", {"unit_cost": D("1")}),
        ("in", "1", {}),
        ("out", "1", {}),
        ("adjustment", "1", {"reason": "", "adjustment_kind": "other"}),
        ("adjustment", "1", {"reason": "why", "adjustment_kind": None}),
    ],
)
def test_stock_move_record_refuses_malformed_moves(move_type, quantity, extra, cream, location, buyer):
    receive(cream, "5", "1.00", location=location, actor=buyer)
    with pytest.raises(exceptions.StockMoveInvalid):
        services.stock_move_record(
            move=StockMoveInput(product=cream, move_type=move_type, quantity=D(quantity), location=location, **extra),
            actor=buyer,
        )
    assert StockMove.objects.count() == 1
