from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "erp.social"
    label = "social"
    verbose_name = "Social"

    def ready(self):
        from . import signals  # noqa: F401 - connects the consent revocation receiver
