from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class WebsiteConfig(AppConfig):
    name = "cms.website"
    label = "website"
    verbose_name = _("Website")

    def ready(self):
        from wagtail.models import Page, Site

        from cms.website import cache as website_cache
        from cms.website import signals
        from cms.website.models import MarketingDocument, MarketingImage, Promotion, StaffMember, WebsiteSettings

        for model in (Promotion, StaffMember):
            post_delete.connect(signals.purge_on_snippet_delete, sender=model, dispatch_uid=f"purge-{model.__name__}")
        for model in (WebsiteSettings, Site, MarketingImage, MarketingDocument, Page):
            for signal in (post_save, post_delete) if model is not Page else (post_delete,):
                signal.connect(signals.purge_on_site_change, sender=model, dispatch_uid=f"purge-site-{model.__name__}")
        post_save.connect(signals.share_promotion_schedule, sender=Promotion, dispatch_uid="website-promotion-share")
        for signal in (post_save, post_delete):
            signal.connect(website_cache.settings_changed, sender=WebsiteSettings, dispatch_uid="website-settings-kept")
            signal.connect(website_cache._promotions_changed, sender=Promotion, dispatch_uid="website-promotions-kept")
        # The last app with models, noted now: post_migrate handlers may clear ``models_module`` later.
        global _LAST_APP_WITH_MODELS
        _LAST_APP_WITH_MODELS = [app for app in self.apps.get_app_configs() if app.models_module][-1]
        post_migrate.connect(_after_migrate, dispatch_uid="website-wagtail-permissions")
        from wagtail_localize.models import TranslationLog

        post_save.connect(signals.hold_back_unpublished_translation, sender=TranslationLog,
                          dispatch_uid="website-translation-hold-back")
        _localize_editor_parsers()


def _localize_editor_parsers():
    """wagtail-localize's translation editor saves each string as form data through two DRF views;
    our API is JSON only (``DEFAULT_PARSER_CLASSES``), so those two also take forms (JSON with the
    same depth limit as the API)."""
    from rest_framework.parsers import FormParser, MultiPartParser
    from wagtail_localize.views import edit_translation

    from erp.core.api.parsers import JSONParser

    for view in (edit_translation.edit_string_translation, edit_translation.edit_override):
        view.cls.parser_classes = [JSONParser, FormParser, MultiPartParser]


_LAST_APP_WITH_MODELS = None


def _after_migrate(sender, using="default", **kwargs):
    """After core has synced the role groups (on the last app), give marketing its Wagtail rights."""
    if sender is not _LAST_APP_WITH_MODELS:
        return
    from cms.website.roles import grant_marketing_wagtail_permissions

    grant_marketing_wagtail_permissions(using=using)
