"""Cache purge when editors publish, unpublish or move pages, or publish website snippets."""

from django.dispatch import receiver
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move, published, unpublished

from cms.website.cache import purge_locale_homes, purge_page, purge_site


@receiver(page_published)
@receiver(page_unpublished)
@receiver(page_slug_changed)
def purge_on_page_change(sender, instance, **kwargs):
    purge_page(instance)


@receiver(post_page_move)
def purge_on_page_move(sender, instance, parent_page_before=None, **kwargs):
    purge_page(instance)
    if parent_page_before is not None:
        purge_page(parent_page_before)


@receiver(published)
@receiver(unpublished)
def purge_on_snippet_change(sender, instance, **kwargs):
    from cms.website.models import Promotion, StaffMember

    if isinstance(instance, Promotion | StaffMember):
        purge_locale_homes()


def purge_on_snippet_delete(sender, instance, **kwargs):
    purge_locale_homes()


def purge_on_site_change(sender, **kwargs):
    """Site settings, sites, images and documents show on every page: no kept page stays valid."""
    purge_site()


def hold_back_unpublished_translation(sender, instance, created, **kwargs):
    """After wagtail-localize saves a page's translation: see ``services.page_translation_hold_back``."""
    from wagtail.models import Page

    from cms.website.services import page_translation_hold_back

    if not created:
        return
    source = instance.source
    page = Page.objects.filter(translation_key=source.object_id, locale_id=instance.locale_id).first()
    if page is not None and page_translation_hold_back(page=page):
        purge_page(page)


def share_promotion_schedule(sender, instance, **kwargs):
    """After any version of a promotion is written (published by an editor or by wagtail-localize,
    whose copies of the dates are rounded to the millisecond), every version gets the original's
    shared fields (``services.promotion_schedule_share``)."""
    from cms.website.cache import promotions_changed
    from cms.website.services import promotion_schedule_share

    if promotion_schedule_share(promotion=instance):
        promotions_changed()
