"""Every model of the project names its plural: Django's default adds an "s" to the translated
singular, which French, Russian or Armenian screens would show as "demande du sites"."""

from django.apps import apps


def test_every_model_names_its_plural():
    unnamed = [
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith(("erp.", "cms."))
        and not model.__module__.startswith("erp.testing")
        and "verbose_name" in model._meta.original_attrs
        and "verbose_name_plural" not in model._meta.original_attrs
    ]
    assert unnamed == []
