from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    name = "cms.website"
    label = "website"
    verbose_name = "Website"
