"""The audit screen (Wagtail admin), its CSV export and the read-only API: administrators only."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from erp.clinical.tests.factories import EncounterFactory, PatientFactory
from erp.core.tests.factories import UserFactory
from erp.ops.audit import audit_client, audit_record
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db

SCREEN = "/admin/ops/audit-log/"
API = "/api/v1/audit-log/"
OTHER_ROLES = ["practitioner", "reception", "marketing", "accounting", "distribution_manager", "distributor"]




@pytest.fixture
def trail():
    """A small trail: two actors, two patients, several entity types and actions."""
    alice = UserFactory(role="practitioner", email="alice@clinic.test")
    bob = UserFactory(role="reception", email="bob@clinic.test")
    nora = PatientFactory(first_name="Nora", last_name="Benali")
    other = PatientFactory(first_name="Paul", last_name="Martin")
    encounter = EncounterFactory(patient=nora)
    with audit_client(ip="203.0.113.5", user_agent="Firefox Édition"):
        audit_record(actor=alice, action="view", entity=nora)
        audit_record(actor=alice, action="update", entity=encounter, metadata={"fields_changed": ["plan"]})
    with audit_client(ip="198.51.100.2", user_agent="=HYPERLINK(1)"):
        audit_record(actor=bob, action="create", entity=other)
    audit_record(actor=None, action="update", entity=other, metadata={"task": "erp.x.tasks.t"})
    return {"alice": alice, "bob": bob, "nora": nora, "other": other, "encounter": encounter}


def admin_client() -> tuple[Client, object]:
    admin = UserFactory(role="admin", email="root@clinic.test")
    client = Client()
    client.force_login(admin)
    return client, admin


def api_client(role: str = "admin") -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(role=role))
    return client


def listed(response) -> list[AuditLog]:
    assert response.status_code == 200
    return list(response.context["object_list"])


def test_admin_screen_lists_newest_first_with_every_column(trail):
    client, _admin = admin_client()
    response = client.get(SCREEN)
    entries = listed(response)
    assert [e.sequence for e in entries] == sorted((e.sequence for e in entries), reverse=True)
    html = response.content.decode()
    for shown in (
        "alice@clinic.test", "203.0.113.5", "Firefox Édition", "plan", "Exporter en CSV",
        f"Consultation {trail['encounter'].pk}", "Modification",  # labels, not ``clinical.encounter``/``update``
    ):
        assert shown in html
    assert not re.search(r"<td[^>]*>\s*(update|view|create)\s*</td>", html)
    for name in ("actor", "patient", "entity_type", "action", "timestamp_after", "timestamp_before"):
        assert f'name="{name}"' in html, name  # the screen's filters use the API's parameter names


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (lambda t: {"actor": t["alice"].pk}, lambda t: {("view", t["nora"].pk), ("update", t["encounter"].pk)}),
        (lambda t: {"system": "true"}, lambda t: {("update", t["other"].pk)}),
        (lambda t: {"action": "create"}, lambda t: {("create", t["other"].pk)}),
        (lambda t: {"entity_type": "clinical.encounter"}, lambda t: {("update", t["encounter"].pk)}),
        (
            lambda t: {"patient": str(t["nora"].pk)},
            lambda t: {("view", t["nora"].pk), ("update", t["encounter"].pk)},
        ),
        (lambda t: {"patient": "benali"}, lambda t: {("view", t["nora"].pk), ("update", t["encounter"].pk)}),
        (
            lambda t: {"patient": "Martin", "action": "update"},
            lambda t: {("update", t["other"].pk)},
        ),
    ],
    ids=["actor", "system", "action", "entity", "patient-id", "patient-name", "patient-and-action"],
)
def test_filters_same_on_the_screen_and_the_api(trail, params, expected):
    query, want = params(trail), expected(trail)
    client, _admin = admin_client()
    on_screen = {(e.action, e.entity_id) for e in listed(client.get(SCREEN, query)) if e.entity_type != "ops.auditlog"}
    assert on_screen == want
    body = api_client().get(API, query).json()
    assert {(e["action"], e["entity_id"]) for e in body["results"]} == {(a, str(i)) for a, i in want}


def test_date_range_filter(trail):
    today = timezone.localdate()
    client, _admin = admin_client()
    day = {"timestamp_after": today.isoformat(), "timestamp_before": today.isoformat()}
    assert len(listed(client.get(SCREEN, day))) == AuditLog.objects.count()
    tomorrow = {"timestamp_after": (today + timedelta(days=1)).isoformat()}
    assert listed(client.get(SCREEN, tomorrow)) == []
    assert api_client().get(API, tomorrow).json()["count"] == 0
    yesterday = {"timestamp_before": (today - timedelta(days=1)).isoformat()}
    assert api_client().get(API, yesterday).json()["count"] == 0


def test_bad_filter_values_are_a_400_on_the_api(trail):
    client = api_client()
    for query in ({"action": "rewrite"}, {"actor": "not-a-user"}, {"timestamp_after": "yesterday"}):
        response = client.get(API, query)
        assert response.status_code == 400, (query, response.content)


def test_csv_export_streams_the_filtered_entries_and_is_itself_audited(trail):
    client, admin = admin_client()
    response = client.get(SCREEN, {"patient": str(trail["other"].pk), "export": "csv"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    assert rows[0][:4] == ["Séquence", "Heure (UTC)", "Auteur", "Action"]
    body = rows[1:]
    assert [(r[2], r[3], r[5]) for r in body] == [
        ("system", "update", str(trail["other"].pk)),
        ("bob@clinic.test", "create", str(trail["other"].pk)),
    ]
    assert body[1][8] == "'=HYPERLINK(1)"  # a formula in a user agent stays text in a spreadsheet
    export = AuditLog.objects.order_by("-sequence").first()
    assert (export.actor, export.action, export.entity_type) == (admin, "export", "ops.auditlog")
    assert export.metadata_json == {"format": "csv", "filters": {"patient": str(trail["other"].pk)}, "rows": 2}


def test_csv_keeps_non_ascii_text(trail):
    client, _admin = admin_client()
    response = client.get(SCREEN, {"actor": trail["alice"].pk, "export": "csv"})
    assert "Firefox Édition" in b"".join(response.streaming_content).decode("utf-8")


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_are_refused_on_the_screen_the_export_and_the_api(trail, role):
    user = UserFactory(role=role, email=f"{role}@clinic.test")
    client = Client()
    client.force_login(user)
    before = AuditLog.objects.count()
    for params in ({}, {"export": "csv"}):
        response = client.get(SCREEN, params)
        assert response.status_code in (302, 403)
        assert b"alice@clinic.test" not in response.content and not response.streaming
    assert AuditLog.objects.count() == before  # no export happened
    assert api_client(role).get(API).status_code == 403
    assert APIClient().get(API).status_code in (401, 403)


def test_the_admin_cannot_add_edit_or_delete_entries(trail):
    client, _admin = admin_client()
    entry = AuditLog.objects.first()
    for url in (f"{SCREEN}new/", f"{SCREEN}edit/{entry.pk}/", f"{SCREEN}delete/{entry.pk}/"):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    assert client.get(f"{SCREEN}inspect/{entry.pk}/").status_code == 200
    api = api_client()
    assert api.post(API, {}).status_code == 405
    assert api.delete(f"{API}{entry.pk}/").status_code == 405
    assert api.patch(f"{API}{entry.pk}/", {}).status_code == 405
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def write_entries(count: int) -> None:
    users = [UserFactory(role="practitioner", email=f"doc{AuditLog.objects.count()}-{i}@clinic.test") for i in range(3)]
    for i in range(count):
        patient = PatientFactory()
        audit_record(actor=users[i % 3], action="view", entity=patient, metadata={"fields_changed": ["x"]})


def test_no_n_plus_one_on_the_screen_and_the_api():
    client, _admin = admin_client()
    api = api_client()
    counts = []
    for total in (3, 30):
        write_entries(total - AuditLog.objects.count() if AuditLog.objects.count() < total else 0)
        with CaptureQueriesContext(connection) as screen:
            assert len(listed(client.get(SCREEN))) >= total
        with CaptureQueriesContext(connection) as listing:
            assert api.get(API).json()["count"] >= total
        counts.append((len(screen), len(listing)))
    assert counts[0] == counts[1]


def test_the_api_is_in_the_openapi_schema_with_its_serializer():
    schema = api_client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/audit-log/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"actor", "patient", "entity_type", "action", "timestamp_after", "timestamp_before", "page"} <= names
    entry = schema["components"]["schemas"]["AuditLog"]["properties"]
    wanted = {"actor", "actor_email", "action", "entity_type", "entity_id", "patient_id", "ip", "user_agent"}
    assert wanted <= set(entry)
    assert entry["fields_changed"]["type"] == "array"
    assert "post" not in schema["paths"]["/api/v1/audit-log/"]


@pytest.mark.parametrize("agent", ["=1+1", "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "\n=1"])
def test_csv_export_neutralises_each_formula_prefix_and_keeps_numbers(agent):
    patient = PatientFactory()
    with audit_client(ip="198.51.100.2", user_agent=agent):
        audit_record(actor=None, action="view", entity=patient)
    client, _admin = admin_client()
    response = client.get(SCREEN, {"patient": str(patient.pk), "export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    assert rows[1][8] == "'" + agent
    assert rows[1][0] == str(AuditLog.objects.get(patient_id=patient.pk, action="view").sequence)
