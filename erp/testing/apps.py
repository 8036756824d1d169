from django.apps import AppConfig


class TestingConfig(AppConfig):
    """Models that exist only in the test suite, to exercise the core mixins on their own."""

    name = "erp.testing"
    label = "testing"
