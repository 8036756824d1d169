import re
import time

import pytest
from django.core import mail, signing
from django.test import Client
from rest_framework.test import APIClient

from erp.core.services import email_confirmation_token, user_email_confirmation_send
from erp.core.tests.factories import UserFactory
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db


def _link_from_mail() -> str:
    return re.search(r"https?://\S+", mail.outbox[-1].body).group(0)


def test_following_the_link_confirms_the_address():
    user = UserFactory(email_confirmed=False)
    link = user_email_confirmation_send(user=user, base_url="http://testserver")
    assert mail.outbox[-1].to == [user.email] and _link_from_mail() == link

    response = Client().get(link.removeprefix("http://testserver"))
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.email_confirmed is True
    assert AuditLog.objects.filter(entity_id=user.pk, action="update").count() == 1
    # Following it again is harmless.
    assert Client().get(link.removeprefix("http://testserver")).status_code == 200


def test_api_confirmation_with_a_valid_token():
    user = UserFactory(email_confirmed=False)
    response = APIClient().post("/api/v1/auth/confirm-email/", {"token": email_confirmation_token(user)})
    assert response.status_code == 200
    assert response.json() == {"email": user.email, "email_confirmed": True}


def test_an_expired_link_is_refused(settings, monkeypatch):
    settings.EMAIL_CONFIRMATION_MAX_AGE = 60
    user = UserFactory(email_confirmed=False)
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 3600)  # signed an hour ago
    token = email_confirmation_token(user)
    monkeypatch.setattr(signing.time, "time", real_time)

    response = APIClient().post("/api/v1/auth/confirm-email/", {"token": token})
    assert response.status_code == 400 and response.json()["code"] == "confirmation_expired"
    user.refresh_from_db()
    assert user.email_confirmed is False


def test_a_tampered_link_is_refused():
    user = UserFactory(email_confirmed=False)
    token = email_confirmation_token(user)
    other = UserFactory()
    forged = signing.dumps({"u": str(other.pk), "e": other.email}, salt="erp.core.email-confirmation", key="guess")
    for bad in (token[:-2] + "xx", forged, "nonsense"):
        response = APIClient().post("/api/v1/auth/confirm-email/", {"token": bad})
        assert response.status_code == 400 and response.json()["code"] == "confirmation_invalid"
    assert Client().get(f"/accounts/confirm-email/{token[:-2]}xx/").status_code == 400
    user.refresh_from_db()
    assert user.email_confirmed is False


def test_a_link_dies_when_the_address_changes():
    user = UserFactory(email_confirmed=False)
    token = email_confirmation_token(user)
    user.email = "new-address@clinic.test"
    user.save()
    response = APIClient().post("/api/v1/auth/confirm-email/", {"token": token})
    assert response.status_code == 400


def test_creating_a_user_sends_the_confirmation_and_admins_can_resend(django_capture_on_commit_callbacks):
    admin = APIClient()
    admin.force_authenticate(UserFactory(roles=["admin"]))
    with django_capture_on_commit_callbacks(execute=True):
        created = admin.post("/api/v1/users/", {"email": "fresh@clinic.test", "roles": ["reception"]}, format="json")
    assert created.status_code == 201
    assert mail.outbox[-1].to == ["fresh@clinic.test"]
    resend = admin.post(f"/api/v1/users/{created.json()['id']}/send-confirmation/")
    assert resend.status_code == 202 and len(mail.outbox) == 2


def test_has_permission_answers_from_the_roles():
    reception = UserFactory(roles=["reception"])
    assert reception.has_permission("core.view_cliniclocation") is True
    assert reception.has_permission("core.change_appsettings") is False
    reception.is_active = False
    assert reception.has_permission("core.view_cliniclocation") is False
