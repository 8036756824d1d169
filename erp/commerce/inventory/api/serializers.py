from decimal import Decimal

from rest_framework import serializers

from erp.commerce.models import (
    AdjustmentKind,
    GoodsReceipt,
    GoodsReceiptLine,
    InventoryLot,
    Product,
    ProductCategory,
    PurchaseOrder,
    PurchaseOrderLine,
    StockBalance,
    StockMove,
    Supplier,
    TaxRate,
)
from erp.core.api.fields import DateTimeField, ListedRows
from erp.core.api.serializers import ModelSerializer, Serializer
from erp.core.models import ClinicLocation

QUANTITY = {"max_digits": 10, "decimal_places": 2}


class TaxRateSerializer(ModelSerializer):
    class Meta:
        model = TaxRate
        fields = ["id", "country_code", "name", "rate_percent", "is_active", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class ProductCategorySerializer(ModelSerializer):
    class Meta:
        model = ProductCategory
        fields = ["id", "name", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class ProductSerializer(ListedRows, ModelSerializer):
    class Meta:
        model = Product
        fields = [
            "id",
            "sku",
            "barcode",
            "name",
            "category",
            "type",
            "description",
            "unit_price_excl_tax",
            "tax_rate",
            "track_lots",
            "track_expiry",
            "vat_exempt",
            "vat_exemption_mention",
            "is_active",
            "external_product_id",
            "currency",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate_external_product_id(self, value):
        return (value or "").strip() or None

    def validate_sku(self, value):
        return (value or "").strip() or None

    def validate_barcode(self, value):
        return (value or "").strip() or None

    def validate(self, attrs):
        # The model's own rules (service not stocked, exemption only for services...).
        instance = Product(**{**self._current_values(), **attrs})
        instance.clean()
        return attrs

    def _current_values(self) -> dict:
        if self.instance is None:
            return {}
        editable = [name for name in self.Meta.fields if name not in self.Meta.read_only_fields]
        return {name: getattr(self.instance, name) for name in editable}


class SupplierSerializer(ModelSerializer):
    class Meta:
        model = Supplier
        fields = [
            "id",
            "name",
            "legal_name",
            "vat_number",
            "email",
            "phone",
            "address_line1",
            "city",
            "postal_code",
            "country_code",
            "notes",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class PurchaseOrderLineSerializer(ModelSerializer):
    product_name = serializers.CharField(source="product.name", read_only=True)
    quantity_remaining = serializers.DecimalField(**QUANTITY, read_only=True)

    class Meta:
        model = PurchaseOrderLine
        fields = [
            "id",
            "purchase_order",
            "product",
            "product_name",
            "quantity_ordered",
            "unit_cost",
            "tax_rate_percent",
            "quantity_received",
            "quantity_remaining",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "tax_rate_percent", "quantity_received", "created_at", "updated_at"]


class PurchaseOrderSerializer(ModelSerializer):
    lines = PurchaseOrderLineSerializer(many=True, read_only=True)
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)

    class Meta:
        model = PurchaseOrder
        fields = [
            "id",
            "supplier",
            "supplier_name",
            "location",
            "status",
            "ordered_at",
            "expected_at",
            "reference",
            "currency",
            "notes",
            "created_by",
            "lines",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "ordered_at", "created_by", "created_at", "updated_at"]


class GoodsReceiptLineSerializer(ModelSerializer):
    lot_code = serializers.CharField(source="lot.lot_code", read_only=True, default=None, allow_null=True)

    class Meta:
        model = GoodsReceiptLine
        fields = [
            "id",
            "purchase_order_line",
            "product",
            "lot",
            "lot_code",
            "quantity_received",
            "expires_at",
            "unit_cost",
        ]
        read_only_fields = fields


class GoodsReceiptSerializer(ModelSerializer):
    lines = GoodsReceiptLineSerializer(many=True, read_only=True)

    class Meta:
        model = GoodsReceipt
        fields = ["id", "purchase_order", "received_at", "received_by", "notes", "lines", "created_at"]
        read_only_fields = fields


class ReceiptLineInputSerializer(Serializer):
    purchase_order_line = serializers.UUIDField()
    quantity = serializers.DecimalField(**QUANTITY, min_value=Decimal("0.01"))
    lot_code = serializers.CharField(max_length=100, required=False, allow_blank=True, allow_null=True)
    expires_at = serializers.DateField(required=False, allow_null=True)
    unit_cost = serializers.DecimalField(**QUANTITY, required=False, allow_null=True, min_value=Decimal("0"))


class ReceiveInputSerializer(Serializer):
    received_at = DateTimeField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    lines = ReceiptLineInputSerializer(many=True, allow_empty=False)


class InventoryLotSerializer(ModelSerializer):
    product_name = serializers.CharField(source="product.name", read_only=True)

    class Meta:
        model = InventoryLot
        fields = ["id", "product", "product_name", "lot_code", "expires_at", "created_at", "updated_at"]
        read_only_fields = fields


class LotWithStockSerializer(InventoryLotSerializer):
    quantity_on_hand = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta(InventoryLotSerializer.Meta):
        fields = [*InventoryLotSerializer.Meta.fields, "quantity_on_hand"]
        read_only_fields = fields


class StockMoveSerializer(ModelSerializer):
    class Meta:
        model = StockMove
        fields = [
            "id",
            "location",
            "product",
            "lot",
            "move_type",
            "quantity",
            "unit_cost",
            "reason",
            "adjustment_kind",
            "occurred_at",
            "reference_type",
            "reference_id",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class StockBalanceSerializer(ModelSerializer):
    product_name = serializers.CharField(source="product.name", read_only=True)
    lot_code = serializers.CharField(source="lot.lot_code", read_only=True, default=None, allow_null=True)
    expires_at = serializers.DateField(source="lot.expires_at", read_only=True, default=None, allow_null=True)
    location_name = serializers.CharField(source="location.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = StockBalance
        fields = [
            "id",
            "product",
            "product_name",
            "lot",
            "lot_code",
            "expires_at",
            "location",
            "location_name",
            "quantity",
            "updated_at",
        ]
        read_only_fields = fields


class StockAdjustInputSerializer(Serializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    adjustment_kind = serializers.ChoiceField(choices=AdjustmentKind.choices)
    reason = serializers.CharField(max_length=2000)
    location = serializers.PrimaryKeyRelatedField(
        queryset=ClinicLocation.objects.all(), required=False, allow_null=True
    )
    lot = serializers.PrimaryKeyRelatedField(queryset=InventoryLot.objects.all(), required=False, allow_null=True)
    quantity = serializers.DecimalField(
        **QUANTITY,
        required=False,
        allow_null=True,
        help_text="breakage/expiry_write_off: quantity removed (> 0); other: signed change.",
    )
    counted_quantity = serializers.DecimalField(
        **QUANTITY, required=False, allow_null=True, min_value=Decimal("0"), help_text="count: quantity found."
    )
    occurred_at = DateTimeField(required=False, allow_null=True)


class StockAdjustResultSerializer(Serializer):
    move = StockMoveSerializer(allow_null=True, help_text="Null when a count matches the stock.")
    quantity_on_hand = serializers.DecimalField(**QUANTITY)


class ValuationRowSerializer(Serializer):
    product = serializers.UUIDField(source="product.pk")
    product_name = serializers.CharField(source="product.name")
    quantity_on_hand = serializers.DecimalField(max_digits=14, decimal_places=2)
    average_unit_cost = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    value = serializers.DecimalField(max_digits=16, decimal_places=2)


class ValuationSerializer(Serializer):
    rows = ValuationRowSerializer(many=True)
    total_value = serializers.DecimalField(max_digits=18, decimal_places=2)
