"""The import API and admin screens: upload, columns, preview, dry run, run, status, report, roles."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from erp.clinical.models import ImportJob, ImportStatus, Patient
from erp.clinical.tests.imports_data import patient_line, patients_csv
from erp.core.tests.factories import UserFactory
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def upload(name="patients.csv", data=None):
    return SimpleUploadedFile(name, data or patients_csv([patient_line(1), patient_line(2, phone="12")]), "text/csv")


@pytest.fixture
def desk():
    return UserFactory(role="reception", email="desk@imports.example")


def test_api_upload_preview_dry_run_run_status_and_report(desk, django_capture_on_commit_callbacks):
    api = api_for(desk)
    created = api.post("/api/v1/imports/", {"kind": "patients", "file": upload()}, format="multipart")
    assert created.status_code == 201, created.content
    job = created.json()
    assert job["status"] == "uploaded" and job["total_rows"] == 2 and job["mapping"]["last_name"] == "Nom"
    assert {"name": "last_name", "label": job["field_choices"][1]["label"], "required": True} in job["field_choices"]
    url = f"/api/v1/imports/{job['id']}/"
    preview = api.get(url + "preview/")
    assert preview.status_code == 200
    assert [row["result"]["outcome"] for row in preview.json()] == ["created", "rejected"]
    refused = api.post(url + "run/")
    assert refused.status_code == 409 and refused.json()["code"] == "import_dry_run_required"
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(url + "dry-run/").status_code == 202
    checked = api.get(url).json()
    assert (checked["status"], checked["created_count"], checked["rejected_count"]) == ("checked", 1, 1)
    assert not Patient.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(url + "run/").status_code == 202
    done = api.get(url).json()
    assert (done["status"], done["percent"], done["created_count"]) == ("done", 100, 1)
    assert Patient.objects.count() == 1
    report = api.get(url + "report/")
    assert report.status_code == 200 and report["Content-Type"].startswith("text/csv")
    lines = b"".join(report.streaming_content).decode().splitlines()
    assert len(lines) == 2 and ",12," in lines[1]
    assert AuditLog.objects.filter(entity_type="clinical.importjob", action="export", actor=desk).exists()


def test_api_mapping_change_and_errors(desk):
    api = api_for(desk)
    job = api.post("/api/v1/imports/", {"kind": "patients", "file": upload()}, format="multipart").json()
    url = f"/api/v1/imports/{job['id']}/mapping/"
    bad = api.post(url, {"mapping": {"last_name": "Surname", "first_name": "Prénom"}}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "import_mapping_invalid"
    changed = api.post(url, {"mapping": {**job["mapping"], "notes": "", "city": ""}}, format="json")
    assert changed.status_code == 200 and "city" not in changed.json()["mapping"]
    unreadable = api.post(
        "/api/v1/imports/", {"kind": "patients", "file": upload("x.xlsx", b"PK\x03\x04broken")}, format="multipart"
    )
    assert unreadable.status_code == 422 and unreadable.json()["code"] == "import_file_refused"
    unknown = api.post("/api/v1/imports/", {"kind": "patients", "file": upload(), "owner": "x"}, format="multipart")
    assert unknown.status_code == 400


@pytest.mark.parametrize("role", ["practitioner", "marketing", "accounting"])
def test_api_imports_are_for_reception_and_admins_only(role):
    api = api_for(UserFactory(role=role, email=f"{role}@imports.example"))
    assert api.get("/api/v1/imports/").status_code == 403
    assert api.post("/api/v1/imports/", {"kind": "patients", "file": upload()}, format="multipart").status_code == 403
    assert not ImportJob.objects.exists()


def test_api_job_list_queries_do_not_grow_with_jobs(desk, django_assert_max_num_queries):
    api = api_for(desk)
    for _n in range(3):
        api.post("/api/v1/imports/", {"kind": "patients", "file": upload()}, format="multipart")
    with django_assert_max_num_queries(4):
        assert api.get("/api/v1/imports/").json()["count"] == 3
    for _n in range(6):
        api.post("/api/v1/imports/", {"kind": "patients", "file": upload()}, format="multipart")
    with django_assert_max_num_queries(4):
        assert api.get("/api/v1/imports/").json()["count"] == 9


# --- Admin screens ------------------------------------------------------------------------------


def admin_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_admin_upload_columns_preview_dry_run_then_import(desk, django_capture_on_commit_callbacks):
    client = admin_for(desk)
    index = client.get("/admin/clinical/imports/")
    assert index.status_code == 200
    answer = client.post("/admin/clinical/imports/", {"kind": "patients", "file": upload()})
    job = ImportJob.objects.get()
    assert answer.status_code == 302 and answer["Location"].endswith(f"/admin/clinical/imports/{job.pk}/")
    page = client.get(f"/admin/clinical/imports/{job.pk}/").content.decode()
    assert 'id="import-preview"' in page and "Martin1" in page and "12" in page
    assert 'value="dry_run"' in page and 'value="run"' not in page  # the dry run comes first
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/clinical/imports/{job.pk}/", {"operation": "dry_run"})
    page = client.get(f"/admin/clinical/imports/{job.pk}/").content.decode()
    assert 'id="import-result"' in page and 'value="run"' in page and 'id="import-issues"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/clinical/imports/{job.pk}/", {"operation": "run"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Patient.objects.count() == 1
    status = client.get(f"/admin/clinical/imports/{job.pk}/status/").json()
    assert status == {**status, "busy": False, "percent": 100, "status": "done"}
    report = client.get(f"/admin/clinical/imports/{job.pk}/report/")
    assert report.status_code == 200 and b"12" in b"".join(report.streaming_content)


def test_admin_refuses_a_bad_file_and_other_roles(desk):
    page = admin_for(desk).post("/admin/clinical/imports/", {"kind": "patients", "file": upload("a.pdf", b"%PDF")})
    assert page.status_code == 200 and "CSV" in page.content.decode() and not ImportJob.objects.exists()
    for role in ("practitioner", "marketing", "accounting"):
        other = admin_for(UserFactory(role=role, email=f"{role}@imports-admin.example"))
        assert other.get("/admin/clinical/imports/").status_code in (302, 403)
