import io

import pytest
from PIL import Image

from erp.social import images
from erp.social.exceptions import AssetRefused
from erp.social.tests.factories import gps_exif, image_bytes


@pytest.mark.parametrize("size", [(320, 320), (1440, 1440), (800, 1000), (1146, 600), (1080, 1350), (1440, 754)])
def test_sizes_just_inside_the_limits_are_accepted(size):
    prepared = images.prepare_image(image_bytes(size))
    assert (prepared.width, prepared.height) == size


@pytest.mark.parametrize(
    ("size", "code"),
    [
        ((319, 319), "asset_width"),
        ((1441, 1441), "asset_width"),
        ((800, 1001), "asset_aspect_ratio"),  # a hair taller than 4:5
        ((1147, 600), "asset_aspect_ratio"),  # a hair wider than 1.91:1
    ],
)
def test_sizes_just_outside_the_limits_are_refused(size, code):
    with pytest.raises(AssetRefused) as error:
        images.prepare_image(image_bytes(size))
    assert error.value.code == code


def test_eight_megabytes_accepted_one_byte_more_refused():
    jpeg = image_bytes((800, 800))
    exactly = jpeg + b"\0" * (images.MAX_BYTES - len(jpeg))  # trailing bytes after EOI
    assert len(exactly) == 8 * 1024 * 1024
    images.prepare_image(exactly)
    with pytest.raises(AssetRefused, match="8 Mo"):
        images.prepare_image(exactly + b"\0")


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "HEIF"])
def test_other_formats_become_jpeg(fmt):
    import pillow_heif

    pillow_heif.register_heif_opener()
    prepared = images.prepare_image(image_bytes((800, 800), fmt=fmt))
    assert prepared.content_type == "image/jpeg"
    assert Image.open(io.BytesIO(prepared.data)).format == "JPEG"


def test_transparent_png_is_flattened_on_white():
    prepared = images.prepare_image(image_bytes((400, 400), fmt="PNG", color=(0, 0, 0, 0), mode="RGBA"))
    assert Image.open(io.BytesIO(prepared.data)).getpixel((10, 10)) >= (250, 250, 250)


def test_exif_and_gps_are_removed():
    original = image_bytes((800, 800), exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the fixture really has GPS
    prepared = images.prepare_image(original)
    result = Image.open(io.BytesIO(prepared.data))
    assert len(result.getexif()) == 0
    assert b"PhoneMaker" not in prepared.data
    assert "exif" not in result.info


def test_orientation_is_applied_before_the_limits():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90: stored 1000x800 is shown 800x1000
    prepared = images.prepare_image(image_bytes((1000, 800), exif=exif))
    assert (prepared.width, prepared.height) == (800, 1000)


def test_not_an_image_is_refused():
    with pytest.raises(AssetRefused) as error:
        images.prepare_image(b"%PDF-1.4 not an image")
    assert error.value.code == "asset_not_image"
