from django.apps import AppConfig


class ClinicalConfig(AppConfig):
    name = "erp.clinical"
    label = "clinical"
    verbose_name = "Clinical"

