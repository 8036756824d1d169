from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "erp.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from . import db, signals  # noqa: F401
        from .api import fields

        fields.register()
