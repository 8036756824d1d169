"""The S3 server down (closed port) or slow (a proxy past the read timeout) during every upload:
the API answers 503 ``storage_unavailable``, the admin shows the refusal, never a 500, and no row is
left without its object (an object left without a row is listed by reconcile_storage)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from PIL import Image
from rest_framework.test import APIClient
from wagtail.models import UploadedFile

from cms.website.models import MarketingDocument, MarketingImage
from erp.clinical import services as clinical_services
from erp.clinical.models import ClinicalPhoto, Document
from erp.clinical.tests.factories import PDF_BYTES, PatientFactory
from erp.core.reconcile import storage_reconcile
from erp.core.tests.factories import UserFactory
from erp.social.models import SocialMediaAsset

pytestmark = pytest.mark.django_db


def _image(size=(1080, 1080), fmt="JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (120, 80, 60)).save(out, format=fmt)
    return out.getvalue()


def _file(data: bytes, name: str, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _api(role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(role=role))
    return client


def _admin(role: str) -> Client:
    client = Client()
    client.force_login(UserFactory(role=role))
    return client


def api_document(patient):
    return _api("practitioner").post(
        "/api/v1/documents/",
        {"file": _file(PDF_BYTES, "lab.pdf", "application/pdf"), "patient": str(patient.pk), "kind": "lab_result"},
        format="multipart",
    )


def api_photo(patient):
    return _api("practitioner").post(
        "/api/v1/photos/", {"file": _file(_image(), "p.jpg", "image/jpeg"), "patient": str(patient.pk)},
        format="multipart",
    )


def api_social_image(patient):
    return _api("marketing").post(
        "/api/v1/social/assets/", {"file": _file(_image(), "s.jpg", "image/jpeg")}, format="multipart"
    )


def admin_document(patient):
    return _admin("practitioner").post(
        f"/admin/clinical/patients/page/{patient.pk}/upload-document/",
        {"file": _file(PDF_BYTES, "lab.pdf", "application/pdf"), "kind": "lab_result", "title": "Bilan"},
        follow=True,
    )


def wagtail_image(patient):
    return _admin("marketing").post(
        "/admin/images/multiple/add/", {"files[]": _file(_image((640, 480)), "promo.jpg", "image/jpeg")}
    )


def wagtail_document(patient):
    return _admin("marketing").post(
        "/admin/documents/multiple/add/", {"files[]": _file(PDF_BYTES, "tarifs.pdf", "application/pdf")}
    )


API_UPLOADS = [api_document, api_photo, api_social_image]
ADMIN_UPLOADS = [admin_document, wagtail_image, wagtail_document]
UPLOAD_POINTS = API_UPLOADS + ADMIN_UPLOADS
# The slow case goes through the same code paths; one Wagtail screen is enough for it.
SLOW_UPLOAD_POINTS = [*API_UPLOADS, admin_document, wagtail_image]


ROWS = (Document, ClinicalPhoto, SocialMediaAsset, MarketingImage, MarketingDocument, UploadedFile)


@pytest.fixture
def patient():
    patient = PatientFactory()
    clinical_services.consent_grant(patient=patient, consent_type="clinical_photos", actor=None)
    return patient


def _objects(s3) -> dict[str, list[str]]:
    return {
        alias: [o["Key"] for o in s3.client.list_objects_v2(Bucket=name).get("Contents", [])]
        for alias, name in s3.names.items()
    }


def _assert_refused(upload, response) -> None:
    # Django's Model.save() marks the enclosing transaction for rollback when the file write in it
    # fails, although no SQL failed; in production that is Wagtail's autocommit, here the test's
    # transaction, which stays usable: unmark it to look for rows.
    transaction.set_rollback(False)
    if upload in API_UPLOADS:
        assert response.status_code == 503, response.content
        assert response.json()["code"] == "storage_unavailable"
        assert response["Retry-After"] == "5"
    elif upload is admin_document:
        assert response.status_code == 200
        assert "Le stockage des fichiers ne répond pas" in response.content.decode()
    else:  # Wagtail's multiple upload: its own "refused file" answer, shown beside the file
        assert response.status_code == 200
        assert response.json() == {
            "success": False,
            "error_message": (
                "Le stockage des fichiers ne répond pas ; rien n'a été enregistré. Réessayez dans un instant."
            ),
            "code": "storage_unavailable",
        }
    for model in ROWS:
        assert not model._base_manager.exists(), model


@pytest.mark.parametrize("upload", UPLOAD_POINTS, ids=lambda f: f.__name__)
def test_upload_with_the_s3_server_down_is_refused_and_leaves_nothing(upload, patient, s3_down):
    response = upload(patient)
    _assert_refused(upload, response)
    assert _objects(s3_down) == {"clinical": [], "documents": [], "marketing": []}


@pytest.mark.parametrize("upload", SLOW_UPLOAD_POINTS, ids=lambda f: f.__name__)
def test_upload_with_a_slow_s3_server_is_refused_and_leaves_no_row_without_object(
    upload, patient, s3_slow, settings
):
    from erp.testing.plugin import _storages_at

    response = upload(patient)
    _assert_refused(upload, response)
    # The object may have reached the bucket before the answer timed out: then it is an object
    # without a row, which reconcile_storage lists (and may delete after the grace period).
    _storages_at(settings, s3_slow.endpoint)
    landed = _objects(s3_slow)
    reports = {r.bucket: r for r in storage_reconcile()}
    for alias, keys in landed.items():
        assert sorted(o.key for o in reports[alias].objects_without_rows) == sorted(keys)
        assert reports[alias].rows_without_objects == []


def test_a_working_bucket_still_takes_every_upload(patient, s3_buckets):
    # The same requests succeed when the server answers: the refusals above are the fault's doing.
    assert api_document(patient).status_code == 201
    assert api_photo(patient).status_code == 201
    assert api_social_image(patient).status_code == 201
    assert Document.objects.count() == 1 and ClinicalPhoto.objects.count() == 1
    assert SocialMediaAsset.objects.count() == 1
