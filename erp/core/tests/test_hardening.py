"""Hardening: deploy checks and headers, brute-force lockout, session limits, disabling a user."""

import json
import re
import subprocess
import sys
import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from erp.core.models import UserSession
from erp.core.security import LOGIN_AT, SEEN_AT
from erp.core.tests.factories import UserFactory
from erp.testing.production import database_url, production_env, production_subprocess_env

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase"


# --- Production settings --------------------------------------------------------------------------

HEADERS_SCRIPT = """
import json
from erp.bootstrap import make_site_importable
make_site_importable()
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
# The manifest of collected static files is not built here; everything else is production's.
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
response = Client().get("/admin/login/", secure=True, HTTP_HOST="clinic.example")
insecure = Client().get("/admin/login/", HTTP_HOST="clinic.example")
print(json.dumps({
    "status": response.status_code,
    "headers": dict(response.headers),
    "csrf_cookie_secure": bool(response.cookies["csrftoken"]["secure"]),
    "session_cookie": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY],
    "redirect": [insecure.status_code, insecure.headers.get("Location")],
}))
"""


def test_check_deploy_reports_nothing_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=production_env(), capture_output=True, text=True, timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_responses_carry_the_security_headers():
    result = subprocess.run(
        [sys.executable, "-c", HEADERS_SCRIPT],
        cwd=settings.BASE_DIR, env=production_subprocess_env(), capture_output=True, text=True, timeout=240,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    headers = data["headers"]
    assert data["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-eval" not in headers["Content-Security-Policy"]
    assert data["csrf_cookie_secure"] is True
    assert data["session_cookie"] == [True, True]
    assert data["redirect"] == [301, "https://clinic.example/admin/login/"]


def test_session_cookie_is_secure_and_httponly_after_login(settings):
    settings.SESSION_COOKIE_SECURE = True
    UserFactory(email="cookie@clinic.test", roles=["reception"])
    response = Client().post(
        "/admin/login/", {"username": "cookie@clinic.test", "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"]


def test_public_pages_get_a_strict_csp_with_the_admin_widened_only_where_needed():
    public = Client().get("/healthz")
    policy = public.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    admin = Client().get("/admin/login/").headers["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in admin and "unsafe-eval" not in admin
    assert "frame-ancestors 'self'" in admin


# --- Brute force (django-axes) --------------------------------------------------------------------


def admin_login(client, email, password):
    return client.post("/admin/login/", {"username": email, "password": password})


def api_login(client, email, password, **extra):
    return client.post("/api/v1/auth/token/", {"email": email, "password": password, **extra}, format="json")


def test_admin_login_locks_out_after_five_failures_alike_for_known_and_unknown_accounts():
    UserFactory(email="known@clinic.test", roles=["reception"])
    answers = {}
    for email in ("known@clinic.test", "ghost@clinic.test"):
        client = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert admin_login(client, email, "wrong").status_code == 200
        fifth = admin_login(client, email, "wrong")
        after = admin_login(client, email, PASSWORD if email.startswith("known") else "wrong")
        page = re.sub(r'"CSRF_TOKEN": "[^"]+"|value="[A-Za-z0-9]{64}"', "", after.content.decode())
        answers[email] = (fifth.status_code, after.status_code, page)
    known, ghost = answers["known@clinic.test"], answers["ghost@clinic.test"]
    assert known[0] == ghost[0] == 429 and known[1] == ghost[1] == 429
    # Even the right password is refused while locked, with the same page as for nobody.
    assert known[2] == ghost[2]
    assert 'data-code="locked_out"' in known[2]
    assert AccessAttempt.objects.filter(username="known@clinic.test").exists()


def test_lockout_is_per_email_and_address():
    UserFactory(email="other@clinic.test", roles=["reception"])
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        admin_login(client, "ghost@clinic.test", "wrong")
    # Another account from the same address still signs in.
    assert admin_login(client, "other@clinic.test", PASSWORD).status_code == 302


def test_api_token_login_locks_out_with_a_stable_code_alike_for_unknown_accounts():
    UserFactory(email="api@clinic.test", roles=["reception"])
    bodies = []
    for email in ("api@clinic.test", "nobody@clinic.test"):
        client = APIClient()
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            response = api_login(client, email, "wrong")
            assert response.status_code == 400 and response.json()["code"] == "invalid_credentials"
        locked = api_login(client, email, "wrong")
        bodies.append((locked.status_code, locked.json()))
        right = api_login(client, email, PASSWORD)
        bodies.append((right.status_code, right.json()))
    assert bodies[0] == bodies[2] and bodies[1] == bodies[3]
    assert bodies[1][0] == 429 and bodies[1][1]["code"] == "locked_out"
    assert "api@clinic.test" not in json.dumps(bodies)
    assert not AuthToken.objects.filter(user__email="api@clinic.test").exists()


@pytest.mark.parametrize("channel", ["admin", "api"])
def test_a_successful_login_resets_the_failure_count(channel):
    UserFactory(email="reset@clinic.test", roles=["reception"])
    client = Client() if channel == "admin" else APIClient()
    login = admin_login if channel == "admin" else api_login
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "reset@clinic.test", "wrong")
    ok = login(client, "reset@clinic.test", PASSWORD)
    assert ok.status_code == (302 if channel == "admin" else 200)
    assert not AccessAttempt.objects.filter(username="reset@clinic.test").exists()
    # A fresh allowance: four more failures do not lock the account.
    client = Client() if channel == "admin" else APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "reset@clinic.test", "wrong").status_code in (200, 400)
    assert login(client, "reset@clinic.test", PASSWORD).status_code == (302 if channel == "admin" else 200)


# --- Session limits -------------------------------------------------------------------------------


def signed_in(role="reception"):
    user = UserFactory(roles=[role])
    client = Client()
    assert admin_login(client, user.email, PASSWORD).status_code == 302
    return client, user


def move_clocks(client, *, login_ago=None, seen_ago=None):
    session = client.session
    now = int(time.time())
    if login_ago is not None:
        session[LOGIN_AT] = now - login_ago
    if seen_ago is not None:
        session[SEEN_AT] = now - seen_ago
    session.save()


def test_login_starts_the_session_clocks():
    client, _user = signed_in()
    session = client.session
    assert abs(session[LOGIN_AT] - time.time()) < 5 and session[SEEN_AT] == session[LOGIN_AT]


def test_idle_session_expires_after_the_idle_timeout():
    client, _user = signed_in()
    move_clocks(client, seen_ago=settings.SESSION_IDLE_TIMEOUT - 120)
    assert client.get("/admin/").status_code == 200
    move_clocks(client, seen_ago=settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_activity_is_written_at_most_once_a_minute_and_keeps_the_session_alive():
    client, _user = signed_in()
    move_clocks(client, seen_ago=10)
    before = client.session[SEEN_AT]
    client.get("/admin/")
    assert client.session[SEEN_AT] == before  # not rewritten within the minute
    move_clocks(client, seen_ago=settings.SESSION_IDLE_TIMEOUT - 60)
    client.get("/admin/")
    assert time.time() - client.session[SEEN_AT] < 5  # activity moved the idle clock


def test_session_expires_after_twelve_hours_even_when_active():
    client, _user = signed_in()
    move_clocks(client, login_ago=settings.SESSION_ABSOLUTE_TIMEOUT - 60, seen_ago=0)
    assert client.get("/admin/").status_code == 200
    move_clocks(client, login_ago=settings.SESSION_ABSOLUTE_TIMEOUT + 1, seen_ago=0)
    assert client.get("/admin/").status_code == 302
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_limits_are_twelve_hours_and_thirty_minutes():
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60 and settings.SESSION_ABSOLUTE_TIMEOUT == 12 * 3600


# --- Disabling a user -----------------------------------------------------------------------------


def test_disabling_through_the_api_ends_sessions_and_tokens():
    victim_client, victim = signed_in()
    api = APIClient()
    token = api_login(api, victim.email, PASSWORD).json()["token"]
    assert UserSession.objects.filter(user_id=victim.pk).count() == 1
    admin = APIClient()
    admin.force_authenticate(UserFactory(roles=["admin"]))
    response = admin.patch(f"/api/v1/users/{victim.pk}/", {"is_active": False}, format="json")
    assert response.status_code == 200
    assert not UserSession.objects.filter(user_id=victim.pk).exists()
    assert not AuthToken.objects.filter(user=victim).exists()
    assert victim_client.get("/admin/").status_code == 302
    assert APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/me/").status_code == 401


def test_disabling_in_the_wagtail_admin_ends_sessions_and_tokens():
    victim_client, victim = signed_in("marketing")
    AuthToken.objects.create(user=victim)
    other_client, _other = signed_in("marketing")
    admin = Client()
    admin.force_login(UserFactory(roles=["admin"]))
    response = admin.post(
        reverse("wagtailusers_users:edit", args=[victim.pk]),
        {
            "email": victim.email, "first_name": "Marie", "last_name": "Martin",  # Wagtail's form needs names
            "password1": "", "password2": "", "groups": [Group.objects.get(name="marketing").pk],
            # "is_active" left unticked
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    victim.refresh_from_db()
    assert victim.is_active is False
    assert not UserSession.objects.filter(user_id=victim.pk).exists()
    assert not AuthToken.objects.filter(user=victim).exists()
    assert victim_client.get("/admin/").status_code == 302
    assert other_client.get("/admin/").status_code == 200  # other people's sessions are untouched


def test_any_save_of_a_disabled_user_revokes_access():
    _client, user = signed_in()
    AuthToken.objects.create(user=user)
    user.is_active = False
    user.save()
    assert not UserSession.objects.filter(user_id=user.pk).exists() and not AuthToken.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    "db",
    [
        {"USER": "postgres", "PASSWORD": "", "HOST": "127.0.0.1", "PORT": 5432, "NAME": "clinic_x"},
        {"USER": "clinic", "PASSWORD": "p@ss:w/rd", "HOST": "db.internal", "PORT": "", "NAME": "clinic"},
        # The embedded PostgreSQL: no host, its socket folder in the options.
        {"USER": "postgres", "PASSWORD": "", "HOST": "", "PORT": "", "NAME": "clinic_x",
         "OPTIONS": {"host": "/work/a folder/var/pgtest"}},
    ],
)
def test_the_child_process_database_url_reaches_the_same_server(db):
    import dj_database_url

    parsed = dj_database_url.parse(database_url(db))
    host = db["HOST"] or db["OPTIONS"]["host"]
    assert (parsed["HOST"] or parsed.get("OPTIONS", {}).get("host")) == host
    assert (parsed["USER"], parsed["PASSWORD"], parsed["NAME"]) == (db["USER"], db["PASSWORD"], db["NAME"])
    assert str(parsed["PORT"] or "") == str(db["PORT"] or "")
