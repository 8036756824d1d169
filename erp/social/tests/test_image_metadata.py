"""An Instagram pack image uploaded through the API lands in the public marketing bucket (S3)
upright and without the phone's EXIF/GPS or XMP; its RGB colour profile is kept."""

import io

import pytest
from PIL import Image, ImageCms
from rest_framework.test import APIClient

from erp.core.tests.factories import UserFactory
from erp.social.models import SocialMediaAsset
from erp.social.tests.factories import upload
from erp.testing.images import RED, SECRETS, XMP, phone_exif, sideways_pixels

pytestmark = pytest.mark.django_db

SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def test_an_uploaded_phone_photo_is_stored_upright_without_metadata(s3_buckets):
    photo = sideways_pixels().resize((1000, 800))  # shown 800 x 1000 (4:5): inside Instagram's limits
    out = io.BytesIO()
    photo.save(out, format="JPEG", quality=92, exif=phone_exif(), xmp=XMP, icc_profile=SRGB)
    client = APIClient()
    client.force_authenticate(UserFactory(role="marketing"))
    body = {"file": upload(out.getvalue(), "IMG_0042.jpg")}
    response = client.post("/api/v1/social/assets/", body, format="multipart")
    assert response.status_code == 201, response.data
    assert (response.data["width"], response.data["height"]) == (800, 1000)
    asset = SocialMediaAsset.objects.get()
    stored = s3_buckets.client.get_object(Bucket=s3_buckets.names["marketing"], Key=asset.object_key)["Body"].read()
    for secret in SECRETS:
        assert secret not in stored
    image = Image.open(io.BytesIO(stored))
    assert len(image.getexif()) == 0 and not image.info.get("xmp")
    assert image.info["icc_profile"] == SRGB
    assert image.size == (800, 1000)
    top_right, top_left = image.getpixel((795, 5)), image.getpixel((5, 5))
    assert all(abs(a - b) < 40 for a, b in zip(top_right, RED, strict=True)), top_right
    assert top_left[2] > 150, top_left  # blue
