from django.urls import path
from django.views.i18n import set_language

from erp.distribution.portal import views

app_name = "distribution_portal"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("language/", set_language, name="language"),
    path("welcome/<str:token>/", views.WelcomeView.as_view(), name="welcome"),
    path("catalogue/", views.CatalogueView.as_view(), name="catalogue"),
    path("orders/", views.OrderListView.as_view(), name="orders"),
    path("orders/new/", views.OrderCreateView.as_view(), name="order_new"),
    path("orders/<uuid:pk>/", views.OrderDetailView.as_view(), name="order"),
    path("orders/<uuid:pk>/summary.pdf", views.OrderSummaryPdfView.as_view(), name="order_pdf"),
]
