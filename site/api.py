"""The /api/v1/ router: each app contributes its own ``api/urls.py``."""

from django.urls import include, path

urlpatterns = [
    path("", include("erp.core.api.urls")),
    path("", include("erp.clinical.api.urls")),
    path("", include("erp.commerce.api.urls")),
    path("", include("erp.social.api.urls")),
    path("", include("erp.distribution.api.urls")),
    path("", include("erp.ops.api.urls")),
    path("", include("erp.messaging.api.urls")),
]
