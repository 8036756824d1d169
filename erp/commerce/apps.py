from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommerceConfig(AppConfig):
    name = "erp.commerce"
    label = "commerce"
    verbose_name = _("Commerce")

    def ready(self):
        from erp.core import counts

        from .models import Sale

        # Sales that are not deleted (migration 0008 counts the same rows).
        counts.register(Sale, live=lambda: Sale.objects.all())
