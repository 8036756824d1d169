"""PostgreSQL drops the connection: a merge half-way leaves both patients untouched, and the API
answers 503 ``database_unavailable`` instead of a server error."""

import pytest
from django.db import InterfaceError, OperationalError, connection, connections
from rest_framework.test import APIClient

from erp.clinical import services
from erp.clinical.models import Consent, Encounter, Patient
from erp.clinical.tests.factories import EncounterFactory, PatientFactory
from erp.core.tests.factories import UserFactory
from erp.ops.models import AuditLog
from erp.testing.faults import run_and_kill_midway

pytestmark = pytest.mark.django_db(transaction=True)


def test_patient_merge_connection_lost_after_moving_rows_leaves_both_patients_untouched():
    actor = UserFactory(role="practitioner")
    survivor = PatientFactory(first_name="Zoé", last_name="Garnier")
    merged = PatientFactory(first_name="Zoe", last_name="Garnier")
    encounters = [EncounterFactory(patient=merged), EncounterFactory(patient=merged)]
    services.consent_grant(patient=merged, consent_type="newsletter", actor=actor)
    audit_before = AuditLog.objects.count()

    # The encounters and consents are already moved in the transaction when the merged patient's
    # own row is written: that statement meets the dead connection.
    outcome = run_and_kill_midway(
        lambda: services.patient_merge(survivor=survivor, merged=merged, reason="duplicate", actor=actor),
        before=r'^UPDATE "clinical_patient" SET .*"is_merged"',
    )

    assert isinstance(outcome.error, (OperationalError, InterfaceError)), outcome.error
    assert outcome.pause.wrote_before("clinical_encounter")
    assert outcome.pause.wrote_before("clinical_consent")
    merged_row = Patient.all_objects.get(pk=merged.pk)
    assert not merged_row.is_merged and merged_row.merged_into_patient_id is None and not merged_row.merge_reason
    assert Patient.all_objects.get(pk=survivor.pk).updated_at == survivor.updated_at
    assert set(Encounter.all_objects.filter(patient=merged).values_list("pk", flat=True)) == {e.pk for e in encounters}
    assert not Encounter.all_objects.filter(patient=survivor).exists()
    assert Consent.objects.filter(patient=merged).count() == 1
    assert AuditLog.objects.count() == audit_before

    services.patient_merge(survivor=survivor, merged=merged, reason="duplicate", actor=actor)
    assert Patient.all_objects.get(pk=merged.pk).merged_into_patient_id == survivor.pk
    assert Encounter.all_objects.filter(patient=survivor).count() == 2


def test_api_lost_database_connection_is_a_503_with_a_stable_code():
    user = UserFactory(role="reception")
    PatientFactory()
    client = APIClient()
    client.force_authenticate(user)
    assert client.get("/api/v1/patients/").status_code == 200
    pid = connection.connection.info.backend_pid
    killer = connections.create_connection("default")
    try:
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])
    finally:
        killer.close()

    try:
        response = client.get("/api/v1/patients/")
    finally:
        connection.close()

    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert response["Retry-After"] == "5"
    # The next request opens a new connection and works again.
    assert client.get("/api/v1/patients/").status_code == 200


