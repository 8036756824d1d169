"""The cache of published pages, in two layers.

1. Whole pages (``middleware.PublicPageCacheMiddleware``): what a visitor who is not signed in
   gets is kept as it was rendered, under the site's generation token. Any change an editor
   publishes (a page, a snippet, the site settings, an image, a restriction) drops that token, so
   no page can show a menu, a card or a footer older than the last publish.
2. Fragments: a page's template caches its content under ``{% wagtailpagecache ...
   cache_generation %}``. Publishing, unpublishing or moving a page drops the generation of the
   page, of its ancestors (the listings that show it: home, index pages) and of the same pages in
   every other language; pages that did not change keep their fragments, so rebuilding the whole
   pages after a publish is cheap.

What drops what is ``invalidation``'s, the one module that purges.
"""

import hashlib
import uuid

from django.core.cache import cache
from django.db.models import Min, Q
from django.utils import timezone, translation
from wagtail.models import Locale, Page, PageViewRestriction, Site

TIMEOUT = 60 * 60  # an hour; publishing purges sooner.
KEY = "website:page-generation:{pk}"
SITE_KEY = "website:site-generation"


def _generation(key: str) -> str:
    """The token stored at ``key`` (made when missing): what is kept under it goes stale when the
    key is deleted."""
    return cache.get_or_set(key, lambda: uuid.uuid4().hex, timeout=None)


def site_generation() -> str:
    """The token whole pages are kept under; ``purge_site()`` makes every kept page stale."""
    return _generation(SITE_KEY)


def forget(*keys: str) -> None:
    """Drop what is kept under ``keys`` (generations included: what was kept under one goes stale)."""
    cache.delete_many(list(keys))


def purge_site() -> None:
    forget(SITE_KEY)


def page_cache_generation(page: Page) -> str:
    return _generation(KEY.format(pk=page.pk))


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
    purge_site()
    return pks


def purge_locale_homes() -> None:
    """Snippets (promotions, team) appear on the home and team pages: drop every page's generation
    of the depth-2 (home) level and its direct children."""
    pks = Page.objects.filter(depth__in=[2, 3]).values_list("pk", flat=True)
    cache.delete_many([KEY.format(pk=pk) for pk in pks])
    purge_site()


def seconds_until_promotion_change(now=None) -> int | None:
    """Seconds until a live promotion starts or ends (a page showing promotions must not be kept
    past that moment), or None when none is due."""
    from cms.website.models import Promotion

    now = now or timezone.now()
    bounds = Promotion.objects.filter(live=True).aggregate(
        start=Min("starts_at", filter=Q(starts_at__gt=now)), end=Min("ends_at", filter=Q(ends_at__gt=now))
    )
    due = [moment for moment in bounds.values() if moment is not None]
    if not due:
        return None
    return max(1, int((min(due) - now).total_seconds()))


# --- What every public page asks: restricted sections and locale ids -----------------------------
# Each rendering filtered four querysets with Wagtail's ``public()`` (one query for the view
# restrictions each time) and looked the active locale up twice; both change almost never, so
# they are kept in the cache and dropped when a restriction or a locale changes.

RESTRICTED_KEY = "website:restricted-paths"
# The tree's generation: what is kept of where pages live (routes), of each home's menu and of
# each page's translations is kept under it; dropped when any page is saved, deleted or moved, a
# view restriction changes (menus and language links list public pages only) or a locale changes.
TREE_KEY = "website:tree-generation"
PROMOTIONS_KEY = "website:promotions"
MENU_KEY = "website:menu:{generation}:{pk}"
SECTION_KEY = "website:section:{generation}:{pk}:{model}"
TRANSLATIONS_KEY = "website:translations:{generation}:{key}"
LINKS_KEY = "website:translation-links:{generation}:{site}:{language}:{key}"
LOCALE_KEY = "website:locale-id:{code}"
SETTINGS_KEY = "website:settings:{site}"


def restricted_paths() -> list[str]:
    """Tree paths of the sections Wagtail treats as private: the pages with a view restriction and
    the aliases of those pages (Wagtail checks an alias ancestor's source), they and their
    descendants. Dropped when a restriction changes, a page moves, or an alias is made or deleted."""

    def paths():
        restricted = PageViewRestriction.objects.values("page_id")
        return list(
            Page.objects.filter(Q(pk__in=restricted) | Q(alias_of__in=restricted)).values_list("path", flat=True)
        )

    return cache.get_or_set(RESTRICTED_KEY, paths, TIMEOUT)


def under_restriction(path: str) -> bool:
    """Is the page at tree ``path`` in a restricted section (``restricted_paths``)?"""
    return any(path.startswith(restricted) for restricted in restricted_paths())


def public(queryset):
    """``queryset.public()`` without a query per call: pages under no view restriction."""
    for path in restricted_paths():
        queryset = queryset.exclude(path__startswith=path)
    return queryset


def locale_id(language_code: str) -> int | None:
    key = LOCALE_KEY.format(code=language_code)
    pk = cache.get(key)
    if pk is None:
        pk = Locale.objects.filter(language_code=language_code).values_list("pk", flat=True).first()
        if pk is not None:
            cache.set(key, pk, TIMEOUT)
    return pk


def tree_generation() -> str:
    """The token routes, menus and page translations are kept under (``TREE_KEY``)."""
    return _generation(TREE_KEY)


def menu_of(home: Page) -> list[Page]:
    """The pages of the main menu under ``home``: its live, public children shown in menus, not
    aliases, with what the menu shows and compares (title, URL, tree path). Kept per home page
    under the tree's generation (any publish, move or restriction changes it)."""

    def pages() -> list[Page]:
        children = public(home.get_children().live()).in_menu().filter(alias_of__isnull=True)
        return list(children.only("title", "url_path", "path"))

    return cache.get_or_set(MENU_KEY.format(generation=tree_generation(), pk=home.pk), pages, TIMEOUT)


def section_of(home: Page, model) -> Page | None:
    """The live page of type ``model`` under ``home`` (its contact page, its promotions page),
    with its URL path; kept per home page and type under the tree's generation."""
    key = SECTION_KEY.format(generation=tree_generation(), pk=home.pk, model=model._meta.label_lower)
    found = cache.get(key)
    if found is None:
        found = (
            public(model.objects.descendant_of(home).live()).filter(alias_of__isnull=True, locale_id=home.locale_id)
            .only("url_path", "locale_id").first()
        ) or False  # False: known to be missing
        cache.set(key, found, TIMEOUT)
    return found or None


def translations_of(page: Page) -> dict[str, Page]:
    """The live, public, non-alias versions of ``page`` in each language, by language code, with
    what their URLs need (their URL path). Kept per translation key under the tree's generation
    (a version published, unpublished, moved or restricted changes it, as does a locale)."""

    def versions() -> dict[str, Page]:
        translations = Page.objects.filter(translation_key=page.translation_key, live=True, alias_of__isnull=True)
        codes = {pk: code for code, pk in Locale.objects.values_list("language_code", "pk")}
        return {codes[p.locale_id]: p for p in public(translations).only("url_path", "locale_id")}

    key = TRANSLATIONS_KEY.format(generation=tree_generation(), key=page.translation_key)
    return cache.get_or_set(key, versions, TIMEOUT)


def translation_links(page: Page, request) -> dict[str, tuple[str, str]]:
    """``{language code: (URL, full URL)}`` of the versions of ``page`` (``translations_of``),
    kept with them under the tree's generation, per site of the request and active language:
    each URL is a ``reverse()`` under the version's language, twelve of them a page in six
    languages. A site saved drops the tree's generation too (its host makes the full URLs)."""
    site = Site.find_for_request(request) if request is not None else None

    def links() -> dict[str, tuple[str, str]]:
        return {
            code: (version.get_url(request), version.get_full_url(request))
            for code, version in translations_of(page).items()
        }

    key = LINKS_KEY.format(
        generation=tree_generation(), site=getattr(site, "pk", None), language=translation.get_language(),
        key=page.translation_key,
    )  # fmt: skip
    return cache.get_or_set(key, links, TIMEOUT)


def promotions_of(locale_id: int) -> list[tuple]:
    """``(promotion, link)`` for the live promotions of a locale not ended yet, in the order of
    ``Promotion.current`` (the latest started first), each with its link page in that locale
    (``localized_page``). Which one runs is decided at each request (``current_promotion``), so
    a start or an end needs no purge; dropped when any promotion or page is saved or deleted."""
    kept = cache.get(PROMOTIONS_KEY) or {}
    if locale_id not in kept:
        from cms.website.models import Promotion, localized_page

        promotions = Promotion.not_ended(locale_id, timezone.now())
        kept = {**kept, locale_id: [(p, localized_page(p.link_page, locale_id)) for p in promotions]}
        cache.set(PROMOTIONS_KEY, kept, TIMEOUT)
    return kept[locale_id]


def current_promotion(locale_id: int, at=None) -> tuple:
    """``(promotion, link)`` of what ``Promotion.current`` answers (``(None, None)`` if none), from
    the kept promotions."""
    at = at or timezone.now()
    return next(((p, link) for p, link in promotions_of(locale_id) if p.is_running(at)), (None, None))


# --- Pictures ------------------------------------------------------------------------------------
# A ``{% picture %}`` is built from its image's renditions (four cache reads) into a <picture>
# element (a few dozen escaped attributes and storage URLs): the same for every page and visitor
# showing that image with those filters and attributes. The element is kept under a key of
# what it is made of (the image, its file's hash, its alt text, each filter with its focal point,
# the attributes: an image changed in any of these gets new keys in every process, as Wagtail's
# rendition keys do) and the image's picture generation, dropped when the image is saved or
# deleted or one of its renditions is deleted (the element would name a file that is gone).

PICTURE_GENERATION_KEY = "website:picture-generation:{pk}"
PICTURE_KEY = "website:picture:{generation}:{digest}"


def picture_generation(image_pk) -> str:
    return _generation(PICTURE_GENERATION_KEY.format(pk=image_pk))


def kept_picture(image, filters, attrs: dict, build) -> str:
    """The <picture> element of ``image`` with ``filters`` and the resolved ``attrs``, kept (see
    above); ``build()`` makes it, returning ``(html, keep)``: an element made of placeholder
    renditions (the image's file is missing) is not kept."""
    parts = [
        str(image.pk), image.file_hash, str(image.default_alt_text),
        str(getattr(image, "contextual_alt_text", "")), str(getattr(image, "decorative", "")),
        *(f"{f.spec}:{f.get_cache_key(image)}" for f in filters),
        repr(sorted((name, str(value)) for name, value in attrs.items())),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    key = PICTURE_KEY.format(generation=picture_generation(image.pk), digest=digest)
    html = cache.get(key)
    if html is None:
        html, keep = build()
        if keep:
            cache.set(key, html, TIMEOUT)
    return html
