import pytest
from django.test import Client

from erp.core.models import AppSettings
from erp.core.tests.factories import ClinicLocationFactory, UserFactory

pytestmark = pytest.mark.django_db


def admin_client(*roles: str) -> Client:
    client = Client()
    client.force_login(UserFactory(roles=list(roles)))
    return client


def test_admin_login_page_is_served():
    response = Client().get("/admin/login/")
    assert response.status_code == 200


def test_admin_login_answers_alike_for_wrong_password_and_unknown_email():
    UserFactory(email="alice@clinic.test", roles=["admin"])
    client = Client()
    wrong = client.post("/admin/login/", {"username": "alice@clinic.test", "password": "nope"})
    unknown = client.post("/admin/login/", {"username": "ghost@clinic.test", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 200
    marker = "errornote"
    assert (marker in wrong.content.decode()) == (marker in unknown.content.decode())


def test_admin_sees_and_edits_locations():
    location = ClinicLocationFactory(name="Lyon Bellecour")
    client = admin_client("admin")
    listing = client.get("/admin/clinic/locations/")
    assert listing.status_code == 200 and "Lyon Bellecour" in listing.content.decode()
    assert client.get(f"/admin/clinic/locations/edit/{location.pk}/").status_code == 200


def test_reception_reads_locations_but_cannot_edit_them():
    location = ClinicLocationFactory()
    client = admin_client("reception")
    assert client.get("/admin/clinic/locations/").status_code == 200
    assert client.get(f"/admin/clinic/locations/edit/{location.pk}/").status_code in (302, 403)


def test_settings_row_cannot_be_added_twice_from_the_admin():
    AppSettings.load()
    client = admin_client("admin")
    assert client.get("/admin/clinic/settings/").status_code == 200
    assert client.get("/admin/clinic/settings/new/").status_code in (302, 403)


def test_admin_edits_are_audited_with_the_changed_fields():
    from erp.ops.models import AuditLog

    location = ClinicLocationFactory(name="Lyon", city="Lyon")
    client = admin_client("admin")
    form = {"name": "Lyon Bellecour", "city": "Lyon", "timezone": "Europe/Paris", "is_active": "on",
            "address_line1": "", "postal_code": "", "country_code": "FR"}
    response = client.post(f"/admin/clinic/locations/edit/{location.pk}/", form)
    assert response.status_code == 302
    entry = AuditLog.objects.get(entity_id=location.pk, action="update")
    assert entry.metadata_json["fields_changed"] == ["name"]
