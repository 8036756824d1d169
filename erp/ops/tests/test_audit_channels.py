"""Every write, read of patient data and export writes exactly one audit entry, through the one
mechanism, from each channel: the API, the Wagtail admin and the background tasks."""

import importlib
import importlib.util
from datetime import timedelta

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from rest_framework.test import APIClient

from erp.clinical.models import Patient
from erp.clinical.tests.factories import EncounterFactory, PatientFactory, image_bytes, upload
from erp.core.tests.factories import ClinicLocationFactory, UserFactory
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db

CLIENT = {"REMOTE_ADDR": "198.51.100.7", "HTTP_USER_AGENT": "Mozilla/5.0 (audit test) Édition"}


def new_entries(since: int):
    return list(AuditLog.objects.filter(sequence__gt=since).select_related("actor").order_by("sequence"))


def head() -> int:
    return AuditLog.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0


def assert_one(entries, *, actor, action, entity, patient_id=None):
    assert len(entries) == 1, [(e.action, e.entity_type) for e in entries]
    entry = entries[0]
    assert entry.actor == actor
    assert (entry.action, entry.entity_type, entry.entity_id) == (action, entity._meta.label_lower, entity.pk)
    assert entry.patient_id == patient_id
    if actor is not None:
        assert (entry.ip, entry.user_agent) == (CLIENT["REMOTE_ADDR"], CLIENT["HTTP_USER_AGENT"])
    return entry


# --- API -----------------------------------------------------------------------------------------


def test_api_create_update_view_delete_each_write_one_entry():
    admin = UserFactory(role="admin")
    client = APIClient(**CLIENT)
    client.force_authenticate(admin)

    start = head()
    created = client.post("/api/v1/patients/", {"first_name": "Lina", "last_name": "Haddad", "country_code": "FR"})
    assert created.status_code == 201, created.json()
    patient = Patient.objects.get(pk=created.json()["id"])
    assert_one(new_entries(start), actor=admin, action="create", entity=patient, patient_id=patient.pk)

    start = head()
    url = f"/api/v1/patients/{patient.pk}/"
    changed = client.patch(url, {"city": "Lyon", "last_name": "Haddad"}, HTTP_IF_MATCH=created["ETag"])
    assert changed.status_code == 200, changed.json()
    entry = assert_one(new_entries(start), actor=admin, action="update", entity=patient, patient_id=patient.pk)
    assert entry.fields_changed == ["city"]

    start = head()
    assert client.get(url).status_code == 200
    assert_one(new_entries(start), actor=admin, action="view", entity=patient, patient_id=patient.pk)

    start = head()
    assert client.delete(url, HTTP_IF_MATCH=client.get(url)["ETag"]).status_code == 204
    entries = [e for e in new_entries(start) if e.action != "view"]  # the GET for the ETag is a read
    assert_one(entries, actor=admin, action="delete", entity=patient, patient_id=patient.pk)


def test_api_entries_about_a_patients_records_name_the_patient():
    admin = UserFactory(role="admin")
    encounter = EncounterFactory()
    client = APIClient(**CLIENT)
    client.force_authenticate(admin)
    start = head()
    assert client.get(f"/api/v1/encounters/{encounter.pk}/").status_code == 200
    assert_one(new_entries(start), actor=admin, action="view", entity=encounter, patient_id=encounter.patient_id)


def test_api_failing_operation_writes_no_entry():
    """The delete is audited first, then refused by the database: both roll back together."""
    admin = UserFactory(role="admin")
    location = ClinicLocationFactory()
    EncounterFactory(location=location)  # PROTECT: the location cannot go
    client = APIClient(**CLIENT)
    client.force_authenticate(admin)
    url = f"/api/v1/locations/{location.pk}/"
    etag = client.get(url)["ETag"]
    start = head()
    refused = client.delete(url, HTTP_IF_MATCH=etag)
    assert refused.status_code == 409, refused.content
    assert new_entries(start) == []


# --- Admin ---------------------------------------------------------------------------------------


def form_data(form) -> dict:
    """What the browser would post back for an unchanged form."""
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = getattr(value, "pk", value)
    return data


def test_admin_edit_of_a_patient_writes_one_update_entry_with_the_changed_fields():
    admin = UserFactory(role="admin")
    patient = PatientFactory(first_name="Nora", last_name="Benali", city="Paris")
    client = Client(**CLIENT)
    client.force_login(admin)
    url = f"/admin/clinical/patients/edit/{patient.pk}/"
    form = client.get(url).context["form"]
    data = {**form_data(form), "city": "Marseille"}

    start = head()
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    entry = assert_one(new_entries(start), actor=admin, action="update", entity=patient, patient_id=patient.pk)
    assert entry.fields_changed == ["city"]


def test_admin_create_and_edit_through_the_shared_audited_views():
    admin = UserFactory(role="admin")
    client = Client(**CLIENT)
    client.force_login(admin)
    location = ClinicLocationFactory(name="Rive gauche")
    url = f"/admin/clinic/locations/edit/{location.pk}/"
    data = {**form_data(client.get(url).context["form"]), "city": "Nice"}
    start = head()
    assert client.post(url, data).status_code == 302
    entry = assert_one(new_entries(start), actor=admin, action="update", entity=location)
    assert entry.fields_changed == ["city"]


def test_admin_failing_delete_writes_no_entry():
    admin = UserFactory(role="admin")
    location = ClinicLocationFactory()
    EncounterFactory(location=location)
    client = Client(**CLIENT)
    client.force_login(admin)
    start = head()
    response = client.post(f"/admin/clinic/locations/delete/{location.pk}/")
    assert response.status_code == 302
    assert new_entries(start) == []


# --- Tasks ---------------------------------------------------------------------------------------


def test_every_task_names_itself_in_its_entries():
    """A task added without ``@audited_task`` would write system entries nobody can trace."""
    for app_config in apps.get_app_configs():
        if importlib.util.find_spec(f"{app_config.name}.tasks") is not None:
            importlib.import_module(f"{app_config.name}.tasks")
    ours = [name for name in HUEY._registry._registry if name.startswith(("erp.", "cms."))]
    assert ours, "no task registered"
    for name in ours:
        module, _dot, attribute = name.rpartition(".")
        wrapper = getattr(importlib.import_module(module), attribute)
        assert getattr(wrapper.func, "audit_task_name", None) == name, name


def test_fiscal_closing_task_writes_one_system_entry_per_closing_naming_the_task():
    from erp.commerce.models import FiscalClosing
    from erp.commerce.tasks import fiscal_closings_task

    start = head()
    fiscal_closings_task()  # huey runs it at once in the tests
    # Yesterday is closed; on the first of a month (and of a year) that month (and year) too.
    closings = list(FiscalClosing.objects.order_by("created_at"))
    assert FiscalClosing.objects.filter(period_type="day", period_start=timezone.localdate() - timedelta(days=1))
    assert len(closings) == 1 + (timezone.localdate().day == 1) + (timezone.localdate().timetuple().tm_yday == 1)
    entries = [e for e in new_entries(start) if e.entity_type == "commerce.fiscalclosing"]
    assert sorted(e.entity_id for e in entries) == sorted(c.pk for c in closings)
    for closing in closings:
        entry = assert_one([e for e in entries if e.entity_id == closing.pk], actor=None, action="create",
                           entity=closing)  # fmt: skip
        assert entry.metadata_json["task"] == "erp.commerce.tasks.fiscal_closings_task"
        assert entry.ip is None and entry.user_agent == ""


def test_a_management_command_writes_its_entry_without_an_address(tmp_path):
    from django.core.management import call_command

    start = head()
    call_command("export_fec", "--year", "2001", "--output-dir", str(tmp_path))
    (entry,) = new_entries(start)
    assert (entry.actor, entry.metadata_json["channel"]) == (None, "command")
    assert entry.ip is None and entry.user_agent == ""


def test_thumbnail_task_writes_one_system_update_about_the_patient(s3_buckets, django_capture_on_commit_callbacks):
    from erp.clinical import services
    from erp.clinical.models import ClinicalPhoto

    doctor = UserFactory(role="practitioner")
    patient = PatientFactory()
    services.consent_grant(patient=patient, consent_type="clinical_photos", actor=doctor)
    start = head()
    with django_capture_on_commit_callbacks(execute=True):
        photo = services.clinical_photo_upload(
            patient=patient, upload=upload(image_bytes()), actor=doctor, metadata={"body_area": "cheek"}
        )
    photo = ClinicalPhoto.all_objects.get(pk=photo.pk)
    assert photo.thumbnail_object_key
    entries = new_entries(start)
    assert [(e.action, e.actor) for e in entries] == [("create", doctor), ("update", None)]
    entry = entries[1]
    assert (entry.entity_id, entry.patient_id) == (photo.pk, patient.pk)
    assert entry.fields_changed == ["thumbnail_object_key"]
    assert entry.metadata_json["task"] == "erp.clinical.tasks.make_photo_thumbnail"
