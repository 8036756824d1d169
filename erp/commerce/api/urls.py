"""The commerce API's routes: the inventory room's, then the sales room's."""

from rest_framework.routers import DefaultRouter

from erp.commerce.inventory.api import views as inventory
from erp.commerce.sales.api import fec, fiscal, reports
from erp.commerce.sales.api import views as sales

router = DefaultRouter(trailing_slash=True)
router.register("tax-rates", inventory.TaxRateViewSet, basename="tax-rate")
router.register("product-categories", inventory.ProductCategoryViewSet, basename="product-category")
router.register("products", inventory.ProductViewSet, basename="product")
router.register("suppliers", inventory.SupplierViewSet, basename="supplier")
router.register("purchase-orders", inventory.PurchaseOrderViewSet, basename="purchase-order")
router.register("purchase-order-lines", inventory.PurchaseOrderLineViewSet, basename="purchase-order-line")
router.register("goods-receipts", inventory.GoodsReceiptViewSet, basename="goods-receipt")
router.register("lots", inventory.InventoryLotViewSet, basename="lot")
router.register("stock-on-hand", inventory.StockBalanceViewSet, basename="stock-balance")
router.register("stock-moves", inventory.StockMoveViewSet, basename="stock-move")
router.register("sales", sales.SaleViewSet, basename="sale")
router.register("sale-lines", sales.SaleLineViewSet, basename="sale-line")
router.register("payments", sales.PaymentViewSet, basename="payment")
router.register("payment-methods", sales.PaymentMethodViewSet, basename="payment-method")
router.register("card-fee-rules", sales.CardFeeRuleViewSet, basename="card-fee-rule")
router.register("invoices", sales.InvoiceViewSet, basename="invoice")
router.register("credit-notes", sales.CreditNoteViewSet, basename="credit-note")
router.register("fiscal-journal", sales.FiscalJournalViewSet, basename="fiscal-journal")
router.register("fiscal-closings", fiscal.FiscalClosingViewSet, basename="fiscal-closing")
router.register("recall", sales.RecallViewSet, basename="recall")
router.register("sales-reports", reports.SalesReportViewSet, basename="sales-report")
router.register("accounting", fec.AccountingViewSet, basename="accounting")

urlpatterns = router.urls
