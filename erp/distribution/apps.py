from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "erp.distribution"
    label = "distribution"
    verbose_name = "Distribution"
