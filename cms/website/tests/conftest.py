import pytest


@pytest.fixture(autouse=True)
def website_urls(settings):
    """The project's URLs with the website's routes wired as site/urls.py is asked to."""
    settings.ROOT_URLCONF = "cms.website.tests.urls"
    from django.urls import clear_url_caches

    clear_url_caches()
    yield
    clear_url_caches()


@pytest.fixture
def site_tree(db):
    from cms.website.tests.factories import build_site

    return build_site()


@pytest.fixture
def page_cache_off(settings):
    """What WEBSITE_PAGE_CACHE=0 does: no whole page and no {% wagtailpagecache %} fragment is kept."""
    settings.WEBSITE_PAGE_CACHE = False
    settings.CACHES = {
        **settings.CACHES,
        "template_fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
