from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "erp.social"
    label = "social"
    verbose_name = "Social"
