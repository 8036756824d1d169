from rest_framework.routers import DefaultRouter

from erp.messaging.api import views

router = DefaultRouter(trailing_slash=True)
router.register("patient-messages", views.MessageViewSet, basename="patient-message")

urlpatterns = router.urls
