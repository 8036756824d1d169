"""The API's shared plumbing under hostile or odd input: the JSON parser's bounds, JSON errors under
/api/ whatever Django answers, unknown fields refused, nothing cached, a search that matches nothing."""

import json
from site.urls import urlpatterns as site_urlpatterns

import pytest
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET
from rest_framework.test import APIClient

from erp.clinical.tests.factories import PatientFactory
from erp.core import access
from erp.core.api.parsers import MAX_DEPTH
from erp.core.tests.factories import ClinicLocationFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_as(role: str | None) -> APIClient:
    client = APIClient(raise_request_exception=False)
    if role:
        client.force_authenticate(UserFactory(roles=[role]))
    return client


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# --- Bounded JSON ------------------------------------------------------------------------------


def test_deeply_nested_json_to_the_anonymous_token_endpoint_is_a_json_400():
    response = client_as(None).post("/api/v1/auth/token/", nested(1000), content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "json_too_deep" and response.json()["detail"]


def test_deeply_nested_json_to_an_authenticated_write_is_a_400_and_writes_nothing():
    client = client_as("admin")
    body = '{"name": "Deep", "city": "Paris", "timezone": "Europe/Paris", "address_line1": ' + nested(5000) + "}"
    response = client.post("/api/v1/locations/", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "json_too_deep"
    assert client.get("/api/v1/locations/").json()["count"] == 0


def test_nesting_is_refused_just_past_the_limit_and_read_up_to_it():
    client = client_as("admin")
    inside = json.loads(nested(MAX_DEPTH - 1))  # the body's object is the first level
    at_limit = client.post("/api/v1/locations/", {"name": inside}, format="json")
    assert at_limit.status_code == 400 and at_limit.json()["code"] != "json_too_deep"  # read, then refused as text
    past = client.post("/api/v1/locations/", {"name": [inside]}, format="json")
    assert past.status_code == 400 and past.json()["code"] == "json_too_deep"


def test_an_action_with_its_own_parsers_is_bounded_too():
    response = client_as("admin").post(
        "/api/v1/social/assets/from-clinical-photo/", nested(1000), content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "json_too_deep"


def _api_views():
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "cls"):
                yield pattern

    for pattern in walk(get_resolver().url_patterns):
        yield pattern.callback


def test_every_api_view_reads_json_through_the_bounded_parser():
    from rest_framework.parsers import JSONParser as DrfJSONParser

    from erp.core.api.parsers import JSONParser

    unbounded = []
    for callback in _api_views():
        view = callback.cls(**getattr(callback, "initkwargs", {}))
        view.request = None
        for parser in view.get_parsers():
            if isinstance(parser, DrfJSONParser) and not isinstance(parser, JSONParser):
                unbounded.append(callback.cls.__name__)
    assert not unbounded


def test_a_json_body_larger_than_the_upload_limit_is_a_413(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"email": "a@clinic.test", "password": "x" * 2000})
    response = client_as(None).post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


# --- A search that can match nothing -----------------------------------------------------------


def test_a_phone_search_by_accounting_with_an_ordering_is_an_empty_page_not_a_500():
    PatientFactory(phone="+79123456789", phone_e164="+79123456789", last_name="Ivanova")
    response = client_as("accounting").get("/api/v1/patients/", {"q": "+7912", "ordering": "last_name"})
    assert response.status_code == 200, response.content[:300]
    assert response.json()["count"] == 0 and response.json()["results"] == []
    # Reception may search by phone: the same request finds her.
    found = client_as("reception").get("/api/v1/patients/", {"q": "+7912", "ordering": "last_name"}).json()
    assert [row["last_name"] for row in found["results"]] == ["Ivanova"]


# --- Errors under /api/ are JSON ---------------------------------------------------------------


def boom(request):
    raise RuntimeError("a bug in a view")


@require_GET
def get_only(request):
    return HttpResponse("ok")


urlpatterns = [
    path("api/test-boom/", boom, name="test-boom"),
    path("api/test-get-only/", get_only, name="test-get-only"),
    *site_urlpatterns,
]


@pytest.fixture(params=[True, False], ids=["debug", "production"])
def debug(request, settings, monkeypatch):
    """DEBUG on or off, with two plain Django views under /api/ that anyone may call."""
    settings.DEBUG = request.param
    settings.ROOT_URLCONF = __name__
    for name in ("test-boom", "test-get-only"):
        monkeypatch.setitem(access.MATRIX, name, access.MATRIX["healthz"])
    return request.param


@pytest.mark.parametrize(
    "method, url, status, code",
    [
        ("get", "/api/v1/patients/not-a-uuid/", 404, "not_found"),
        ("get", "/api/v1/patients/1.5/", 404, "not_found"),
        ("get", "/api/v1/no-such-thing/", 404, "not_found"),
        ("get", "/api/v1/locations/00000000-0000-0000-0000-000000000000/", 404, "not_found"),
        ("delete", "/api/v1/me/", 405, "method_not_allowed"),
        ("post", "/api/test-get-only/", 405, "method_not_allowed"),
        ("get", "/api/test-boom/", 500, "server_error"),
    ],
)
def test_every_error_under_api_is_json_with_debug_on_and_off(debug, method, url, status, code):
    response = getattr(client_as("admin"), method)(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json", response.content[:200]
    body = response.json()
    assert body["code"] == code and body["detail"]
    assert "Traceback" not in response.content.decode()
    if status == 405:
        assert response["Allow"]


def test_errors_outside_the_api_keep_their_html_pages(debug):
    response = client_as("admin").get("/fr/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


# --- Unknown fields ----------------------------------------------------------------------------


def location_body(**extra) -> dict:
    return {"name": "Annexe", "city": "Lyon", "timezone": "Europe/Paris", **extra}


@pytest.mark.parametrize(
    "extra",
    [
        {"is_admin": True},
        {"id": "00000000-0000-0000-0000-000000000001"},
        {"row_version": 7},
        {"created_at": "2020-01-01T00:00:00Z"},
    ],
    ids=["unknown", "read-only id", "read-only row_version", "read-only created_at"],
)
def test_a_write_naming_a_field_it_cannot_write_is_a_400_naming_it(extra):
    client = client_as("admin")
    response = client.post("/api/v1/locations/", location_body(**extra), format="json")
    assert response.status_code == 400
    body = response.json()
    (name,) = extra
    assert body["code"] == "unknown_field" and name in body["detail"]
    assert body["errors"][name][0]
    assert client.get("/api/v1/locations/").json()["count"] == 0


def test_every_unknown_field_is_named_and_updates_refuse_them_too():
    location = ClinicLocationFactory(name="Main")
    client = client_as("admin")
    response = client.patch(
        f"/api/v1/locations/{location.pk}/", {"name": "Renamed", "is_admin": 1, "zzz": 2}, format="json",
        HTTP_IF_MATCH=location.etag,
    )  # fmt: skip
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"is_admin", "zzz"}
    location.refresh_from_db()
    assert location.name == "Main"


def test_an_unknown_field_of_the_anonymous_token_endpoint_is_refused():
    response = client_as(None).post(
        "/api/v1/auth/token/", {"email": "a@clinic.test", "password": "x", "is_admin": True}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "unknown_field"


def test_the_known_fields_still_write():
    response = client_as("admin").post("/api/v1/locations/", location_body(), format="json")
    assert response.status_code == 201, response.content


# --- Not cached --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, role", [("/api/v1/locations/", "admin"), ("/api/v1/no-such-thing/", "admin"), ("/api/v1/me/", None)]
)
def test_every_api_response_is_no_store(url, role):
    assert "no-store" in client_as(role).get(url)["Cache-Control"]


def test_the_token_endpoint_answer_is_no_store():
    response = client_as(None).post("/api/v1/auth/token/", {"email": "a@clinic.test", "password": "x"}, format="json")
    assert response.status_code == 400 and "no-store" in response["Cache-Control"]


def test_admin_pages_are_no_store(client):
    """Wagtail marks its own views ``never_cache``; the refusals made before a view (the access
    matrix's 403) and every other admin response get ``no-store`` too."""
    client.raise_request_exception = False
    assert "no-store" in client.get("/admin/login/")["Cache-Control"]
    client.force_login(UserFactory(roles=["reception"]))
    assert "no-store" in client.get("/admin/")["Cache-Control"]
    refused = client.get("/admin/users/")
    assert refused.status_code == 403
    assert "no-store" in refused["Cache-Control"]


def test_public_pages_are_not_marked_no_store(client):
    assert "no-store" not in client.get("/robots.txt").get("Cache-Control", "")
