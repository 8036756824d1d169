from rest_framework.routers import DefaultRouter

from erp.social.api import views

router = DefaultRouter(trailing_slash=True)
router.register("social/accounts", views.SocialAccountViewSet, basename="social-account")
router.register("social/assets", views.SocialMediaAssetViewSet, basename="social-asset")
router.register("social/posts", views.SocialPostViewSet, basename="social-post")

urlpatterns = router.urls
