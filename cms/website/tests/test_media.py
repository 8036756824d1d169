import io
import pickle

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from cms.website.models import MarketingDocument, MarketingImage
from erp.core.tests.factories import UserFactory

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
    marketing = UserFactory(role="marketing", email="mkt@clinic.test")
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

    from cms.website.tests.factories import make_image

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


PICTURE = (
    '{% picture image format-{webp,jpeg} fill-{40x30,80x60} sizes="30vw" loading="lazy" alt=image.default_alt_text '
    'class="card-image" %}'
)


def _picture(image, *, kept=True) -> str:
    from django.template import engines

    libraries = "wagtailimages_tags website_images" if kept else "wagtailimages_tags"
    return engines["django"].from_string("{% load " + libraries + " %}" + PICTURE).render({"image": image})


@pytest.mark.django_db
def test_a_kept_picture_is_wagtails_and_is_read_back_without_its_renditions(django_assert_num_queries):
    from django.core.cache import cache

    from cms.website.tests.factories import make_image

    cache.clear()
    image = make_image("Laser", alt="A laser")
    html = _picture(image)
    assert html == _picture(image, kept=False) and html.count("<source") == 1 and 'alt="A laser"' in html
    again = MarketingImage.objects.get(pk=image.pk)
    again.get_renditions = None  # not called: the element is kept
    with django_assert_num_queries(0):
        assert _picture(again) == html


@pytest.mark.django_db
def test_a_kept_picture_follows_its_image_and_renditions(monkeypatch):
    """Kept under what it is made of and the image's picture generation (cache.kept_picture): a new
    alt text or focal point, or renditions deleted (their files go), shows at once."""
    from django.core.cache import cache

    from cms.website.tests.factories import make_image

    cache.clear()
    image = make_image("Laser", alt="A laser")
    first = _picture(image)
    image.description = "A laser machine"
    image.save()
    assert 'alt="A laser machine"' in _picture(MarketingImage.objects.get(pk=image.pk))
    image.focal_point_x, image.focal_point_y, image.focal_point_width, image.focal_point_height = 100, 100, 50, 50
    image.save()
    moved = _picture(MarketingImage.objects.get(pk=image.pk))
    assert moved != first and moved == _picture(MarketingImage.objects.get(pk=image.pk), kept=False)
    # Renditions deleted (e.g. purged from the admin): the kept element named their files.
    names = {r.file.name for r in image.renditions.all()}
    assert len(names) == 8  # four before the focal point moved, four after
    image.renditions.all().delete()
    fresh = _picture(MarketingImage.objects.get(pk=image.pk))
    assert {r.file.name for r in image.renditions.all()}.isdisjoint(names)
    assert fresh == _picture(MarketingImage.objects.get(pk=image.pk), kept=False)
    assert all(name not in fresh for name in names)


@pytest.mark.django_db
def test_a_picture_of_an_image_whose_file_is_missing_is_not_kept():
    """Placeholder renditions ("not-found") are not kept: once the file is back, the real picture shows."""
    from django.core.cache import cache

    from cms.website.tests.factories import make_image

    cache.clear()
    image = make_image("Laser", alt="A laser")
    content = image.file.read()
    image.file.close()
    image.file.storage.delete(image.file.name)
    assert "not-found" in _picture(MarketingImage.objects.get(pk=image.pk))
    image.file.storage.save(image.file.name, io.BytesIO(content))
    assert "not-found" not in _picture(MarketingImage.objects.get(pk=image.pk))
