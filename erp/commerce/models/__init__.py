"""Commerce models, by topic: catalog/purchasing/stock (Commerce I), sales and invoicing, and
the fiscal journal (Commerce II)."""

from .fiscal import *  # noqa: F403
from .fiscal import AppendOnlyModel, ClosingPeriod, FiscalClosing, FiscalEventType, FiscalJournalEntry  # noqa: F401
from .inventory import *  # noqa: F403
from .inventory import (  # noqa: F401
    DEFAULT_VAT_EXEMPTION_MENTION,
    ZERO,
    AdjustmentKind,
    GoodsReceipt,
    GoodsReceiptLine,
    InventoryLot,
    Product,
    ProductCategory,
    ProductType,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    StockBalance,
    StockMove,
    StockMoveQuerySet,
    StockMoveType,
    StockReferenceType,
    Supplier,
    TaxRate,
    money_field,
    percent_field,
)
from .sales import *  # noqa: F403
from .sales import (  # noqa: F401
    CardFeeRule,
    CreditNote,
    CreditNoteLine,
    CreditNoteLineLot,
    DocumentSequence,
    DocumentType,
    Invoice,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentMethodCode,
    Sale,
    SaleLine,
    SaleLineLot,
    SaleStatus,
)
