from rest_framework.routers import DefaultRouter

from . import views

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

urlpatterns = router.urls
