"""Read queries of Commerce I: stock on hand, lots by expiry, valuation, ledger consistency."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import DecimalField, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from erp.commerce.models import InventoryLot, Product, StockBalance, StockMove, StockMoveType
from erp.core.models import ClinicLocation
from erp.core.money import ZERO, quantize_money

_QTY = DecimalField(max_digits=14, decimal_places=2)
_AMOUNT = DecimalField(max_digits=24, decimal_places=4)


def stock_on_hand(
    *,
    product: Product | uuid.UUID | None = None,
    lot: InventoryLot | uuid.UUID | None = None,
    location: ClinicLocation | uuid.UUID | None = None,
    include_empty: bool = False,
) -> QuerySet[StockBalance]:
    """Balances by product / lot / location (rows at zero left out unless asked)."""
    balances = StockBalance.objects.select_related("product", "lot", "location")
    if product is not None:
        balances = balances.filter(product=product)
    if lot is not None:
        balances = balances.filter(lot=lot)
    if location is not None:
        balances = balances.filter(location=location)
    if not include_empty:
        balances = balances.filter(quantity__gt=0)
    return balances.order_by("product__name", "lot__expires_at", "lot__lot_code", "location__name")


def stock_available(
    *, product: Product, lot: InventoryLot | None = None, location: ClinicLocation | None = None
) -> Decimal:
    """The quantity on hand of one (product, lot, location): one indexed row, never the ledger."""
    quantity = (
        StockBalance.objects.filter(product=product, lot=lot, location=location)
        .values_list("quantity", flat=True)
        .first()
    )
    return quantity if quantity is not None else ZERO


def _lots_with_stock(location: ClinicLocation | uuid.UUID | None = None) -> QuerySet[InventoryLot]:
    balance_filter = Q(stock_balances__quantity__gt=0)
    if location is not None:
        balance_filter &= Q(stock_balances__location=location)
    return (
        InventoryLot.objects.select_related("product")
        .annotate(
            quantity_on_hand=Coalesce(Sum("stock_balances__quantity", filter=balance_filter), ZERO, output_field=_QTY)
        )
        .filter(quantity_on_hand__gt=0)
    )


def lots_expiring(
    *, within_days: int, today: date | None = None, location: ClinicLocation | uuid.UUID | None = None
) -> QuerySet[InventoryLot]:
    """Lots still in stock whose expiry date falls between today and today + ``within_days``."""
    today = today or timezone.localdate()
    return (
        _lots_with_stock(location)
        .filter(expires_at__gte=today, expires_at__lte=today + timedelta(days=within_days))
        .order_by("expires_at", "lot_code")
    )


def lots_expired(*, today: date | None = None, location: ClinicLocation | uuid.UUID | None = None):
    """Lots still in stock whose expiry date has passed: they cannot be sold."""
    today = today or timezone.localdate()
    return _lots_with_stock(location).filter(expires_at__lt=today).order_by("expires_at", "lot_code")


@dataclass(frozen=True)
class ValuationRow:
    product: Product
    quantity_on_hand: Decimal
    average_unit_cost: Decimal | None
    value: Decimal


@dataclass(frozen=True)
class Valuation:
    rows: list[ValuationRow]
    total_value: Decimal


def stock_valuation(*, location: ClinicLocation | uuid.UUID | None = None) -> Valuation:
    """Stock on hand valued at weighted average cost, per product.

    For a product, over all its ``in`` moves i (purchases, any location)::

        average_unit_cost = Σ(quantity_i × unit_cost_i) / Σ quantity_i
        value             = round(quantity_on_hand × Σ(quantity_i × unit_cost_i) / Σ quantity_i)

    ``quantity_on_hand`` comes from the balances (of ``location`` when given). The value uses the
    unrounded average so that rounding happens once per product; the displayed average is rounded
    to the cent. ``total_value`` is the sum of the rounded per-product values. A product with stock
    but no costed ``in`` move (only positive adjustments) has no average and is valued at 0.00.
    """
    balances = StockBalance.objects.filter(quantity__gt=0)
    if location is not None:
        balances = balances.filter(location=location)
    on_hand = dict(balances.values("product_id").annotate(total=Sum("quantity")).values_list("product_id", "total"))
    costs = {
        row["product_id"]: (row["in_quantity"], row["in_cost"])
        for row in StockMove.objects.filter(
            product_id__in=list(on_hand), move_type=StockMoveType.IN, unit_cost__isnull=False
        )
        .values("product_id")
        .annotate(
            in_quantity=Sum("quantity"),
            in_cost=Sum(F("quantity") * F("unit_cost"), output_field=_AMOUNT),
        )
    }
    products = Product.objects.in_bulk(list(on_hand))
    rows = []
    for product_id, quantity in on_hand.items():
        in_quantity, in_cost = costs.get(product_id, (None, None))
        if in_quantity:
            average = quantize_money(in_cost / in_quantity)
            value = quantize_money(quantity * in_cost / in_quantity)
        else:
            average, value = None, ZERO
        rows.append(ValuationRow(products[product_id], quantity, average, value))
    rows.sort(key=lambda row: (row.product.name, str(row.product.pk)))
    return Valuation(rows=rows, total_value=quantize_money(sum((row.value for row in rows), ZERO)))


@dataclass(frozen=True)
class BalanceDifference:
    product_id: uuid.UUID
    lot_id: uuid.UUID | None
    location_id: uuid.UUID | None
    ledger_quantity: Decimal
    balance_quantity: Decimal


def stock_ledger_differences() -> list[BalanceDifference]:
    """Every (product, lot, location) whose balance differs from the sum of its ledger moves."""
    ledger = {
        (row["product_id"], row["lot_id"], row["location_id"]): row["total"]
        for row in StockMove.objects.order_by()
        .values("product_id", "lot_id", "location_id")
        .annotate(total=Sum("quantity"))
    }
    balances = {
        (row["product_id"], row["lot_id"], row["location_id"]): row["quantity"]
        for row in StockBalance.objects.order_by().values("product_id", "lot_id", "location_id", "quantity")
    }
    differences = []
    for key in sorted(set(ledger) | set(balances), key=lambda k: tuple(str(p or "") for p in k)):
        expected = ledger.get(key, ZERO)
        actual = balances.get(key, ZERO)
        if expected != actual:
            differences.append(BalanceDifference(*key, ledger_quantity=expected, balance_quantity=actual))
    return differences
