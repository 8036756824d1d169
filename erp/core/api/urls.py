from django.urls import path
from rest_framework.routers import DefaultRouter

from erp.core.api import views

router = DefaultRouter(trailing_slash=True)
router.register("users", views.UserViewSet, basename="user")
router.register("roles", views.RoleViewSet, basename="role")
router.register("locations", views.ClinicLocationViewSet, basename="location")
router.register("practitioners", views.PractitionerViewSet, basename="practitioner")

urlpatterns = [
    path("auth/token/", views.TokenLoginView.as_view(), name="auth-token"),
    path("auth/logout/", views.TokenLogoutView.as_view(), name="auth-logout"),
    path("auth/logout-all/", views.TokenLogoutAllView.as_view(), name="auth-logout-all"),
    path("auth/confirm-email/", views.EmailConfirmView.as_view(), name="auth-confirm-email"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/send-confirmation/", views.MeSendConfirmationView.as_view(), name="me-send-confirmation"),
    path("app-settings/", views.AppSettingsView.as_view(), name="app-settings"),
    *router.urls,
]
