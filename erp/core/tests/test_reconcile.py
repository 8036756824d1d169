"""reconcile_storage against the moto S3 server: objects without rows, rows without objects, per
bucket, for every kind of stored file; non-zero exit when anything is listed; orphans deleted only
on request and only past the grace period."""

import io
import json

import pytest
from django.core.management import call_command
from PIL import Image
from wagtail.images.tests.utils import get_test_image_file

from cms.website.models import MarketingDocument, MarketingImage, MarketingRendition
from erp.clinical import services as clinical
from erp.clinical.tests.factories import PDF_BYTES, PatientFactory, image_bytes, upload
from erp.core.tests.factories import UserFactory
from erp.social import services as social

pytestmark = pytest.mark.django_db


def _reconcile(*args) -> tuple[int, dict]:
    out = io.StringIO()
    try:
        call_command("reconcile_storage", "--json", *args, stdout=out)
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    return status, {b["bucket"]: b for b in json.loads(out.getvalue())["buckets"]}


def _keys(s3, alias) -> list[str]:
    return sorted(o["Key"] for o in s3.client.list_objects_v2(Bucket=s3.names[alias]).get("Contents", []))


def test_reconcile_storage_lists_both_kinds_of_drift_and_deletes_old_orphans_on_request(
    s3_buckets, django_capture_on_commit_callbacks
):
    doctor = UserFactory(role="practitioner")
    patient = PatientFactory()
    clinical.consent_grant(patient=patient, consent_type="clinical_photos", actor=doctor)
    with django_capture_on_commit_callbacks(execute=True):
        photo = clinical.clinical_photo_upload(patient=patient, upload=upload(image_bytes()), actor=doctor)
    document = clinical.document_upload(patient=patient, upload=upload(PDF_BYTES, "lab.pdf"), actor=doctor)
    out = io.BytesIO()
    Image.new("RGB", (1080, 1080), (10, 20, 30)).save(out, "JPEG")
    social.asset_upload(upload=upload(out.getvalue(), "s.jpg"), actor=None)
    image = MarketingImage.objects.create(title="Promo", description="Un flacon", file=get_test_image_file())
    image.get_rendition("fill-100x100")
    MarketingDocument.objects.create(title="Tarifs", file=upload(PDF_BYTES, "tarifs.pdf"))

    status, report = _reconcile()
    assert status == 0, report
    photo.refresh_from_db()
    assert report["clinical"]["rows"] == 2 and photo.thumbnail_object_key  # photo + thumbnail
    assert report["documents"]["rows"] == 1
    assert report["marketing"]["rows"] == 4  # social image, Wagtail image, its rendition, document
    assert MarketingRendition.objects.count() == 1
    for bucket in report.values():
        assert bucket["objects"] == bucket["rows"]

    # Drift: a stray object in the clinical bucket, a document whose object is gone.
    s3_buckets.client.put_object(Bucket=s3_buckets.names["clinical"], Key="photos/stray.jpg", Body=b"x")
    s3_buckets.client.delete_object(Bucket=s3_buckets.names["documents"], Key=document.object_key)

    status, report = _reconcile()
    assert status == 1
    assert [o["key"] for o in report["clinical"]["objects_without_rows"]] == ["photos/stray.jpg"]
    assert report["clinical"]["rows_without_objects"] == []
    assert report["documents"]["objects_without_rows"] == []
    assert report["documents"]["rows_without_objects"] == [
        {"model": "clinical.document", "pk": str(document.pk), "field": "object_key", "key": document.object_key}
    ]
    assert report["marketing"]["objects_without_rows"] == report["marketing"]["rows_without_objects"] == []

    # The orphan is younger than the default grace period: listed, kept.
    status, report = _reconcile("--delete-orphan-objects")
    assert status == 1 and report["clinical"]["deleted_objects"] == []
    assert "photos/stray.jpg" in _keys(s3_buckets, "clinical")

    status, report = _reconcile("--delete-orphan-objects", "--grace-hours", "0")
    assert report["clinical"]["deleted_objects"] == ["photos/stray.jpg"]
    assert "photos/stray.jpg" not in _keys(s3_buckets, "clinical")
    # Rows are never touched: the document without object is still listed until someone acts.
    status, report = _reconcile()
    assert status == 1 and len(report["documents"]["rows_without_objects"]) == 1


def test_reconcile_storage_human_output_names_the_bucket_and_the_drift(s3_buckets):
    s3_buckets.client.put_object(Bucket=s3_buckets.names["marketing"], Key="original_images/lost.jpg", Body=b"x")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("reconcile_storage", stdout=out)
    assert exit_.value.code == 1
    assert "[marketing] 1 object(s), 0 row reference(s)" in out.getvalue()
    assert "object without row: original_images/lost.jpg" in out.getvalue()
