from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClinicalConfig(AppConfig):
    name = "erp.clinical"
    label = "clinical"
    verbose_name = _("Clinical")

    def ready(self):
        from erp.core import counts

        from .models import Patient

        # Live patients: not deleted, not merged into another (migration 0004 counts the same rows).
        counts.register(Patient, live=lambda: Patient.objects.filter(is_merged=False))
