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
    from .factories import build_site

    return build_site()
