"""Commerce I (spec 000 §8): tax rates, catalog, suppliers, purchasing, lots and the stock ledger.

Sales, payments and invoices (Commerce II) build on these models; the stock ledger is shared:
a paid sale records ``out`` moves through ``erp.commerce.inventory.services.stock_moves_record``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.commerce.exceptions import LedgerImmutable
from erp.core.models import BaseModel, CreatedByModel
from erp.core.money import Currency

ZERO = Decimal("0")

# French CGI art. 261-4-1°: care given by medical professionals is exempt from VAT. The mention
# is printed on the invoice of an exempt line.
DEFAULT_VAT_EXEMPTION_MENTION = "Exonération de TVA, article 261-4-1° du CGI"


def money_field(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=10, decimal_places=2, **kwargs)


def percent_field(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=5, decimal_places=2, **kwargs)


# --- Tax and catalog ----------------------------------------------------------------------------


class TaxRate(BaseModel):
    country_code = models.CharField(max_length=2, blank=True, null=True, verbose_name=_("country code"))
    name = models.CharField(max_length=100, verbose_name=_("name"))
    rate_percent = percent_field(validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))])
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))

    class Meta:
        ordering = ["country_code", "-rate_percent", "name"]
        verbose_name = _("tax rate")
        verbose_name_plural = _("tax rates")
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_percent__gte=0) & Q(rate_percent__lte=100), name="commerce_taxrate_rate_0_100"
            ),
            models.UniqueConstraint(fields=["country_code", "name"], name="commerce_taxrate_country_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.rate_percent}%)"


class ProductCategory(BaseModel):
    name = models.CharField(max_length=150, unique=True, verbose_name=_("name"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")

    def __str__(self) -> str:
        return self.name


class ProductType(models.TextChoices):
    PRODUCT = "product", _("Product")
    SERVICE = "service", _("Service")


class Product(BaseModel):
    """A stocked product or a service sold by the clinic."""

    sku = models.CharField(max_length=64, blank=True, null=True, unique=True, verbose_name=_("sku"))
    barcode = models.CharField(max_length=64, blank=True, null=True, unique=True, verbose_name=_("barcode"))
    name = models.CharField(max_length=200, verbose_name=_("name"))
    category = models.ForeignKey(
        ProductCategory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="products",
        verbose_name=_("category"),
    )
    type = models.CharField(
        max_length=10, choices=ProductType.choices, default=ProductType.PRODUCT, verbose_name=_("type")
    )
    description = models.TextField(blank=True, null=True, verbose_name=_("description"))
    unit_price_excl_tax = money_field(validators=[MinValueValidator(ZERO)], verbose_name=_("unit price excl tax"))
    tax_rate = models.ForeignKey(TaxRate, on_delete=models.PROTECT, related_name="products", verbose_name=_("tax rate"))
    track_lots = models.BooleanField(default=False, verbose_name=_("track lots"))
    track_expiry = models.BooleanField(default=False, verbose_name=_("track expiry"))
    vat_exempt = models.BooleanField(
        default=False,
        help_text=_("Therapeutic act exempt from VAT (CGI art. 261-4-1°); services only."),
        verbose_name=_("vat exempt"),
    )
    vat_exemption_mention = models.CharField(
        max_length=255, blank=True, default=DEFAULT_VAT_EXEMPTION_MENTION, verbose_name=_("vat exemption mention")
    )
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    # Spec 004 (distribution orders): the id of the product in outside systems, and the
    # currency of its price (the catalogue lists the currencies alphabetically).
    external_product_id = models.CharField(
        max_length=100, blank=True, null=True, unique=True, verbose_name=_("external product id")
    )
    currency = models.CharField(
        max_length=3, choices=sorted(Currency.choices), default=Currency.EUR, verbose_name=_("currency")
    )
    # Offered to distributors in their portal's catalogue (spec 004): retail products only, never
    # consultations or injectables, so the flag is off until someone turns it on.
    for_distribution = models.BooleanField(
        _("sold to distributors"), default=False,
        help_text=_("Shown in the distributors' catalogue and accepted on their orders."),
    )
    # Issue 26: the till offers services and retail items only; a wholesale carton or an item
    # sold only to distributors is switched off here (``for_distribution`` alone does not say it:
    # a retail cream may be sold both at the counter and to distributors).
    sold_at_counter = models.BooleanField(
        _("sold at the counter"), default=True,
        help_text=_("Offered at the till. Switch off for wholesale cartons and items sold only to distributors."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            models.Index(
                fields=["currency", "name"], condition=Q(for_distribution=True, is_active=True),
                name="commerce_product_distribution",
            ),
            models.Index(fields=["type", "is_active"], name="commerce_product_type_active"),
            models.Index(fields=["category", "is_active"], name="commerce_product_cat_active"),
            models.Index(fields=["name"], name="commerce_product_name"),  # the catalog's order
        ]
        constraints = [
            models.CheckConstraint(condition=Q(unit_price_excl_tax__gte=0), name="commerce_product_price_gte_0"),
            # A service is never stocked, so it has neither lots nor expiry dates.
            models.CheckConstraint(
                condition=Q(type=ProductType.PRODUCT) | (Q(track_lots=False) & Q(track_expiry=False)),
                name="commerce_product_service_untracked",
            ),
            # The expiry date lives on the lot: tracking expiry implies tracking lots.
            models.CheckConstraint(
                condition=Q(track_expiry=False) | Q(track_lots=True), name="commerce_product_expiry_needs_lots"
            ),
            models.CheckConstraint(
                condition=Q(vat_exempt=False) | Q(type=ProductType.SERVICE), name="commerce_product_exempt_service"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        errors = {}
        if self.type == ProductType.SERVICE and (self.track_lots or self.track_expiry):
            errors["track_lots"] = _("A service is not stocked: it cannot track lots or expiry.")
        if self.track_expiry and not self.track_lots:
            errors["track_expiry"] = _("Tracking expiry dates requires tracking lots.")
        if self.vat_exempt and self.type != ProductType.SERVICE:
            errors["vat_exempt"] = _("Only a service (a therapeutic act) can be exempt from VAT.")
        if self.vat_exempt and not (self.vat_exemption_mention or "").strip():
            errors["vat_exemption_mention"] = _("A VAT-exempt service needs the legal mention for its invoices.")
        if errors:
            raise ValidationError(errors)


# --- Suppliers and purchasing -------------------------------------------------------------------


class Supplier(BaseModel):
    name = models.CharField(max_length=200, unique=True, verbose_name=_("name"))
    legal_name = models.CharField(max_length=200, blank=True, null=True, verbose_name=_("legal name"))
    vat_number = models.CharField(max_length=32, blank=True, null=True, verbose_name=_("vat number"))
    email = models.EmailField(blank=True, null=True, verbose_name=_("email"))
    phone = models.CharField(max_length=32, blank=True, null=True, verbose_name=_("phone"))
    address_line1 = models.CharField(max_length=255, blank=True, null=True, verbose_name=_("address line1"))
    city = models.CharField(max_length=120, blank=True, null=True, verbose_name=_("city"))
    postal_code = models.CharField(max_length=20, blank=True, null=True, verbose_name=_("postal code"))
    country_code = models.CharField(max_length=2, blank=True, null=True, verbose_name=_("country code"))
    notes = models.TextField(blank=True, null=True, verbose_name=_("notes"))
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")

    def __str__(self) -> str:
        return self.name


class PurchaseOrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ORDERED = "ordered", _("Ordered")
    PARTIALLY_RECEIVED = "partially_received", _("Partially received")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class PurchaseOrder(BaseModel, CreatedByModel):
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="purchase_orders", verbose_name=_("supplier")
    )
    location = models.ForeignKey(
        "core.ClinicLocation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="purchase_orders",
        verbose_name=_("location"),
    )
    status = models.CharField(
        max_length=20,
        choices=PurchaseOrderStatus.choices,
        default=PurchaseOrderStatus.DRAFT,
        editable=False,
        verbose_name=_("status"),
    )
    ordered_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("ordered at"))
    expected_at = models.DateField(null=True, blank=True, verbose_name=_("expected at"))
    reference = models.CharField(max_length=100, blank=True, null=True, verbose_name=_("reference"))
    currency = models.CharField(max_length=3, default="EUR", verbose_name=_("currency"))
    notes = models.TextField(blank=True, null=True, verbose_name=_("notes"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        indexes = [models.Index(fields=["status", "-created_at"], name="commerce_po_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=PurchaseOrderStatus.DRAFT)
                | Q(status=PurchaseOrderStatus.CANCELLED)
                | Q(ordered_at__isnull=False),
                name="commerce_po_ordered_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"PO {str(self.pk)[:8]} — {self.supplier}"


class PurchaseOrderLine(BaseModel):
    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("purchase order")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="purchase_order_lines", verbose_name=_("product")
    )
    quantity_ordered = money_field(verbose_name=_("quantity ordered"))
    unit_cost = money_field(verbose_name=_("unit cost"))
    tax_rate_percent = percent_field(editable=False)
    quantity_received = money_field(default=ZERO, editable=False, verbose_name=_("quantity received"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity_ordered__gt=0), name="commerce_pol_qty_ordered_gt_0"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="commerce_pol_unit_cost_gte_0"),
            models.CheckConstraint(
                condition=Q(quantity_received__gte=0) & Q(quantity_received__lte=models.F("quantity_ordered")),
                name="commerce_pol_received_within_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity_ordered}"

    @property
    def quantity_remaining(self) -> Decimal:
        return self.quantity_ordered - self.quantity_received


class GoodsReceipt(BaseModel):
    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.PROTECT, related_name="goods_receipts", verbose_name=_("purchase order")
    )
    received_at = models.DateTimeField(default=timezone.now, verbose_name=_("received at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_column="received_by_user_id",
        verbose_name=_("received by"),
    )
    notes = models.TextField(blank=True, null=True, verbose_name=_("notes"))

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("goods receipt")
        verbose_name_plural = _("goods receipts")

    def __str__(self) -> str:
        return _("Receipt %(number)s (%(date)s)") % {"number": str(self.pk)[:8], "date": f"{self.received_at:%Y-%m-%d}"}


class InventoryLot(BaseModel):
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="lots", verbose_name=_("product"))
    lot_code = models.CharField(max_length=100, verbose_name=_("lot code"))
    expires_at = models.DateField(null=True, blank=True, verbose_name=_("expires at"))

    class Meta:
        ordering = ["expires_at", "lot_code"]
        verbose_name = _("inventory lot")
        verbose_name_plural = _("inventory lots")
        constraints = [
            models.UniqueConstraint(fields=["product", "lot_code"], name="commerce_lot_product_code_unique"),
        ]
        indexes = [models.Index(fields=["expires_at"], name="commerce_lot_expires_at")]

    def __str__(self) -> str:
        expiry = f" exp. {self.expires_at:%Y-%m-%d}" if self.expires_at else ""
        return f"{self.lot_code}{expiry}"

    def is_expired(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.expires_at is not None and self.expires_at < today


class GoodsReceiptLine(BaseModel):
    goods_receipt = models.ForeignKey(
        GoodsReceipt, on_delete=models.CASCADE, related_name="lines", verbose_name=_("goods receipt")
    )
    purchase_order_line = models.ForeignKey(
        PurchaseOrderLine,
        on_delete=models.PROTECT,
        related_name="goods_receipt_lines",
        verbose_name=_("purchase order line"),
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="goods_receipt_lines", verbose_name=_("product")
    )
    lot = models.ForeignKey(
        InventoryLot,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="goods_receipt_lines",
        verbose_name=_("lot"),
    )
    quantity_received = money_field(verbose_name=_("quantity received"))
    expires_at = models.DateField(null=True, blank=True, verbose_name=_("expires at"))
    unit_cost = money_field(verbose_name=_("unit cost"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("goods receipt line")
        verbose_name_plural = _("goods receipt lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity_received__gt=0), name="commerce_grl_qty_gt_0"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="commerce_grl_unit_cost_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity_received}"


# --- Stock ledger and balances ------------------------------------------------------------------


class StockMoveType(models.TextChoices):
    IN = "in", _("In")
    OUT = "out", _("Out")
    ADJUSTMENT = "adjustment", _("Adjustment")


class StockReferenceType(models.TextChoices):
    SALE = "sale", _("Sale")
    GOODS_RECEIPT = "goods_receipt", _("Goods receipt")
    ADJUSTMENT = "adjustment", _("Adjustment")
    PURCHASE_ORDER = "purchase_order", _("Purchase order")
    OTHER = "other", _("Other")


class AdjustmentKind(models.TextChoices):
    COUNT = "count", _("Stock count")
    BREAKAGE = "breakage", _("Breakage")
    EXPIRY_WRITE_OFF = "expiry_write_off", _("Expiry write-off")
    OTHER = "other", _("Other")


class StockMoveQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise LedgerImmutable(_("Stock moves are append-only: record a new move instead."))

    def delete(self):
        raise LedgerImmutable(_("Stock moves are append-only: record a new move instead."))


class StockMove(BaseModel, CreatedByModel):
    """One line of the append-only stock ledger.

    ``quantity`` is the signed change of stock: positive for ``in``, negative for ``out``, either
    sign (never zero) for ``adjustment``. The balance of (product, lot, location) is therefore the
    sum of its moves' quantities, which is what ``stock_check`` verifies.
    """

    location = models.ForeignKey(
        "core.ClinicLocation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_moves",
        verbose_name=_("location"),
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="stock_moves", verbose_name=_("product")
    )
    lot = models.ForeignKey(
        InventoryLot, null=True, blank=True, on_delete=models.PROTECT, related_name="stock_moves", verbose_name=_("lot")
    )
    move_type = models.CharField(max_length=10, choices=StockMoveType.choices, verbose_name=_("move type"))
    quantity = money_field(verbose_name=_("quantity"))
    unit_cost = money_field(null=True, blank=True, verbose_name=_("unit cost"))
    reason = models.TextField(blank=True, null=True, verbose_name=_("reason"))
    adjustment_kind = models.CharField(
        max_length=20, choices=AdjustmentKind.choices, blank=True, null=True, verbose_name=_("adjustment kind")
    )
    occurred_at = models.DateTimeField(default=timezone.now, verbose_name=_("occurred at"))
    reference_type = models.CharField(
        max_length=20,
        choices=StockReferenceType.choices,
        default=StockReferenceType.OTHER,
        verbose_name=_("reference type"),
    )
    reference_id = models.UUIDField(null=True, blank=True, verbose_name=_("reference id"))

    # The ledger is never rewritten, not even to forget its author: a user with moves is deactivated.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_column="created_by_user_id",
        editable=False,
        verbose_name=_("created by"),
    )

    objects = StockMoveQuerySet.as_manager()

    # Kept out of Wagtail's reference index: indexing costs two queries per save on the payment
    # path (profiled with the benchmarks), and a "usage" screen of a ledger line says nothing.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-occurred_at", "-created_at"]
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        permissions = [("adjust_stock", "Can adjust stock (counts, breakage, expiry write-off)")]
        indexes = [
            models.Index(fields=["product", "move_type"], name="commerce_move_product_type"),
            models.Index(fields=["reference_type", "reference_id"], name="commerce_move_reference"),
            models.Index(fields=["-occurred_at"], name="commerce_move_occurred"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(move_type=StockMoveType.IN) & Q(quantity__gt=0))
                | (Q(move_type=StockMoveType.OUT) & Q(quantity__lt=0))
                | (Q(move_type=StockMoveType.ADJUSTMENT) & ~Q(quantity=0)),
                name="commerce_move_quantity_sign",
            ),
            models.CheckConstraint(
                condition=~Q(move_type=StockMoveType.IN) | Q(unit_cost__isnull=False), name="commerce_move_in_has_cost"
            ),
            models.CheckConstraint(
                condition=Q(unit_cost__isnull=True) | Q(unit_cost__gte=0), name="commerce_move_unit_cost_gte_0"
            ),
            models.CheckConstraint(
                condition=~Q(move_type=StockMoveType.ADJUSTMENT)
                | (Q(reason__isnull=False) & ~Q(reason="") & Q(adjustment_kind__isnull=False)),
                name="commerce_move_adjustment_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_move_type_display()} {self.quantity} {self.product}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerImmutable(_("Stock moves are append-only: record a new move instead."))
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutable(_("Stock moves are append-only: record a new move instead."))


class StockBalance(models.Model):
    """Quantity on hand of (product, lot, location), kept in step with the ledger.

    Written only by the stock services, in the same transaction as the move; the database refuses
    a negative quantity and a second row for the same key (NULL lot or location included).
    """

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="stock_balances", verbose_name=_("product")
    )
    lot = models.ForeignKey(
        InventoryLot,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_balances",
        verbose_name=_("lot"),
    )
    location = models.ForeignKey(
        "core.ClinicLocation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_balances",
        verbose_name=_("location"),
    )
    quantity = money_field(default=ZERO, verbose_name=_("quantity"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    # Kept out of Wagtail's reference index: indexing costs two queries per save on the payment
    # path (profiled with the benchmarks), and a "usage" screen of a ledger line says nothing.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["product_id", "lot_id", "location_id"]
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="commerce_balance_quantity_gte_0"),
            # One row per key, NULL lot or location included. Four partial unique indexes rather than
            # NULLS NOT DISTINCT so that the demo SQLite database enforces it as well.
            models.UniqueConstraint(
                fields=["product", "lot", "location"],
                condition=Q(lot__isnull=False, location__isnull=False),
                name="commerce_balance_unique_lot_location",
            ),
            models.UniqueConstraint(
                fields=["product", "lot"],
                condition=Q(lot__isnull=False, location__isnull=True),
                name="commerce_balance_unique_lot_no_location",
            ),
            models.UniqueConstraint(
                fields=["product", "location"],
                condition=Q(lot__isnull=True, location__isnull=False),
                name="commerce_balance_unique_location_no_lot",
            ),
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(lot__isnull=True, location__isnull=True),
                name="commerce_balance_unique_no_lot_no_location",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} / {self.lot or '-'} / {self.location or '-'}: {self.quantity}"
