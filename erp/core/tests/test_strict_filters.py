"""Ordering and filtering accept only what each view lists; crafted keys and bad values are 400s."""

import datetime

import pytest
from django.urls import reverse
from django_filters import filters as f
from rest_framework.test import APIClient

from erp.core.api.filters import StrictFilterBackend, StrictOrderingFilter, declared_ordering_fields
from erp.core.models import User
from erp.core.tests.factories import UserFactory
from erp.core.tests.routes import drf_routes

pytestmark = pytest.mark.django_db

CRAFTED_ORDERINGS = ["password", "user__password", "-foo", "__", "-", "created_at,password", "id;drop"]
# Filters whose values are parsed: a value they cannot read must be refused before any query.
PARSED = (f.DateFilter, f.DateTimeFilter, f.IsoDateTimeFilter, f.UUIDFilter, f.ModelChoiceFilter, f.NumberFilter,
          f.ChoiceFilter, f.MultipleChoiceFilter, f.ModelMultipleChoiceFilter)  # fmt: skip


def list_routes():
    """(url name, view class) of every API route with a list action."""
    for name, (_route, callback) in drf_routes().items():
        if (getattr(callback, "actions", None) or {}).get("get") == "list":
            yield name, callback.cls


@pytest.fixture
def admin_api():
    client = APIClient()
    client.force_authenticate(UserFactory(role="admin", email="filters-admin@clinic.test"))
    return client


def test_every_list_view_declares_its_ordering_fields_and_uses_the_strict_backends():
    undeclared, lax = [], []
    for name, view in list_routes():
        if not isinstance(getattr(view, "ordering_fields", None), (list, tuple)) or not view.ordering_fields:
            undeclared.append(name)
        backends = set(view.filter_backends)
        if not {StrictFilterBackend, StrictOrderingFilter} <= backends:
            lax.append(name)
    assert not undeclared, f"List views without explicit ordering_fields: {undeclared}"
    assert not lax, f"List views without the strict filter backends: {lax}"


def test_crafted_orderings_are_400_and_listed_ones_work_on_every_list(admin_api):
    failures = []
    for name, view in list_routes():
        url = reverse(name)
        for crafted in CRAFTED_ORDERINGS:
            response = admin_api.get(url, {"ordering": crafted})
            if response.status_code != 400 or response.json()["code"] != "invalid_ordering":
                failures.append(f"{url}?ordering={crafted} -> {response.status_code}")
        fields = declared_ordering_fields(view)
        response = admin_api.get(url, {"ordering": ",".join(f"-{field}" for field in fields)})
        if response.status_code != 200:
            failures.append(f"{url}?ordering=-{fields} -> {response.status_code}")
    assert not failures, "\n".join(failures)


def test_unknown_query_parameters_are_400_on_every_list(admin_api):
    failures = []
    for name, _view in list_routes():
        url = reverse(name)
        for params in ({"foo": "bar"}, {"password": "x"}, {"user__password__startswith": "a"}):
            response = admin_api.get(url, params)
            if response.status_code != 400 or response.json()["code"] != "unknown_filter":
                failures.append(f"{url}?{params} -> {response.status_code}")
        response = admin_api.get(url, {"page": 1, "page_size": 10, "format": "json"})
        if response.status_code != 200:
            failures.append(f"{url} with pagination parameters -> {response.status_code}")
    assert not failures, "\n".join(failures)


def filterset_of(view):
    if getattr(view, "filterset_class", None):
        return view.filterset_class
    if getattr(view, "filterset_fields", None) and view.queryset is not None:
        return StrictFilterBackend().get_filterset_class(view(), view.queryset)
    return None


def test_bad_filter_values_are_400_never_500(admin_api):
    failures, checked = [], 0
    for name, view in list_routes():
        url = reverse(name)
        filterset_class = filterset_of(view)
        if filterset_class is None:
            continue
        for filter_name, filter_ in filterset_class.base_filters.items():
            for value in ("not-a-valid-value", "bad\x00value"):
                checked += 1
                response = admin_api.get(url, {filter_name: value})
                parsed = isinstance(filter_, PARSED)
                if response.status_code >= 500 or (parsed and response.status_code != 400):
                    failures.append(f"{url}?{filter_name}={value!r} -> {response.status_code}")
                elif response.status_code == 400 and response.json()["code"] != "invalid_filter":
                    failures.append(f"{url}?{filter_name}={value!r} -> code {response.json()['code']}")
    assert checked > 100
    assert not failures, "\n".join(failures)


def test_a_valid_filter_still_filters(admin_api):
    today = datetime.date.today().isoformat()
    assert admin_api.get(reverse("appointment-list"), {"date_from": today}).status_code == 200
    response = admin_api.get(reverse("appointment-list"), {"date_from": "yesterday"})
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], list(body["errors"])) == ("invalid_filter", ["date_from"])
    response = admin_api.get(reverse("patient-list"), {"ordering": "password"})
    assert response.json()["code"] == "invalid_ordering" and response.json()["field"] == "ordering"


ADMIN_LISTS = [
    "clinical_patient:index", "clinical_appointment:index", "clinical_encounter:index", "commerce_sale:index",
    "commerce_product:index", "commerce_invoice:index", "distribution_order:index", "social_post:index",
    "cliniclocation:index", "leads:index",
]  # fmt: skip


def test_admin_list_screens_survive_crafted_ordering_and_filters(client):
    user = User.objects.create_superuser(email="filters-super@clinic.test", password="x-Filters-2026")
    client.force_login(user)
    crafted = [
        {"ordering": "password"}, {"ordering": "user__password"}, {"ordering": "-__"}, {"ordering": "-foo"},
        {"status": "\x00"}, {"created_at__gte": "not-a-date"}, {"is_active": "maybe"}, {"p": "-1"},
        {"patient": "not-a-uuid"}, {"q": "x" * 500},
    ]  # fmt: skip
    failures = []
    for name in ADMIN_LISTS:
        for params in crafted:
            response = client.get(reverse(name), params)
            if response.status_code >= 500:
                failures.append(f"{name} {params} -> {response.status_code}")
    assert not failures, "\n".join(failures)


def test_a_filter_set_with_a_rule_of_its_own_applies_it_without_parameters(admin_api):
    """A list or detail with no filter parameter skips building its filter set, unless the set adds a
    rule of its own: stock on hand leaves the empty balances out by default. A range filter's
    ``_after`` parameter is a filter parameter too."""
    from decimal import Decimal

    from erp.commerce.inventory import services
    from erp.commerce.inventory.services import StockMoveInput
    from erp.commerce.models import StockMoveType
    from erp.commerce.tests.factories import InjectableFactory
    from erp.commerce.tests.sales_fixtures import stock_lot
    from erp.core.models import ClinicLocation

    location = ClinicLocation.objects.create(name="Filters")
    product = InjectableFactory(name="Filler")
    stock_lot(product, location, "FULL", 5)
    empty = stock_lot(product, location, "EMPTY", 2)
    services.stock_move_record(
        move=StockMoveInput(
            product=product, lot=empty, location=location, move_type=StockMoveType.OUT, quantity=Decimal(-2)
        ),
        actor=None,
    )
    on_hand = admin_api.get("/api/v1/stock-on-hand/", {"product": str(product.pk)}).json()["results"]
    assert [row["lot"] for row in on_hand] == [str(product.lots.get(lot_code="FULL").pk)]
    assert admin_api.get("/api/v1/stock-on-hand/").json()["count"] == 1
    assert admin_api.get("/api/v1/stock-on-hand/", {"include_empty": "true"}).json()["count"] == 2

    from erp.ops.audit import audit_record

    audit_record(actor=None, action="view", entity=product)
    assert admin_api.get("/api/v1/audit-log/").json()["count"] > 0
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    assert admin_api.get("/api/v1/audit-log/", {"timestamp_after": tomorrow}).json()["count"] == 0


def test_the_filters_a_query_names_filter_together(admin_api):
    """The filters a query does not name do not filter; the ones it names filter, together."""
    from erp.commerce.models import Sale
    from erp.commerce.sales.services import sale_create

    sale_create(sold_to_name="Walk-in", actor=None)
    sale_create(sold_to_name="Walk-in", currency="USD", actor=None)
    cancelled_usd = sale_create(sold_to_name="Walk-in", currency="USD", actor=None)
    Sale.objects.filter(pk=cancelled_usd.pk).update(status="cancelled")
    listed = admin_api.get("/api/v1/sales/", {"status": "cancelled", "currency": "USD"}).json()["results"]
    assert [row["id"] for row in listed] == [str(cancelled_usd.pk)]
    assert admin_api.get("/api/v1/sales/", {"status": "draft", "currency": "USD"}).json()["count"] == 1
    assert admin_api.get("/api/v1/sales/", {"status": "cancelled", "currency": "EUR"}).json()["count"] == 0
    assert admin_api.get("/api/v1/sales/", {"currency": "USD"}).json()["count"] == 2  # any status


# --- A field a role does not see is no filter or ordering for it ---------------------------------


def role_client(role: str) -> tuple[APIClient, User]:
    user = UserFactory(role=role, email=f"fields-{role}@clinic.test")
    client = APIClient()
    client.force_authenticate(user)
    return client, user


@pytest.fixture
def born():
    from erp.clinical.tests.factories import PatientFactory

    return [
        PatientFactory(last_name="Alpha", birth_date=datetime.date(1990, 1, 2), sex="female"),
        PatientFactory(last_name="Beta", birth_date=datetime.date(1970, 5, 6), sex="male"),
    ]


HIDDEN_FROM_ACCOUNTING = [
    {"birth_date": "1990-01-02"},
    {"sex": "female"},
    {"contact_opt_out": "false"},
    {"identity_confidence": "high"},
    {"ordering": "birth_date"},
    {"ordering": "last_name,-birth_date"},
    {"ordering": "-created_at"},
]


@pytest.mark.parametrize("query", HIDDEN_FROM_ACCOUNTING)
def test_accounting_may_not_filter_or_order_patients_on_fields_it_does_not_see(born, query):
    accounting, _user = role_client("accounting")
    response = accounting.get("/api/v1/patients/", query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "hidden_field" and body["detail"]
    # Nor on one patient's page, where a filter would answer 404 or 200 as the value differs.
    detail = accounting.get(f"/api/v1/patients/{born[0].pk}/", query)
    if "ordering" not in query:
        assert detail.status_code == 400 and detail.json()["code"] == "hidden_field"


@pytest.mark.parametrize("role", ["practitioner", "reception", "admin"])
def test_a_role_that_sees_the_field_filters_and_orders_on_it(born, role):
    client, _user = role_client(role)
    by_birth = client.get("/api/v1/patients/", {"birth_date": "1990-01-02"})
    assert by_birth.status_code == 200
    assert [row["id"] for row in by_birth.json()["results"]] == [str(born[0].pk)]
    by_sex = client.get("/api/v1/patients/", {"sex": "male"})
    assert [row["id"] for row in by_sex.json()["results"]] == [str(born[1].pk)]
    ordered = client.get("/api/v1/patients/", {"ordering": "birth_date"})
    assert [row["id"] for row in ordered.json()["results"]] == [str(born[1].pk), str(born[0].pk)]


def test_accounting_filters_and_orders_on_the_fields_it_sees(born):
    accounting, _user = role_client("accounting")
    for query in ({"country_code": "FR"}, {"ordering": "-last_name"}, {"ordering": "first_name,last_name"}):
        assert accounting.get("/api/v1/patients/", query).status_code == 200, query
    ordered = accounting.get("/api/v1/patients/", {"ordering": "-last_name"}).json()["results"]
    assert [row["id"] for row in ordered] == [str(born[1].pk), str(born[0].pk)]


def test_every_list_refuses_to_each_role_the_filters_and_orderings_of_the_fields_it_hides():
    """Walk every API list and every role that may read it: each filter and ordering on a field the
    role's serializer leaves out is a 400 ``hidden_field``; none is left unchecked."""
    from erp.core import access
    from erp.core.api.filters import hidden_fields

    checked = set()
    for name, view_class in list_routes():
        readers = access.allowed_roles(name, "GET") & set(access.ROLES)
        for role in sorted(readers):
            client, user = role_client(role)
            view = view_class()
            view.action, view.kwargs, view.format_kwarg = "list", {}, None
            view.request = type("Request", (), {"user": user, "query_params": {}})()
            hidden = hidden_fields(view)
            if not hidden:
                user.delete()
                continue
            url = reverse(name)
            backend = StrictFilterBackend()
            queryset = view_class.queryset
            filterset_class = backend.get_filterset_class(view, queryset)
            for filter_name, declared in (filterset_class.base_filters.items() if filterset_class else ()):
                if declared.field_name.split("__")[0] in hidden:
                    response = client.get(url, {filter_name: "x"})
                    assert response.status_code == 400 and response.json()["code"] == "hidden_field", (name, role)
                    checked.add((name, role, filter_name))
            for field in declared_ordering_fields(view_class):
                if field.split("__")[0] in hidden:
                    response = client.get(url, {"ordering": field})
                    assert response.status_code == 400 and response.json()["code"] == "hidden_field", (name, role)
                    checked.add((name, role, f"ordering={field}"))
            user.delete()
    assert {("patient-list", "accounting", "birth_date"), ("patient-list", "accounting", "sex"),
            ("patient-list", "accounting", "ordering=birth_date")} <= checked  # fmt: skip
