"""A phone photo uploaded through the Wagtail admin reaches the public marketing bucket upright and
without its EXIF/GPS and XMP, as do its renditions: on the local folder and on S3 (moto)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from wagtail.models import UploadedFile

from cms.website.models import MarketingImage
from erp.core.tests.factories import UserFactory
from erp.testing.images import UPRIGHT_SIZE, assert_clean_and_upright, phone_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketer_client():
    client = Client()
    client.force_login(UserFactory(role="marketing", email="mkt-exif@clinic.test"))
    return client


def _photo(name: str = "IMG_0042.jpg", fmt: str = "JPEG", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, phone_photo(fmt), content_type=content_type)


def _stored(storage, name: str) -> bytes:
    with storage.open(name, "rb") as handle:
        return handle.read()


def _assert_image_and_renditions_clean(image: MarketingImage, s3=None) -> None:
    """The original and a JPEG and a WebP rendition, read back from the bucket itself."""
    assert (image.width, image.height) == UPRIGHT_SIZE
    original = _stored(image.file.storage, image.file.name)
    assert image.file_size == len(original)
    assert_clean_and_upright(original)
    for spec, size in (("width-150", (150, 200)), ("width-150|format-webp", (150, 200))):
        rendition = image.get_rendition(spec)
        assert (rendition.width, rendition.height) == size
        assert_clean_and_upright(_stored(rendition.file.storage, rendition.file.name), size=size)
    if s3 is not None:
        keys = [o["Key"] for o in s3.client.list_objects_v2(Bucket=s3.names["marketing"])["Contents"]]
        assert image.file.name in keys and len(keys) == 3  # the original and its two renditions
        for key in keys:
            assert_clean_and_upright(
                s3.client.get_object(Bucket=s3.names["marketing"], Key=key)["Body"].read(),
                size=UPRIGHT_SIZE if key == image.file.name else (150, 200),
            )


@pytest.mark.parametrize("in_memory", [True, False])
def test_an_image_added_in_the_admin_is_stored_upright_without_metadata(marketer_client, settings, in_memory):
    """Also when Django keeps the upload in a temporary file, which the local storage moves."""
    if not in_memory:
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    response = marketer_client.post(
        "/admin/images/add/", {"title": "Cabinet", "description": "La salle d'attente", "file": _photo()}
    )
    assert response.status_code == 302, response.content[:2000]
    _assert_image_and_renditions_clean(MarketingImage.objects.get())


def test_an_image_added_in_the_admin_is_clean_in_the_s3_bucket(marketer_client, s3_buckets):
    response = marketer_client.post(
        "/admin/images/add/", {"title": "Cabinet", "description": "La salle d'attente", "file": _photo()}
    )
    assert response.status_code == 302
    _assert_image_and_renditions_clean(MarketingImage.objects.get(), s3=s3_buckets)


def test_the_multiple_uploader_keeps_a_clean_file_while_the_alt_text_is_missing(marketer_client, s3_buckets):
    """Without alt text Wagtail keeps the upload as an ``UploadedFile`` in the public bucket until
    the form is completed: that object is already clean, and so is the image made from it."""
    body = marketer_client.post("/admin/images/multiple/add/", {"files[]": _photo()}).json()
    assert body["success"] is True and "uploaded_file_id" in body, body
    waiting = UploadedFile.objects.get()
    keys = [o["Key"] for o in s3_buckets.client.list_objects_v2(Bucket=s3_buckets.names["marketing"])["Contents"]]
    assert keys == [waiting.file.name]
    kept = s3_buckets.client.get_object(Bucket=s3_buckets.names["marketing"], Key=keys[0])["Body"].read()
    assert_clean_and_upright(kept)
    prefix = f"uploaded-image-{waiting.pk}"
    done = marketer_client.post(
        f"/admin/images/multiple/create_from_uploaded_image/{waiting.pk}/",
        {f"{prefix}-title": "Cabinet", f"{prefix}-description": "La salle d'attente", f"{prefix}-collection": "1"},
    ).json()
    assert done["success"] is True, done
    _assert_image_and_renditions_clean(MarketingImage.objects.get())


def test_a_new_file_given_on_edit_is_clean_too(marketer_client):
    added = marketer_client.post(
        "/admin/images/add/", {"title": "Cabinet", "description": "La salle", "file": _photo()}
    )
    assert added.status_code == 302
    image = MarketingImage.objects.get()
    edited = marketer_client.post(
        f"/admin/images/{image.pk}/",
        {"title": "Cabinet", "description": "La salle", "file": _photo("IMG_0043.png", "PNG", "image/png")},
    )
    assert edited.status_code == 302, edited.content[:2000]
    image.refresh_from_db()
    assert image.file.name.endswith(".png")
    _assert_image_and_renditions_clean(image)


def test_an_image_uploaded_from_the_chooser_is_clean(marketer_client):
    response = marketer_client.post(
        "/admin/images/chooser/create/",
        {"image-chooser-upload-title": "Cabinet", "image-chooser-upload-description": "La salle",
         "image-chooser-upload-collection": "1", "image-chooser-upload-file": _photo()},
    )
    assert response.status_code == 200 and response.json()["step"] == "chosen", response.content[:2000]
    _assert_image_and_renditions_clean(MarketingImage.objects.get())


def test_a_clean_upload_is_stored_byte_for_byte(marketer_client):
    """Nothing to strip: the file is not re-encoded."""
    out = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (320, 240), (20, 60, 200)).save(out, format="PNG")
    data = out.getvalue()
    response = marketer_client.post(
        "/admin/images/add/",
        {"title": "Bleu", "description": "Un carré bleu", "file": SimpleUploadedFile("b.png", data, "image/png")},
    )
    assert response.status_code == 302
    image = MarketingImage.objects.get()
    assert _stored(image.file.storage, image.file.name) == data


def test_images_stored_before_the_rule_are_rewritten_by_the_command(s3_buckets, django_capture_on_commit_callbacks):
    """``manage.py strip_image_metadata``: a new clean object, the old one and its renditions gone,
    renditions made again from the clean file; a second run changes nothing."""
    from django.core.files.images import ImageFile
    from django.core.management import call_command

    old = MarketingImage(title="Avant", description="Une photo d'avant")
    old.file = ImageFile(io.BytesIO(phone_photo()), name="IMG_0001.jpg")  # as stored before the rule
    old.save()
    old_rendition = old.get_rendition("width-150").file.name
    untouched = MarketingImage(title="Propre", description="Un carré")
    out = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (320, 240), (20, 60, 200)).save(out, format="PNG")
    untouched.file = ImageFile(io.BytesIO(out.getvalue()), name="propre.png")
    untouched.save()
    marketing = s3_buckets.names["marketing"]

    def keys():
        return {o["Key"] for o in s3_buckets.client.list_objects_v2(Bucket=marketing).get("Contents", [])}

    assert {old.file.name, old_rendition, untouched.file.name} == keys()
    output = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("strip_image_metadata", stdout=output)
    assert "1 image(s) rewritten" in output.getvalue()
    image = MarketingImage.objects.get(pk=old.pk)
    assert image.file.name != old.file.name and image.renditions.count() == 0
    assert keys() == {image.file.name, untouched.file.name}  # the old original and rendition are gone
    assert MarketingImage.objects.get(pk=untouched.pk).file.name == untouched.file.name
    _assert_image_and_renditions_clean(image)
    from wagtail.utils.file import hash_filelike

    assert image.file_hash == hash_filelike(io.BytesIO(_stored(image.file.storage, image.file.name)))
    again = io.StringIO()
    call_command("strip_image_metadata", stdout=again)
    assert "0 image(s) rewritten" in again.getvalue()


def test_a_deleted_image_leaves_the_s3_bucket_with_its_renditions(s3_buckets, django_capture_on_commit_callbacks):
    """Wagtail deletes the files in a task given the storage's options as JSON: the marketing
    bucket's options are plain values (a botocore Config made this a TypeError after commit)."""
    from cms.website.tests.factories import make_image

    image = make_image("Adieu", alt="Une image supprimée")
    image.get_rendition("width-150")
    marketing = s3_buckets.names["marketing"]
    assert s3_buckets.client.list_objects_v2(Bucket=marketing)["KeyCount"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert s3_buckets.client.list_objects_v2(Bucket=marketing)["KeyCount"] == 0
