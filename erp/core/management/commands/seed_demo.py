from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load the demo data of every app (idempotent: running it twice gives the same rows)."

    def handle(self, *args, **options):
        self.stdout.write("Demo accounts (development only):")
        for app_config in apps.get_app_configs():
            if not app_config.name.startswith(("erp.", "cms.")):
                continue
            try:
                module = import_module(f"{app_config.name}.seed")
            except ModuleNotFoundError:
                continue
            with transaction.atomic():
                module.seed(self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Admin: http://127.0.0.1:8000/admin/"))
