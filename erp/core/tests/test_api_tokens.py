"""API tokens (django-rest-knox): one per client, hashed at rest, expiring like a staff session,
revoked by a new password or a disabled account; logout ends one client, logout-all every one."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from erp.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase"
NEW_PASSWORD = "another-long-passphrase-7"


def sign_in(user) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def as_client(token: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {token}")


def stored(token: str) -> AuthToken:
    return AuthToken.objects.get(digest=hashlib.sha512(token.encode()).hexdigest())


def assert_refused(response, code: str) -> None:
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == code and response.json()["detail"]


# --- Login, one token per client, hashed at rest ---------------------------------------------------


def test_login_gives_a_token_and_its_expiry_one_idle_timeout_ahead():
    user = UserFactory(roles=["reception"])
    response = APIClient().post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200 and set(response.json()) == {"token", "expiry"}
    token = response.json()["token"]
    expiry = stored(token).expiry
    assert abs((expiry - timezone.now()) - timedelta(seconds=settings.SESSION_IDLE_TIMEOUT)) < timedelta(seconds=30)
    assert response.json()["expiry"].startswith(expiry.astimezone(timezone.get_current_timezone()).isoformat()[:16])
    assert as_client(token).get("/api/v1/me/").json()["email"] == user.email


def test_each_login_is_a_token_of_its_own_and_both_clients_work():
    user = UserFactory(roles=["reception"])
    phone, laptop = sign_in(user), sign_in(user)
    assert phone != laptop and AuthToken.objects.filter(user=user).count() == 2
    assert as_client(phone).get("/api/v1/me/").status_code == 200
    assert as_client(laptop).get("/api/v1/me/").status_code == 200


def test_the_raw_token_is_not_stored():
    user = UserFactory(roles=["reception"])
    token = sign_in(user)
    row = stored(token)
    assert row.digest == hashlib.sha512(token.encode()).hexdigest() and row.digest != token
    assert len(row.token_key) < len(token)  # the lookup prefix only
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM knox_authtoken WHERE user_id = %s", [user.pk])
        values = [str(value) for value in cursor.fetchone()]
    assert not [value for value in values if token in value]


def test_login_sweeps_the_users_expired_tokens_only():
    user, other = UserFactory(roles=["reception"]), UserFactory(roles=["reception"])
    dead, alive, others = sign_in(user), sign_in(user), sign_in(other)
    AuthToken.objects.filter(digest__in=[stored(dead).digest, stored(others).digest]).update(
        expiry=timezone.now() - timedelta(seconds=1)
    )
    sign_in(user)
    assert not AuthToken.objects.filter(digest=hashlib.sha512(dead.encode()).hexdigest()).exists()
    assert stored(alive) and stored(others)  # another user's tokens are theirs to sweep


# --- Expiry: idle and absolute ---------------------------------------------------------------------


def test_an_expired_token_is_refused_with_401_and_deleted():
    user = UserFactory(roles=["reception"])
    token = sign_in(user)
    AuthToken.objects.filter(user=user).update(expiry=timezone.now() - timedelta(seconds=1))
    assert_refused(as_client(token).get("/api/v1/me/"), "token_expired")
    assert not AuthToken.objects.filter(user=user).exists()


def test_use_moves_the_idle_expiry_and_idleness_ends_the_token():
    user = UserFactory(roles=["reception"])
    token = sign_in(user)
    idle = timedelta(seconds=settings.SESSION_IDLE_TIMEOUT)
    # 25 minutes without a call: still alive, and the call gives it a full idle period again.
    AuthToken.objects.filter(user=user).update(expiry=timezone.now() + timedelta(minutes=5))
    assert as_client(token).get("/api/v1/me/").status_code == 200
    assert stored(token).expiry > timezone.now() + idle - timedelta(seconds=30)
    # Then 31 minutes without a call: gone.
    AuthToken.objects.filter(user=user).update(expiry=timezone.now() - timedelta(minutes=1))
    assert_refused(as_client(token).get("/api/v1/me/"), "token_expired")


def test_a_call_within_the_minute_writes_nothing():
    user = UserFactory(roles=["reception"])
    token = sign_in(user)
    before = stored(token).expiry
    assert as_client(token).get("/api/v1/me/").status_code == 200
    assert stored(token).expiry == before


def test_use_never_moves_the_expiry_past_the_absolute_limit():
    user = UserFactory(roles=["reception"])
    token = sign_in(user)
    absolute = timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT)
    signed_in_at = timezone.now() - absolute + timedelta(minutes=10)  # 11 h 50 ago
    AuthToken.objects.filter(user=user).update(created=signed_in_at, expiry=timezone.now() + timedelta(minutes=2))
    assert as_client(token).get("/api/v1/me/").status_code == 200
    assert stored(token).expiry == signed_in_at + absolute  # 10 minutes left, not 30
    AuthToken.objects.filter(user=user).update(created=signed_in_at - timedelta(minutes=11))
    AuthToken.objects.filter(user=user).update(expiry=signed_in_at - timedelta(minutes=11) + absolute)
    assert_refused(as_client(token).get("/api/v1/me/"), "token_expired")


def test_token_lifetimes_are_the_staff_session_limits():
    from knox.settings import knox_settings

    assert knox_settings.TOKEN_TTL.total_seconds() == settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert knox_settings.AUTO_REFRESH_MAX_TTL.total_seconds() == settings.SESSION_ABSOLUTE_TIMEOUT == 12 * 3600
    assert knox_settings.AUTO_REFRESH


# --- Revocation ------------------------------------------------------------------------------------


def test_a_password_changed_through_the_api_revokes_every_token_of_the_user():
    user, bystander = UserFactory(roles=["reception"]), UserFactory(roles=["reception"])
    phone, laptop, kept = sign_in(user), sign_in(user), sign_in(bystander)
    admin = APIClient()
    admin.force_authenticate(UserFactory(roles=["admin"]))
    assert admin.patch(f"/api/v1/users/{user.pk}/", {"password": NEW_PASSWORD}, format="json").status_code == 200
    assert not AuthToken.objects.filter(user=user).exists()
    assert_refused(as_client(phone).get("/api/v1/me/"), "token_invalid")
    assert_refused(as_client(laptop).get("/api/v1/me/"), "token_invalid")
    assert as_client(kept).get("/api/v1/me/").status_code == 200


def test_a_password_changed_in_the_wagtail_admin_revokes_the_tokens():
    user = UserFactory(roles=["marketing"])
    token = sign_in(user)
    admin = Client()
    admin.force_login(UserFactory(roles=["admin"]))
    response = admin.post(
        reverse("wagtailusers_users:edit", args=[user.pk]),
        {
            "email": user.email, "first_name": "Marie", "last_name": "Martin",  # Wagtail's form needs names
            "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "is_active": "on",
            "groups": [Group.objects.get(name="marketing").pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_refused(as_client(token).get("/api/v1/me/"), "token_invalid")


def test_a_password_reset_revokes_the_tokens():
    user = UserFactory(roles=["reception"])
    token = sign_in(user)
    client = Client()
    assert client.post("/admin/password_reset/", {"email": user.email}).status_code == 302
    link = re.search(r"https?://[^/\s]+(/admin/password_reset/confirm/\S+/)", mail.outbox[-1].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert_refused(as_client(token).get("/api/v1/me/"), "token_invalid")


def test_set_password_and_save_anywhere_revokes_the_tokens():
    user = UserFactory(roles=["reception"])
    token = sign_in(user)
    user.set_password(NEW_PASSWORD)
    user.save(update_fields=["password"])
    assert not AuthToken.objects.filter(user=user).exists()
    assert_refused(as_client(token).get("/api/v1/me/"), "token_invalid")


def test_a_save_that_keeps_the_password_keeps_the_tokens():
    user = UserFactory(roles=["reception"])
    token = sign_in(user)
    user.refresh_from_db()
    user.first_name = "Renamed"
    user.save()
    user.save(update_fields=["last_login"])
    sign_in(user)  # a login writes last_login
    assert as_client(token).get("/api/v1/me/").status_code == 200


def test_deactivation_revokes_every_token():
    user = UserFactory(roles=["reception"])
    tokens = [sign_in(user), sign_in(user)]
    admin = APIClient()
    admin.force_authenticate(UserFactory(roles=["admin"]))
    assert admin.delete(f"/api/v1/users/{user.pk}/").status_code == 204  # deleting deactivates
    assert not AuthToken.objects.filter(user=user).exists()
    for token in tokens:
        assert_refused(as_client(token).get("/api/v1/me/"), "token_invalid")


def test_deleting_a_user_deletes_their_tokens():
    user = UserFactory()
    AuthToken.objects.create(user=user)
    user.delete()
    assert not AuthToken.objects.exists()


# --- Logout ---------------------------------------------------------------------------------------


def test_logout_revokes_only_the_calling_clients_token():
    user = UserFactory(roles=["reception"])
    phone, laptop = sign_in(user), sign_in(user)
    assert as_client(phone).post("/api/v1/auth/logout/").status_code == 204
    assert_refused(as_client(phone).get("/api/v1/me/"), "token_invalid")
    assert as_client(laptop).get("/api/v1/me/").status_code == 200


def test_logout_all_revokes_every_client_of_the_caller_only():
    user, bystander = UserFactory(roles=["reception"]), UserFactory(roles=["reception"])
    phone, laptop, kept = sign_in(user), sign_in(user), sign_in(bystander)
    assert as_client(phone).post("/api/v1/auth/logout-all/").status_code == 204
    assert_refused(as_client(phone).get("/api/v1/me/"), "token_invalid")
    assert_refused(as_client(laptop).get("/api/v1/me/"), "token_invalid")
    assert as_client(kept).get("/api/v1/me/").status_code == 200


def test_logout_with_a_session_ends_that_session_and_keeps_the_tokens():
    user = UserFactory(roles=["reception"])
    token = sign_in(user)
    browser = Client()
    browser.force_login(user)
    assert browser.post("/api/v1/auth/logout/").status_code == 204
    assert browser.get("/api/v1/me/").status_code == 401
    assert as_client(token).get("/api/v1/me/").status_code == 200


# --- Refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["Token nonsense", "Token " + "0" * 64, "Token caf\u00e9\u00ff"])
def test_an_invalid_token_is_a_401_with_www_authenticate(header):
    response = APIClient(HTTP_AUTHORIZATION=header).get("/api/v1/me/")
    assert_refused(response, "token_invalid")


def test_no_credentials_is_a_401_with_www_authenticate():
    response = APIClient().get("/api/v1/me/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_a_malformed_authorization_header_is_a_401():
    response = APIClient(HTTP_AUTHORIZATION="Token two parts").get("/api/v1/me/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "authentication_failed"
