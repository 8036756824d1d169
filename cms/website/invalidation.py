"""Every purge of the website's caches (``cache``), in one place: which change drops what.

``connect()`` (from ``WebsiteConfig.ready``) wires each receiver to its senders by name: the page
models (Wagtail sends a page's signals with its specific class), the snippets, the media, the
sites, locales and view restrictions. Nothing else in the project deletes a website cache key.

What a change drops:
- a page published, unpublished, renamed or moved: its fragments and its ancestors' (the listings
  showing it) in every language, and every whole page;
- any page saved or deleted: what is kept of the tree (menus, routes of translations, sections)
  and the promotions with their link pages; an alias made, a page deleted or moved: the
  restricted sections too;
- a promotion or a team member published, unpublished or deleted: the homes and their children;
  a promotion saved or deleted: the kept promotions;
- site settings, sites, images and documents (shown on every page): every whole page; an image or
  one of its renditions: its kept <picture> elements; site settings: their kept copy;
- a view restriction: the restricted sections, the tree and the homes; a locale: its id, the
  tree and every whole page.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Locale, Page, PageViewRestriction, Site, get_page_models
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move, published, unpublished

from cms.website import cache


def page_changed(sender, instance, **kwargs):
    cache.purge_page(instance)


def page_moved(sender, instance, parent_page_before=None, **kwargs):
    # The tree paths below it change: a restricted section moved elsewhere must not keep its old
    # path (its pages would be listed, cached and served as public).
    cache.forget(cache.RESTRICTED_KEY, cache.TREE_KEY, cache.PROMOTIONS_KEY)
    cache.purge_page(instance)
    if parent_page_before is not None:
        cache.purge_page(parent_page_before)


def page_saved(sender, instance, **kwargs):
    cache.forget(cache.TREE_KEY, cache.PROMOTIONS_KEY)
    if instance.alias_of_id is not None:  # a new alias of a restricted page is restricted too
        cache.forget(cache.RESTRICTED_KEY)


def page_deleted(sender, instance, **kwargs):
    cache.forget(cache.TREE_KEY, cache.PROMOTIONS_KEY, cache.RESTRICTED_KEY)
    cache.purge_site()


def snippet_shown_on_homes_changed(sender, **kwargs):
    cache.purge_locale_homes()


def promotion_saved(sender, **kwargs):
    # Connected after the schedule share (``signals``): the versions it rewrote are dropped too.
    cache.forget(cache.PROMOTIONS_KEY)


def promotion_deleted(sender, **kwargs):
    cache.forget(cache.PROMOTIONS_KEY)
    cache.purge_locale_homes()


def site_changed(sender, **kwargs):
    cache.forget(cache.TREE_KEY)  # a site's host makes the pages' full URLs
    cache.purge_site()


def settings_changed(sender, instance, **kwargs):
    cache.forget(cache.SETTINGS_KEY.format(site=instance.site_id))
    cache.purge_site()


def image_changed(sender, instance, **kwargs):
    cache.forget(cache.PICTURE_GENERATION_KEY.format(pk=instance.pk))
    cache.purge_site()


def document_changed(sender, **kwargs):
    cache.purge_site()


def rendition_changed(sender, instance, **kwargs):
    # A kept <picture> would name a file that is gone.
    cache.forget(cache.PICTURE_GENERATION_KEY.format(pk=instance.image_id))


def restriction_changed(sender, **kwargs):
    cache.forget(cache.RESTRICTED_KEY, cache.TREE_KEY)
    cache.purge_locale_homes()  # pages listing a section that became private are rebuilt


def locale_changed(sender, instance, **kwargs):
    cache.forget(cache.LOCALE_KEY.format(code=instance.language_code), cache.TREE_KEY)
    cache.purge_site()


def connect() -> None:
    from cms.website.models import (
        MarketingDocument,
        MarketingImage,
        MarketingRendition,
        Promotion,
        StaffMember,
        WebsiteSettings,
    )

    def on(signals, receiver, *senders):
        for signal in signals:
            for sender in senders:
                uid = f"website-{receiver.__name__}-{sender._meta.label}"
                signal.connect(receiver, sender=sender, dispatch_uid=uid)

    saved_or_deleted = (post_save, post_delete)
    pages = {Page, *get_page_models()}
    on((page_published, page_unpublished, page_slug_changed), page_changed, *pages)
    on((post_page_move,), page_moved, *pages)
    on((post_save,), page_saved, *pages)
    on((post_delete,), page_deleted, *pages)
    on((published, unpublished, post_delete), snippet_shown_on_homes_changed, StaffMember)
    on((published, unpublished), snippet_shown_on_homes_changed, Promotion)
    on((post_save,), promotion_saved, Promotion)
    on((post_delete,), promotion_deleted, Promotion)
    on(saved_or_deleted, site_changed, Site)
    on(saved_or_deleted, settings_changed, WebsiteSettings)
    on(saved_or_deleted, image_changed, MarketingImage)
    on(saved_or_deleted, document_changed, MarketingDocument)
    on(saved_or_deleted, rendition_changed, MarketingRendition)
    on(saved_or_deleted, restriction_changed, PageViewRestriction)
    on(saved_or_deleted, locale_changed, Locale)
