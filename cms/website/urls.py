"""Routes of the website outside the page tree.

``root_urlpatterns`` go at the root (``/sitemap.xml``, ``/robots.txt``); ``lead_urlpatterns`` go
inside ``i18n_patterns`` before Wagtail's catch-all, so forms post to ``/<lang>/leads/<type>/``.
"""

from django.urls import path

from cms.website.views import lead_submit, robots_txt, sitemap

root_urlpatterns = [
    path("sitemap.xml", sitemap, name="website_sitemap"),
    path("robots.txt", robots_txt, name="website_robots"),
]

lead_urlpatterns = [
    path("leads/<str:lead_type>/", lead_submit, name="website_lead"),
]
