from rest_framework.routers import DefaultRouter

from erp.commerce.inventory.api import views
from erp.commerce.sales.api import fec as fec_views
from erp.commerce.sales.api import fiscal as fiscal_views
from erp.commerce.sales.api import reports as report_views
from erp.commerce.sales.api import views as sales_views

router = DefaultRouter(trailing_slash=True)
router.register("tax-rates", views.TaxRateViewSet, basename="tax-rate")
router.register("product-categories", views.ProductCategoryViewSet, basename="product-category")
router.register("products", views.ProductViewSet, basename="product")
router.register("suppliers", views.SupplierViewSet, basename="supplier")
router.register("purchase-orders", views.PurchaseOrderViewSet, basename="purchase-order")
router.register("purchase-order-lines", views.PurchaseOrderLineViewSet, basename="purchase-order-line")
router.register("goods-receipts", views.GoodsReceiptViewSet, basename="goods-receipt")
router.register("lots", views.InventoryLotViewSet, basename="lot")
router.register("stock-on-hand", views.StockBalanceViewSet, basename="stock-balance")
router.register("stock-moves", views.StockMoveViewSet, basename="stock-move")
router.register("sales", sales_views.SaleViewSet, basename="sale")
router.register("sale-lines", sales_views.SaleLineViewSet, basename="sale-line")
router.register("payments", sales_views.PaymentViewSet, basename="payment")
router.register("payment-methods", sales_views.PaymentMethodViewSet, basename="payment-method")
router.register("card-fee-rules", sales_views.CardFeeRuleViewSet, basename="card-fee-rule")
router.register("invoices", sales_views.InvoiceViewSet, basename="invoice")
router.register("credit-notes", sales_views.CreditNoteViewSet, basename="credit-note")
router.register("fiscal-journal", sales_views.FiscalJournalViewSet, basename="fiscal-journal")
router.register("fiscal-closings", fiscal_views.FiscalClosingViewSet, basename="fiscal-closing")
router.register("recall", sales_views.RecallViewSet, basename="recall")
router.register("sales-reports", report_views.SalesReportViewSet, basename="sales-report")
router.register("accounting", fec_views.AccountingViewSet, basename="accounting")

urlpatterns = router.urls
