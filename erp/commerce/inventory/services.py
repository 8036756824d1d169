"""Domain operations of Commerce I: purchasing, goods receipts, the stock ledger, adjustments.

Lock order, shared by every operation of the app (and by the sale payment of Commerce II):
purchase order -> its lines (by id) -> lots (by product, code) -> stock balances sorted by
(product_id, lot_id, location_id). Taking locks in one order means two operations never wait
for each other in a cycle.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from erp.commerce.exceptions import (
    AdjustmentInvalid,
    ExpiryRequired,
    InvalidQuantity,
    LotCodeRequired,
    LotExpired,
    LotExpiryMismatch,
    LotProductMismatch,
    OverReceipt,
    ProductNotStockable,
    PurchaseOrderEmpty,
    PurchaseOrderNotEditable,
    PurchaseOrderNotReceivable,
    PurchaseOrderTransitionRefused,
    ReceiptLineInvalid,
    StockInsufficient,
    StockMoveInvalid,
)
from erp.commerce.models import (
    AdjustmentKind,
    GoodsReceipt,
    GoodsReceiptLine,
    InventoryLot,
    Product,
    ProductType,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    StockBalance,
    StockMove,
    StockMoveType,
    StockReferenceType,
    Supplier,
)
from erp.core.locking import lock_row, lock_rows
from erp.core.models import ClinicLocation
from erp.core.money import ZERO, quantize_money, quantize_quantity
from erp.ops.audit import audit_record

# --- Stock ledger -------------------------------------------------------------------------------

BalanceKey = tuple[uuid.UUID, uuid.UUID | None, uuid.UUID | None]


@dataclass(frozen=True)
class StockMoveInput:
    """One move to append. ``quantity`` is signed: > 0 for ``in``, < 0 for ``out``, != 0 for
    ``adjustment``."""

    product: Product
    move_type: str
    quantity: Decimal
    lot: InventoryLot | None = None
    location: ClinicLocation | None = None
    unit_cost: Decimal | None = None
    reason: str | None = None
    adjustment_kind: str | None = None
    reference_type: str = StockReferenceType.OTHER
    reference_id: uuid.UUID | None = None
    occurred_at: datetime | None = None

    @property
    def key(self) -> BalanceKey:
        return (self.product.pk, self.lot.pk if self.lot else None, self.location.pk if self.location else None)


def _balance_sort_key(key: BalanceKey) -> tuple[str, str, str]:
    # NULL lot/location sort first (as ""): any fixed total order works, as long as it is the same
    # everywhere.
    return tuple(str(part) if part is not None else "" for part in key)  # type: ignore[return-value]


def stock_balances_lock(keys: Sequence[BalanceKey]) -> dict[BalanceKey, StockBalance]:
    """Lock (creating when missing) the balance row of each key, in the fixed order.

    Must run inside a transaction. A missing row is inserted with ``ON CONFLICT DO NOTHING`` and
    then locked, so two transactions creating the same balance do not fail on the unique index.
    """
    locked: dict[BalanceKey, StockBalance] = {}
    for key in sorted(set(keys), key=_balance_sort_key):
        product_id, lot_id, location_id = key
        lookup = {"product_id": product_id, "lot_id": lot_id, "location_id": location_id}
        balance = lock_row(StockBalance.objects, missing_ok=True, **lookup)
        if balance is None:
            StockBalance.objects.bulk_create([StockBalance(**lookup, quantity=ZERO)], ignore_conflicts=True)
            balance = lock_row(StockBalance.objects, **lookup)
        locked[key] = balance
    return locked


def _validate_move(move: StockMoveInput) -> None:
    if move.product.type != ProductType.PRODUCT:
        raise ProductNotStockable(
            _("“%(product)s” is a service: it has no stock.") % {"product": move.product}, field="product"
        )
    if move.lot is not None and move.lot.product_id != move.product.pk:
        raise LotProductMismatch(
            _("Lot %(lot_code)s belongs to another product.") % {"lot_code": move.lot.lot_code}, field="lot"
        )
    if move.product.track_lots and move.lot is None:
        raise LotCodeRequired(
            _("“%(product)s” is tracked by lot: name the lot.") % {"product": move.product}, field="lot"
        )
    if move.move_type == StockMoveType.OUT and move.lot is not None and move.lot.is_expired():
        raise LotExpired(
            _("Lot %(lot_code)s of “%(product)s” expired on %(expires_at)s: it cannot be sold; write it off instead.")
            % {"lot_code": move.lot.lot_code, "product": move.product, "expires_at": f"{move.lot.expires_at:%Y-%m-%d}"},
            field="lot",
        )
    quantity = move.quantity
    valid_sign = {
        StockMoveType.IN: quantity > 0,
        StockMoveType.OUT: quantity < 0,
        StockMoveType.ADJUSTMENT: quantity != 0,
    }.get(move.move_type)
    if not valid_sign:
        raise StockMoveInvalid(
            _("A %(move_type)s move cannot have quantity %(quantity)s.")
            % {"move_type": move.move_type, "quantity": quantity},
            field="quantity",
        )
    if move.move_type == StockMoveType.IN and move.unit_cost is None:
        raise StockMoveInvalid(_("An incoming move carries its unit cost."), field="unit_cost")
    if move.move_type == StockMoveType.ADJUSTMENT and not ((move.reason or "").strip() and move.adjustment_kind):
        raise StockMoveInvalid(_("An adjustment states its kind and its reason."), field="reason")


def stock_moves_record(*, moves: Sequence[StockMoveInput], actor, savepoint: bool = True) -> list[StockMove]:
    """Append moves to the ledger and move their balances by the same amounts; no balance may end
    below zero (``stock_insufficient``, the database CHECK backs it).

    ``savepoint=False`` for a caller whose own transaction a refusal aborts anyway (paying a
    sale): the moves then take no savepoint of their own, two round trips fewer."""
    if not moves:
        return []
    with transaction.atomic(savepoint=savepoint):
        for move in moves:
            _validate_move(move)
        deltas: dict[BalanceKey, Decimal] = defaultdict(lambda: ZERO)
        for move in moves:
            deltas[move.key] += quantize_quantity(move.quantity)
        balances = stock_balances_lock(list(deltas))
        for key, delta in sorted(deltas.items(), key=lambda item: _balance_sort_key(item[0])):
            balance = balances[key]
            new_quantity = balance.quantity + delta
            if new_quantity < 0:
                product = next(m.product for m in moves if m.key == key)
                lot = next((m.lot for m in moves if m.key == key), None)
                where = f" (lot {lot.lot_code})" if lot else ""
                raise StockInsufficient(
                    _("Not enough “%(product)s”%(where)s in stock: %(quantity)s available, %(requested)s requested.")
                    % {"product": product, "where": where, "quantity": balance.quantity, "requested": -delta},
                    field="quantity",
                    extra={"available": str(balance.quantity), "product": str(product.pk)},
                )
            balance.quantity = new_quantity
            balance.save(update_fields=["quantity", "updated_at"])
        now = timezone.now()
        recorded = []
        for move in moves:
            stock_move = StockMove(
                product=move.product,
                lot=move.lot,
                location=move.location,
                move_type=move.move_type,
                quantity=quantize_quantity(move.quantity),
                unit_cost=quantize_money(move.unit_cost) if move.unit_cost is not None else None,
                reason=move.reason,
                adjustment_kind=move.adjustment_kind,
                reference_type=move.reference_type,
                reference_id=move.reference_id,
                occurred_at=move.occurred_at or now,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            # Field checks only: the sign and reason rules were checked above and the CHECK
            # constraints back them, without one query per constraint on this hot path.
            stock_move.clean_fields(exclude=["product", "lot", "location", "created_by"])
            stock_move.save()
            recorded.append(stock_move)
        return recorded


def stock_move_record(*, move: StockMoveInput, actor) -> StockMove:
    """Append one move; see ``stock_moves_record``."""
    return stock_moves_record(moves=[move], actor=actor)[0]


@dataclass(frozen=True)
class StockAdjustmentResult:
    move: StockMove | None
    quantity_on_hand: Decimal


def stock_adjust(
    *,
    product: Product,
    kind: str,
    reason: str,
    location: ClinicLocation | None = None,
    lot: InventoryLot | None = None,
    quantity: Decimal | None = None,
    counted_quantity: Decimal | None = None,
    occurred_at: datetime | None = None,
    actor,
) -> StockAdjustmentResult:
    """Correct the stock with an ``adjustment`` move that states why.

    ``count``: ``counted_quantity`` is what was found; the move is the difference (none when the
    count matches). ``breakage`` / ``expiry_write_off``: ``quantity`` (> 0) leaves the stock; an
    expiry write-off needs an expired lot. ``other``: ``quantity`` is the signed change.
    """
    if kind not in AdjustmentKind.values:
        raise AdjustmentInvalid(_("Unknown adjustment kind “%(kind)s”.") % {"kind": kind}, field="kind")
    reason = (reason or "").strip()
    if not reason:
        raise AdjustmentInvalid(_("Say why the stock is adjusted."), field="reason", code="adjustment_reason_required")
    if product.type != ProductType.PRODUCT:
        raise ProductNotStockable(
            _("“%(product)s” is a service: it has no stock.") % {"product": product}, field="product"
        )
    if product.track_lots and lot is None:
        raise LotCodeRequired(
            _("“%(product)s” is tracked by lot: name the lot to adjust.") % {"product": product}, field="lot"
        )
    if lot is not None and lot.product_id != product.pk:
        raise LotProductMismatch(
            _("Lot %(lot_code)s belongs to another product.") % {"lot_code": lot.lot_code}, field="lot"
        )

    with transaction.atomic():
        key: BalanceKey = (product.pk, lot.pk if lot else None, location.pk if location else None)
        balance = stock_balances_lock([key])[key]
        if kind == AdjustmentKind.COUNT:
            if counted_quantity is None or counted_quantity < 0:
                raise AdjustmentInvalid(_("A count needs the counted quantity (0 or more)."), field="counted_quantity")
            delta = quantize_quantity(counted_quantity) - balance.quantity
        else:
            if quantity is None or quantize_quantity(quantity) == 0:
                raise AdjustmentInvalid(_("Give the quantity adjusted (not zero)."), field="quantity")
            quantity = quantize_quantity(quantity)
            if kind in (AdjustmentKind.BREAKAGE, AdjustmentKind.EXPIRY_WRITE_OFF):
                if quantity < 0:
                    raise AdjustmentInvalid(_("Give the quantity removed as a positive number."), field="quantity")
                delta = -quantity
            else:
                delta = quantity
            if kind == AdjustmentKind.EXPIRY_WRITE_OFF and (lot is None or not lot.is_expired()):
                raise AdjustmentInvalid(
                    _("An expiry write-off is for a lot whose expiry date has passed."),
                    field="lot",
                    code="lot_not_expired",
                )
        if delta == 0:
            return StockAdjustmentResult(move=None, quantity_on_hand=balance.quantity)
        move = stock_move_record(
            move=StockMoveInput(
                product=product,
                lot=lot,
                location=location,
                move_type=StockMoveType.ADJUSTMENT,
                quantity=delta,
                reason=reason,
                adjustment_kind=kind,
                reference_type=StockReferenceType.ADJUSTMENT,
                occurred_at=occurred_at,
            ),
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="create",
            entity=move,
            metadata={"kind": kind, "quantity": str(delta), "reason": reason},
        )
        balance.refresh_from_db(fields=["quantity"])
        return StockAdjustmentResult(move=move, quantity_on_hand=balance.quantity)


# --- Purchase orders ----------------------------------------------------------------------------

PO_EDITABLE_FIELDS = {"supplier", "location", "expected_at", "reference", "currency", "notes"}


def purchase_order_create(
    *,
    supplier: Supplier,
    location: ClinicLocation | None = None,
    expected_at: date | None = None,
    reference: str | None = None,
    currency: str = "EUR",
    notes: str | None = None,
    actor,
) -> PurchaseOrder:
    """Open a draft purchase order."""
    with transaction.atomic():
        order = PurchaseOrder(
            supplier=supplier,
            location=location,
            expected_at=expected_at,
            reference=reference,
            currency=currency or "EUR",
            notes=notes,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        order.full_clean()
        order.save()
        audit_record(actor=actor, action="create", entity=order)
        return order


def _lock_order(purchase_order: PurchaseOrder) -> PurchaseOrder:
    return lock_row(PurchaseOrder.objects, pk=purchase_order.pk)


def purchase_order_update(*, purchase_order: PurchaseOrder, changes: dict[str, Any], actor) -> PurchaseOrder:
    """Change the header of a draft order; once ordered it is frozen."""
    unknown = set(changes) - PO_EDITABLE_FIELDS
    if unknown:
        raise PurchaseOrderNotEditable(
            _("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        order = _lock_order(purchase_order)
        if order.status != PurchaseOrderStatus.DRAFT:
            raise PurchaseOrderNotEditable(
                _("Only a draft order can be changed; this one is %(status)s.") % {"status": order.get_status_display()}
            )
        changed = sorted(name for name, value in changes.items() if getattr(order, name) != value)
        for name, value in changes.items():
            setattr(order, name, value)
        order.full_clean()
        order.save()
        audit_record(actor=actor, action="update", entity=order, metadata={"fields_changed": changed})
        return order


def purchase_order_line_add(
    *, purchase_order: PurchaseOrder, product: Product, quantity_ordered: Decimal, unit_cost: Decimal, actor
) -> PurchaseOrderLine:
    """Add a product to a draft order; the product's tax rate is copied onto the line."""
    if product.type != ProductType.PRODUCT:
        raise ProductNotStockable(
            _("“%(product)s” is a service: it cannot be purchased into stock.") % {"product": product}, field="product"
        )
    if quantity_ordered is None or quantity_ordered <= 0:
        raise InvalidQuantity(_("The quantity ordered must be more than zero."), field="quantity_ordered")
    if unit_cost is None or unit_cost < 0:
        raise InvalidQuantity(_("The unit cost cannot be negative."), field="unit_cost", code="invalid_unit_cost")
    with transaction.atomic():
        order = _lock_order(purchase_order)
        if order.status != PurchaseOrderStatus.DRAFT:
            raise PurchaseOrderNotEditable(
                _("Lines can only be added to a draft order; this one is %(status)s.")
                % {"status": order.get_status_display()}
            )
        line = PurchaseOrderLine(
            purchase_order=order,
            product=product,
            quantity_ordered=quantize_quantity(quantity_ordered),
            unit_cost=quantize_money(unit_cost),
            tax_rate_percent=product.tax_rate.rate_percent,
        )
        line.full_clean()
        line.save()
        audit_record(actor=actor, action="create", entity=line, metadata={"purchase_order": str(order.pk)})
        return line


def purchase_order_line_remove(*, line: PurchaseOrderLine, actor) -> None:
    """Remove a line from a draft order."""
    with transaction.atomic():
        order = _lock_order(line.purchase_order)
        if order.status != PurchaseOrderStatus.DRAFT:
            raise PurchaseOrderNotEditable(
                _("Lines can only be removed from a draft order; this one is %(status)s.")
                % {"status": order.get_status_display()}
            )
        audit_record(actor=actor, action="delete", entity=line, metadata={"purchase_order": str(order.pk)})
        line.delete()


def purchase_order_order(*, purchase_order: PurchaseOrder, actor) -> PurchaseOrder:
    """Send a draft order to its supplier: ``draft`` -> ``ordered``. Ordering twice is harmless."""
    with transaction.atomic():
        order = _lock_order(purchase_order)
        if order.status == PurchaseOrderStatus.ORDERED:
            return order
        if order.status != PurchaseOrderStatus.DRAFT:
            raise PurchaseOrderTransitionRefused(
                _("A %(status)s order cannot be ordered.") % {"status": order.get_status_display()}
            )
        if not order.lines.exists():
            raise PurchaseOrderEmpty(_("Add at least one line before ordering."))
        order.status = PurchaseOrderStatus.ORDERED
        order.ordered_at = timezone.now()
        order.save(update_fields=["status", "ordered_at", "updated_at"])
        audit_record(actor=actor, action="update", entity=order, metadata={"status": order.status})
        return order


def purchase_order_cancel(*, purchase_order: PurchaseOrder, actor) -> PurchaseOrder:
    """Cancel an order that nothing was received against (``draft`` or ``ordered``)."""
    with transaction.atomic():
        order = _lock_order(purchase_order)
        if order.status == PurchaseOrderStatus.CANCELLED:
            return order
        if order.status not in (PurchaseOrderStatus.DRAFT, PurchaseOrderStatus.ORDERED):
            raise PurchaseOrderTransitionRefused(
                _("A %(status)s order cannot be cancelled: goods were already received against it.")
                % {"status": order.get_status_display()}
            )
        order.status = PurchaseOrderStatus.CANCELLED
        order.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="update", entity=order, metadata={"status": order.status})
        return order


# --- Goods receipts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptLineInput:
    purchase_order_line: PurchaseOrderLine | uuid.UUID
    quantity: Decimal
    lot_code: str | None = None
    expires_at: date | None = None
    unit_cost: Decimal | None = None

    @property
    def line_id(self) -> uuid.UUID:
        line = self.purchase_order_line
        return line.pk if isinstance(line, PurchaseOrderLine) else uuid.UUID(str(line))


def inventory_lot_for_receipt(*, product: Product, lot_code: str, expires_at: date | None) -> InventoryLot:
    """The lot (product, lot_code), created if new; a known expiry date must match."""
    lookup = {"product": product, "lot_code": lot_code}
    lot = lock_row(InventoryLot.objects, missing_ok=True, **lookup)
    if lot is None:
        InventoryLot.objects.bulk_create(
            [InventoryLot(product=product, lot_code=lot_code, expires_at=expires_at)], ignore_conflicts=True
        )
        lot = lock_row(InventoryLot.objects, **lookup)
    if expires_at is not None:
        if lot.expires_at is None:
            lot.expires_at = expires_at
            lot.save(update_fields=["expires_at", "updated_at"])
        elif lot.expires_at != expires_at:
            raise LotExpiryMismatch(
                _("Lot %(lot_code)s of “%(product)s” is known to expire on %(expires_at)s, not %(given_expiry)s.")
                % {
                    "lot_code": lot_code,
                    "product": product,
                    "expires_at": f"{lot.expires_at:%Y-%m-%d}",
                    "given_expiry": f"{expires_at:%Y-%m-%d}",
                },
                field="expires_at",
            )
    return lot


def _receive_line(
    *, receipt: GoodsReceipt, order_line: PurchaseOrderLine, item: ReceiptLineInput, location, actor
) -> GoodsReceiptLine:
    """Create one receipt line, its lot and its ``in`` move (inside the receipt's transaction)."""
    product = order_line.product
    lot_code = (item.lot_code or "").strip() or None
    lot = None
    if lot_code:
        lot = inventory_lot_for_receipt(product=product, lot_code=lot_code, expires_at=item.expires_at)
    unit_cost = quantize_money(item.unit_cost if item.unit_cost is not None else order_line.unit_cost)
    line = GoodsReceiptLine(
        goods_receipt=receipt,
        purchase_order_line=order_line,
        product=product,
        lot=lot,
        quantity_received=quantize_quantity(item.quantity),
        expires_at=item.expires_at or (lot.expires_at if lot else None),
        unit_cost=unit_cost,
    )
    line.full_clean(exclude=["goods_receipt", "purchase_order_line", "product", "lot"])
    line.save()
    stock_move_record(
        move=StockMoveInput(
            product=product,
            lot=lot,
            location=location,
            move_type=StockMoveType.IN,
            quantity=line.quantity_received,
            unit_cost=unit_cost,
            reference_type=StockReferenceType.GOODS_RECEIPT,
            reference_id=receipt.pk,
            occurred_at=receipt.received_at,
        ),
        actor=actor,
    )
    order_line.quantity_received += line.quantity_received
    order_line.save(update_fields=["quantity_received", "updated_at"])
    return line


def goods_receipt_receive(
    *,
    purchase_order: PurchaseOrder,
    lines: Sequence[ReceiptLineInput],
    received_at: datetime | None = None,
    notes: str | None = None,
    actor,
) -> GoodsReceipt:
    """Receive goods against an order in one transaction: the receipt, its lines, their lots and
    ``in`` moves, the lines' received quantities and the order's status, or nothing at all."""
    if not lines:
        raise ReceiptLineInvalid(_("A receipt needs at least one line."), field="lines")
    with transaction.atomic():
        order = _lock_order(purchase_order)
        if order.status not in (PurchaseOrderStatus.ORDERED, PurchaseOrderStatus.PARTIALLY_RECEIVED):
            raise PurchaseOrderNotReceivable(
                _("Goods can only be received against an ordered order, not a %(status)s one.")
                % {"status": order.get_status_display()}
            )
        order_lines = {
            line.pk: line
            for line in lock_rows(
                PurchaseOrderLine.objects.filter(purchase_order=order).select_related("product"), of=("self",)
            )
        }

        requested: dict[uuid.UUID, Decimal] = defaultdict(lambda: ZERO)
        for index, item in enumerate(lines):
            order_line = order_lines.get(item.line_id)
            if order_line is None:
                raise ReceiptLineInvalid(
                    _("Line %(number)s is not a line of this order.") % {"number": index + 1}, field="lines"
                )
            if item.quantity is None or quantize_quantity(item.quantity) <= 0:
                raise ReceiptLineInvalid(
                    _("Line %(number)s: the quantity received must be more than zero.") % {"number": index + 1},
                    field="lines",
                )
            product = order_line.product
            if product.track_lots and not (item.lot_code or "").strip():
                raise LotCodeRequired(
                    _("Line %(number)s: “%(product)s” is tracked by lot; give the lot code.")
                    % {"number": index + 1, "product": product},
                    field="lot_code",
                )
            if product.track_expiry and item.expires_at is None:
                raise ExpiryRequired(
                    _("Line %(number)s: “%(product)s” tracks expiry; give the expiry date.")
                    % {"number": index + 1, "product": product},
                    field="expires_at",
                )
            if item.unit_cost is not None and item.unit_cost < 0:
                raise ReceiptLineInvalid(
                    _("Line %(number)s: the unit cost cannot be negative.") % {"number": index + 1}, field="unit_cost"
                )
            requested[order_line.pk] += quantize_quantity(item.quantity)
        for line_id, quantity in requested.items():
            order_line = order_lines[line_id]
            remaining = order_line.quantity_remaining
            if quantity > remaining:
                raise OverReceipt(
                    _(
                        "Only %(remaining)s of “%(product)s” remain to be received on this order; "
                        "%(quantity)s is too many."
                    )
                    % {"remaining": remaining, "product": order_line.product, "quantity": quantity},
                    field="lines",
                    extra={"purchase_order_line": str(line_id), "quantity_remaining": str(remaining)},
                )

        receipt = GoodsReceipt(
            purchase_order=order,
            received_at=received_at or timezone.now(),
            received_by=actor if getattr(actor, "is_authenticated", False) else None,
            notes=notes,
        )
        receipt.save()
        for item in lines:
            _receive_line(
                receipt=receipt, order_line=order_lines[item.line_id], item=item, location=order.location, actor=actor
            )

        fully_received = all(line.quantity_received >= line.quantity_ordered for line in order_lines.values())
        order.status = PurchaseOrderStatus.RECEIVED if fully_received else PurchaseOrderStatus.PARTIALLY_RECEIVED
        order.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="create",
            entity=receipt,
            metadata={"purchase_order": str(order.pk), "lines": len(lines), "status": order.status},
        )
        return receipt
