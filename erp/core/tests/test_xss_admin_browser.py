"""Stored XSS in the ERP's admin screens: the demo data with a payload in every free-text field
(patients, encounters, products, sales and their lines, suppliers, social posts, distribution orders,
leads...) is shown by every listing, inspect and edit screen of the admin without running anything.

The screens are found from Wagtail's viewset registry, so a new screen is covered without a change here.
"""

import contextlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, models, transaction

from erp.testing.browser import admin_sign_in, skip_without_chromium
from erp.testing.xss import SHORT, assert_inert, watch

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "demo-admin-2026"

skip_without_chromium()

# Fields whose value is not free text a person types (identifiers, codes, enumerations, formats).
NOT_FREE_TEXT = ("code", "number", "status", "language", "phone", "email", "url", "key", "hash", "token",
                 "currency", "iban", "siren", "siret", "vat", "type", "path", "file", "mime", "external", "slug",
                 "timezone", "provider", "country", "storage", "content_type", "sequence", "signature", "password",
                 "sha", "normalized")


def free_text_fields(model):
    for field in model._meta.concrete_fields:
        if not isinstance(field, (models.CharField, models.TextField)) or field.choices or field.unique:
            continue
        if any(part in field.name for part in NOT_FREE_TEXT):
            continue
        if isinstance(field, models.CharField) and (field.max_length or 0) < len(SHORT):
            continue
        yield field.name


def poison_free_text() -> list[str]:
    """Put the payload in every free-text field of every ERP and website record; returns the fields."""
    poisoned = []
    for model in apps.get_models():
        if not model.__module__.startswith(("erp.", "cms.")) or model._meta.proxy:
            continue
        fields = list(free_text_fields(model))
        if fields and model._base_manager.exists():
            # A number after the payload keeps values distinct where fields are unique together.
            try:
                with transaction.atomic():
                    for index, pk in enumerate(model._base_manager.values_list("pk", flat=True)):
                        model._base_manager.filter(pk=pk).update(**dict.fromkeys(fields, f"{SHORT} {index}"))
            except IntegrityError:
                continue  # append-only journals (stock moves, fiscal journal) refuse updates by trigger
            poisoned += [f"{model._meta.label}.{name}" for name in fields]
    return poisoned


def admin_screens() -> list[str]:
    """Each registered model viewset's listing, and the inspect and edit screens of its first record."""
    from django.urls import NoReverseMatch, reverse
    from wagtail.admin.viewsets import viewsets

    urls = []
    for viewset in viewsets.viewsets:
        model = getattr(viewset, "model", None)
        if isinstance(model, str):
            model = apps.get_model(model)
        if model is None or not model.__module__.startswith(("erp.", "cms.")):
            continue
        try:
            urls.append(reverse(viewset.get_url_name("index")))
        except NoReverseMatch:
            continue
        record = model._base_manager.order_by("pk").first()
        if record is None:
            continue
        for view in ("inspect", "edit"):
            with contextlib.suppress(NoReverseMatch):
                urls.append(reverse(viewset.get_url_name(view), args=[record.pk]))
    return urls


def test_admin_screens_show_poisoned_records_without_running_them(browser, live_server, transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    poisoned = poison_free_text()
    for field in ("clinical.Patient.notes", "commerce.Product.name", "commerce.SaleLine.description_snapshot",
                  "social.SocialPost.caption", "distribution.Order.delivery_address_street"):
        assert field in poisoned, f"{field} was not poisoned: {sorted(poisoned)}"
    from erp.commerce.models import Sale

    screens = admin_screens()
    sale = Sale.objects.order_by("pk").first()
    screens.append(f"/admin/commerce/sales/till/{sale.pk}/")
    assert any("/clinical/patients/inspect/" in url for url in screens)

    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(20_000)
    dialogs = watch(page)
    from erp.core.models import User

    admin_sign_in(page, live_server.url, User.objects.get(email="admin@clinic.test"), PASSWORD)
    try:
        for url in screens:
            response = page.goto(f"{live_server.url}{url}")
            assert response.status < 500, f"{url} answered {response.status}"
            assert_inert(page, dialogs)
    finally:
        context.close()
