from rest_framework.routers import DefaultRouter

from erp.ops.api.views import AuditLogViewSet

router = DefaultRouter(trailing_slash=True)
router.register("audit-log", AuditLogViewSet, basename="audit-log")

urlpatterns = router.urls
