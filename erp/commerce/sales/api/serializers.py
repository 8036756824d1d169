"""Serializers of Commerce II: sales, payments, invoices, credit notes, fiscal journal, reports."""

from decimal import Decimal

from rest_framework import serializers

from erp.commerce.models import (
    CardFeeRule,
    CreditNote,
    CreditNoteLine,
    FiscalClosing,
    FiscalJournalEntry,
    InventoryLot,
    Invoice,
    Payment,
    PaymentMethod,
    Product,
    Sale,
    SaleLine,
    SaleLineLot,
)
from erp.core.api.fields import JoinedCharField, JoinedDateField, ListedRows, PrefetchedList
from erp.core.api.serializers import ModelSerializer, Serializer

QUANTITY = {"max_digits": 10, "decimal_places": 2}


class SaleLineLotSerializer(ListedRows, ModelSerializer):
    lot_code = JoinedCharField(source="lot.lot_code", annotation="lot_code", read_only=True)
    expires_at = JoinedDateField(source="lot.expires_at", annotation="expires_at", read_only=True)

    class Meta:
        model = SaleLineLot
        fields = ["id", "lot", "lot_code", "expires_at", "quantity"]
        read_only_fields = fields


LINE_FIELDS = [
    "id", "sale", "product", "product_type_snapshot", "description_snapshot", "unit_price_excl_tax_snapshot",
    "tax_rate_percent_snapshot", "quantity", "line_subtotal_excl_tax", "line_tax_amount", "line_total_incl_tax",
    "vat_exempt_snapshot", "vat_exemption_mention_snapshot", "consumed_on_patient", "lots", "created_at",
    "updated_at",
]  # fmt: skip


class SaleLineSerializer(ListedRows, ModelSerializer):
    lots = PrefetchedList(child=SaleLineLotSerializer(), read_only=True)
    product_type_snapshot = serializers.CharField(read_only=True, help_text="product | service")

    class Meta:
        model = SaleLine
        fields = LINE_FIELDS
        read_only_fields = fields


class ListedSaleLineSerializer(SaleLineSerializer):
    """A line in the sales list: without the lots it took (the sale itself and the batch recall show
    them)."""

    class Meta(SaleLineSerializer.Meta):
        fields = [name for name in LINE_FIELDS if name != "lots"]
        read_only_fields = fields


class PaymentSerializer(ListedRows, ModelSerializer):
    method = JoinedCharField(source="payment_method.code", annotation="method_code", read_only=True)
    kind = serializers.CharField(read_only=True, help_text="payment | refund (negative amounts)")

    class Meta:
        model = Payment
        fields = [
            "id", "sale", "payment_method", "method", "kind", "amount_gross", "fee_amount", "fee_percent",
            "amount_net", "amount_tendered", "change_given", "paid_at", "currency", "provider",
            "provider_reference", "card_fee_rule", "credit_note", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class SaleSerializer(ListedRows, ModelSerializer):
    lines = PrefetchedList(child=SaleLineSerializer(), read_only=True)
    payments = PrefetchedList(child=PaymentSerializer(), read_only=True)
    invoice_number = serializers.SerializerMethodField()

    class Meta:
        model = Sale
        fields = [
            "id", "location", "sold_to_patient", "sold_to_name", "referral_source", "appointment", "encounter",
            "status", "sold_at", "currency", "subtotal_excl_tax", "tax_total", "total_incl_tax", "row_version",
            "lines", "payments", "invoice_number", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "id", "status", "sold_at", "subtotal_excl_tax", "tax_total", "total_incl_tax", "row_version",
            "lines", "payments", "invoice_number", "created_at", "updated_at",
        ]  # fmt: skip

    def get_invoice_number(self, sale) -> str | None:
        if sale.status == "draft":
            return None
        if "invoice_number" in sale.__dict__:
            return sale.invoice_number  # joined by the API's sale queries
        invoice = getattr(sale, "invoice", None)
        return invoice.invoice_number if invoice else None


class ListedSaleSerializer(SaleSerializer):
    """A sale in the sales list: its lines without their lots."""

    lines = PrefetchedList(child=ListedSaleLineSerializer(), read_only=True)


class SaleLineInputSerializer(Serializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.filter(is_active=True))
    quantity = serializers.DecimalField(**QUANTITY, min_value=0)
    unit_price_excl_tax = serializers.DecimalField(**QUANTITY, min_value=0, required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=500)
    consumed_on_patient = serializers.BooleanField(default=False)


class SaleScanInputSerializer(Serializer):
    barcode = serializers.CharField(max_length=64, help_text="The product's barcode (or, typed by hand, its SKU).")
    quantity = serializers.DecimalField(**QUANTITY, min_value=0, required=False, default=Decimal("1"))


class SaleLineUpdateSerializer(Serializer):
    quantity = serializers.DecimalField(**QUANTITY, min_value=0, required=False)
    consumed_on_patient = serializers.BooleanField(required=False)


class LotAllocationSerializer(Serializer):
    lot = serializers.PrimaryKeyRelatedField(queryset=InventoryLot.objects.all())
    quantity = serializers.DecimalField(**QUANTITY, min_value=0)


class LotAllocationsInputSerializer(Serializer):
    lots = LotAllocationSerializer(many=True)


class PaymentInputSerializer(Serializer):
    method = serializers.CharField(max_length=20, help_text="Payment method code: cash | card | bank_transfer | other")
    amount = serializers.DecimalField(**QUANTITY, min_value=0)
    provider = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=100)
    provider_reference = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=255)


class PayInputSerializer(Serializer):
    payments = PaymentInputSerializer(many=True)


class RefundInputSerializer(Serializer):
    reason = serializers.CharField(max_length=2000)
    returned_lines = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        allow_null=True,
        help_text="Product lines whose goods came back to stock (default: every product line not used on the patient).",
    )


class InvoiceSerializer(ModelSerializer):
    class Meta:
        model = Invoice
        fields = [
            "id", "sale", "invoice_number", "sequence_number", "issued_at", "billing_name",
            "billing_address_line1", "billing_city", "billing_postal_code", "billing_country_code", "language",
            "document", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


# The frozen figures of a sale or credit-note line (``LineFigures``).
FIGURE_FIELDS = [
    "product_type_snapshot", "description_snapshot", "unit_price_excl_tax_snapshot", "tax_rate_percent_snapshot",
    "quantity", "line_subtotal_excl_tax", "line_tax_amount", "line_total_incl_tax", "vat_exempt_snapshot",
]  # fmt: skip


class _LineFiguresSerializer(ListedRows, ModelSerializer):
    product_type_snapshot = serializers.CharField(read_only=True, help_text="product | service")


class CreditNoteLineSerializer(_LineFiguresSerializer):
    class Meta:
        model = CreditNoteLine
        fields = ["id", "sale_line", *FIGURE_FIELDS, "vat_exemption_mention_snapshot", "quantity_returned"]
        read_only_fields = fields


class CreditNoteSerializer(ModelSerializer):
    lines = PrefetchedList(child=CreditNoteLineSerializer(), read_only=True)

    class Meta:
        model = CreditNote
        fields = [
            "id", "sale", "invoice", "credit_note_number", "sequence_number", "issued_at", "reason",
            "subtotal_excl_tax", "tax_total", "total_incl_tax", "billing_name", "billing_address_line1",
            "billing_city", "billing_postal_code", "billing_country_code", "language", "document", "lines",
            "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class CreditLineInputSerializer(Serializer):
    sale_line = serializers.UUIDField(help_text="A line of the invoice's sale.")
    quantity = serializers.DecimalField(**QUANTITY, min_value=0, help_text="How much of the line to credit.")
    return_to_stock = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Whether the units came back to stock (default: yes for a product not used on the patient).",
    )


class CreditInputSerializer(Serializer):
    reason = serializers.CharField(max_length=2000)
    lines = CreditLineInputSerializer(
        many=True,
        allow_empty=False,
        help_text="The lines and quantities credited; several credit notes may follow until every line is credited.",
    )


class InvoiceLineSerializer(_LineFiguresSerializer):
    """A line of the invoice with what its credit notes took and what is left to credit."""

    credited_quantity = serializers.DecimalField(**QUANTITY, read_only=True)
    creditable_quantity = serializers.DecimalField(**QUANTITY, read_only=True)

    class Meta:
        model = SaleLine
        fields = ["id", "product", *FIGURE_FIELDS, "consumed_on_patient", "credited_quantity", "creditable_quantity"]
        read_only_fields = fields


class InvoiceDetailSerializer(ModelSerializer):
    """An invoice as its page shows it: lines (with credited quantities), payments and refunds,
    credit notes (for those who may read them), the sale's totals and what is credited."""

    currency = serializers.CharField(source="sale.currency", read_only=True)
    subtotal_excl_tax = serializers.DecimalField(**QUANTITY, source="sale.subtotal_excl_tax", read_only=True)
    tax_total = serializers.DecimalField(**QUANTITY, source="sale.tax_total", read_only=True)
    total_incl_tax = serializers.DecimalField(**QUANTITY, source="sale.total_incl_tax", read_only=True)
    credited_total_incl_tax = serializers.DecimalField(**QUANTITY, read_only=True)
    lines = InvoiceLineSerializer(many=True, read_only=True, source="page_lines")
    payments = PaymentSerializer(many=True, read_only=True, source="page_payments")
    credit_notes = CreditNoteSerializer(
        many=True, read_only=True, source="page_credit_notes", help_text="Empty without the right to read credit notes."
    )

    class Meta:
        model = Invoice
        fields = [
            *InvoiceSerializer.Meta.fields[:-2], "currency", "subtotal_excl_tax", "tax_total", "total_incl_tax",
            "credited_total_incl_tax", "lines", "payments", "credit_notes", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class DownloadSerializer(Serializer):
    url = serializers.CharField()
    expires_in = serializers.IntegerField()
    filename = serializers.CharField()


class PaymentMethodSerializer(ModelSerializer):
    class Meta:
        model = PaymentMethod
        fields = ["id", "code", "name", "is_active", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class CardFeeRuleSerializer(ModelSerializer):
    class Meta:
        model = CardFeeRule
        fields = [
            "id", "provider", "country_code", "fee_percent", "fee_fixed_amount", "currency", "effective_from",
            "effective_to", "is_active", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]
        # The table's check constraint (0-100 %) as a validation error rather than a database error.
        extra_kwargs = {"fee_percent": {"max_value": 100}}

    def validate(self, attrs):
        start = attrs.get("effective_from", getattr(self.instance, "effective_from", None))
        end = attrs.get("effective_to", getattr(self.instance, "effective_to", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"effective_to": "The rule cannot end before it starts."}, code="effective_range_invalid"
            )
        return attrs


class FiscalJournalEntrySerializer(ModelSerializer):
    class Meta:
        model = FiscalJournalEntry
        fields = [
            "id", "sequence", "event_type", "occurred_at", "entity_type", "entity_id", "document_number",
            "amount_incl_tax", "tax_total", "currency", "data", "previous_hash", "hash",
        ]  # fmt: skip
        read_only_fields = fields


class FiscalClosingSerializer(ModelSerializer):
    class Meta:
        model = FiscalClosing
        fields = [
            "id", "period_type", "period_start", "period_end", "entries_count", "sales_total_incl_tax",
            "credit_notes_total_incl_tax", "payments_total", "period_total_incl_tax", "tax_total",
            "grand_total_incl_tax", "last_entry_sequence", "last_entry_hash", "previous_hash", "hash",
            "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class ChainReportSerializer(Serializer):
    ok = serializers.BooleanField()
    entries_checked = serializers.IntegerField()
    first_broken_sequence = serializers.IntegerField(allow_null=True)
    first_broken_id = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_null=True)


class RecallRowSerializer(ModelSerializer):
    lot_code = serializers.CharField(source="lot.lot_code")
    expires_at = serializers.DateField(source="lot.expires_at")
    product = serializers.UUIDField(source="lot.product_id")
    product_name = serializers.CharField(source="lot.product.name")
    sale = serializers.UUIDField(source="sale_line.sale_id")
    sold_at = serializers.DateTimeField(source="sale_line.sale.sold_at")
    patient = serializers.UUIDField(source="sale_line.sale.sold_to_patient_id", allow_null=True)
    buyer_name = serializers.CharField(source="sale_line.sale.buyer_name")

    class Meta:
        model = SaleLineLot
        fields = [
            "lot", "lot_code", "expires_at", "product", "product_name", "quantity", "sale", "sold_at", "patient",
            "buyer_name",
        ]  # fmt: skip
        read_only_fields = fields
