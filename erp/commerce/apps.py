from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "erp.commerce"
    label = "commerce"
    verbose_name = "Commerce"

