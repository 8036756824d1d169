"""The cache of published pages: fragments keyed by a per-page generation token.

A page's template caches its content under ``{% wagtailpagecache ... cache_generation %}``.
Publishing, unpublishing or moving a page drops the generation of the page, of its ancestors
(the listings that show it: home, index pages) and of the same pages in every other language,
so every variant (query strings, languages) is rebuilt on the next visit.
"""

import uuid

from django.core.cache import cache
from wagtail.models import Page

TIMEOUT = 60 * 60  # an hour; publishing purges sooner.
KEY = "website:page-generation:{pk}"


def page_cache_generation(page: Page) -> str:
    return cache.get_or_set(KEY.format(pk=page.pk), lambda: uuid.uuid4().hex, timeout=None)


def pages_to_purge(page: Page) -> set[int]:
    """The page and its ancestors, in every language."""
    pks: set[int] = set()
    for version in Page.objects.filter(translation_key=page.translation_key):
        pks.add(version.pk)
        pks.update(version.get_ancestors().values_list("pk", flat=True))
    pks.add(page.pk)
    pks.update(page.get_ancestors().values_list("pk", flat=True))
    return pks


def purge_page(page: Page) -> set[int]:
    pks = pages_to_purge(page)
    cache.delete_many([KEY.format(pk=pk) for pk in pks])
    return pks


def purge_locale_homes() -> None:
    """Snippets (promotions, team) appear on the home and team pages: drop every page's generation
    of the depth-2 (home) level and its direct children."""
    pks = Page.objects.filter(depth__in=[2, 3]).values_list("pk", flat=True)
    cache.delete_many([KEY.format(pk=pk) for pk in pks])
