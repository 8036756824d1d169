from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "erp.ops"
    label = "ops"
    verbose_name = "Operations"
