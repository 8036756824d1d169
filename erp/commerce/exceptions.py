"""Domain errors of commerce; each has a stable ``code`` rendered by the API."""

from erp.core.exceptions import InvalidInput, NotAllowed, Unprocessable


class LedgerImmutable(NotAllowed):
    default_code = "stock_move_immutable"


class ProductNotStockable(InvalidInput):
    """A service was put where only a stocked product fits (a purchase order line, a stock move)."""

    default_code = "product_is_service"


class PurchaseOrderTransitionRefused(NotAllowed):
    default_code = "purchase_order_invalid_transition"


class PurchaseOrderNotEditable(NotAllowed):
    default_code = "purchase_order_not_draft"


class PurchaseOrderNotReceivable(NotAllowed):
    default_code = "purchase_order_not_receivable"


class PurchaseOrderEmpty(Unprocessable):
    default_code = "purchase_order_empty"


class ReceiptLineInvalid(InvalidInput):
    default_code = "receipt_line_invalid"


class LotCodeRequired(InvalidInput):
    default_code = "lot_code_required"


class ExpiryRequired(InvalidInput):
    default_code = "expires_at_required"


class LotExpiryMismatch(InvalidInput):
    default_code = "lot_expiry_mismatch"


class OverReceipt(Unprocessable):
    default_code = "over_receipt"


class StockInsufficient(Unprocessable):
    default_code = "stock_insufficient"


class AdjustmentInvalid(InvalidInput):
    default_code = "adjustment_invalid"


class LotProductMismatch(InvalidInput):
    default_code = "lot_product_mismatch"


class PriceFromCatalog(InvalidInput):
    """A line sold at another price than the catalog's, by a user who may not set prices."""

    default_code = "price_from_catalog"


class InvalidQuantity(InvalidInput):
    default_code = "invalid_quantity"


class LotExpired(Unprocessable):
    """Stock of an expired lot cannot leave as a sale; it is written off instead."""

    default_code = "lot_expired"


class StockMoveInvalid(InvalidInput):
    default_code = "stock_move_invalid"


# --- Commerce II: sales, payments, invoices, fiscal journal ---------------------------------------


class FiscalJournalImmutable(NotAllowed):
    default_code = "fiscal_journal_immutable"


class SaleNotDraft(NotAllowed):
    default_code = "sale_not_draft"


class SaleNotPaid(NotAllowed):
    default_code = "sale_not_paid"


class SaleEmpty(Unprocessable):
    default_code = "sale_empty"


class SaleBuyerRequired(InvalidInput):
    default_code = "sale_buyer_required"


class LotAllocationInvalid(InvalidInput):
    default_code = "lot_allocation_invalid"


class LotsDoNotCoverLine(Unprocessable):
    default_code = "lots_do_not_cover_line"


class PaymentInvalid(InvalidInput):
    default_code = "payment_invalid"


class PaymentsInsufficient(Unprocessable):
    default_code = "payments_do_not_cover_total"


class ChangeNotAllowed(Unprocessable):
    """Only cash may exceed what is due (the change is handed back)."""

    default_code = "overpayment_not_cash"


class CardFeeRuleMissing(Unprocessable):
    default_code = "card_fee_rule_missing"


class PaymentMethodUnavailable(InvalidInput):
    default_code = "payment_method_unavailable"


class CreditLineInvalid(InvalidInput):
    """A credit-note line that names no line of the invoice, names one twice, or returns to stock
    what cannot come back."""

    default_code = "credit_line_invalid"


class CreditExceedsSold(Unprocessable):
    """A credit note would credit more of a line than was sold (counting earlier credit notes)."""

    default_code = "credit_exceeds_sold"


class SellerIdentityMissing(Unprocessable):
    """Production refuses to issue an invoice or a credit note without the seller's legal
    identifiers and address."""

    default_code = "seller_identity_missing"


class ClosingInvalid(InvalidInput):
    default_code = "fiscal_closing_invalid"


class ClosingRefused(NotAllowed):
    """A period that has not ended, is already closed, or would leave an earlier one open."""

    default_code = "fiscal_closing_refused"


class ReportUnknown(InvalidInput):
    default_code = "unknown_report"


class ReportFiltersInvalid(InvalidInput):
    """A report was asked for with a range that ends before it starts, or an unknown grouping."""

    default_code = "report_filters_invalid"


class FecPeriodInvalid(InvalidInput):
    """The FEC export was asked for without a valid year or date range."""

    default_code = "fec_period_invalid"


class FecForeignCurrency(Unprocessable):
    """A document of the period is not in euros: the FEC is kept in the accounting currency."""

    default_code = "fec_foreign_currency"


class SaleOriginMismatch(InvalidInput):
    """The appointment or encounter a sale comes from is not the buyer's, or not the same visit."""

    default_code = "sale_origin_mismatch"


class BarcodeUnknown(Unprocessable):
    """No product sold at the counter carries the scanned barcode."""

    default_code = "barcode_unknown"


class ProductNotAtCounter(InvalidInput):
    """A wholesale carton or an item sold only to distributors was put on a counter sale."""

    default_code = "product_not_sold_at_counter"
