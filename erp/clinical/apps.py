from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClinicalConfig(AppConfig):
    name = "erp.clinical"
    label = "clinical"
    verbose_name = _("Clinical")

