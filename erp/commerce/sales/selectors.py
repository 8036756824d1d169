"""Read queries of Commerce II: batch recall and sales reports."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDay, TruncMonth
from django.utils.translation import gettext as _

from erp.commerce.exceptions import BarcodeUnknown
from erp.commerce.models import Payment, Product, ProductType, SaleLine, SaleLineLot, SaleStatus, StockBalance
from erp.core.money import ZERO

_AMOUNT = DecimalField(max_digits=14, decimal_places=2)
# A refunded sale was paid once: its payments and refunds both count, and cancel each other.
COUNTED_STATUSES = [SaleStatus.PAID, SaleStatus.REFUNDED]


def counter_products(*, location=None) -> list[Product]:
    """What the till offers: active services and retail products sold at the counter (never
    wholesale cartons), services first, each with ``price_incl_tax`` and, for a product, ``stock``
    on hand at ``location`` (read from the balances, one query for the whole list)."""
    from erp.commerce.sales.services import line_totals  # billing imports this module

    on_hand = (
        StockBalance.objects.filter(product=OuterRef("pk"), location=location)
        .values("product")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    products = list(
        Product.objects.filter(is_active=True, sold_at_counter=True)
        .select_related("tax_rate", "category")
        .annotate(stock=Coalesce(Subquery(on_hand, output_field=_AMOUNT), Value(ZERO), output_field=_AMOUNT))
        .order_by("-type", "name")  # "service" sorts after "product": services first
    )
    for product in products:
        rate = ZERO if product.vat_exempt else product.tax_rate.rate_percent
        product.price_incl_tax = line_totals(
            unit_price_excl_tax=product.unit_price_excl_tax, quantity=Decimal("1"), tax_rate_percent=rate
        ).total_incl_tax
        if product.type == ProductType.SERVICE:
            product.stock = None
    return products


def counter_product_by_barcode(barcode: str) -> Product:
    """The product the till sells under ``barcode`` (or, typed by hand, its SKU)."""
    code = (barcode or "").strip()
    product = None
    if code:
        counter = Product.objects.filter(is_active=True, sold_at_counter=True).select_related("tax_rate")
        # The barcode first; a product without one is typed by its SKU.
        product = counter.filter(barcode=code).first() or counter.filter(sku=code).first()
    if product is None:
        raise BarcodeUnknown(
            _("No product sold at the counter has the barcode “%(barcode)s”.") % {"barcode": code}, field="barcode"
        )
    return product


def lot_recall(*, lot: uuid.UUID) -> QuerySet[SaleLineLot]:
    """Every paid (or refunded) sale that received units of ``lot``: sale, buyer, date, quantity."""
    return (
        SaleLineLot.objects.filter(lot=lot, sale_line__sale__status__in=COUNTED_STATUSES)
        .select_related("lot", "lot__product", "sale_line__sale", "sale_line__sale__sold_to_patient")
        .order_by("sale_line__sale__sold_at")
    )


def patient_lots(*, patient: uuid.UUID) -> QuerySet[SaleLineLot]:
    """Every lot a patient received through paid sales."""
    return (
        SaleLineLot.objects.filter(
            sale_line__sale__sold_to_patient=patient, sale_line__sale__status__in=COUNTED_STATUSES
        )
        .select_related("lot", "lot__product", "sale_line__sale", "sale_line__sale__sold_to_patient")
        .order_by("-sale_line__sale__sold_at")
    )


def _period(qs, field: str, period: str):
    trunc = TruncMonth if period == "month" else TruncDay
    return qs.annotate(period=trunc(field))


def _filtered(qs, *, date_field: str, since: date | None, until: date | None, location: uuid.UUID | None, via: str):
    """``qs`` within the days ``since``..``until`` (inclusive, in the current time zone) and at
    ``location`` (through the sale, ``via``)."""
    if since:
        qs = qs.filter(**{f"{date_field}__date__gte": since})
    if until:
        qs = qs.filter(**{f"{date_field}__date__lte": until})
    if location:
        qs = qs.filter(**{f"{via}location": location})
    return qs


def payments_by_method(
    *,
    since: date | None = None,
    until: date | None = None,
    location: uuid.UUID | None = None,
    period: str = "day",
) -> list[dict]:
    """Gross, fees and net per day (or month) and payment method; refunds count negative."""
    qs = _filtered(
        Payment.objects.all(), date_field="paid_at", since=since, until=until, location=location, via="sale__"
    )
    rows = (
        _period(qs, "paid_at", period)
        .values("period", method=F("payment_method__code"))
        .annotate(
            gross=Coalesce(Sum("amount_gross"), Value(ZERO), output_field=_AMOUNT),
            fees=Coalesce(Sum("fee_amount"), Value(ZERO), output_field=_AMOUNT),
            net=Coalesce(Sum("amount_net"), Value(ZERO), output_field=_AMOUNT),
            count=Count("id"),
        )
        .order_by("period", "method")
    )
    return [{**row, "period": row["period"].date()} for row in rows]


def _lines(since: date | None, until: date | None, location: uuid.UUID | None):
    qs = SaleLine.objects.filter(sale__status=SaleStatus.PAID)
    return _filtered(qs, date_field="sale__sold_at", since=since, until=until, location=location, via="sale__")


def vat_by_rate(
    *, since: date | None = None, until: date | None = None, location: uuid.UUID | None = None
) -> list[dict]:
    """Net base and VAT per rate of the paid (not refunded) sales."""
    rows = (
        _lines(since, until, location)
        .values(rate=F("tax_rate_percent_snapshot"), exempt=F("vat_exempt_snapshot"))
        .annotate(
            base=Coalesce(Sum("line_subtotal_excl_tax"), Value(ZERO), output_field=_AMOUNT),
            vat=Coalesce(Sum("line_tax_amount"), Value(ZERO), output_field=_AMOUNT),
        )
        .order_by("rate", "exempt")
    )
    return list(rows)


def top_products(
    *, since: date | None = None, until: date | None = None, location: uuid.UUID | None = None, limit: int = 10
) -> list[dict]:
    rows = (
        _lines(since, until, location)
        .values("product_id", name=F("product__name"), type=F("product_type_snapshot"))
        .annotate(
            quantity=Coalesce(Sum("quantity"), Value(ZERO), output_field=_AMOUNT),
            revenue_excl_tax=Coalesce(Sum("line_subtotal_excl_tax"), Value(ZERO), output_field=_AMOUNT),
        )
        .order_by("-revenue_excl_tax", "name")[:limit]
    )
    return [{**row, "product_id": str(row["product_id"])} for row in rows]


def revenue_by_referral_source(
    *, since: date | None = None, until: date | None = None, location: uuid.UUID | None = None
) -> list[dict]:
    rows = (
        _lines(since, until, location)
        .values(source=F("sale__referral_source__label"))
        .annotate(
            sales=Count("sale", distinct=True),
            revenue_incl_tax=Coalesce(Sum("line_total_incl_tax"), Value(ZERO), output_field=_AMOUNT),
        )
        .order_by("-revenue_incl_tax", "source")
    )
    return list(rows)


def revenue_by_category(
    *, since: date | None = None, until: date | None = None, location: uuid.UUID | None = None
) -> list[dict]:
    """Revenue per product category (a product without one counts under none)."""
    rows = (
        _lines(since, until, location)
        .values(category=F("product__category__name"))
        .annotate(
            quantity=Coalesce(Sum("quantity"), Value(ZERO), output_field=_AMOUNT),
            revenue_excl_tax=Coalesce(Sum("line_subtotal_excl_tax"), Value(ZERO), output_field=_AMOUNT),
            revenue_incl_tax=Coalesce(Sum("line_total_incl_tax"), Value(ZERO), output_field=_AMOUNT),
        )
        .order_by("-revenue_excl_tax", "category")
    )
    return list(rows)
