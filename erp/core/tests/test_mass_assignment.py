"""Writable fields are explicit: privileges, owners, prices, totals and numbers are not settable."""

import importlib
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from erp.commerce.models import Invoice, Product, Sale, SaleLine
from erp.core import access
from erp.core.api.serializers import KnownFieldsMixin
from erp.core.api.serializers import ModelSerializer as StrictModelSerializer
from erp.core.models import ClinicLocation, User
from erp.core.tests.conftest import client_for
from erp.core.tests.routes import drf_methods, drf_routes
from erp.distribution.models import Order

pytestmark = pytest.mark.django_db

API_SERIALIZER_MODULES = [
    "erp.core.api.serializers",
    "erp.clinical.api.serializers",
    "erp.commerce.inventory.api.serializers",
    "erp.commerce.sales.api.serializers",
    "erp.social.api.serializers",
    "erp.distribution.api.serializers",
]
# Decided by the services (or by who is signed in), never by the request body.
SERVICE_DECIDED = {
    "id", "row_version", "created_at", "updated_at", "created_by", "is_staff", "is_superuser",
    "user_permissions", "groups", "email_confirmed", "last_login", "invoice_number", "credit_note_number",
    "sequence_number", "document_number", "total_excl_tax", "total_tax", "total_incl_tax", "amount_paid",
    "price_amount", "price_currency", "line_subtotal_excl_tax", "line_tax_amount", "line_total_incl_tax",
    "unit_price_excl_tax_snapshot", "tax_rate_percent_snapshot", "status", "is_merged", "merged_into_patient",
    "object_key", "thumbnail_object_key", "sha256", "size_bytes", "content_type", "issued_at", "paid_at",
    "deleted_at", "is_deleted", "entry_hash", "previous_hash", "created_on_utc", "delivery_on_utc",
}  # fmt: skip
# A social account's status is the manual marker marketing keeps (no token is stored in this version).
ALLOWED_WRITABLE = {("SocialAccountSerializer", "status")}


def our_serializers():
    for module in API_SERIALIZER_MODULES:
        importlib.import_module(module)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {cls for cls in subclasses(serializers.Serializer) if cls.__module__.startswith("erp.")}


def view_serializers(admin):
    """The serializer class each API route and action uses, as the admin would get it."""
    found = set()
    for _name, (_route, callback) in drf_routes().items():
        for method, action in drf_methods(callback).items():
            view = callback.cls(**getattr(callback, "initkwargs", {}))
            request = Request(getattr(APIRequestFactory(), method)("/"))
            request.user = admin
            view.request, view.action, view.args, view.kwargs, view.format_kwarg = request, action, (), {}, None
            if hasattr(view, "get_serializer_class") and (
                getattr(view, "serializer_class", None) or "get_serializer_class" in vars(callback.cls)
            ):
                found.add(view.get_serializer_class())
    return found


def test_every_serializer_of_the_api_lists_its_fields_and_keeps_service_fields_read_only():
    admin = User.objects.create_superuser(email="mass-admin@clinic.test", password="x-Mass-2026")
    classes = our_serializers() | view_serializers(admin)
    assert len(classes) > 60
    lax, writable = [], []
    for cls in sorted(classes, key=lambda c: c.__name__):
        meta = getattr(cls, "Meta", None)
        if issubclass(cls, serializers.ModelSerializer):
            if meta is None:
                # an abstract base: the project's own, or one whose name says so
                assert cls is StrictModelSerializer or cls.__name__.startswith("_"), f"{cls.__name__} has no Meta"
                continue
            fields = getattr(meta, "fields", None)
            if getattr(meta, "exclude", None) or not isinstance(fields, (list, tuple)):
                lax.append(cls.__name__)
        try:
            instance = cls()
            names = {name for name, field in instance.fields.items() if not field.read_only}
        except (AssertionError, TypeError):
            continue
        for name in sorted(names & SERVICE_DECIDED):
            if (cls.__name__, name) not in ALLOWED_WRITABLE and issubclass(cls, serializers.ModelSerializer):
                writable.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert not lax, f"Serializers without an explicit list of fields: {lax}"
    assert not writable, "Service-decided fields that a request may set:\n" + "\n".join(writable)


def test_every_serializer_of_the_api_refuses_unknown_fields():
    """One rule for every API body: each serializer derives from the project's bases (400 ``unknown_field``)."""
    admin = User.objects.create_superuser(email="known-admin@clinic.test", password="x-Known-2026")
    classes = our_serializers() | view_serializers(admin)
    lax = sorted(f"{cls.__module__}.{cls.__name__}" for cls in classes if not issubclass(cls, KnownFieldsMixin))
    assert not lax, f"Serializers that would ignore unknown fields: {lax}"


# --- Through the API ---------------------------------------------------------------------------


def test_nobody_grants_privileges_through_the_users_and_me_endpoints(world):
    practitioner, victim = world["users"][access.PRACTITIONER], world["victim"]
    perm = Permission.objects.get(codename="view_patient")
    hostile = {
        "is_staff": True, "is_superuser": True, "groups": [Group.objects.get(name="admin").pk],
        "user_permissions": [perm.pk], "email_confirmed": True, "last_login": "2020-01-01T00:00:00Z",
        "id": "00000000-0000-0000-0000-000000000001",
    }  # fmt: skip
    client = client_for(world, access.PRACTITIONER)
    assert client.patch(f"/api/v1/users/{practitioner.pk}/", {**hostile, "roles": ["admin"]}).status_code == 403
    assert client.patch("/api/v1/me/", hostile).status_code == 405
    assert client.put("/api/v1/me/", hostile).status_code == 405
    practitioner.refresh_from_db()
    assert (practitioner.is_staff, practitioner.is_superuser, practitioner.role_names) == (
        False, False, [access.PRACTITIONER],
    )  # fmt: skip

    admin = client_for(world, access.ADMIN)
    response = admin.patch(f"/api/v1/users/{victim.pk}/", {**hostile, "first_name": "Victoria"})
    assert (response.status_code, response.json()["code"]) == (400, "unknown_field")
    assert set(response.json()["errors"]) == set(hostile)
    victim.refresh_from_db()
    assert victim.first_name != "Victoria"
    assert admin.patch(f"/api/v1/users/{victim.pk}/", {"first_name": "Victoria"}).status_code == 200
    victim.refresh_from_db()
    assert victim.first_name == "Victoria" and str(victim.pk) != hostile["id"]
    assert (victim.is_staff, victim.is_superuser, victim.email_confirmed, victim.last_login) == (
        False,
        False,
        False,
        None,
    )
    assert not victim.groups.exists() and not victim.user_permissions.exists()

    new_user = {"email": "new@clinic.test", "first_name": "N", "last_name": "U"}
    response = admin.post("/api/v1/users/", {**hostile, **new_user})
    assert (response.status_code, response.json()["code"]) == (400, "unknown_field")
    assert not User.objects.filter(email="new@clinic.test").exists()
    assert admin.post("/api/v1/users/", new_user).status_code == 201
    created = User.objects.get(email="new@clinic.test")
    assert (created.is_staff, created.is_superuser, created.email_confirmed) == (False, False, False)
    response = admin.patch(f"/api/v1/users/{victim.pk}/", {"roles": ["superuser"]})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["roles"]


def test_sales_take_catalog_prices_and_the_service_decides_totals_and_numbers(world):
    reception = client_for(world, access.RECEPTION)
    location = ClinicLocation.objects.filter(is_active=True).first()
    sale_body = {"location": str(location.pk), "currency": "EUR", "sold_to_name": "Walk-in"}
    hostile = {
        "status": "paid", "total_incl_tax": "0.01", "invoice_number": "HACK-1",
        "created_by": str(world["users"][access.ADMIN].pk),
    }  # fmt: skip
    sales_before = Sale.objects.count()
    response = reception.post("/api/v1/sales/", {**sale_body, **hostile})
    assert (response.status_code, response.json()["code"]) == (400, "unknown_field")
    assert set(response.json()["errors"]) == set(hostile) and Sale.objects.count() == sales_before
    response = reception.post("/api/v1/sales/", sale_body)
    assert response.status_code == 201, response.json()
    sale = Sale.objects.get(pk=response.json()["id"])
    assert sale.status == "draft" and sale.total_incl_tax == 0
    assert sale.created_by == world["users"][access.RECEPTION]
    assert not Invoice.objects.filter(invoice_number="HACK-1").exists()

    product = Product.objects.filter(type="service", is_active=True).first()
    cheap = {"product": str(product.pk), "quantity": "1", "unit_price_excl_tax": "0.01"}
    response = reception.post(f"/api/v1/sales/{sale.pk}/lines/", cheap)
    assert (response.status_code, response.json()["code"]) == (400, "price_from_catalog")
    assert not SaleLine.objects.filter(sale=sale).exists()
    catalog = {**cheap, "unit_price_excl_tax": str(product.unit_price_excl_tax)}
    assert reception.post(f"/api/v1/sales/{sale.pk}/lines/", catalog).status_code == 201

    line = SaleLine.objects.get(sale=sale)
    response = reception.patch(
        f"/api/v1/sale-lines/{line.pk}/",
        {"unit_price_excl_tax_snapshot": "0.01", "line_total_incl_tax": "0.00", "sale": str(sale.pk)},
    )
    line.refresh_from_db()
    assert line.unit_price_excl_tax_snapshot == product.unit_price_excl_tax
    assert response.status_code in (200, 400, 428)

    # Those who set catalog prices may sell at another price (a discount).
    response = client_for(world, access.ADMIN).post(f"/api/v1/sales/{sale.pk}/lines/", cheap)
    assert response.status_code == 201
    assert SaleLine.objects.filter(sale=sale, unit_price_excl_tax_snapshot=Decimal("0.01")).count() == 1

    invoice = Invoice.objects.first()
    number = invoice.invoice_number
    admin = client_for(world, access.ADMIN)
    assert admin.patch(f"/api/v1/invoices/{invoice.pk}/", {"invoice_number": "HACK-2"}).status_code == 405
    invoice.refresh_from_db()
    assert invoice.invoice_number == number


def test_a_distributor_cannot_set_the_price_or_order_for_another_distributor(world):
    client = client_for(world, access.DISTRIBUTOR)
    product = Product.objects.get(external_product_id="DIST-SPF50-50ML")
    order_body = {
        "point_of_sale": str(world["own_point_of_sale"].pk),
        "lines": [{"product": str(product.pk), "quantity": {"value": 2, "unit": "carton"}}],
    }
    hostile = {"price_amount": "0.01", "status": "delivered", "created_by": str(world["users"][access.ADMIN].pk)}
    orders_before = Order.objects.count()
    response = client.post("/api/v1/distribution/orders/", {**order_body, **hostile}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "unknown_field")
    assert set(response.json()["errors"]) == set(hostile) and Order.objects.count() == orders_before
    # A line names its product and quantity only; its price is the catalog's.
    line_price = {**order_body, "lines": [{**order_body["lines"][0], "unit_price": "0.01"}]}
    response = client.post("/api/v1/distribution/orders/", line_price, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "unknown_field")
    assert "lines[0].unit_price" in response.json()["detail"] and Order.objects.count() == orders_before
    response = client.post("/api/v1/distribution/orders/", order_body, format="json")
    assert response.status_code == 201, response.json()
    order = Order.objects.get(pk=response.json()["id"])
    assert order.distributor == world["own_distributor"]
    assert order.status == "created" and order.created_by == world["users"][access.DISTRIBUTOR]
    assert order.price_amount == product.unit_price_excl_tax * 2
