"""The project's URLs plus the website's, wired as site/urls.py is asked to (see the issue report)."""

from site import urls as project_urls

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls

from cms.website.urls import lead_urlpatterns, root_urlpatterns

_project = [
    p for p in project_urls.urlpatterns
    if not hasattr(p, "pattern") or "LocalePrefix" not in type(p.pattern).__name__
]

urlpatterns = [
    *root_urlpatterns,
    *_project,
    *i18n_patterns(path("", include(lead_urlpatterns)), path("", include(wagtail_urls)), prefix_default_language=True),
]
