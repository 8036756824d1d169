"""What the website does after wagtail-localize or an editor writes: a translation is live only
through its own publish; a promotion's versions share their schedule. (Cache purges:
``invalidation``.)"""

from django.db.models.signals import post_save


def hold_back_unpublished_translation(sender, instance, created, **kwargs):
    """After wagtail-localize saves a page's translation: see ``services.page_translation_hold_back``."""
    from wagtail.models import Page

    from cms.website.services import page_translation_hold_back

    if not created:
        return
    source = instance.source
    page = Page.objects.filter(translation_key=source.object_id, locale_id=instance.locale_id).first()
    if page is not None:
        page_translation_hold_back(page=page)


def share_promotion_schedule(sender, instance, **kwargs):
    """After any version of a promotion is written (published by an editor or by wagtail-localize,
    whose copies of the dates are rounded to the millisecond), every version gets the original's
    shared fields (``services.promotion_schedule_share``)."""
    from cms.website.services import promotion_schedule_share

    promotion_schedule_share(promotion=instance)


def connect() -> None:
    from wagtail_localize.models import TranslationLog

    from cms.website.models import Promotion

    post_save.connect(share_promotion_schedule, sender=Promotion, dispatch_uid="website-promotion-share")
    post_save.connect(hold_back_unpublished_translation, sender=TranslationLog, dispatch_uid="website-hold-back")
