import pytest
from rest_framework.test import APIClient

from erp.core.models import ClinicLocation
from erp.core.tests.factories import ClinicLocationFactory, UserFactory
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db


def client_for(*roles: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(roles=list(roles)))
    return client


def test_token_login_gives_the_same_answer_for_wrong_password_and_unknown_email():
    UserFactory(email="claire@clinic.test")
    client = APIClient()
    wrong = client.post("/api/v1/auth/token/", {"email": "claire@clinic.test", "password": "nope"})
    unknown = client.post("/api/v1/auth/token/", {"email": "ghost@clinic.test", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json()
    assert wrong.json()["code"] == "invalid_credentials"

    ok = client.post("/api/v1/auth/token/", {"email": "CLAIRE@clinic.test", "password": "a-long-passphrase"})
    assert ok.status_code == 200
    me = APIClient(HTTP_AUTHORIZATION=f"Token {ok.json()['token']}").get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["email"] == "claire@clinic.test"


def test_a_token_caller_gets_the_roles_it_has_now_read_with_the_token():
    """The roles come with the token and its user (one query, no separate read of the groups):
    the access matrix applies them, and a role taken away applies from the next request."""
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from knox.models import AuthToken

    user = UserFactory(roles=["reception", "accounting"])
    client = APIClient(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=user)[1]}")
    with CaptureQueriesContext(connection) as captured:
        me = client.get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["roles"] == ["accounting", "reception"]
    assert not [q for q in captured if q["sql"].startswith('SELECT "auth_group".')]  # groups read with the token
    assert client.get("/api/v1/patients/").status_code == 200  # reception may list patients

    user.groups.remove(Group.objects.get(name="reception"))
    assert client.get("/api/v1/me/").json()["roles"] == ["accounting"]
    assert client.get("/api/v1/patients/").status_code == 200  # accounting reads billing names

    user.groups.remove(Group.objects.get(name="accounting"))
    assert client.get("/api/v1/me/").json()["roles"] == []
    refused = client.get("/api/v1/patients/")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden_role"


def test_me_lists_roles_and_permissions():
    response = client_for("reception").get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["roles"] == ["reception"]
    assert "core.view_cliniclocation" in response.json()["permissions"]


def test_anonymous_requests_are_refused():
    assert APIClient().get("/api/v1/locations/").status_code in (401, 403)


def test_versioned_record_sends_an_etag():
    location = ClinicLocationFactory()
    response = client_for("admin").get(f"/api/v1/locations/{location.pk}/")
    assert response.status_code == 200
    assert response["ETag"] == '"1"'


def test_write_without_if_match_is_428_and_changes_nothing():
    location = ClinicLocationFactory(name="Paris")
    response = client_for("admin").patch(f"/api/v1/locations/{location.pk}/", {"name": "Lyon"})
    assert response.status_code == 428
    assert response.json()["code"] == "if_match_required"
    location.refresh_from_db()
    assert location.name == "Paris"


def test_stale_if_match_is_412_and_changes_nothing():
    location = ClinicLocationFactory(name="Paris")
    client = client_for("admin")
    first = client.patch(f"/api/v1/locations/{location.pk}/", {"name": "Paris 6e"}, HTTP_IF_MATCH='"1"')
    assert first.status_code == 200 and first["ETag"] == '"2"'

    stale = client.patch(f"/api/v1/locations/{location.pk}/", {"name": "Lyon"}, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert stale.json()["code"] == "stale_version"
    location.refresh_from_db()
    assert location.name == "Paris 6e" and location.row_version == 2


def test_update_is_audited_with_the_changed_fields():
    location = ClinicLocationFactory(name="Paris", city="Paris")
    client_for("admin").patch(f"/api/v1/locations/{location.pk}/", {"name": "Paris 6e"}, HTTP_IF_MATCH='"1"')
    entry = AuditLog.objects.get(entity_id=location.pk, action="update")
    assert entry.metadata_json["fields_changed"] == ["name"]
    assert entry.entity_type == "core.cliniclocation"


def test_app_settings_read_and_versioned_update():
    client = client_for("admin")
    read = client.get("/api/v1/app-settings/")
    assert read.status_code == 200 and read.json()["default_language"] == "fr"
    etag = read["ETag"]
    changed = client.patch("/api/v1/app-settings/", {"default_country_code": "BE"}, HTTP_IF_MATCH=etag)
    assert changed.status_code == 200
    again = client.patch("/api/v1/app-settings/", {"default_country_code": "FR"}, HTTP_IF_MATCH=etag)
    assert again.status_code == 412


def test_app_settings_refuse_a_disabled_default_language():
    client = client_for("admin")
    etag = client.get("/api/v1/app-settings/")["ETag"]
    response = client.patch(
        "/api/v1/app-settings/", {"enabled_languages": ["en", "ru"]}, HTTP_IF_MATCH=etag, format="json"
    )
    assert response.status_code == 400
    assert "default_language" in response.json()["errors"]


@pytest.mark.parametrize("role", ["practitioner", "reception", "marketing", "accounting"])
def test_users_and_roles_are_admin_only(role):
    client = client_for(role)
    assert client.get("/api/v1/users/").status_code == 403
    assert client.get("/api/v1/roles/").status_code == 403
    assert client.post("/api/v1/users/", {"email": "x@clinic.test"}).status_code == 403


def test_reception_cannot_change_settings_or_locations():
    client = client_for("reception")
    location = ClinicLocationFactory()
    assert client.get("/api/v1/locations/").status_code == 200
    assert client.patch(f"/api/v1/locations/{location.pk}/", {"name": "x"}, HTTP_IF_MATCH='"1"').status_code == 403
    assert client.patch("/api/v1/app-settings/", {"timezone": "UTC"}, HTTP_IF_MATCH='"1"').status_code == 403


def test_admin_creates_a_user_with_roles_and_deletion_deactivates():
    client = client_for("admin")
    created = client.post(
        "/api/v1/users/",
        {"email": "New.Person@Clinic.test", "first_name": "New", "last_name": "Person",
         "roles": ["reception"], "password": "a-long-passphrase-2026"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["email"] == "new.person@clinic.test"
    assert created.json()["roles"] == ["reception"]
    assert "password" not in created.json()

    duplicate = client.post("/api/v1/users/", {"email": "NEW.PERSON@clinic.test"}, format="json")
    assert duplicate.status_code == 400 and duplicate.json()["code"] == "email_taken"

    user_id = created.json()["id"]
    assert client.delete(f"/api/v1/users/{user_id}/").status_code == 204
    assert client.get(f"/api/v1/users/{user_id}/").json()["is_active"] is False


def test_unknown_role_is_a_400():
    response = client_for("admin").post(
        "/api/v1/users/", {"email": "r@clinic.test", "roles": ["wizard"]}, format="json"
    )
    assert response.status_code == 400


def test_practitioners_are_listed():
    from erp.core.models import Practitioner

    Practitioner.objects.create(user=UserFactory(), display_name="Dr Dubois")
    response = client_for("reception").get("/api/v1/practitioners/")
    assert response.status_code == 200
    assert [p["display_name"] for p in response.json()["results"]] == ["Dr Dubois"]
    assert response.json()["results"][0]["specialty"] == "Dermatology"


def test_deleting_a_location_is_audited():
    location = ClinicLocationFactory()
    response = client_for("admin").delete(f"/api/v1/locations/{location.pk}/", HTTP_IF_MATCH='"1"')
    assert response.status_code == 204
    assert not ClinicLocation.objects.filter(pk=location.pk).exists()
    assert AuditLog.objects.filter(entity_id=location.pk, action="delete").count() == 1


def test_an_unknown_api_record_is_a_json_404_not_a_redirect():
    response = client_for("admin").get("/api/v1/locations/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client_for("admin").get("/api/v1/no-such-endpoint/").status_code == 404
