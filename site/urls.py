from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.website.urls import lead_urlpatterns, root_urlpatterns
from erp.core.media import marketing_file
from erp.core.password_reset import ThrottledPasswordResetView
from erp.core.views import confirm_email, signed_file
from erp.ops.views import DiagnosticsView, healthz

handler404 = "erp.core.views.page_not_found"

urlpatterns = [
    *root_urlpatterns,  # sitemap.xml, robots.txt
    path("healthz", healthz, name="healthz"),
    path("ops/diagnostics", DiagnosticsView.as_view(), name="diagnostics"),
    path("api/v1/", include("site.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("files/signed/<str:token>", signed_file, name="signed-file"),
    path("accounts/confirm-email/<str:token>/", confirm_email, name="confirm-email"),
    path("", include("erp.messaging.urls")),  # /appointments/reply/<token>/: a patient's answer
    # Before Wagtail's own view of the same name: the throttled one answers.
    path("admin/password_reset/", ThrottledPasswordResetView.as_view(), name="wagtailadmin_password_reset"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("portal/", include("erp.distribution.portal.urls")),  # the distributors' portal (spec 004)
]

if not settings.S3_ENDPOINT_URL:
    # Local buckets: only the public marketing folder is served directly (in production too, so a
    # one-machine install shows its images); private folders never are (erp/core/media.py).
    urlpatterns += [re_path(r"^media/marketing/(?P<path>.*)$", marketing_file, name="marketing-media")]

urlpatterns += i18n_patterns(
    path("", include(lead_urlpatterns)),  # lead forms post to /<lang>/leads/<type>/
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
