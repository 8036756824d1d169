"""The TOTP second factor: optional for staff, required for administrators, on the admin and the API."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.test import APIClient

from erp.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
real = pytest.mark.real_second_factor

PASSWORD = "a-long-passphrase"


@pytest.fixture(autouse=True)
def no_throttle_delay(settings):
    # django-otp's own delay after a wrong code would refuse the next right one within a second;
    # the bound under test here is django-axes's.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code(device) -> str:
    device.refresh_from_db()
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def wrong(device) -> str:
    return f"{(int(code(device)) + 1) % 1_000_000:06d}"


def with_device(role):
    user = UserFactory(roles=[role])
    return user, TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def password_login(user) -> Client:
    client = Client()
    response = client.post("/admin/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


@real
def test_staff_without_a_device_need_no_code():
    client = password_login(UserFactory(roles=["reception"]))
    assert client.get("/admin/").status_code == 200


@real
def test_a_user_with_a_device_enters_a_code_before_any_admin_page():
    user, device = with_device("reception")
    client = password_login(user)
    response = client.get("/admin/clinic/locations/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/two-factor/verify/?next=%2Fadmin%2Fclinic%2Flocations%2F"
    # The session is no key to the API either until the code is in.
    refused = client.get("/api/v1/me/")
    assert refused.status_code == 401 and refused.json()["code"] == "otp_required"
    assert refused["WWW-Authenticate"] == "Token"
    assert client.get("/ops/diagnostics").status_code == 302

    bad = client.post("/admin/two-factor/verify/", {"otp_token": wrong(device), "next": "/admin/clinic/locations/"})
    assert bad.status_code == 200 and "pas valide" in bad.content.decode()
    ok = client.post("/admin/two-factor/verify/", {"otp_token": code(device), "next": "/admin/clinic/locations/"})
    assert ok.status_code == 302 and ok["Location"] == "/admin/clinic/locations/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


@real
def test_verify_does_not_redirect_off_site():
    user, device = with_device("reception")
    client = password_login(user)
    response = client.post("/admin/two-factor/verify/", {"otp_token": code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


@real
def test_an_admin_without_a_device_is_sent_to_enrolment_first():
    admin = UserFactory(roles=["admin"])
    client = password_login(admin)
    for path in ("/admin/", "/admin/users/", "/admin/clinic/settings/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/admin/two-factor/enrol/")
    refused = client.get("/api/v1/users/")
    assert refused.status_code == 403 and refused.json()["code"] == "otp_enrolment_required"

    page = client.get("/admin/two-factor/enrol/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "data-otp-secret" in html
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert client.post("/admin/two-factor/enrol/", {"otp_token": wrong(device)}).status_code == 200
    confirmed = client.post("/admin/two-factor/enrol/", {"otp_token": code(device)})
    assert confirmed.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200
    # The next sign-in asks for the code.
    again = password_login(admin)
    assert again.get("/admin/")["Location"].startswith("/admin/two-factor/verify/")


@real
def test_the_qr_code_and_the_secret_describe_the_same_key():
    admin = UserFactory(roles=["admin"])
    client = password_login(admin)
    html = client.get("/admin/two-factor/enrol/").content.decode()
    device = TOTPDevice.objects.get(user=admin)
    from erp.core.otp import base32_secret

    assert base32_secret(device) in html and f"secret={base32_secret(device)}" in device.config_url


@real
def test_a_device_cannot_be_replaced_without_its_current_code():
    user, device = with_device("marketing")
    client = password_login(user)
    response = client.get("/admin/two-factor/enrol/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/two-factor/verify/")
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()


@real
def test_code_guessing_is_bounded_by_axes():
    user, device = with_device("accounting")
    client = password_login(user)
    answers = [
        client.post("/admin/two-factor/verify/", {"otp_token": wrong(device)}).status_code for _ in range(5)
    ]
    assert answers == [200, 200, 200, 200, 429]
    locked = client.post("/admin/two-factor/verify/", {"otp_token": code(device)})
    assert locked.status_code == 429
    assert client.get("/admin/").status_code == 302
    # The password login is locked too for this e-mail and address.
    assert Client().post("/admin/login/", {"username": user.email, "password": PASSWORD}).status_code == 429


@real
def test_signing_in_again_with_the_password_grants_no_fresh_code_guesses():
    user, device = with_device("reception")
    client = password_login(user)
    for _ in range(4):
        assert client.post("/admin/two-factor/verify/", {"otp_token": wrong(device)}).status_code == 200
    client = password_login(user)  # the password alone does not clear the failures
    assert client.post("/admin/two-factor/verify/", {"otp_token": wrong(device)}).status_code == 429


@real
def test_a_right_code_clears_the_failures():
    from axes.models import AccessAttempt

    user, device = with_device("reception")
    client = password_login(user)
    for _ in range(4):
        client.post("/admin/two-factor/verify/", {"otp_token": wrong(device)})
    assert AccessAttempt.objects.filter(username=user.email).exists()
    assert client.post("/admin/two-factor/verify/", {"otp_token": code(device)}).status_code == 302
    assert not AccessAttempt.objects.filter(username=user.email).exists()


@real
def test_optional_factor_can_be_turned_off_but_not_by_an_admin():
    user, device = with_device("reception")
    client = password_login(user)
    client.post("/admin/two-factor/verify/", {"otp_token": code(device)})
    client.post("/admin/two-factor/remove/")
    assert not TOTPDevice.objects.filter(user=user).exists()
    admin, admin_device = with_device("admin")
    client = password_login(admin)
    client.post("/admin/two-factor/verify/", {"otp_token": code(admin_device)})
    client.post("/admin/two-factor/remove/")
    assert TOTPDevice.objects.filter(user=admin).exists()


# --- API token ------------------------------------------------------------------------------------


def token_login(email, **extra):
    return APIClient().post("/api/v1/auth/token/", {"email": email, "password": PASSWORD, **extra}, format="json")


def test_api_token_needs_the_code_of_a_user_with_a_device():
    user, device = with_device("reception")
    missing = token_login(user.email)
    assert missing.status_code == 401 and missing.json()["code"] == "otp_required"
    assert missing["WWW-Authenticate"] == "Token"
    bad = token_login(user.email, otp_token=wrong(device))
    assert bad.status_code == 401 and bad.json()["code"] == "otp_invalid"
    assert bad["WWW-Authenticate"] == "Token"
    assert not AuthToken.objects.filter(user=user).exists()
    ok = token_login(user.email, otp_token=code(device))
    assert ok.status_code == 200 and AuthToken.objects.get(user=user).digest == hash_token(ok.json()["token"])


def test_api_token_of_an_admin_without_a_device_requires_enrolment():
    admin = UserFactory(roles=["admin"])
    response = token_login(admin.email)
    assert response.status_code == 403 and response.json()["code"] == "otp_enrolment_required"
    assert not AuthToken.objects.filter(user=admin).exists()


def test_api_token_of_staff_without_a_device_needs_no_code():
    assert token_login(UserFactory(roles=["marketing"]).email).status_code == 200


def test_api_code_guessing_is_bounded_by_axes():
    user, device = with_device("reception")
    statuses = [token_login(user.email, otp_token=wrong(device)).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    locked = token_login(user.email, otp_token=code(device))
    assert locked.status_code == 429 and locked.json()["code"] == "locked_out"


# --- Test helper and development tools ------------------------------------------------------------


def test_force_login_of_an_admin_is_verified_by_the_test_helper():
    client = Client()
    client.force_login(UserFactory(roles=["admin"]))
    assert client.get("/admin/").status_code == 200


def test_totp_code_prints_the_current_code_in_development_only(settings):
    user, device = with_device("admin")
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("totp_code", user.email)
    settings.DEBUG = True
    out = io.StringIO()
    call_command("totp_code", user.email, stdout=out)
    assert out.getvalue().strip() == code(device)
