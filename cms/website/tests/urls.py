"""The project's URLs plus the website's, wired as site/urls.py is asked to (see the issue report)."""

from site import urls as project_urls

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls

from cms.website.urls import lead_urlpatterns, root_urlpatterns

_project = [
    p for p in project_urls.urlpatterns
    if not hasattr(p, "pattern") or "LocalePrefix" not in type(p.pattern).__name__
]



def marketing_media(request, path):
    """The marketing folder of the test run (site/urls.py serves it only when DEBUG is on at import)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT / "marketing")


urlpatterns = [
    re_path(r"^media/marketing/(?P<path>.*)$", marketing_media),
    *root_urlpatterns,
    *_project,
    *i18n_patterns(path("", include(lead_urlpatterns)), path("", include(wagtail_urls)), prefix_default_language=True),
]
