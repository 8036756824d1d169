"""Commerce II (spec 000 §8): sales, their lines and lots, payments with card fees, document
sequences, invoices and credit notes."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.commerce.models.inventory import ZERO, InventoryLot, Product, ProductType, money_field, percent_field
from erp.core.models import BaseModel, CreatedByModel, SoftDeleteModel, VersionedModel


class SaleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


class Sale(BaseModel, SoftDeleteModel, CreatedByModel, VersionedModel):
    """A sale to a patient or a named walk-in buyer. Edited only while ``draft``; paying it is
    ``erp.commerce.sales.services.sale_pay``. Totals are a snapshot kept by the services."""

    location = models.ForeignKey(
        "core.ClinicLocation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sales",
        verbose_name=_("location"),
    )
    sold_to_patient = models.ForeignKey(
        "clinical.Patient",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sales",
        verbose_name=_("sold to patient"),
    )
    sold_to_name = models.CharField(max_length=255, null=True, blank=True, verbose_name=_("sold to name"))
    referral_source = models.ForeignKey(
        "clinical.ReferralSource",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sales",
        verbose_name=_("referral source"),
    )
    # Issue 26: the visit a counter sale came from (the till opened from an appointment or an
    # encounter); empty for a walk-in purchase.
    appointment = models.ForeignKey(
        "clinical.Appointment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sales",
        verbose_name=_("appointment"),
    )
    encounter = models.ForeignKey(
        "clinical.Encounter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sales",
        verbose_name=_("encounter"),
    )
    status = models.CharField(
        max_length=10, choices=SaleStatus.choices, default=SaleStatus.DRAFT, editable=False, verbose_name=_("status")
    )
    sold_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("sold at"))
    currency = models.CharField(max_length=3, default="EUR", verbose_name=_("currency"))
    subtotal_excl_tax = money_field(default=ZERO, editable=False, verbose_name=_("subtotal excl tax"))
    tax_total = money_field(default=ZERO, editable=False, verbose_name=_("tax total"))
    total_incl_tax = money_field(default=ZERO, editable=False, verbose_name=_("total incl tax"))

    # Kept out of Wagtail's reference index: indexing costs two queries per save on the payment
    # path (profiled with the benchmarks), and a "usage" screen of a sale or payment says nothing.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sale")
        verbose_name_plural = _("sales")
        permissions = [
            ("pay_sale", "Can take payment for a sale"),
            ("cancel_sale", "Can cancel a draft sale"),
            ("view_sales_reports", "Can see and export sales reports"),
        ]
        indexes = [
            models.Index(fields=["status", "-sold_at"], name="commerce_sale_status_sold"),
            models.Index(fields=["sold_to_patient", "-sold_at"], name="commerce_sale_patient_sold"),
            # The list's default order: without it the first page sorts every sale (benchmarks).
            models.Index(fields=["-created_at"], name="commerce_sale_created"),
        ]
        constraints = [
            # Spec: a sale names its buyer, a patient or a free-text name.
            models.CheckConstraint(
                condition=Q(sold_to_patient__isnull=False) | (Q(sold_to_name__isnull=False) & ~Q(sold_to_name="")),
                name="commerce_sale_has_buyer",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[SaleStatus.DRAFT, SaleStatus.CANCELLED]) | Q(sold_at__isnull=False),
                name="commerce_sale_paid_has_sold_at",
            ),
            models.CheckConstraint(
                condition=Q(subtotal_excl_tax__gte=0) & Q(tax_total__gte=0) & Q(total_incl_tax__gte=0),
                name="commerce_sale_totals_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return _("Sale %(number)s — %(buyer)s (%(status)s)") % {
            "number": str(self.pk)[:8],
            "buyer": self.buyer_name,
            "status": self.get_status_display(),
        }

    @property
    def buyer_name(self) -> str:
        if self.sold_to_patient_id:
            patient = self.sold_to_patient
            return f"{patient.first_name} {patient.last_name}".strip()
        return self.sold_to_name or ""


class LineFigures(models.Model):
    """What a document line prints, frozen when the line is written: the product's kind, wording,
    price and VAT, and the line's rounded figures. A sale line and a credit-note line share them."""

    product_type_snapshot = models.CharField(
        max_length=10, choices=ProductType.choices, editable=False, verbose_name=_("product type snapshot")
    )
    description_snapshot = models.TextField(null=True, blank=True, verbose_name=_("description snapshot"))
    unit_price_excl_tax_snapshot = money_field(
        validators=[MinValueValidator(ZERO)], verbose_name=_("unit price excl tax snapshot")
    )
    tax_rate_percent_snapshot = percent_field(editable=False)
    quantity = money_field(verbose_name=_("quantity"))
    # Not in the spec's table: the per-line figures the invoice prints (VAT per rate) and the
    # exemption mention of an exempt service, frozen with the line.
    line_subtotal_excl_tax = money_field(default=ZERO, editable=False, verbose_name=_("line subtotal excl tax"))
    line_tax_amount = money_field(default=ZERO, editable=False, verbose_name=_("line tax amount"))
    line_total_incl_tax = money_field(default=ZERO, editable=False, verbose_name=_("line total incl tax"))
    vat_exempt_snapshot = models.BooleanField(default=False, editable=False, verbose_name=_("vat exempt snapshot"))
    vat_exemption_mention_snapshot = models.CharField(
        max_length=255, blank=True, default="", editable=False, verbose_name=_("vat exemption mention snapshot")
    )

    class Meta:
        abstract = True


class SaleLine(BaseModel, LineFigures):
    sale = models.ForeignKey(Sale, on_delete=models.CASCADE, related_name="lines", verbose_name=_("sale"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="sale_lines", verbose_name=_("product"))
    # A product used on the patient during the visit (an injected filler) does not come back
    # to stock on a refund.
    consumed_on_patient = models.BooleanField(default=False, verbose_name=_("consumed on patient"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("sale line")
        verbose_name_plural = _("sale lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="commerce_saleline_qty_gt_0"),
            models.CheckConstraint(
                condition=Q(unit_price_excl_tax_snapshot__gte=0), name="commerce_saleline_price_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(line_total_incl_tax=models.F("line_subtotal_excl_tax") + models.F("line_tax_amount")),
                name="commerce_saleline_total_sum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description_snapshot or self.product} × {self.quantity}"


class SaleLineLot(BaseModel):
    sale_line = models.ForeignKey(SaleLine, on_delete=models.CASCADE, related_name="lots", verbose_name=_("sale line"))
    lot = models.ForeignKey(
        InventoryLot, on_delete=models.PROTECT, related_name="sale_line_lots", verbose_name=_("lot")
    )
    quantity = money_field(verbose_name=_("quantity"))

    class Meta:
        ordering = ["lot__expires_at", "lot__lot_code"]
        verbose_name = _("sale line lot")
        verbose_name_plural = _("sale line lots")
        constraints = [
            models.UniqueConstraint(fields=["sale_line", "lot"], name="commerce_salelinelot_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="commerce_salelinelot_qty_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.lot} × {self.quantity}"


# --- Payments -----------------------------------------------------------------------------------


class PaymentMethodCode(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    OTHER = "other", _("Other")


class PaymentMethod(BaseModel):
    code = models.CharField(max_length=20, choices=PaymentMethodCode.choices, unique=True, verbose_name=_("code"))
    name = models.CharField(max_length=100, verbose_name=_("name"))
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("payment method")
        verbose_name_plural = _("payment methods")

    def __str__(self) -> str:
        return self.name


class CardFeeRule(BaseModel):
    """What a card provider keeps on a payment, from ``effective_from`` to ``effective_to``
    (inclusive, open-ended when empty)."""

    provider = models.CharField(max_length=100, verbose_name=_("provider"))
    country_code = models.CharField(max_length=2, null=True, blank=True, verbose_name=_("country code"))
    fee_percent = percent_field(validators=[MinValueValidator(ZERO)])
    fee_fixed_amount = money_field(
        default=ZERO, validators=[MinValueValidator(ZERO)], verbose_name=_("fee fixed amount")
    )
    currency = models.CharField(max_length=3, default="EUR", verbose_name=_("currency"))
    effective_from = models.DateField(verbose_name=_("effective from"))
    effective_to = models.DateField(null=True, blank=True, verbose_name=_("effective to"))
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))

    class Meta:
        ordering = ["provider", "country_code", "-effective_from"]
        verbose_name = _("card fee rule")
        verbose_name_plural = _("card fee rules")
        indexes = [models.Index(fields=["provider", "country_code", "effective_from"], name="commerce_cardfee_lookup")]
        constraints = [
            models.CheckConstraint(
                condition=Q(fee_percent__gte=0) & Q(fee_percent__lte=100), name="commerce_cardfee_percent_0_100"
            ),
            models.CheckConstraint(condition=Q(fee_fixed_amount__gte=0), name="commerce_cardfee_fixed_gte_0"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="commerce_cardfee_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.country_code or '*'} {self.fee_percent}% + {self.fee_fixed_amount}"


class PaymentKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")


class Payment(BaseModel, CreatedByModel):
    """Money received for a sale (``amount_gross`` > 0) or given back on a refund (< 0).

    ``amount_gross`` is what is applied to the sale; for cash, ``amount_tendered`` is what the
    buyer handed over and ``change_given`` what was handed back (their difference is the gross).
    """

    sale = models.ForeignKey(Sale, on_delete=models.PROTECT, related_name="payments", verbose_name=_("sale"))
    payment_method = models.ForeignKey(
        PaymentMethod, on_delete=models.PROTECT, related_name="payments", verbose_name=_("payment method")
    )
    kind = models.CharField(
        max_length=10, choices=PaymentKind.choices, default=PaymentKind.PAYMENT, verbose_name=_("kind")
    )
    amount_gross = money_field(verbose_name=_("amount gross"))
    fee_amount = money_field(default=ZERO, verbose_name=_("fee amount"))
    fee_percent = percent_field(null=True, blank=True)
    amount_net = money_field(verbose_name=_("amount net"))
    amount_tendered = money_field(null=True, blank=True, verbose_name=_("amount tendered"))
    change_given = money_field(default=ZERO, verbose_name=_("change given"))
    paid_at = models.DateTimeField(default=timezone.now, verbose_name=_("paid at"))
    currency = models.CharField(max_length=3, default="EUR", verbose_name=_("currency"))
    provider = models.CharField(max_length=100, null=True, blank=True, verbose_name=_("provider"))
    provider_reference = models.CharField(max_length=255, null=True, blank=True, verbose_name=_("provider reference"))
    card_fee_rule = models.ForeignKey(
        CardFeeRule,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("card fee rule"),
    )
    credit_note = models.ForeignKey(
        "commerce.CreditNote",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("credit note"),
    )

    # Kept out of Wagtail's reference index: indexing costs two queries per save on the payment
    # path (profiled with the benchmarks), and a "usage" screen of a sale or payment says nothing.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["paid_at", "created_at"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [models.Index(fields=["-paid_at"], name="commerce_payment_paid_at")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=PaymentKind.PAYMENT) & Q(amount_gross__gt=0))
                | (Q(kind=PaymentKind.REFUND) & Q(amount_gross__lt=0) & Q(credit_note__isnull=False)),
                name="commerce_payment_sign_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(amount_net=models.F("amount_gross") - models.F("fee_amount")),
                name="commerce_payment_net_is_gross_minus_fee",
            ),
            models.CheckConstraint(condition=Q(change_given__gte=0), name="commerce_payment_change_gte_0"),
            models.CheckConstraint(
                condition=Q(amount_tendered__isnull=True)
                | Q(amount_tendered=models.F("amount_gross") + models.F("change_given")),
                name="commerce_payment_tendered_sum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment_method} {self.amount_gross} {self.currency}"


# --- Invoicing ----------------------------------------------------------------------------------


class DocumentType(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")
    RECEIPT = "receipt", _("Receipt")


class DocumentSequence(BaseModel):
    """The next number of a (document type, country, prefix) series. Locked by the service that
    issues a number, in the same transaction, so numbers are gapless and in order."""

    document_type = models.CharField(max_length=20, choices=DocumentType.choices, verbose_name=_("document type"))
    country_code = models.CharField(max_length=2, verbose_name=_("country code"))
    prefix = models.CharField(max_length=20, verbose_name=_("prefix"))
    next_number = models.PositiveIntegerField(default=1, verbose_name=_("next number"))

    class Meta:
        ordering = ["document_type", "country_code", "prefix"]
        verbose_name = _("document sequence")
        verbose_name_plural = _("document sequences")
        constraints = [
            models.UniqueConstraint(fields=["document_type", "country_code", "prefix"], name="commerce_docseq_unique"),
            models.CheckConstraint(condition=Q(next_number__gte=1), name="commerce_docseq_next_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.document_type} {self.country_code} {self.prefix}: next {self.next_number}"


class BillingFields(models.Model):
    billing_name = models.CharField(max_length=255, verbose_name=_("billing name"))
    billing_address_line1 = models.CharField(
        max_length=255, null=True, blank=True, verbose_name=_("billing address line1")
    )
    billing_city = models.CharField(max_length=120, null=True, blank=True, verbose_name=_("billing city"))
    billing_postal_code = models.CharField(max_length=20, null=True, blank=True, verbose_name=_("billing postal code"))
    billing_country_code = models.CharField(max_length=2, verbose_name=_("billing country code"))
    language = models.CharField(max_length=2, default="fr", verbose_name=_("language"))
    # The seller as the document was issued (name, address, SIREN, SIRET, VAT number): a later
    # change of the clinic's settings does not rewrite an issued document.
    seller = models.JSONField(default=dict, blank=True, editable=False, verbose_name=_("seller"))

    class Meta:
        abstract = True


class Invoice(BaseModel, BillingFields):
    """Issued when a sale is paid, never edited afterwards (a refund issues a credit note)."""

    sale = models.OneToOneField(Sale, on_delete=models.PROTECT, related_name="invoice", verbose_name=_("sale"))
    invoice_number = models.CharField(max_length=40, unique=True, editable=False, verbose_name=_("invoice number"))
    sequence_number = models.PositiveIntegerField(editable=False, verbose_name=_("sequence number"))
    issued_at = models.DateTimeField(editable=False, verbose_name=_("issued at"))
    document = models.ForeignKey(
        "clinical.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("document"),
    )

    # Kept out of Wagtail's reference index: indexing costs two queries per save on the payment
    # path (profiled with the benchmarks), and a "usage" screen of a sale or payment says nothing.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-issued_at", "-sequence_number"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        permissions = [("download_invoice", "Can download invoice and credit note PDFs")]

    def __str__(self) -> str:
        return self.invoice_number


class CreditNote(BaseModel, BillingFields, CreatedByModel):
    """A refund of some or all of a paid sale's lines, with its own gapless series. An invoice
    takes credit notes until every line is credited; their lines say what each one credits."""

    sale = models.ForeignKey(Sale, on_delete=models.PROTECT, related_name="credit_notes", verbose_name=_("sale"))
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="credit_notes", verbose_name=_("invoice")
    )
    credit_note_number = models.CharField(
        max_length=40, unique=True, editable=False, verbose_name=_("credit note number")
    )
    sequence_number = models.PositiveIntegerField(editable=False, verbose_name=_("sequence number"))
    issued_at = models.DateTimeField(editable=False, verbose_name=_("issued at"))
    reason = models.TextField(verbose_name=_("reason"))
    subtotal_excl_tax = money_field(editable=False, verbose_name=_("subtotal excl tax"))
    tax_total = money_field(editable=False, verbose_name=_("tax total"))
    total_incl_tax = money_field(editable=False, verbose_name=_("total incl tax"))
    document = models.ForeignKey(
        "clinical.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("document"),
    )

    # Kept out of Wagtail's reference index: indexing costs two queries per save on the payment
    # path (profiled with the benchmarks), and a "usage" screen of a sale or payment says nothing.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-issued_at", "-sequence_number"]
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        permissions = [("refund_sale", "Can refund a paid sale with a credit note")]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_incl_tax=models.F("subtotal_excl_tax") + models.F("tax_total"))
                & Q(total_incl_tax__gte=0),
                name="commerce_creditnote_total_sum",
            ),
        ]

    def __str__(self) -> str:
        return self.credit_note_number


class CreditNoteLine(BaseModel, LineFigures):
    """A quantity of one sale line credited by a credit note, with its own rounded figures (the
    last credit of a line takes what is left of its amounts, so credits add up to the invoice)."""

    credit_note = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="lines")
    sale_line = models.ForeignKey(SaleLine, on_delete=models.PROTECT, related_name="credit_lines")
    # Units that came back to stock (a product not used on the patient); the rest is only credited.
    quantity_returned = money_field(default=ZERO)

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("credit note line")
        verbose_name_plural = _("credit note lines")
        constraints = [
            models.UniqueConstraint(fields=["credit_note", "sale_line"], name="commerce_creditnoteline_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="commerce_creditnoteline_qty_gt_0"),
            models.CheckConstraint(
                condition=Q(quantity_returned__gte=0) & Q(quantity_returned__lte=models.F("quantity")),
                name="commerce_creditnoteline_returned_le_qty",
            ),
            models.CheckConstraint(
                condition=Q(line_total_incl_tax=models.F("line_subtotal_excl_tax") + models.F("line_tax_amount")),
                name="commerce_creditnoteline_total_sum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description_snapshot} × {self.quantity}"


class CreditNoteLineLot(BaseModel):
    """The lot a returned unit went back to."""

    credit_note_line = models.ForeignKey(CreditNoteLine, on_delete=models.CASCADE, related_name="lots")
    lot = models.ForeignKey(InventoryLot, on_delete=models.PROTECT, related_name="credit_note_line_lots")
    quantity = money_field()

    class Meta:
        ordering = ["lot__expires_at", "lot__lot_code"]
        verbose_name = _("credit note line lot")
        verbose_name_plural = _("credit note line lots")
        constraints = [
            models.UniqueConstraint(fields=["credit_note_line", "lot"], name="commerce_creditnotelinelot_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="commerce_creditnotelinelot_qty_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.lot} × {self.quantity}"
