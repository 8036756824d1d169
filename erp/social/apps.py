from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialConfig(AppConfig):
    name = "erp.social"
    label = "social"
    verbose_name = _("Social")

    def ready(self):
        from erp.social import signals  # noqa: F401 - connects the consent revocation receiver
