from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "erp.commerce"
    label = "commerce"
    verbose_name = "Commerce"

    def ready(self):
        from erp.core import counts

        from .models import Sale

        # Sales that are not deleted (migration 0008 counts the same rows).
        counts.register(Sale, live=lambda: Sale.objects.all())
