import pytest
from django.test import Client
from huey import RedisHuey
from rest_framework.test import APIClient

from erp.core.tests.factories import UserFactory
from erp.testing.plugin import free_port


def test_healthz_answers_without_touching_the_database():
    # No django_db mark: any query would raise "Database access not allowed".
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def admin_client() -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(roles=["admin"]))
    return client


@pytest.mark.django_db
def test_diagnostics_reports_every_dependency_when_all_are_up(s3_buckets):
    response = admin_client().get("/ops/diagnostics")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok" and body["failing"] == []
    assert set(body["checks"]) == {
        "database",
        "bucket:clinical",
        "bucket:documents",
        "bucket:marketing",
        "queue",
        "audit_chain",
    }
    assert body["checks"]["database"]["unapplied_migrations"] == 0
    assert body["languages"] == ["fr", "en", "ru", "uk", "hy", "es"]
    # The round trip cleaned up after itself.
    for name in s3_buckets.names.values():
        assert s3_buckets.client.list_objects_v2(Bucket=name).get("KeyCount", 0) == 0


@pytest.mark.django_db
def test_diagnostics_names_the_buckets_when_the_s3_server_is_stopped(settings, monkeypatch):
    from site.settings.base import bucket_storages

    from erp.testing.plugin import S3TestServer

    server = S3TestServer(free_port()).start()
    monkeypatch.setenv("S3_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("S3_SECRET_ACCESS_KEY", "testing")
    storages = bucket_storages(server.url, settings.MEDIA_ROOT)
    settings.STORAGES = {**settings.STORAGES, **storages}
    server.stop()

    response = admin_client().get("/ops/diagnostics")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["bucket:clinical", "bucket:documents", "bucket:marketing"]
    assert body["checks"]["database"]["ok"] is True
    assert "error" in body["checks"]["bucket:clinical"]


@pytest.mark.django_db
def test_diagnostics_names_the_queue_when_it_is_unreachable(monkeypatch):
    dead = RedisHuey("clinic", url=f"redis://127.0.0.1:{free_port()}/0")
    monkeypatch.setattr("huey.contrib.djhuey.HUEY", dead)
    response = admin_client().get("/ops/diagnostics")
    assert response.status_code == 503
    assert response.json()["failing"] == ["queue"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["practitioner", "reception", "marketing", "accounting"])
def test_diagnostics_is_for_admins_only(role):
    client = APIClient()
    client.force_authenticate(UserFactory(roles=[role]))
    assert client.get("/ops/diagnostics").status_code == 403
    assert APIClient().get("/ops/diagnostics").status_code in (401, 403)


@pytest.mark.django_db
def test_audit_record_keeps_actor_ip_and_user_agent():
    from django.test import RequestFactory

    from erp.ops.audit import AuditRequestMiddleware, audit_record
    from erp.testing.models import Specimen

    actor = UserFactory()
    specimen = Specimen.objects.create(name="audited")
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="pytest-browser")
    entry = AuditRequestMiddleware(lambda request: audit_record(actor=actor, action="view", entity=specimen))(request)
    entry.refresh_from_db()
    assert entry.actor == actor
    assert entry.entity_type == "testing.specimen" and entry.entity_id == specimen.pk
    assert (entry.ip, entry.user_agent, entry.metadata_json) == ("203.0.113.9", "pytest-browser", None)


@pytest.mark.django_db
def test_pages_that_do_not_need_a_bucket_keep_working_when_s3_is_down(settings, monkeypatch):
    import io
    from site.settings.base import bucket_storages

    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    monkeypatch.setenv("S3_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("S3_SECRET_ACCESS_KEY", "testing")
    storages = bucket_storages(f"http://127.0.0.1:{free_port()}", settings.MEDIA_ROOT)  # nothing listens
    settings.STORAGES = {**settings.STORAGES, **storages}

    assert Client().get("/fr/").status_code == 200
    assert Client().get("/healthz").status_code == 200
    assert admin_client().get("/api/v1/me/").status_code == 200
