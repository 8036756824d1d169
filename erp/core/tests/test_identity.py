import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory

from erp.core.models import User
from erp.core.roles import CLINIC_ROLES, role_permissions

pytestmark = pytest.mark.django_db


def test_email_login_is_case_insensitive():
    User.objects.create_user(email="Claire.Dubois@Clinic.test", password="a-long-passphrase")
    # Every sign-in passes its request: django-axes counts failures per e-mail and address.
    user = authenticate(RequestFactory().post("/"), email="CLAIRE.DUBOIS@clinic.TEST", password="a-long-passphrase")
    assert user is not None
    assert user.email == "claire.dubois@clinic.test"


def test_email_is_unique_whatever_the_case():
    User.objects.create_user(email="hugo@clinic.test", password="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="HUGO@clinic.test", password="y")


def test_email_uniqueness_is_enforced_by_the_database_even_in_raw_sql():
    User.objects.create_user(email="lea@clinic.test", password="x")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_user (id, email, password, first_name, last_name, email_confirmed, is_active,"
            " is_staff, is_superuser, created_at, updated_at) VALUES (gen_random_uuid(), 'LEA@clinic.test', '',"
            " '', '', false, true, false, false, now(), now())"
        )


def test_wrong_password_and_unknown_email_are_refused_alike():
    User.objects.create_user(email="paul@clinic.test", password="right-password")
    assert authenticate(RequestFactory().post("/"), email="paul@clinic.test", password="wrong") is None
    assert authenticate(RequestFactory().post("/"), email="nobody@clinic.test", password="wrong") is None


@pytest.mark.parametrize("role", CLINIC_ROLES)
def test_each_role_exists_with_its_permissions(role):
    group = Group.objects.get(name=role)
    granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
    expected = role_permissions()[role]
    if "*" in expected:
        assert "core.change_appsettings" in granted and "core.delete_user" in granted
    else:
        assert granted == expected
    assert "wagtailadmin.access_admin" in granted


def test_only_admin_may_change_settings_or_users():
    for role in ("practitioner", "reception", "marketing", "accounting"):
        granted = {p.codename for p in Group.objects.get(name=role).permissions.all()}
        assert "change_appsettings" not in granted
        assert "add_user" not in granted
