"""The access matrix (erp/core/access.py) covers every route and is what the site enforces.

- Every URL pattern and every operation of the OpenAPI schema has a row (fail closed otherwise).
- Every DRF view checks the matrix (``RoleAccess`` is among the permissions of each action).
- The walk: one user per role plus a visitor try every API operation (with a real object id and
  empty bodies for writes) and the admin screens: 0 unauthorised 2xx; an authorised role is never
  refused with 401/403 (except the few documented object- or field-level refusals below).
- Other owners' objects: another distributor's order and its lines, patient files for roles that
  may not see them, clinical documents for reception.
"""

import re
import time
import uuid
from collections import Counter, defaultdict

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.urls import NoReverseMatch, Resolver404, path, resolve, reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView
from wagtail.admin.viewsets import viewsets as admin_viewsets

from erp.clinical.models import ClinicalPhoto, Document, DocumentKind, Encounter, Patient
from erp.clinical.tests.factories import PDF_BYTES
from erp.core import access
from erp.core.api.permissions import RoleAccess
from erp.core.models import User
from erp.core.tests.conftest import VISITOR, client_for
from erp.core.tests.routes import drf_methods, drf_routes, is_drf, url_patterns
from erp.distribution.models import Distributor, Order, PointOfSale

pytestmark = pytest.mark.django_db

EVERY_ROLE = (*access.ROLES, VISITOR)
WRITE_ORDER = {"get": 0, "post": 1, "put": 2, "patch": 3, "delete": 4}

# A refusal by the matrix: a visitor is told to sign in (401, or 403 for session-only callers).
REFUSAL_CODES = {True: {"not_authenticated"}, False: {"forbidden_role"}}
# Authorised by the matrix, refused further in by a rule on the object or the body (documented).
EXPECTED_INNER_REFUSALS = {
    # Calendly's calls carry an HMAC signature: an unsigned call is refused whoever sends it.
    ("calendly-webhook", "post"): "unsigned webhook",
}


def test_every_url_pattern_has_a_row():
    missing = []
    for route, name, callback in url_patterns():
        if access.lookup(name) is None:
            missing.append(f"{route} ({name})")
            continue
        if is_drf(callback):
            for method in drf_methods(callback):
                if not access.allowed_roles(name, method) and name != "api-root":
                    missing.append(f"{method.upper()} {route} ({name})")
    assert not missing, "Routes missing from erp/core/access.py:\n" + "\n".join(sorted(missing))


def test_every_schema_operation_has_a_row():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    missing, checked = [], 0
    for schema_path, operations in schema["paths"].items():
        view_name = None
        for sample in (str(uuid.uuid4()), "sample"):
            try:
                view_name = resolve(re.sub(r"\{[^}]+\}", sample, schema_path)).view_name
                break
            except Resolver404:
                continue
        assert view_name, f"The schema names {schema_path}, which the URL configuration does not resolve."
        for method in operations:
            if method in ("get", "post", "put", "patch", "delete"):
                checked += 1
                if not access.allowed_roles(view_name, method):
                    missing.append(f"{method.upper()} {schema_path} ({view_name})")
    assert checked > 150
    assert not missing, "Schema operations missing from erp/core/access.py:\n" + "\n".join(missing)


def test_every_drf_view_and_action_of_the_api_checks_the_matrix():
    """Our API authenticates tokens inside DRF: RoleAccess must be there (Wagtail's admin API,
    session-only, is checked by the middleware instead)."""
    unchecked = []
    for name, (route, callback) in drf_routes().items():
        for method, action in drf_methods(callback).items():
            view = callback.cls(**getattr(callback, "initkwargs", {}))
            view.action = action
            if not any(isinstance(permission, RoleAccess) for permission in view.get_permissions()):
                unchecked.append(f"{method.upper()} {route} ({name}, action {action})")
    assert not unchecked, "DRF views that skip RoleAccess:\n" + "\n".join(unchecked)


def test_the_table_names_only_existing_routes_and_known_roles():
    names = {name for _route, name, _callback in url_patterns()}
    namespaces = {":".join(name.split(":")[:depth]) for name in names for depth in range(1, name.count(":") + 1)}
    stale = [
        key
        for key in access.MATRIX
        if not (key in names or (key.endswith(":*") and key[:-2] in namespaces))
    ]
    assert not stale, f"Rows for routes that do not exist: {stale}"
    known = {*access.ROLES, access.ANONYMOUS, access.AUTHENTICATED}
    for key, row in access.MATRIX.items():
        for method, allowed in row.items():
            assert allowed <= known, (key, method, allowed - known)


def test_lookup_is_fail_closed_and_follows_namespaces():
    assert access.allowed_roles("no-such-route", "GET") == access.NOBODY
    assert access.allowed_roles("patient-detail", "PUT") == access.FRONT_DESK
    assert access.allowed_roles("patient-detail", "HEAD") == access.PATIENT_READERS
    assert access.allowed_roles("role-list", "POST") == access.NOBODY  # a method that is not listed
    assert access.allowed_roles("clinical_patient:edit", "POST") == access.PATIENT_READERS
    assert access.allowed_roles("clinical_patient:export", "GET") == access.CLINICIANS
    assert access.allowed_roles("unknown_namespace:index", "GET") == access.NOBODY


# --- The data the walk uses ----------------------------------------------------------------------


def model_of(callback, admin):
    """The model behind a DRF route (its queryset, as the admin sees it), or None."""
    view = callback.cls(**getattr(callback, "initkwargs", {}))
    view.action = next(iter(drf_methods(callback).values()), None)
    request = Request(APIRequestFactory().get("/"))
    request.user = admin
    view.request, view.args, view.kwargs, view.format_kwarg = request, (), {}, None
    try:
        return view.get_queryset().model
    except (AssertionError, AttributeError):
        return None


def sample_pk(model, world):
    """A real id: the scoped owner's object where scoping matters, else the first row."""
    preferred = {
        User: world["victim"],
        Group: Group.objects.get(name=access.RECEPTION),
        Document: world["consent_copy"],
        Patient: world["patient"],
        Encounter: world["encounter"],
        ClinicalPhoto: world["photo"],
        Order: world["own_order"],
        Distributor: world["own_distributor"],
        PointOfSale: world["own_point_of_sale"],
    }
    if model in preferred:
        return preferred[model].pk
    row = model._default_manager.order_by("pk").first()
    return row.pk if row is not None else uuid.uuid4()


def route_kwargs(route, callback, world):
    kwargs = {}
    names = set(re.findall(r"\(\?P<(\w+)>", route)) | set(re.findall(r"<(?:\w+:)?(\w+)>", route))
    if "pk" in names:
        model = model_of(callback, world["users"][access.ADMIN])
        kwargs["pk"] = sample_pk(model, world) if model is not None else uuid.uuid4()
    if "point_of_sale_id" in names:
        kwargs["point_of_sale_id"] = world["own_point_of_sale"].pk
    if "line_id" in names:
        kwargs["line_id"] = world["own_order"].lines.first().pk
    if "external_product_id" in names:
        kwargs["external_product_id"] = "DIST-SPF50-50ML"
    if "name" in names:
        kwargs["name"] = "daily"
    if "token" in names:
        kwargs["token"] = "not-a-real-token"
    return {key: str(value) for key, value in kwargs.items()}


def response_code(response):
    data = getattr(response, "data", None)
    return data.get("code") if isinstance(data, dict) else None


# --- The walk ------------------------------------------------------------------------------------


def test_every_role_on_every_api_operation(world, capsys):
    started = time.monotonic()
    calls = []
    for name, (route, callback) in drf_routes().items():
        kwargs = route_kwargs(route, callback, world)
        url = reverse(name, kwargs=kwargs)
        for method in drf_methods(callback):
            calls.append((WRITE_ORDER[method], name, method, url))
    calls.sort()  # reads first, deletes last: a deleted sample does not hide later checks

    clients = {role: client_for(world, role) for role in EVERY_ROLE}
    unauthorised_2xx, wrongly_refused, bad_refusals, server_errors = [], [], [], []
    summary = defaultdict(Counter)
    for _order, name, method, url in calls:
        allowed = access.allowed_roles(name, method)
        for role in EVERY_ROLE:
            response = (
                getattr(clients[role], method)(url, {}, format="json") if method != "get" else (clients[role].get(url))
            )
            status = response.status_code
            authorised = bool(access.user_roles(world["users"].get(role)) & allowed)
            summary[role][f"{'ok' if authorised else 'refused'}:{status // 100}xx"] += 1
            if status >= 500:
                server_errors.append(f"{role} {method.upper()} {url} -> {status} {response_code(response)}")
            if not authorised:
                if 200 <= status < 300:
                    unauthorised_2xx.append(f"{role} {method.upper()} {url} -> {status}")
                elif status not in (401, 403) or response_code(response) not in REFUSAL_CODES[role == VISITOR]:
                    bad_refusals.append(f"{role} {method.upper()} {url} -> {status} {response_code(response)}")
            elif status in (401, 403) and (name, method) not in EXPECTED_INNER_REFUSALS:
                wrongly_refused.append(f"{role} {method.upper()} {url} -> {status} {response_code(response)}")
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(f"\naccess matrix API walk: {len(calls)} operations x {len(EVERY_ROLE)} roles in {elapsed:.1f}s")
        for role in EVERY_ROLE:
            print(f"  {role:22} {dict(sorted(summary[role].items()))}")
    assert not unauthorised_2xx, "Unauthorised 2xx:\n" + "\n".join(unauthorised_2xx)
    assert not server_errors, "Server errors:\n" + "\n".join(server_errors)
    assert not bad_refusals, "Refused other than by the matrix (401/403 forbidden_role):\n" + "\n".join(bad_refusals)
    assert not wrongly_refused, "Authorised by the matrix, refused anyway:\n" + "\n".join(wrongly_refused)
    assert len(calls) > 150


def admin_screen_urls(world):
    """(name, url, is_index) of the admin screens that can be reversed with a real object id."""
    models = {}
    for viewset in admin_viewsets.viewsets:
        try:
            model = getattr(viewset, "model", None)
            models[viewset.url_namespace] = apps.get_model(model) if isinstance(model, str) else model
        except ImproperlyConfigured:  # Wagtail's page viewset has no namespace of its own
            continue
    screens = []
    for route, name, _callback in url_patterns():
        if not route.startswith("admin/") or ":" not in name and not name.startswith("wagtailadmin"):
            continue
        namespace = name.rpartition(":")[0]
        kwargs = {}
        if "<str:pk>" in route or "<int:pk>" in route or "(?P<pk>" in route or "<path:pk>" in route:
            model = models.get(namespace)
            row = model._default_manager.order_by("pk").first() if model is not None else None
            if row is None:
                continue
            kwargs["pk"] = row.pk
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        screens.append((name, url, name.endswith(":index") or name == "wagtailadmin_home"))
    # The matrix decides per row (a screen, or every screen of a namespace): one screen per row,
    # its index when it has one, keeps the walk short.
    by_row = {}
    for name, url, is_index in sorted(screens, key=lambda screen: not screen[2]):
        by_row.setdefault(matrix_key(name), (name, url, is_index))
    return list(by_row.values())


def matrix_key(name):
    if name in access.MATRIX:
        return name
    namespace = name.rpartition(":")[0]
    while namespace and f"{namespace}:*" not in access.MATRIX:
        namespace = namespace.rpartition(":")[0]
    return f"{namespace}:*"


def test_every_role_on_the_admin_screens(world, client, capsys):
    started = time.monotonic()
    screens = admin_screen_urls(world)
    unauthorised_2xx, wrongly_refused, redirected = [], [], []
    summary = Counter()
    for role in EVERY_ROLE:
        client.logout()
        if role != VISITOR:
            client.force_login(world["users"][role])
        for name, url, is_index in screens:
            allowed = access.allowed_roles(name, "GET")
            authorised = bool(access.user_roles(world["users"].get(role)) & allowed)
            if authorised and not is_index:
                continue  # rendering every screen for every role is slow; the indexes stand for them
            response = client.get(url)
            status = response.status_code
            summary[f"{'ok' if authorised else 'refused'}:{status}"] += 1
            if not authorised:
                to_login = status == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))
                # A distributor is sent to its portal instead of the admin.
                to_portal = status == 302 and role == access.DISTRIBUTOR and (
                    response["Location"] == reverse("distribution_portal:home")
                )
                # Refused: 403, or sent to the sign-in page (a visitor; Wagtail's own admin API for
                # users without admin access, which it turns away before DRF runs).
                if 200 <= status < 300 or not (status == 403 or to_login or to_portal):
                    unauthorised_2xx.append(f"{role} GET {url} -> {status}")
            elif status in (401, 403) or (status == 302 and "login" in response["Location"]):
                wrongly_refused.append(f"{role} GET {url} -> {status}")
            elif status == 302:
                # Listed for the role, turned away by Wagtail's own permission policy (to the
                # dashboard): the model permissions stay the finer rule inside a screen.
                redirected.append(f"{role} {name}")
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(f"\naccess matrix admin walk: {len(screens)} screens x {len(EVERY_ROLE)} roles in {elapsed:.1f}s")
        print(f"  {dict(sorted(summary.items()))}")
        print(f"  listed but redirected by Wagtail's permission policy: {redirected}")
    assert len(screens) > 80
    assert not unauthorised_2xx, "Unauthorised admin screens:\n" + "\n".join(unauthorised_2xx)
    assert not wrongly_refused, "Admin screens refused to an authorised role:\n" + "\n".join(wrongly_refused)


# --- Other owners' objects -----------------------------------------------------------------------


def test_a_distributor_reaches_only_its_own_distributors_orders(world):
    client = client_for(world, access.DISTRIBUTOR)
    other, other_line = world["other_order"], world["other_order"].lines.first()
    base = f"/api/v1/distribution/orders/{other.pk}/"
    attempts = [
        ("get", base),
        ("post", base + "lines/"),
        ("delete", f"{base}lines/{other_line.pk}/"),
        ("post", base + "cancel/"),
        ("post", base + "ship/"),
        ("post", base + "deliver/"),
        ("get", f"/api/v1/distribution/distributors/{world['other_distributor'].pk}/"),
    ]
    before = Order.objects.get(pk=other.pk)
    for method, url in attempts:
        response = getattr(client, method)(url, {"quantity": {"value": 1, "unit": "carton"}}, format="json")
        assert response.status_code == 404, (method, url, response.status_code)
    after = Order.objects.get(pk=other.pk)
    assert (after.status, after.lines.count()) == (before.status, before.lines.count())
    listed = client.get("/api/v1/distribution/orders/").json()["results"]
    assert listed and {row["distributor"] for row in listed} == {str(world["own_distributor"].pk)}
    hidden = PointOfSale.objects.exclude(distributors=world["own_distributor"]).first()
    assert client.get(f"/api/v1/distribution/points-of-sale/{hidden.pk}/").status_code == 404

    # Naming the other distributor in the body does not order on its behalf.
    count = Order.objects.filter(distributor=world["other_distributor"]).count()
    response = client.post(
        "/api/v1/distribution/orders/",
        {"distributor": str(world["other_distributor"].pk), "point_of_sale": str(world["own_point_of_sale"].pk)},
        format="json",
    )
    assert response.status_code == 404
    assert Order.objects.filter(distributor=world["other_distributor"]).count() == count


def test_patient_files_are_refused_to_the_roles_that_may_not_see_them(world):
    document, lab, photo = world["consent_copy"], world["lab_result"], world["photo"]
    urls = [
        f"/api/v1/documents/{document.pk}/",
        f"/api/v1/documents/{document.pk}/url/",
        f"/api/v1/documents/{lab.pk}/url/",
        f"/api/v1/photos/{photo.pk}/",
        f"/api/v1/photos/{photo.pk}/url/",
        f"/api/v1/patients/{world['patient'].pk}/export/",
        f"/api/v1/encounters/{world['encounter'].pk}/",
    ]
    for role in (access.MARKETING, access.ACCOUNTING, access.DISTRIBUTOR, access.DISTRIBUTION_MANAGER, VISITOR):
        client = client_for(world, role)
        for url in urls:
            response = client.get(url)
            assert response.status_code in (401, 403), (role, url, response.status_code)
            assert "url" not in (response.json() if response.content else {})


def test_reception_sees_consent_copies_and_no_other_clinical_document(world):
    client = client_for(world, access.RECEPTION)
    lab, consent_copy = world["lab_result"], world["consent_copy"]
    assert client.get(f"/api/v1/documents/{lab.pk}/").status_code == 404
    assert client.get(f"/api/v1/documents/{lab.pk}/url/").status_code == 404
    kinds = {row["kind"] for row in client.get("/api/v1/documents/").json()["results"]}
    assert kinds == {DocumentKind.CONSENT_COPY}
    assert client.get(f"/api/v1/documents/{consent_copy.pk}/url/").json()["url"]
    assert client.get(f"/api/v1/photos/{world['photo'].pk}/url/").status_code == 403
    assert client.get(f"/api/v1/encounter-documents/?document={lab.pk}").status_code == 403
    upload = SimpleUploadedFile("lab.pdf", PDF_BYTES, "application/pdf")
    response = client.post(
        "/api/v1/documents/",
        {"file": upload, "patient": str(world["patient"].pk), "kind": "lab_result"},
        format="multipart",
    )
    assert response.status_code == 403
    assert Document.objects.filter(patient=world["patient"], kind=DocumentKind.LAB_RESULT).count() == 1


def test_accounting_reads_a_reduced_patient(world):
    body = client_for(world, access.ACCOUNTING).get(f"/api/v1/patients/{world['patient'].pk}/").json()
    assert body["last_name"] == world["patient"].last_name
    assert not {"email", "phone", "notes", "birth_date"} & set(body)


def test_the_admin_middleware_refuses_screens_outside_a_role(world, client):
    client.force_login(world["users"][access.MARKETING])
    assert client.get(reverse("clinical_patient:index")).status_code == 403
    assert client.get(reverse("social_post:index")).status_code == 200
    client.force_login(world["users"][access.RECEPTION])
    response = client.get(reverse("clinical_patient:export", args=[world["patient"].pk]))
    assert response.status_code == 403
    client.logout()
    response = client.get(reverse("clinical_patient:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))
    # The sign-in page's own assets stay open to visitors.
    assert client.get(reverse("wagtailadmin_sprite")).status_code == 200
    assert client.get(reverse("wagtailadmin_javascript_catalog")).status_code == 200


# --- Fail closed ---------------------------------------------------------------------------------


def _unlisted_page(request):
    return HttpResponse("should never be served")


class _UnlistedApi(APIView):
    def get(self, request):
        return Response({"served": True})


urlpatterns = [
    path("unlisted/", _unlisted_page, name="unlisted-page"),
    path("api/v1/unlisted/", _UnlistedApi.as_view(), name="unlisted-api"),
    path("healthz", lambda request: HttpResponse("ok"), name="healthz"),
]


@pytest.mark.urls(__name__)
def test_a_route_missing_from_the_table_is_refused_to_everyone(client):
    admin = User.objects.create_superuser(email="closed@clinic.test", password="x-Closed-2026")
    assert client.get("/healthz").status_code == 200  # a listed public route
    assert client.get("/unlisted/").status_code == 403
    client.force_login(admin)
    assert client.get("/unlisted/").status_code == 403
    api = APIClient()
    api.force_authenticate(admin)
    response = api.get("/api/v1/unlisted/")
    assert (response.status_code, response.json()["code"]) == (403, "forbidden_role")


def test_superusers_are_admins_and_inactive_users_nobody(world):
    superuser = User.objects.create_superuser(email="root@clinic.test", password="x-Root-2026")
    assert access.permits(superuser, "user-list", "GET")
    assert not access.permits(world["users"][access.RECEPTION], "user-list", "GET")
    both = world["users"][access.MARKETING]
    both.groups.add(Group.objects.get(name=access.RECEPTION))  # several roles: the union
    assert access.permits(both, "social-post-list", "GET") and access.permits(both, "patient-list", "GET")
    both.is_active = False
    assert not access.permits(both, "me", "GET")
