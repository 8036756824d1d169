from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.register("patient-messages", views.MessageViewSet, basename="patient-message")

urlpatterns = router.urls
