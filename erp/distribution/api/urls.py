from rest_framework.routers import DefaultRouter

from erp.distribution.api import views

router = DefaultRouter(trailing_slash=True)
router.register("distribution/distributors", views.DistributorViewSet, basename="distribution-distributor")
router.register("distribution/points-of-sale", views.PointOfSaleViewSet, basename="distribution-point-of-sale")
router.register("distribution/members", views.DistributorMemberViewSet, basename="distribution-member")
router.register("distribution/products", views.ProductViewSet, basename="distribution-product")
router.register("distribution/orders", views.OrderViewSet, basename="distribution-order")

urlpatterns = router.urls
