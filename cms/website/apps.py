from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WebsiteConfig(AppConfig):
    name = "cms.website"
    label = "website"
    verbose_name = _("Website")

    def ready(self):
        from cms.website import invalidation, signals

        signals.connect()
        invalidation.connect()  # after the promotion schedule share: its rewrites are purged too
        # The last app with models, noted now: post_migrate handlers may clear ``models_module`` later.
        global _LAST_APP_WITH_MODELS
        _LAST_APP_WITH_MODELS = [app for app in self.apps.get_app_configs() if app.models_module][-1]
        post_migrate.connect(_after_migrate, dispatch_uid="website-wagtail-permissions")
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
