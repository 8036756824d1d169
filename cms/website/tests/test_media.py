import io
import pickle

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from cms.website.models import MarketingDocument, MarketingImage

pytestmark = pytest.mark.django_db


def _jpeg() -> ImageFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (640, 480), (20, 90, 120)).save(buffer, "JPEG")
    return ImageFile(buffer, name="promo.jpg")


def test_wagtail_uses_the_marketing_media_models():
    assert get_image_model() is MarketingImage
    assert get_document_model() is MarketingDocument


def test_an_image_with_alt_text_and_language_lands_in_the_marketing_bucket(s3_buckets):
    image = MarketingImage.objects.create(
        title="Promo été", description="Flacon de sérum sur fond bleu", language="fr", file=_jpeg()
    )
    keys = [o["Key"] for o in s3_buckets.client.list_objects_v2(Bucket=s3_buckets.names["marketing"])["Contents"]]
    assert image.file.name in keys
    for private in ("clinical", "documents"):
        assert s3_buckets.client.list_objects_v2(Bucket=s3_buckets.names[private]).get("KeyCount", 0) == 0
    image.refresh_from_db()
    assert (image.language, image.description) == ("fr", "Flacon de sérum sur fond bleu")


def test_the_admin_image_form_asks_for_language_and_requires_alt_text(client):
    from django.contrib.auth.models import Group

    from erp.core.models import User

    marketing = User.objects.create_user(email="mkt@clinic.test", password="pw-secret-123")
    marketing.groups.add(Group.objects.get(name="marketing"))
    image = MarketingImage.objects.create(title="Sans alt", file=_jpeg())
    client.force_login(marketing)
    page = client.get(f"/admin/images/{image.pk}/").content.decode()
    assert 'name="language"' in page
    response = client.post(f"/admin/images/{image.pk}/", {"title": "Sans alt", "description": "", "language": "hy"})
    assert response.status_code == 200  # the form comes back with an error: alt text is required
    image.refresh_from_db()
    assert image.language is None


@pytest.mark.django_db
def test_a_rendition_is_kept_without_its_image_and_read_back_with_the_image_asked(django_assert_num_queries):
    """The cache keeps renditions without a copy of their image (MarketingRendition.__getstate__):
    a rendition read from it is given the image it was looked up for, with no query."""
    from django.core.cache import cache

    from .factories import make_image

    cache.clear()
    image = make_image("Hero", alt="The waiting room")
    rendition = image.get_rendition("fill-80x60")
    kept = pickle.loads(pickle.dumps(rendition))
    assert "image" not in kept._state.fields_cache and kept.image_id == image.pk
    assert kept.file.name == rendition.file.name and (kept.width, kept.height) == (80, 60)
    again = MarketingImage.objects.get(pk=image.pk)
    with django_assert_num_queries(0):
        read = again.get_rendition("fill-80x60")
        assert read.image is again and read.alt == "The waiting room" and read.url == rendition.url
